import { readOrRefuse } from '$lib/server/edge-errors';
import { actorOf } from '$lib/server/actor';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const messages = await readOrRefuse(() =>
		locals.runtime.services.mail.list(actorOf(locals.user), { limit: 200 })
	);
	return {
		delivers: locals.runtime.services.mail.delivers,
		messages: messages.map((m) => ({
			id: m.id,
			to: m.toAddress,
			subject: m.subject,
			status: m.status,
			body: m.body,
			attempts: m.attempts,
			lastError: m.lastError,
			createdAt: m.createdAt.toISOString()
		}))
	};
};
