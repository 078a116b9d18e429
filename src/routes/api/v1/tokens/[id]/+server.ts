import { apiRoute } from '$lib/server/api/api-route';

/** Revokes a token (`current` is the one making the call, for `lobby logout`). */
export const DELETE = apiRoute({}, async ({ runtime, actor, tokenId, path, event }) => {
	const id = event.params.id === 'current' ? tokenId! : event.params.id!;
	return { tokenInfo: await runtime.services.apiTokens.revoke(actor, id, path) };
});
