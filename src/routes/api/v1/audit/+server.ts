import { apiRoute } from '$lib/server/api/api-route';
import { auditQuery } from '$lib/server/api/schemas';

/** The audit log, newest first, filtered by action, actor address or target user id. */
export const GET = apiRoute({ admin: true }, async ({ runtime, actor, query }) => {
	const q = query(auditQuery);
	const entries = await runtime.services.audit.list(actor, {
		action: q.action,
		actorEmail: q.actor,
		targetId: q.target,
		limit: q.limit ?? 100
	});
	return { entries };
});
