import type { Handle } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';

/** Every request reaches the services through the one process-wide runtime. */
export const handle: Handle = async ({ event, resolve }) => {
	event.locals.runtime = await getRuntime();
	return resolve(event);
};
