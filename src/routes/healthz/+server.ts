import { json } from '@sveltejs/kit';
import { actorOf } from '$lib/server/actor';
import type { RequestHandler } from './$types';

/** Liveness for load balancers and tests: 200 when the database answers, 503 if not (the reason for administrators). */
export const GET: RequestHandler = async ({ locals }) => {
	const health = await locals.runtime.services.status.health(actorOf(locals.user));
	return json(health, {
		status: health.status === 'ok' ? 200 : 503,
		headers: { 'cache-control': 'no-store' }
	});
};
