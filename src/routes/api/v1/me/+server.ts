import { apiRoute } from '$lib/server/api/api-route';

/** Who the token acts for. */
export const GET = apiRoute({}, async ({ runtime, actor, tokenId }) => {
	const user = actor.userId ? await runtime.services.dialInUsers.get(actor, actor.userId) : null;
	return {
		tokenId,
		user: { id: actor.userId, email: actor.email, role: actor.role, displayName: user?.displayName }
	};
});
