import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** Liveness for load balancers and tests: 200 when the database answers, 503 with the reason if not. */
export const GET: RequestHandler = async ({ locals }) => {
	const health = await locals.runtime.services.status.health();
	return json(health, {
		status: health.status === 'ok' ? 200 : 503,
		headers: { 'cache-control': 'no-store' }
	});
};
