import { apiRoute, created } from '$lib/server/api/api-route';
import { tokenBody } from '$lib/server/api/schemas';

/** Administrators see every token; users their own. */
export const GET = apiRoute({}, async ({ runtime, actor }) => ({
	tokens: await runtime.services.apiTokens.list(actor)
}));

/** A token for the caller themselves, under the one token policy; the secret is in this answer only. */
export const POST = apiRoute({}, async ({ runtime, actor, body, path }) => {
	const input = await body(tokenBody);
	const issued = await runtime.services.apiTokens.issue(actor, input, path);
	return created({ token: issued.token, tokenInfo: issued.view });
});
