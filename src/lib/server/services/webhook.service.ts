import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { z } from 'zod';
import {
	WEBHOOK_HEADERS,
	WEBHOOK_TEST_EVENT,
	webhookCreateSchema as createSchema,
	webhookUpdateSchema as updateSchema,
	type WebhookDeliveryJson,
	type WebhookJson,
	type WebhookPayload
} from '$lib/contract/webhooks';
import type { Database } from '../db/index';
import type { WebhookDeliveryRow, WebhookRow } from '../db/schema';
import { log } from '../log';
import type { ClaimedDelivery, WebhooksRepository } from '../repositories/webhooks.repository';
import {
	checkDestination,
	checkUrl,
	guardedLookup,
	isOutboundUrlError,
	type OutboundPolicy
} from '../security/outbound-policy';
import { newWebhookSecret, signWebhook } from '../security/webhook-signature';
import { ServiceError } from '../service-error';
import type { DirectoryRepository } from '../repositories/directory.repository';
import { lockedOutOccurrence, occurrencesOf, type WebhookOccurrence } from '../webhooks/webhook-events';
import type { CommittedEvents } from './meeting.service';
import { zodSentence } from '../zod-sentence';
import { isAdmin, requireAdmin } from './access';
import type { AccessPath, Actor, AuditService } from './audit.service';
import type { Clock, Scheduler } from './ports';
import { WakeTimer } from './wake-timer';

/** Attempts before a delivery is given up as `failed`. */
const MAX_ATTEMPTS = 6;
/** The wait before each retry: 10 s, 1 min, 5 min, 30 min, 2 h. */
const RETRY_DELAYS_MS = [10_000, 60_000, 300_000, 1_800_000, 7_200_000] as const;
/** How long one attempt may take: connecting, sending and the answer's status. */
const ATTEMPT_TIMEOUT_MS = 10_000;
/** How long a claimed delivery is left to the server sending it: longer than any attempt. */
const CLAIM_LEASE_MS = 60_000;
/** Deliveries claimed per run; a full batch is followed at once by another run. */
const BATCH = 50;
/**
 * How long the list of endpoints is kept before it is read again (another server may change it).
 * Wall time, not the services' clock: the list changes at people's pace, so a run in virtual time,
 * whose clock may pass an hour in a second, reads it about once instead of every 15 simulated seconds.
 */
const SUBSCRIPTIONS_TTL_MS = 15_000;
/** The most endpoints a tenant may register. */
const MAX_WEBHOOKS = 20;
const DELIVERY_LOG_LIMIT = 200;

export interface WebhookServiceDeps {
	webhooks: WebhooksRepository;
	tenantId: string;
	/** Who an organizer whose PIN was locked is (`pin.locked-out`). */
	directory: DirectoryRepository;
	audit: AuditService;
	clock: Clock;
	scheduler: Scheduler;
	/** Which destinations deliveries may reach (LOBBY_WEBHOOK_ALLOWED_NETWORKS). */
	policy: OutboundPolicy;
	/** Whether phone numbers are masked in deliveries (the tenant's MaskPstnNumbersType). */
	masked: () => boolean;
	/** Extra certificate authorities to trust for HTTPS endpoints (PEM); the system's are trusted anyway. */
	ca?: string;
	retryDelaysMs?: readonly number[];
	maxAttempts?: number;
	/** How long one attempt may take (default 10 s). */
	attemptTimeoutMs?: number;
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
	const parsed = schema.safeParse(input ?? {});
	if (!parsed.success)
		throw new ServiceError('bad-request', zodSentence(parsed.error, { unknownKey: 'field' }));
	return parsed.data;
}

function iso(date: Date | null): string | null {
	return date ? date.toISOString() : null;
}

function webhookJson(row: WebhookRow, counts?: WebhookJson['deliveries']): WebhookJson {
	return {
		id: row.id,
		url: row.url,
		events: row.events as WebhookJson['events'],
		description: row.description,
		enabled: row.enabled,
		createdAt: row.createdAt.toISOString(),
		secretHint: `…${row.secret.slice(-4)}`,
		deliveries: counts ?? { queued: 0, delivered: 0, failed: 0 }
	};
}

function deliveryJson(row: WebhookDeliveryRow): WebhookDeliveryJson {
	return {
		id: row.id,
		event: row.event,
		idempotencyKey: row.eventKey,
		status: row.status,
		attempts: row.attempts,
		lastStatus: row.lastStatus,
		lastError: row.lastError,
		createdAt: row.createdAt.toISOString(),
		nextAttemptAt: row.status === 'queued' ? iso(row.nextAttemptAt) : null,
		deliveredAt: iso(row.deliveredAt)
	};
}

/**
 * One POST of `body`; answers the status, or throws why there was none. Never follows a redirect,
 * never reads the answer's body (the connection is closed once the status is in), and gives up
 * after `timeoutMs` whatever the endpoint does, so a slow or trickling endpoint holds nothing.
 */
function post(
	url: URL,
	body: string,
	headers: Record<string, string>,
	policy: OutboundPolicy,
	ca: string | undefined,
	timeoutMs: number
): Promise<number> {
	return new Promise((resolve, reject) => {
		const options = {
			method: 'POST',
			headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
			lookup: guardedLookup(policy),
			timeout: timeoutMs,
			agent: false as const,
			...(ca ? { ca } : {})
		};
		const done = (response: IncomingMessage) => {
			clearTimeout(deadline);
			resolve(response.statusCode ?? 0);
			response.destroy();
		};
		const req =
			url.protocol === 'https:' ? httpsRequest(url, options, done) : httpRequest(url, options, done);
		const giveUp = () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`));
		const deadline = setTimeout(giveUp, timeoutMs);
		deadline.unref?.();
		req.on('timeout', giveUp);
		req.on('error', (error) => {
			clearTimeout(deadline);
			reject(error);
		});
		req.end(body);
	});
}

/**
 * Webhooks (docs/webhooks.md): administrators register HTTPS or HTTP endpoints for meeting and lobby
 * events; every committed event an endpoint subscribed to is queued in an outbox, then delivered,
 * signed, with retries and backoff, claimed safely when several servers share the database. Every
 * change, test and refusal is audited. Destinations pass the outbound policy (no loopback, link-
 * local or private address unless configuration allows it) when registered and at every attempt.
 */
export class WebhookService {
	private readonly retryDelaysMs: readonly number[];
	private readonly maxAttempts: number;
	/** The enabled endpoints, and when they were read (`performance.now()`); null: read afresh. */
	private subscriptions: { at: number; hooks: WebhookRow[] } | null = null;
	/** The read under way, shared by everyone who asks meanwhile, and the list's version it began on. */
	private reading: { version: number; hooks: Promise<WebhookRow[]> } | null = null;
	/** Bumped whenever this server changes the list, so a read begun before the change is not kept. */
	private version = 0;
	private readonly timer: WakeTimer;
	private running: Promise<number> | null = null;
	private stopped = true;
	/** Queuing under way (commit and lockout listeners do not wait for it). */
	private readonly queuing = new Set<Promise<unknown>>();

	constructor(private readonly deps: WebhookServiceDeps) {
		this.retryDelaysMs = deps.retryDelaysMs ?? RETRY_DELAYS_MS;
		this.maxAttempts = deps.maxAttempts ?? MAX_ATTEMPTS;
		this.timer = new WakeTimer(deps.clock, deps.scheduler, () => void this.deliverDue());
	}

	// Administration

	/** The endpoints, with their deliveries by status. */
	async list(actor: Actor): Promise<WebhookJson[]> {
		requireAdmin(actor, 'read the webhooks');
		const [rows, counts] = await Promise.all([this.deps.webhooks.list(), this.deps.webhooks.counts()]);
		return rows.map((row) => webhookJson(row, counts.get(row.id)));
	}

	async get(actor: Actor, id: string): Promise<WebhookJson> {
		requireAdmin(actor, 'read the webhooks');
		const row = await this.found(id);
		return webhookJson(row, (await this.deps.webhooks.counts()).get(row.id));
	}

	/**
	 * Registers an endpoint. Answers it with its signing secret, which is shown this once: keep it
	 * where the receiver checks signatures.
	 */
	async create(
		actor: Actor,
		input: unknown,
		path: AccessPath
	): Promise<{ webhook: WebhookJson; secret: string }> {
		const action = 'webhook.create';
		await this.authorize(actor, action, path);
		const value = parse(createSchema, input);
		const url = await this.checkedUrl(value.url);
		const secret = newWebhookSecret();
		const row = await this.deps.webhooks.transaction(async (tx) => {
			await this.deps.webhooks.lockTenant(tx);
			if ((await this.deps.webhooks.list(tx)).length >= MAX_WEBHOOKS) {
				throw new ServiceError(
					'conflict',
					`A tenant has ${MAX_WEBHOOKS} webhooks at most; remove one first.`
				);
			}
			const created = await this.deps.webhooks.insert(
				{
					id: randomUUID(),
					url,
					events: value.events,
					description: value.description ?? '',
					secret,
					enabled: true,
					createdAt: new Date(this.deps.clock.now())
				},
				tx
			);
			await this.record(tx, actor, action, path, created, { url, events: value.events.join(',') });
			return created;
		});
		this.forgetSubscriptions();
		return { webhook: webhookJson(row), secret };
	}

	/** Changes an endpoint's URL, events, description, or whether it is enabled. */
	async update(actor: Actor, id: string, input: unknown, path: AccessPath): Promise<WebhookJson> {
		const action = 'webhook.update';
		await this.authorize(actor, action, path);
		const value = parse(updateSchema, input);
		const url = value.url === undefined ? undefined : await this.checkedUrl(value.url);
		const row = await this.deps.webhooks.transaction(async (tx) => {
			const updated = await this.deps.webhooks.update(
				id,
				{
					...(url === undefined ? {} : { url }),
					...(value.events === undefined ? {} : { events: value.events }),
					...(value.description === undefined ? {} : { description: value.description }),
					...(value.enabled === undefined ? {} : { enabled: value.enabled })
				},
				tx
			);
			if (!updated) throw this.notFound(id);
			await this.record(tx, actor, action, path, updated, {
				...(url === undefined ? {} : { url }),
				...(value.events === undefined ? {} : { events: value.events.join(',') }),
				...(value.enabled === undefined ? {} : { enabled: value.enabled })
			});
			return updated;
		});
		this.forgetSubscriptions();
		return webhookJson(row, (await this.deps.webhooks.counts()).get(row.id));
	}

	/** Removes an endpoint and its delivery log. */
	async remove(actor: Actor, id: string, path: AccessPath): Promise<void> {
		const action = 'webhook.remove';
		await this.authorize(actor, action, path);
		await this.deps.webhooks.transaction(async (tx) => {
			const row = await this.deps.webhooks.find(id, tx);
			if (!row || !(await this.deps.webhooks.remove(id, tx))) throw this.notFound(id);
			await this.record(tx, actor, action, path, row, { url: row.url });
		});
		this.forgetSubscriptions();
	}

	/** "Send test event": queues a `webhook.test` delivery to this endpoint only, and attempts it now. */
	async sendTest(actor: Actor, id: string, path: AccessPath): Promise<WebhookDeliveryJson> {
		const action = 'webhook.test';
		await this.authorize(actor, action, path);
		const row = await this.found(id);
		const deliveryId = randomUUID();
		const now = this.deps.clock.now();
		const key = `test:${deliveryId}`;
		const payload: WebhookPayload = {
			event: WEBHOOK_TEST_EVENT,
			idempotencyKey: key,
			occurredAt: new Date(now).toISOString(),
			meeting: null,
			data: { message: 'A test event from Lobby: this endpoint receives its deliveries.' }
		};
		await this.deps.webhooks.enqueue([
			{
				id: deliveryId,
				webhookId: row.id,
				event: WEBHOOK_TEST_EVENT,
				eventKey: key,
				payload: JSON.stringify(payload),
				createdAt: new Date(now)
			}
		]);
		await this.audit(actor, action, path, 'ok', { webhook: row.id, url: row.url });
		// Only this delivery is attempted now; the rest of the outbox keeps to its own times.
		const claimed = await this.deps.webhooks.claim(deliveryId, new Date(now), new Date(now + CLAIM_LEASE_MS));
		if (claimed) {
			await this.attempt(claimed);
			await this.scheduleNext();
		}
		const delivery = await this.deps.webhooks.delivery(deliveryId);
		if (!delivery) throw new ServiceError('not-found', 'The test delivery is no longer in the log.');
		return deliveryJson(delivery);
	}

	/** An endpoint's delivery log, newest first. */
	async deliveries(actor: Actor, id: string, limit = 50): Promise<WebhookDeliveryJson[]> {
		requireAdmin(actor, 'read the webhooks');
		await this.found(id);
		const rows = await this.deps.webhooks.deliveries(id, Math.max(1, Math.min(limit, DELIVERY_LOG_LIMIT)));
		return rows.map(deliveryJson);
	}

	// The outbox

	/**
	 * Queues what happened for every enabled endpoint that subscribed to it; an event already queued
	 * for an endpoint (the same idempotency key) is not queued again. Called by the server itself,
	 * on committed events and lockouts; never throws (a failure is logged).
	 */
	async queue(occurrences: readonly WebhookOccurrence[]): Promise<number> {
		if (occurrences.length === 0) return 0;
		try {
			const hooks = await this.subscribed();
			if (hooks.length === 0) return 0;
			const createdAt = new Date(this.deps.clock.now());
			const rows = hooks.flatMap((hook) =>
				occurrences
					.filter((o) => hook.events.includes(o.event))
					.map((o) => ({
						id: randomUUID(),
						webhookId: hook.id,
						event: o.event,
						eventKey: o.key,
						payload: JSON.stringify(o.payload),
						createdAt
					}))
			);
			const queued = await this.deps.webhooks.enqueue(rows);
			if (queued > 0) this.wake(0);
			return queued;
		} catch (error) {
			log.warn(
				`Webhook deliveries could not be queued: ${error instanceof Error ? error.message : String(error)}`
			);
			return 0;
		}
	}

	/**
	 * The engine's commit listener: queues the webhook events of a commit. Costs nothing while no
	 * endpoint is registered (the list is kept for a few seconds).
	 */
	followCommitted(committed: CommittedEvents): void {
		const known = this.subscriptions;
		if (known && known.hooks.length === 0 && isFresh(known)) return;
		this.track(this.queue(occurrencesOf(committed, this.deps.masked())));
	}

	/** Resolves when everything the listeners started queuing is queued. */
	async settled(): Promise<void> {
		while (this.queuing.size > 0) await Promise.all([...this.queuing]);
	}

	private track(work: Promise<unknown>): void {
		this.queuing.add(work);
		void work.finally(() => this.queuing.delete(work));
	}

	/** The leader PIN service's lockout listener: queues `pin.locked-out`. */
	lockedOut(organizerUserId: string, failedAttempts: number): void {
		const at = this.deps.clock.now();
		const work = this.deps.directory
			.findByIdentity(this.deps.tenantId, organizerUserId)
			.then((user) => {
				if (!user) return 0;
				return this.queue([
					lockedOutOccurrence(
						{ userId: user.id, displayName: user.displayName, conferenceId: user.conferenceId },
						at,
						failedAttempts
					)
				]);
			})
			.catch((error: unknown) => log.warn(`A lockout could not be queued for webhooks: ${String(error)}`));
		this.track(work);
	}

	/** The enabled endpoints, from the list kept for a few seconds; one read at a time. */
	private subscribed(): Promise<WebhookRow[]> {
		if (this.subscriptions && isFresh(this.subscriptions)) return Promise.resolve(this.subscriptions.hooks);
		if (this.reading?.version === this.version) return this.reading.hooks;
		const version = this.version;
		const hooks = this.deps.webhooks.list().then((all) => {
			const enabled = all.filter((h) => h.enabled);
			if (this.version === version) this.subscriptions = { at: performance.now(), hooks: enabled };
			return enabled;
		});
		const reading = { version, hooks };
		this.reading = reading;
		const done = () => {
			if (this.reading === reading) this.reading = null;
		};
		hooks.then(done, done);
		return hooks;
	}

	/** This server changed the list: the next commit reads it afresh. */
	private forgetSubscriptions(): void {
		this.subscriptions = null;
		this.version++;
	}

	/** Starts delivering: what is queued goes out now, and retries when they fall due. */
	start(): void {
		this.stopped = false;
		this.wake(0);
	}

	/** Stops the timers and waits for the run in progress; what is queued waits for the next start. */
	async stop(): Promise<void> {
		this.stopped = true;
		this.timer.cancel();
		await this.settled();
		await this.running?.catch(() => 0);
	}

	/**
	 * Sends every delivery due now, one attempt each, and sets the timer for the next one due.
	 * Answers how many were delivered. Runs one at a time; a call during a run waits for it and runs again.
	 */
	async deliverDue(): Promise<number> {
		while (this.running) await this.running.catch(() => 0);
		this.running = this.run();
		try {
			return await this.running;
		} finally {
			this.running = null;
		}
	}

	private async run(): Promise<number> {
		let delivered = 0;
		try {
			for (;;) {
				const now = this.deps.clock.now();
				const due = await this.deps.webhooks.due(new Date(now), BATCH);
				for (const id of due) {
					const claimed = await this.deps.webhooks.claim(id, new Date(now), new Date(now + CLAIM_LEASE_MS));
					if (claimed && (await this.attempt(claimed))) delivered += 1;
				}
				if (due.length < BATCH) break;
			}
			await this.scheduleNext();
		} catch (error) {
			log.warn(`A webhook delivery run failed: ${error instanceof Error ? error.message : String(error)}`);
			this.wake(this.retryDelaysMs[0] ?? 10_000);
		}
		return delivered;
	}

	/** One attempt: signed with the endpoint's secret at this moment; a 2xx answer delivers it. */
	private async attempt(delivery: ClaimedDelivery): Promise<boolean> {
		const attempts = delivery.attempts + 1;
		const now = this.deps.clock.now();
		const timestamp = Math.floor(now / 1000);
		let status: number | null = null;
		let error: string | null = null;
		try {
			const url = checkUrl(delivery.url, this.deps.policy);
			status = await post(
				url,
				delivery.payload,
				{
					'content-type': 'application/json',
					'user-agent': 'Lobby-Webhooks/1',
					[WEBHOOK_HEADERS.event.toLowerCase()]: delivery.event,
					[WEBHOOK_HEADERS.delivery.toLowerCase()]: delivery.id,
					[WEBHOOK_HEADERS.idempotencyKey.toLowerCase()]: delivery.eventKey,
					[WEBHOOK_HEADERS.timestamp.toLowerCase()]: String(timestamp),
					[WEBHOOK_HEADERS.signature.toLowerCase()]: signWebhook(delivery.secret, timestamp, delivery.payload)
				},
				this.deps.policy,
				this.deps.ca,
				this.deps.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS
			);
			if (status < 200 || status > 299)
				error =
					status >= 300 && status < 400
						? `answered ${status}: redirects are not followed`
						: `answered ${status}`;
		} catch (cause) {
			error = cause instanceof Error ? cause.message : String(cause);
		}
		const at = this.deps.clock.now();
		if (error === null) {
			await this.deps.webhooks.attempted(delivery.id, {
				status: 'delivered',
				attempts,
				lastStatus: status,
				lastError: null,
				nextAttemptAt: null,
				deliveredAt: new Date(at)
			});
			return true;
		}
		const final = attempts >= this.maxAttempts;
		const delay = this.retryDelaysMs[Math.min(attempts, this.retryDelaysMs.length) - 1] ?? 60_000;
		await this.deps.webhooks.attempted(delivery.id, {
			status: final ? 'failed' : 'queued',
			attempts,
			lastStatus: status,
			lastError: error.slice(0, 500),
			nextAttemptAt: final ? null : new Date(at + delay),
			deliveredAt: null
		});
		log.info(
			`webhook delivery ${delivery.id} (${delivery.event}): attempt ${attempts} of ${this.maxAttempts} failed: ${error}` +
				(final ? '; given up' : `; next in ${Math.round(delay / 1000)} s`)
		);
		return false;
	}

	private async scheduleNext(): Promise<void> {
		const next = await this.deps.webhooks.nextDue();
		if (next) this.wake(Math.max(0, next.getTime() - this.deps.clock.now()));
	}

	/** Makes sure a run happens within `ms`, while started. */
	private wake(ms: number): void {
		if (!this.stopped) this.timer.wake(ms);
	}

	// Checks

	/** The URL as stored: its form, and where its name resolves now, must pass the outbound policy. */
	private async checkedUrl(text: string): Promise<string> {
		try {
			const url = checkUrl(text, this.deps.policy);
			await checkDestination(url, this.deps.policy);
			return url.toString();
		} catch (error) {
			if (isOutboundUrlError(error)) throw new ServiceError('bad-request', error.message);
			throw error;
		}
	}

	private async found(id: string): Promise<WebhookRow> {
		const row = await this.deps.webhooks.find(id);
		if (!row) throw this.notFound(id);
		return row;
	}

	private notFound(id: string): ServiceError {
		return new ServiceError('not-found', `No webhook "${id}"; list them with Get-LobbyWebhook.`);
	}

	/** Administrators only; a refusal is audited too. */
	private async authorize(actor: Actor, action: string, path: AccessPath): Promise<void> {
		if (isAdmin(actor)) return;
		await this.audit(actor, action, path, 'denied', {});
		requireAdmin(actor, 'change webhooks');
	}

	/** One audit entry, in the caller's transaction when given; never the secret. */
	private audit(
		actor: Actor,
		action: string,
		path: AccessPath,
		outcome: 'ok' | 'denied',
		details: Record<string, string | number | boolean | null>,
		tx?: Database
	): Promise<void> {
		return this.deps.audit.record(
			{ tenantId: this.deps.tenantId, actor, action, target: null, path, outcome, details },
			tx
		);
	}

	private record(
		tx: Database,
		actor: Actor,
		action: string,
		path: AccessPath,
		row: WebhookRow,
		details: Record<string, string | number | boolean | null>
	): Promise<void> {
		return this.audit(actor, action, path, 'ok', { webhook: row.id, ...details }, tx);
	}
}

/** Whether the endpoint list read at `at` (wall time) may still be used. */
function isFresh({ at }: { at: number }): boolean {
	return performance.now() - at <= SUBSCRIPTIONS_TTL_MS;
}
