import { apiRoute, pathParam } from '$lib/server/api/api-route';
import { webhookIdSchema } from '$lib/server/identifier-schemas';

/** `Test-LobbyWebhook -Identity ID`: sends a `webhook.test` event to this endpoint now. */
export const POST = apiRoute({}, async ({ runtime, actor, event, path }) => ({
	delivery: await runtime.services.webhooks.sendTest(actor, pathParam(event, 'id', webhookIdSchema), path)
}));
