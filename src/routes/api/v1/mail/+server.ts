import { apiRoute } from '$lib/server/api/api-route';
import { mailQuery } from '$lib/server/api/schemas';

/** The outbox, newest first: what went out, to whom, and whether it was delivered. */
export const GET = apiRoute({ admin: true }, async ({ runtime, actor, query }) => {
	const { limit } = query(mailQuery);
	return { messages: await runtime.services.mail.list(actor, { limit: limit ?? 100 }) };
});
