import { apiRoute, pathParam } from '$lib/server/api/api-route';
import { webhookPatchBody } from '$lib/server/api/schemas';
import { webhookIdSchema } from '$lib/server/identifier-schemas';

/** `Get-LobbyWebhook -Identity ID`. */
export const GET = apiRoute({ admin: true }, async ({ runtime, actor, event }) => ({
	webhook: await runtime.services.webhooks.get(actor, pathParam(event, 'id', webhookIdSchema))
}));

/** `Set-LobbyWebhook -Identity ID`: its URL, events, description, or whether it is enabled. */
export const PATCH = apiRoute({}, async ({ runtime, actor, body, event, path }) => {
	const id = pathParam(event, 'id', webhookIdSchema);
	return { webhook: await runtime.services.webhooks.update(actor, id, await body(webhookPatchBody), path) };
});

/** `Remove-LobbyWebhook -Identity ID`: the endpoint and its delivery log. */
export const DELETE = apiRoute({}, async ({ runtime, actor, event, path }) => {
	const id = pathParam(event, 'id', webhookIdSchema);
	await runtime.services.webhooks.remove(actor, id, path);
	return { removed: { id } };
});
