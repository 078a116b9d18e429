import { fail } from '@sveltejs/kit';
import type { WebhookDeliveryJson } from '$lib/contract/webhooks';
import { actorOf } from '$lib/server/actor';
import { readOrRefuse, toFormFailure } from '$lib/server/edge-errors';
import { webhookIdSchema } from '$lib/server/identifier-schemas';
import { isServiceError } from '$lib/server/service-error';
import { zodSentence } from '$lib/server/zod-sentence';
import type { Actions, PageServerLoad } from './$types';

/** How many of each endpoint's newest deliveries the page shows. */
const DELIVERY_LOG = 20;

/** The endpoint a form names: an id as the server makes them, checked before any service sees it. */
function webhookId(form: FormData) {
	return webhookIdSchema.safeParse(String(form.get('id') ?? ''));
}

/**
 * The registered endpoints with their newest deliveries (`Get-LobbyWebhook`,
 * `Get-LobbyWebhookDelivery`). Never a secret: that is in the answer to `create` alone.
 */
export const load: PageServerLoad = async ({ locals }) => {
	const actor = actorOf(locals.user);
	const webhooks = locals.runtime.services.webhooks;
	return {
		webhooks: await readOrRefuse(async () => {
			const list = await webhooks.list(actor);
			return Promise.all(
				list.map(async (webhook) => ({
					...webhook,
					log: await webhooks.deliveries(actor, webhook.id, DELIVERY_LOG).catch((e: unknown) => {
						// Removed since the list was read (by another administrator): no log to show.
						if (isServiceError(e) && e.code === 'not-found') return [] as WebhookDeliveryJson[];
						throw e;
					})
				}))
			);
		})
	};
};

/** Each action is the service's, which checks the actor and the values and audits the change. */
export const actions: Actions = {
	/** `New-LobbyWebhook`: the answer carries the signing secret, this once. */
	create: async ({ locals, request }) => {
		const form = await request.formData();
		try {
			const { webhook, secret } = await locals.runtime.services.webhooks.create(
				actorOf(locals.user),
				{
					url: String(form.get('url') ?? ''),
					events: form.getAll('events').map(String),
					description: String(form.get('description') ?? '')
				},
				'page'
			);
			return { created: { id: webhook.id, url: webhook.url, secret } };
		} catch (e) {
			return toFormFailure(e);
		}
	},
	/** `Set-LobbyWebhook -Enabled`: nothing is queued for a disabled endpoint. */
	enable: async ({ locals, request }) => {
		const form = await request.formData();
		const id = webhookId(form);
		if (!id.success) return fail(400, { problem: zodSentence(id.error) });
		const enabled = String(form.get('enabled') ?? '');
		if (enabled !== 'true' && enabled !== 'false')
			return fail(400, { problem: 'enabled must be true or false.' });
		try {
			const webhook = await locals.runtime.services.webhooks.update(
				actorOf(locals.user),
				id.data,
				{ enabled: enabled === 'true' },
				'page'
			);
			return { toggled: { url: webhook.url, enabled: webhook.enabled } };
		} catch (e) {
			return toFormFailure(e);
		}
	},
	/** `Test-LobbyWebhook`: a `webhook.test` delivery to this endpoint, sent now. */
	test: async ({ locals, request }) => {
		const form = await request.formData();
		const id = webhookId(form);
		if (!id.success) return fail(400, { problem: zodSentence(id.error) });
		try {
			const delivery = await locals.runtime.services.webhooks.sendTest(actorOf(locals.user), id.data, 'page');
			return { tested: { id: id.data, delivery } };
		} catch (e) {
			return toFormFailure(e);
		}
	},
	/** `Remove-LobbyWebhook`: the endpoint and its delivery log. */
	remove: async ({ locals, request }) => {
		const form = await request.formData();
		const id = webhookId(form);
		if (!id.success) return fail(400, { problem: zodSentence(id.error) });
		try {
			await locals.runtime.services.webhooks.remove(actorOf(locals.user), id.data, 'page');
			return { removed: id.data };
		} catch (e) {
			return toFormFailure(e);
		}
	}
};
