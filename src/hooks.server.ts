import type { Handle } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';

/**
 * Every request reaches the services through the one process-wide runtime, and carries the
 * signed-in user from its session cookie (null when anonymous).
 */
export const handle: Handle = async ({ event, resolve }) => {
	const runtime = await getRuntime();
	event.locals.runtime = runtime;
	event.locals.user = await runtime.auth.userFor(event.request.headers);
	return resolve(event);
};
