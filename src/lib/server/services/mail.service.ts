import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import { createTransport } from 'nodemailer';
import { isPinOfAllowedLength, PIN_DIGITS_TEXT } from '$lib/domain';
import type { Database } from '../db/index';
import { mailOutbox, tenants, type MailRow } from '../db/schema';
import { log } from '../log';
import { PIN_MASK, type Pin } from '../security/pin';
import { ServiceError } from '../service-error';
import {
	PIN_PLACEHOLDER,
	renderMail,
	type MailKind,
	type MailLanguage,
	type TemplateData
} from '../mail/templates';
import { requireAdmin } from './access';
import type { Actor } from './audit.service';
import type { Clock, Scheduler } from './ports';
import { WakeTimer } from './wake-timer';

export type { MailKind, MailLanguage, TemplateData } from '../mail/templates';

/** How a PIN reads once the stored copy keeps none (S8). */
export { PIN_MASK };

/** A message to send: the PIN travels beside the template data, never inside it. */
export interface MailInput {
	tenantId: string;
	userId: string | null;
	kind: MailKind;
	/** The primary SMTP address (S12) or the one the administrator gave instead (S14, S15). */
	toAddress: string;
	language: MailLanguage;
	/** The PIN the welcome and reset mails carry; null for the disabled mail. */
	pin: Pin | null;
	data: TemplateData;
}

/** A message as the Mail page shows it: the body as the recipient sees it. */
export interface MailView {
	id: string;
	userId: string | null;
	kind: MailKind;
	toAddress: string;
	language: MailLanguage;
	subject: string;
	/** `{{pin}}` filled with the PIN while one is kept (mailbox, not yet delivered), else `*****`. */
	body: string;
	status: MailRow['status'];
	attempts: number;
	lastError: string | null;
	createdAt: Date;
	nextAttemptAt: Date | null;
	sentAt: Date | null;
}

export interface MailServiceOptions {
	/** `smtp://host:port` or `smtps://user:pass@host`; null keeps every message in the simulated mailbox. */
	smtpUrl: string | null;
	/**
	 * Delivers through this transport instead of one made from `smtpUrl`: a scenario's simulated SMTP
	 * server (simulator/simulated-smtp.ts). Messages are then queued and delivered as with SMTP.
	 */
	transport?: SmtpTransport;
	/** The sender, e.g. `Lobby <no-reply@lobby.example>`. */
	from: string;
	clock: Clock;
	scheduler: Scheduler;
	/** Delivery attempts before a message is given up as `failed`; default 5. */
	maxAttempts?: number;
	/** The wait after the 1st, 2nd, ... failed attempt; the last applies to any later ones. */
	retryDelaysMs?: readonly number[];
}

/** Refused before anything is stored: the address is not one mailbox we can deliver to. */
function invalidAddress(address: string): ServiceError {
	return new ServiceError(
		'bad-request',
		`${JSON.stringify(address.length > 100 ? `${address.slice(0, 100)}…` : address)} is not a valid email address: give one address, such as u@hotmail.com.`
	);
}

/**
 * The body as the recipient sees it: `{{pin}}` replaced by the PIN while one is kept, else by `*****`
 * (S8). Delivery uses it with the PIN; every view after delivery reads `*****`.
 */
export function maskedBody(body: string, secret: string | null): string {
	// A replacer function, so that no `$` pattern in the replacement is ever interpreted.
	return body.replaceAll(PIN_PLACEHOLDER, () => secret ?? PIN_MASK);
}

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}]{2,63}$/u;

/**
 * One plain address (`local@domain.tld`), no display name, list, comment or line break: what is
 * stored is exactly the one mailbox the message goes to. Returns it trimmed.
 */
export function validateEmailAddress(address: string): string {
	const trimmed = typeof address === 'string' ? address.trim() : '';
	const at = trimmed.lastIndexOf('@');
	const local = trimmed.slice(0, Math.max(at, 0));
	const domain = trimmed.slice(at + 1);
	const valid =
		at > 0 && trimmed.length <= 254 && local.length <= 64 && LOCAL_PART.test(local) && DOMAIN.test(domain);
	if (!valid) throw invalidAddress(String(address));
	return trimmed;
}

/** What the service uses of an SMTP transport; nodemailer's, narrowed to the two calls made here. */
export interface SmtpTransport {
	sendMail(message: {
		from: string;
		to: string;
		subject: string;
		text: string;
		headers: Record<string, string>;
	}): Promise<unknown>;
	close(): void;
}

/** Short timeouts: a dead server is a failed attempt, retried later, never a delivery hung for minutes. */
function smtpTransport(url: string): SmtpTransport {
	return createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
}

/**
 * How long a claimed message is left to the server delivering it: longer than any attempt can take
 * with the timeouts above. A server that dies mid-attempt leaves the message to be retried after it.
 */
const CLAIM_LEASE_MS = 5 * 60_000;
/** Messages claimed per delivery run; a full batch is followed at once by another run. */
const BATCH = 50;
/**
 * A message written in the caller's transaction may not be visible yet when the delivery kick
 * comes (PostgreSQL, another connection): look again this often, for at most this long.
 */
const VISIBILITY_POLL_MS = 250;
const VISIBILITY_WINDOW_MS = 60_000;
const MAX_ERROR_LENGTH = 500;

function errorText(error: unknown, secret: string | null): string {
	const text = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
	// An SMTP server may echo what it was sent; a PIN never reaches the database or the log.
	const scrubbed = secret ? text.replaceAll(secret, PIN_MASK) : text;
	return (scrubbed || 'Unknown SMTP error').slice(0, MAX_ERROR_LENGTH);
}

function viewOf(row: MailRow): MailView {
	return {
		id: row.id,
		userId: row.userId,
		kind: row.kind,
		toAddress: row.toAddress,
		language: row.language,
		subject: row.subject,
		body: maskedBody(row.body, row.secret),
		status: row.status,
		attempts: row.attempts,
		lastError: row.lastError,
		createdAt: row.createdAt,
		nextAttemptAt: row.nextAttemptAt,
		sentAt: row.sentAt
	};
}

/**
 * The outbox for the dial-in emails (S9, S12, S14): every message is written first, in the caller's
 * transaction when given one, and delivered after through SMTP, retried on a schedule. A delivered
 * message keeps no PIN; without SMTP the outbox is the users' simulated mailbox and keeps it, so the
 * Mail page shows each message as its recipient would see it.
 *
 * A message is claimed (its next attempt moved a lease ahead) before it is sent, so two runs, in this
 * process or on another server, never deliver it twice at once.
 */
export class MailService {
	private readonly smtpUrl: string | null;
	/** Whether messages go out (`queued`), through SMTP or a given transport, or stay in the mailbox. */
	private readonly sends: boolean;
	private readonly from: string;
	private readonly clock: Clock;
	private readonly scheduler: Scheduler;
	private readonly maxAttempts: number;
	private readonly retryDelaysMs: readonly number[];
	private transport: SmtpTransport | null = null;
	private readonly timer: WakeTimer;
	/** The delivery run in progress, and the one queued behind it (at most one). */
	private current: Promise<number> | null = null;
	private next: Promise<number> | null = null;
	/** Messages written in a caller's transaction, not yet seen committed: id to the time we give up. */
	private readonly awaiting = new Map<string, number>();
	private stopped = false;

	constructor(
		private readonly db: Database,
		options: MailServiceOptions
	) {
		this.smtpUrl = options.smtpUrl || null;
		this.transport = options.transport ?? null;
		this.sends = this.smtpUrl !== null || this.transport !== null;
		this.from = options.from;
		this.clock = options.clock;
		this.scheduler = options.scheduler;
		this.timer = new WakeTimer(this.clock, this.scheduler, () => {
			this.deliverDue().catch((error: unknown) => log.error('mail delivery run failed', error));
		});
		this.maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 5));
		const delays = (options.retryDelaysMs ?? [5_000, 30_000, 120_000, 600_000]).filter(
			(d) => Number.isFinite(d) && d >= 0
		);
		this.retryDelaysMs = delays.length ? delays : [5_000];
		// Messages an earlier run left queued (a restart, an SMTP outage) go out without waiting for a new one.
		if (this.sends) this.wake(0);
	}

	/** Whether messages go out over SMTP (`queued`) or stay in the simulated mailbox (`mailbox`). */
	get delivers(): boolean {
		return this.sends;
	}

	/**
	 * Writes a message to the outbox, in `db` when given (the transaction of the action it tells of),
	 * and, with SMTP, schedules its delivery at once. Refuses an invalid address before writing
	 * anything. A newer message to the same user supersedes any of theirs still queued with a PIN: that
	 * PIN is no longer theirs, and a late retry must not arrive after the new one.
	 */
	async enqueue(
		input: MailInput,
		db: Database = this.db
	): Promise<{ id: string; status: 'queued' | 'mailbox' }> {
		const toAddress = validateEmailAddress(input.toAddress);
		const { subject, body } = renderMail(input.kind, input.language, input.data);
		const carriesPin = body.includes(PIN_PLACEHOLDER);
		if (carriesPin && (input.pin === null || !isPinOfAllowedLength(input.pin.reveal()))) {
			throw new RangeError(`A ${input.kind} message carries the user's PIN: give one of ${PIN_DIGITS_TEXT}.`);
		}
		const id = randomUUID();
		const status = this.sends ? 'queued' : 'mailbox';
		const now = this.clock.now();
		if (status === 'queued' && input.userId !== null) {
			await db
				.update(mailOutbox)
				.set({
					status: 'failed',
					secret: null,
					nextAttemptAt: null,
					lastError: 'Not sent: superseded by a newer message to this user.'
				})
				.where(
					and(
						eq(mailOutbox.userId, input.userId),
						eq(mailOutbox.status, 'queued'),
						isNotNull(mailOutbox.secret)
					)
				);
		}
		await db.insert(mailOutbox).values({
			id,
			tenantId: input.tenantId,
			userId: input.userId,
			kind: input.kind,
			toAddress,
			language: input.language,
			subject,
			body,
			// The outbox keeps the digits for the email body until delivery (or the mailbox's retention).
			secret: carriesPin && input.pin ? input.pin.reveal() : null,
			status,
			createdAt: new Date(now)
		});
		if (status === 'queued') {
			if (db !== this.db) this.awaiting.set(id, now + VISIBILITY_WINDOW_MS);
			this.wake(0);
		}
		return { id, status };
	}

	/**
	 * Delivers every queued message that is due, one at a time; returns how many went out. A call
	 * while a run is in progress is answered by one further run after it, never by a second one
	 * alongside. Schedules the next run while messages remain queued.
	 */
	deliverDue(): Promise<number> {
		if (this.stopped || !this.sends) return Promise.resolve(0);
		if (!this.current) {
			this.current = this.run().finally(() => {
				this.current = null;
			});
			return this.current;
		}
		this.next ??= this.current
			.catch(() => 0)
			.then(() => {
				this.next = null;
				return this.deliverDue();
			});
		return this.next;
	}

	/** The newest messages first, each as its recipient sees it (`*****` once the PIN is gone). */
	async list(actor: Actor, options: { limit?: number; tenantId?: string } = {}): Promise<MailView[]> {
		requireAdmin(actor, 'read the mail');
		await this.forgetExpiredPins();
		const limit = Math.min(Math.max(Math.floor(options.limit ?? 100), 1), 1000);
		const rows = await this.db
			.select()
			.from(mailOutbox)
			.where(options.tenantId ? eq(mailOutbox.tenantId, options.tenantId) : undefined)
			.orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.seq))
			.limit(limit);
		return rows.map(viewOf);
	}

	/**
	 * The simulated mailbox shows a PIN in full for the tenant's `mailboxPinRetentionHours` (default 24),
	 * then forgets it: the stored copy reads `*****` from then on. Messages still being delivered keep
	 * theirs until delivery ends (which forgets it too). Answers how many PINs were forgotten.
	 */
	async forgetExpiredPins(): Promise<number> {
		const now = new Date(this.clock.now());
		const retention = sql`make_interval(hours => (select ${tenants.mailboxPinRetentionHours} from ${tenants} where ${tenants.id} = ${mailOutbox.tenantId}))`;
		const forgotten = await this.db
			.update(mailOutbox)
			.set({ secret: null })
			.where(
				and(
					isNotNull(mailOutbox.secret),
					inArray(mailOutbox.status, ['mailbox', 'sent', 'failed']),
					sql`${mailOutbox.createdAt} <= ${now.toISOString()}::timestamptz - ${retention}`
				)
			)
			.returning({ id: mailOutbox.id });
		return forgotten.length;
	}

	/** Resolves when no delivery run is in progress or queued (timers may still be set). */
	async idle(): Promise<void> {
		while (this.current || this.next) {
			await (this.next ?? this.current)?.catch(() => 0);
		}
	}

	/** Cancels the timers and waits for the delivery in progress; queued messages wait for the next start. */
	async stop(): Promise<void> {
		this.stopped = true;
		this.timer.cancel();
		await this.idle();
		this.transport?.close();
		this.transport = null;
	}

	/** Makes sure a run happens within `ms` (with SMTP, while not stopped). */
	private wake(ms: number): void {
		if (this.stopped || !this.sends) return;
		this.timer.wake(ms);
	}

	private async run(): Promise<number> {
		let delivered = 0;
		try {
			const now = new Date(this.clock.now());
			const due = await this.db
				.select({ id: mailOutbox.id })
				.from(mailOutbox)
				.where(
					and(
						eq(mailOutbox.status, 'queued'),
						or(isNull(mailOutbox.nextAttemptAt), lte(mailOutbox.nextAttemptAt, now))
					)
				)
				.orderBy(asc(mailOutbox.createdAt), asc(mailOutbox.seq))
				.limit(BATCH);
			for (const { id } of due) {
				if (this.stopped) break;
				const message = await this.claim(id);
				if (message && (await this.deliver(message))) delivered += 1;
			}
			await this.settleAwaiting();
			await this.scheduleNext(due.length === BATCH);
		} catch (error) {
			// The database failed us: try again later rather than leave the queue until the next message.
			this.wake(this.retryDelaysMs[0] ?? 5_000);
			throw error;
		}
		return delivered;
	}

	/** Takes a due message for this run by moving its next attempt a lease ahead; null if another run has it. */
	private async claim(id: string): Promise<MailRow | null> {
		const now = this.clock.now();
		const [row] = await this.db
			.update(mailOutbox)
			.set({ nextAttemptAt: new Date(now + CLAIM_LEASE_MS) })
			.where(
				and(
					eq(mailOutbox.id, id),
					eq(mailOutbox.status, 'queued'),
					or(isNull(mailOutbox.nextAttemptAt), lte(mailOutbox.nextAttemptAt, new Date(now)))
				)
			)
			.returning();
		return row ?? null;
	}

	/** One attempt: sent (and the PIN dropped), or the failure recorded with the next attempt's time. */
	private async deliver(message: MailRow): Promise<boolean> {
		if (message.secret === null && message.body.includes(PIN_PLACEHOLDER)) {
			await this.fail(message, 'The PIN this message carried is no longer kept.', true);
			return false;
		}
		try {
			this.transport ??= smtpTransport(this.smtpUrl ?? '');
			await this.transport.sendMail({
				from: this.from,
				to: message.toAddress,
				subject: message.subject,
				text: maskedBody(message.body, message.secret),
				headers: { 'Auto-Submitted': 'auto-generated' }
			});
		} catch (error) {
			const attempts = message.attempts + 1;
			await this.fail(message, errorText(error, message.secret), attempts >= this.maxAttempts);
			return false;
		}
		await this.db
			.update(mailOutbox)
			.set({
				status: 'sent',
				sentAt: new Date(this.clock.now()),
				attempts: message.attempts + 1,
				secret: null,
				lastError: null,
				nextAttemptAt: null
			})
			.where(eq(mailOutbox.id, message.id));
		log.info(`mail ${message.id} (${message.kind}) sent after ${message.attempts + 1} attempt(s)`);
		return true;
	}

	/** Records a failed attempt; the last one gives the message up and drops its PIN for good. */
	private async fail(message: MailRow, lastError: string, giveUp: boolean): Promise<void> {
		const attempts = message.attempts + 1;
		const delay = this.retryDelaysMs[Math.min(attempts, this.retryDelaysMs.length) - 1] ?? 5_000;
		await this.db
			.update(mailOutbox)
			.set(
				giveUp
					? { status: 'failed', attempts, lastError, secret: null, nextAttemptAt: null }
					: { attempts, lastError, nextAttemptAt: new Date(this.clock.now() + delay) }
			)
			// A message superseded meanwhile stays as it is.
			.where(and(eq(mailOutbox.id, message.id), eq(mailOutbox.status, 'queued')));
		log.warn(
			`mail ${message.id} (${message.kind}): attempt ${attempts} of ${this.maxAttempts} failed: ${lastError}` +
				(giveUp ? '; given up' : `; next attempt in ${Math.round(delay / 1000)} s`)
		);
	}

	/** Forgets awaited messages once committed (the queue query then sees them) or past their window. */
	private async settleAwaiting(): Promise<void> {
		if (this.awaiting.size === 0) return;
		const ids = [...this.awaiting.keys()];
		const seen = await this.db
			.select({ id: mailOutbox.id })
			.from(mailOutbox)
			.where(inArray(mailOutbox.id, ids));
		for (const { id } of seen) this.awaiting.delete(id);
		const now = this.clock.now();
		for (const [id, until] of this.awaiting) if (until <= now) this.awaiting.delete(id);
	}

	private async scheduleNext(full: boolean): Promise<void> {
		if (full) {
			this.wake(0);
			return;
		}
		const [next] = await this.db
			.select({ at: mailOutbox.nextAttemptAt })
			.from(mailOutbox)
			.where(eq(mailOutbox.status, 'queued'))
			.orderBy(sql`${mailOutbox.nextAttemptAt} asc nulls first`)
			.limit(1);
		const now = this.clock.now();
		if (next) this.wake(Math.max(0, (next.at?.getTime() ?? now) - now));
		if (this.awaiting.size > 0) this.wake(VISIBILITY_POLL_MS);
	}
}
