import { apiRoute, created } from '$lib/server/api/api-route';
import { newWebhookBody } from '$lib/server/api/schemas';

/** `Get-LobbyWebhook`: the registered endpoints, with their deliveries by status. */
export const GET = apiRoute({ admin: true }, async ({ runtime, actor }) => ({
	webhooks: await runtime.services.webhooks.list(actor)
}));

/** `New-LobbyWebhook`: registers an endpoint; the answer carries its signing secret, this once. */
export const POST = apiRoute({}, async ({ runtime, actor, body, path }) =>
	created(await runtime.services.webhooks.create(actor, await body(newWebhookBody), path))
);
