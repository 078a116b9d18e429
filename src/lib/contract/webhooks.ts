/**
 * Webhooks (status callbacks) as the API, the CLI, the admin center and a receiver see them:
 * the events one can subscribe to, the endpoint and delivery views, and the body every delivery
 * carries (docs/webhooks.md).
 */
import { z } from 'zod';

/** The events a webhook can receive, in the manner of Twilio's status callbacks and Zoom's webhooks. */
export const WEBHOOK_EVENTS = [
	'meeting.started',
	'meeting.ended',
	'lobby.entered',
	'lobby.admitted',
	'participant.joined',
	'participant.left',
	'pin.locked-out'
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** What "Send test event" delivers: only to the endpoint it was asked for. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

/** The headers of every delivery. */
export const WEBHOOK_HEADERS = {
	/** `lobby.entered`, ... */
	event: 'Lobby-Event',
	/** The delivery's id: the same on every retry. */
	delivery: 'Lobby-Delivery',
	/** `meetingId:seq`: the same for the same event, whatever the delivery; dedupe on it. */
	idempotencyKey: 'Idempotency-Key',
	/** Unix seconds when this attempt was signed. */
	timestamp: 'Lobby-Timestamp',
	/** `v1=` and the hex HMAC-SHA256 of `timestamp.body` with the endpoint's secret. */
	signature: 'Lobby-Signature'
} as const;

/** A registered endpoint; its secret is shown once, when made (`secret` in the answer to a create). */
export interface WebhookJson {
	id: string;
	url: string;
	events: WebhookEvent[];
	description: string;
	enabled: boolean;
	createdAt: string;
	/** The last four characters of the secret, to tell which one a receiver holds. */
	secretHint: string;
	/** Deliveries waiting, delivered and given up, over the delivery log. */
	deliveries: { queued: number; delivered: number; failed: number };
}

/** One delivery of the log. */
export interface WebhookDeliveryJson {
	id: string;
	event: string;
	idempotencyKey: string;
	status: 'queued' | 'delivered' | 'failed';
	attempts: number;
	/** The HTTP status of the last answer, or null when there was none. */
	lastStatus: number | null;
	lastError: string | null;
	createdAt: string;
	nextAttemptAt: string | null;
	deliveredAt: string | null;
}

/** A participant as a delivery names one: phone numbers masked as the tenant's MaskPstnNumbersType says. */
export interface WebhookParticipant {
	id: string;
	/** `phone` (dial-in) or `client`. */
	via: 'phone' | 'client';
	displayName: string | null;
	phoneNumber: string | null;
}

/** The body of every delivery (JSON). Never a PIN. */
export interface WebhookPayload {
	/** The event, as subscribed. */
	event: WebhookEvent | typeof WEBHOOK_TEST_EVENT;
	/** The same as the Idempotency-Key header. */
	idempotencyKey: string;
	/** When it happened (ISO 8601). */
	occurredAt: string;
	meeting: { id: string; conferenceId: string; organizer: string } | null;
	/** What the event is about; which fields are there depends on the event (docs/webhooks.md). */
	data: Record<string, unknown>;
}

const eventsSchema = z
	.array(
		z.enum(WEBHOOK_EVENTS, {
			error: (issue) =>
				`No event ${JSON.stringify(issue.input)}: the events are ${WEBHOOK_EVENTS.join(', ')}.`
		})
	)
	.min(1, `Subscribe to at least one event: ${WEBHOOK_EVENTS.join(', ')}.`)
	.refine((list) => new Set(list).size === list.length, 'Name each event once.')
	.describe('The events to receive.');

/** `New-LobbyWebhook`: where, which events, and a note for administrators. */
export const webhookCreateSchema = z.strictObject({
	url: z
		.string()
		.trim()
		.min(1, 'Give the endpoint URL.')
		.max(2048, 'The URL is too long (2,048 characters at most).')
		.describe(
			'An https:// (or http://) URL on a public address, unless LOBBY_WEBHOOK_ALLOWED_NETWORKS allows others.'
		),
	events: eventsSchema,
	description: z.string().trim().max(200, 'A description has 200 characters at most.').optional()
});

/** `Set-LobbyWebhook`: what to change. */
export const webhookUpdateSchema = webhookCreateSchema
	.partial()
	.extend({
		enabled: z.boolean().optional().describe('false: nothing is queued for it until enabled again.')
	})
	.refine(
		(v) => Object.values(v).some((x) => x !== undefined),
		'Name at least one thing to change: url, events, description or enabled.'
	);
