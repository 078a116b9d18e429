import { apiRoute, pathParam } from '$lib/server/api/api-route';
import { webhookDeliveriesQuery } from '$lib/server/api/schemas';
import { webhookIdSchema } from '$lib/server/identifier-schemas';

/** `Get-LobbyWebhookDelivery -Identity ID`: the delivery log, newest first. */
export const GET = apiRoute({ admin: true }, async ({ runtime, actor, event, query }) => {
	const { limit } = query(webhookDeliveriesQuery);
	return {
		deliveries: await runtime.services.webhooks.deliveries(
			actor,
			pathParam(event, 'id', webhookIdSchema),
			limit ?? 50
		)
	};
});
