import { randomInt } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { generateLeaderPin } from '$lib/domain';
import { tenantSettingsSchema } from '$lib/contract/tenant-settings';
import type { EmailOutcomeJson } from '$lib/contract/api';
import type { Database } from '../db/index';
import { tenants, users, type TenantRow, type UserRow } from '../db/schema';
import type { DirectoryRepository } from '../repositories/directory.repository';
import type { AccessPath, Actor, AuditService } from './audit.service';
import { SYSTEM_ACTOR } from './access';
import type { LeaderPinService } from './leader-pin.service';
import { Pin } from '../security/pin';
import { ServiceError } from '../service-error';
import { zodSentence } from '../zod-sentence';

/** The part of the mail service this one needs: write to the outbox (in a transaction), then deliver. */
export interface MailQueue {
	enqueue(
		input: {
			tenantId: string;
			userId: string | null;
			kind: 'dial-in-enabled' | 'dial-in-disabled' | 'pin-reset';
			toAddress: string;
			language: 'en' | 'sv';
			pin: Pin | null;
			data: {
				displayName: string;
				tenantName: string;
				conferenceId?: string;
				serviceNumber?: string;
				pinLength?: number;
			};
		},
		db?: Database
	): Promise<{ id: string; status: 'queued' | 'mailbox' }>;
	deliverDue(): Promise<number>;
}

/** Whether, and where, the PIN email went (S9, S12, S14): as the API and CLI read it. */
export type EmailOutcome = EmailOutcomeJson;

/** The answer to a reset or enablement: the one time the PIN is shown (S8). */
export interface PinIssued {
	user: { id: string; email: string; displayName: string; conferenceId: string };
	/** Shown once, to the administrator who asked (the edge calls `reveal()`); stored only as a hash. */
	pin: Pin;
	email: EmailOutcome;
}

/** Options as in `Set-CsOnlineDialInConferencingUser` (S15, S16). */
export interface ResetOptions {
	/** `-SendEmail`; default: the tenant's AutomaticallySendEmailsToUsers (S9). */
	sendEmail?: boolean;
	/** `-SendEmailToAddress`: only valid together with `-SendEmail` (S15). */
	sendEmailToAddress?: string;
}

export { tenantSettingsSchema, type TenantSettingsPatch } from '$lib/contract/tenant-settings';

export interface DialInServiceDeps {
	db: Database;
	tenantId: string;
	directory: DirectoryRepository;
	pins: LeaderPinService;
	mail: MailQueue;
	audit: AuditService;
	/** A uniform digit 0-9 from a cryptographic source (the default), or a seeded one in simulations. */
	randomDigit?: () => number;
	/**
	 * Told after tenant settings changed, with the tenant as it is now (caller-number masking is
	 * cached by the runtime; the Global meeting policy reaches live meetings).
	 */
	onTenantSettingsChanged?: (tenant: TenantRow) => Promise<void>;
}

/** An email address as nodemailer and people accept it. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Dial-in administration (S1, S3, S7-S9, S12-S16): enabling and disabling users, resetting and
 * unlocking leader PINs, tenant settings. Every action is authorized here, on the server, whatever
 * the path (page, API, CLI), and audited, refused attempts included. Users can never reset a PIN,
 * not even their own (S3).
 */
export class DialInService {
	private readonly randomDigit: () => number;

	constructor(private readonly deps: DialInServiceDeps) {
		this.randomDigit = deps.randomDigit ?? (() => randomInt(10));
	}

	/**
	 * `Set-CsOnlineDialInConferencingUser -Identity ID -ResetLeaderPIN [-SendEmail] [-SendEmailToAddress A]`
	 * (S7, S16): a new PIN at the tenant's current length (S13), hashed; shown once in the answer (S8);
	 * emailed to the primary address, or to another one (S14, S15), unless email is off or the user has
	 * no mailbox (S9, S12). Two resets at once happen one after the other; the last PIN is the one.
	 */
	async resetLeaderPin(
		actor: Actor,
		identity: string,
		options: ResetOptions,
		path: AccessPath
	): Promise<PinIssued> {
		const action = 'dial-in.reset-leader-pin';
		await this.authorize(actor, action, identity, path);
		if (options.sendEmailToAddress !== undefined && options.sendEmail !== true) {
			throw new ServiceError(
				'bad-request',
				'SendEmailToAddress is only valid together with SendEmail (S15): add -SendEmail, or leave the address out.'
			);
		}
		const address = options.sendEmailToAddress?.trim();
		if (address !== undefined && !EMAIL.test(address)) {
			throw new ServiceError('bad-request', `SendEmailToAddress "${address}" is not an email address.`);
		}
		const issued = await this.deps.db.transaction(async (tx) => {
			const user = await this.lockUser(tx, identity);
			if (!user.dialInEnabled || !user.conferenceId) {
				throw new ServiceError(
					'conflict',
					`${user.displayName} is not enabled for dial-in conferencing; enable dial-in first, which issues a PIN.`
				);
			}
			const tenant = await this.tenant(tx);
			const pin = this.newPin(tenant.pinLength);
			await this.deps.pins.setPin(user.id, pin, tx);
			const email = await this.email(tx, tenant, user, 'pin-reset', pin, options.sendEmail, address);
			await this.audited(tx, actor, action, user, path, {
				pinLength: pin.length,
				emailSent: email.sent,
				emailTo: email.sent ? email.to : null,
				reason: email.sent ? null : email.reason
			});
			return { user: publicUser(user), pin, email };
		});
		this.deliver(issued.email);
		return issued;
	}

	/**
	 * Enables a user for dial-in conferencing (S1): a unique conference ID, a leader PIN at the tenant's
	 * length, PSTN-only meetings as the tenant's default for newly enabled users, and the welcome
	 * email with the PIN and the conference information when automatic email is on (S9, S12).
	 */
	async enableDialIn(actor: Actor, identity: string, path: AccessPath): Promise<PinIssued> {
		const action = 'dial-in.enable';
		await this.authorize(actor, action, identity, path);
		const issued = await this.deps.db.transaction(async (tx) => {
			const user = await this.lockUser(tx, identity);
			if (user.dialInEnabled) {
				throw new ServiceError(
					'conflict',
					`${user.displayName} is already enabled for dial-in conferencing.`
				);
			}
			const tenant = await this.tenant(tx);
			const conferenceId = await this.freeConferenceId(tx);
			const pin = this.newPin(tenant.pinLength);
			await tx
				.update(users)
				.set({
					dialInEnabled: true,
					conferenceId,
					allowPstnOnlyMeetings: tenant.allowPstnOnlyMeetingsByDefault
				})
				.where(eq(users.id, user.id));
			await this.deps.pins.setPin(user.id, pin, tx);
			const enabled = { ...user, conferenceId, dialInEnabled: true };
			const email = await this.email(tx, tenant, enabled, 'dial-in-enabled', pin, undefined, undefined);
			await this.audited(tx, actor, action, user, path, {
				conferenceId,
				pinLength: pin.length,
				emailSent: email.sent
			});
			return { user: publicUser(enabled), pin, email };
		});
		this.deliver(issued.email);
		return issued;
	}

	/**
	 * S1: every user enabled for dial-in has a PIN. Issues one, with the welcome email (S9, S12), to
	 * each enabled user who has none: the demo tenant's first start. Answers how many were issued;
	 * the PINs themselves reach their users only by that email.
	 */
	async issueMissingPins(path: AccessPath): Promise<number> {
		const actor = SYSTEM_ACTOR;
		const missing = await this.deps.db
			.select({ id: users.id })
			.from(users)
			.where(
				and(
					eq(users.tenantId, this.deps.tenantId),
					eq(users.dialInEnabled, true),
					isNull(users.leaderPinHash)
				)
			);
		const emails: EmailOutcome[] = [];
		for (const { id } of missing) {
			emails.push(
				await this.deps.db.transaction(async (tx) => {
					const user = await this.lockUser(tx, id);
					if (user.leaderPinHash !== null || !user.dialInEnabled)
						return { sent: false, reason: 'email-off' } as const;
					const tenant = await this.tenant(tx);
					const pin = this.newPin(tenant.pinLength);
					await this.deps.pins.setPin(user.id, pin, tx);
					const email = await this.email(tx, tenant, user, 'dial-in-enabled', pin, undefined, undefined);
					await this.audited(tx, actor, 'dial-in.issue-leader-pin', user, path, {
						pinLength: pin.length,
						emailSent: email.sent
					});
					return email;
				})
			);
		}
		for (const email of emails) this.deliver(email);
		return missing.length;
	}

	/** Turns dial-in off for a user: no conference ID, no PIN; the email says so when automatic email is on. */
	async disableDialIn(actor: Actor, identity: string, path: AccessPath): Promise<{ email: EmailOutcome }> {
		const action = 'dial-in.disable';
		await this.authorize(actor, action, identity, path);
		const result = await this.deps.db.transaction(async (tx) => {
			const user = await this.lockUser(tx, identity);
			if (!user.dialInEnabled) {
				throw new ServiceError('conflict', `${user.displayName} is not enabled for dial-in conferencing.`);
			}
			const tenant = await this.tenant(tx);
			await tx
				.update(users)
				.set({
					dialInEnabled: false,
					conferenceId: null,
					leaderPinHash: null,
					leaderPinLength: null,
					leaderPinSetAt: null,
					pinFailedAttempts: 0,
					pinLockedAt: null
				})
				.where(eq(users.id, user.id));
			const email = await this.email(tx, tenant, user, 'dial-in-disabled', null, undefined, undefined);
			await this.audited(tx, actor, action, user, path, {
				conferenceId: user.conferenceId,
				emailSent: email.sent
			});
			return { email };
		});
		this.deliver(result.email);
		return result;
	}

	/**
	 * `Set-CsOnlineDialInConferencingUser -AllowPSTNOnlyMeetings $true|$false` (S6): whether callers
	 * may start this organizer's meetings without the organizer.
	 */
	async setAllowPstnOnlyMeetings(
		actor: Actor,
		identity: string,
		allow: boolean,
		path: AccessPath
	): Promise<void> {
		const action = 'dial-in.set-allow-pstn-only-meetings';
		await this.authorize(actor, action, identity, path);
		await this.deps.db.transaction(async (tx) => {
			const user = await this.lockUser(tx, identity);
			await tx.update(users).set({ allowPstnOnlyMeetings: allow }).where(eq(users.id, user.id));
			await this.audited(tx, actor, action, user, path, {
				from: user.allowPstnOnlyMeetings,
				to: allow
			});
		});
	}

	/** Lifts a PIN lockout (the PIN stays as it was). */
	async unlockLeaderPin(actor: Actor, identity: string, path: AccessPath): Promise<void> {
		const action = 'dial-in.unlock-leader-pin';
		await this.authorize(actor, action, identity, path);
		await this.deps.db.transaction(async (tx) => {
			const user = await this.lockUser(tx, identity);
			await tx.update(users).set({ pinFailedAttempts: 0, pinLockedAt: null }).where(eq(users.id, user.id));
			await this.audited(tx, actor, action, user, path, { wasLocked: user.pinLockedAt !== null });
		});
	}

	/**
	 * `Set-CsOnlineDialInConferencingTenantSettings`: changes the given settings, each checked against
	 * its range with a message naming it. A new PIN length applies to new PINs only (S13).
	 */
	async updateTenantSettings(actor: Actor, patch: unknown, path: AccessPath): Promise<TenantRow> {
		const action = 'tenant.update-settings';
		await this.authorize(actor, action, null, path);
		const parsed = tenantSettingsSchema.safeParse(patch);
		if (!parsed.success) {
			throw new ServiceError(
				'bad-request',
				zodSentence(parsed.error, { unknownKey: 'setting', unnamed: true })
			);
		}
		const changes = parsed.data;
		if (Object.values(changes).every((value) => value === undefined)) {
			// An update with nothing to set is not a change: without this, the database refused it.
			throw new ServiceError('bad-request', 'Name at least one setting to change, such as PinLength.');
		}
		const updated = await this.deps.db.transaction(async (tx) => {
			const [row] = await tx
				.update(tenants)
				.set(changes)
				.where(eq(tenants.id, this.deps.tenantId))
				.returning();
			if (!row) throw new ServiceError('not-found', 'The tenant does not exist.');
			await this.deps.audit.record(
				{ tenantId: this.deps.tenantId, actor, action, target: null, path, outcome: 'ok', details: changes },
				tx
			);
			return row;
		});
		await this.deps.onTenantSettingsChanged?.(updated);
		return updated;
	}

	/** Records a successful action on `user` in the action's own transaction. */
	private audited(
		tx: Database,
		actor: Actor,
		action: string,
		user: UserRow,
		path: AccessPath,
		details: Record<string, string | number | boolean | null>
	): Promise<void> {
		return this.deps.audit.record(
			{
				tenantId: this.deps.tenantId,
				actor,
				action,
				target: { id: user.id, email: user.email },
				path,
				outcome: 'ok',
				details
			},
			tx
		);
	}

	/** Only administrators; a refusal is audited too. Users can never reset a PIN, not even their own (S3). */
	private async authorize(
		actor: Actor,
		action: string,
		identity: string | null,
		path: AccessPath
	): Promise<void> {
		if (actor.role === 'admin') return;
		const target = identity ? await this.deps.directory.findByIdentity(this.deps.tenantId, identity) : null;
		await this.deps.audit.record({
			tenantId: this.deps.tenantId,
			actor,
			action,
			target: target ? { id: target.id, email: target.email } : null,
			path,
			outcome: 'denied',
			details: { identity }
		});
		throw new ServiceError(
			'forbidden',
			actor.role === 'anonymous'
				? 'Sign in as an administrator to do this.'
				: 'Only administrators can do this. Users cannot reset PINs, not even their own (S3): ask an administrator.'
		);
	}

	/** The target user, locked for the rest of the transaction so concurrent changes run one after the other. */
	private async lockUser(tx: Database, identity: string): Promise<UserRow> {
		const found = await this.deps.directory.findByIdentity(this.deps.tenantId, identity, tx);
		if (!found) throw new ServiceError('not-found', `No user "${identity}" in the directory.`);
		const [user] = await tx.select().from(users).where(eq(users.id, found.id)).for('update');
		if (!user) throw new ServiceError('not-found', `No user "${identity}" in the directory.`);
		return user;
	}

	private async tenant(tx: Database): Promise<TenantRow> {
		const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, this.deps.tenantId));
		if (!tenant) throw new ServiceError('not-found', 'The tenant does not exist.');
		return tenant;
	}

	/** A fresh PIN of `length` digits, never trivial (pin-policy.ts), from this service's random source. */
	private newPin(length: number): Pin {
		return Pin.of(generateLeaderPin(length, this.randomDigit));
	}

	/** A seven-digit conference ID nobody has. */
	private async freeConferenceId(tx: Database): Promise<string> {
		for (let attempt = 0; attempt < 50; attempt++) {
			let id = String(1 + (this.randomDigit() % 9));
			for (let i = 0; i < 6; i++) id += String(this.randomDigit());
			const [taken] = await tx
				.select({ n: sql<number>`1` })
				.from(users)
				.where(eq(users.conferenceId, id));
			if (!taken) return id;
		}
		throw new ServiceError('conflict', 'No free conference ID could be found; try again.');
	}

	/**
	 * S9: mail goes out when asked (default: the tenant's automatic email), to the other address if
	 * given (S14), else to the primary one, which needs a mailbox (S12).
	 */
	private async email(
		tx: Database,
		tenant: TenantRow,
		user: UserRow,
		kind: 'dial-in-enabled' | 'dial-in-disabled' | 'pin-reset',
		pin: Pin | null,
		sendEmail: boolean | undefined,
		otherAddress: string | undefined
	): Promise<EmailOutcome> {
		if (!(sendEmail ?? tenant.automaticallySendEmailsToUsers)) return { sent: false, reason: 'email-off' };
		const to = otherAddress ?? (user.hasMailbox ? user.email : null);
		if (!to) return { sent: false, reason: 'no-mailbox' };
		const queued = await this.deps.mail.enqueue(
			{
				tenantId: tenant.id,
				userId: user.id,
				kind,
				toAddress: to,
				language: user.language,
				pin,
				data: {
					displayName: user.displayName,
					tenantName: tenant.name,
					conferenceId: user.conferenceId ?? undefined,
					serviceNumber: tenant.serviceNumber,
					pinLength: pin?.length
				}
			},
			tx
		);
		return { sent: true, to, status: queued.status };
	}

	/** After the commit: the outbox row is visible now, so delivery can start. */
	private deliver(email: EmailOutcome): void {
		if (email.sent && email.status === 'queued') void this.deps.mail.deliverDue().catch(() => undefined);
	}
}

function publicUser(user: UserRow): PinIssued['user'] {
	return {
		id: user.id,
		email: user.email,
		displayName: user.displayName,
		conferenceId: user.conferenceId ?? ''
	};
}
