import { apiRoute, pathParam } from '$lib/server/api/api-route';
import { tokenIdSchema } from '$lib/server/identifier-schemas';

/** Revokes a token (`current` is the one making the call, for `lobby logout`). */
export const DELETE = apiRoute({}, async ({ runtime, actor, tokenId, path, event }) => {
	const given = pathParam(event, 'id', tokenIdSchema);
	const id = given === 'current' ? tokenId! : given;
	return { tokenInfo: await runtime.services.apiTokens.revoke(actor, id, path) };
});
