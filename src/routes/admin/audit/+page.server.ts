import { readOrRefuse } from '$lib/server/edge-errors';
import { actorOf } from '$lib/server/actor';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const action = url.searchParams.get('action')?.slice(0, 100) || undefined;
	const actorEmail = url.searchParams.get('actor')?.slice(0, 200) || undefined;
	const entries = await readOrRefuse(() =>
		locals.runtime.services.audit.list(actorOf(locals.user), {
			action,
			actorEmail,
			limit: 500
		})
	);
	return {
		filter: { action: action ?? '', actor: actorEmail ?? '' },
		entries: entries.map((e) => ({
			id: e.id,
			at: e.at.toISOString(),
			actor: e.actorEmail,
			action: e.action,
			target: e.targetEmail,
			path: e.path,
			outcome: e.outcome,
			details: JSON.stringify(e.details)
		}))
	};
};
