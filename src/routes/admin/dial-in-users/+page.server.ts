import { readOrRefuse } from '$lib/server/edge-errors';
import { actorOf } from '$lib/server/actor';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const q = (url.searchParams.get('q') ?? '').slice(0, 100);
	return {
		q,
		users: await readOrRefuse(() => locals.runtime.services.dialInUsers.search(actorOf(locals.user), q))
	};
};
