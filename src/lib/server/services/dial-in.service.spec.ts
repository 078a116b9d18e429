import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/index';
import { auditLog, mailOutbox, meetingEvents, users } from '../db/schema';
import type { Actor } from './audit.service';
import { Pin } from '../security/pin';
import { isServiceError } from '../service-error';
import {
	openSeededDatabase,
	startEngine,
	updateTenant,
	userByEmail,
	wholePin,
	type Engine
} from './engine-test-kit';

const ADMIN_EMAIL = 'admin@contoso.com';
const AMOS = 'amos.marble@contoso.com';

async function actorFor(db: DatabaseHandle['db'], email: string): Promise<Actor> {
	const user = await userByEmail(db, email);
	return { userId: user.id, email: user.email, role: user.role };
}

const anonymous: Actor = { userId: null, email: 'anonymous', role: 'anonymous' };

describe('dial-in administration (S1, S3, S7-S9, S12-S16)', () => {
	let database: DatabaseHandle;
	let engine: Engine;
	let admin: Actor;
	let amos: Actor;
	let megan: Actor;

	beforeAll(async () => {
		database = await openSeededDatabase();
		engine = await startEngine(database);
		admin = await actorFor(database.db, ADMIN_EMAIL);
		amos = await actorFor(database.db, AMOS);
		megan = await actorFor(database.db, 'megan.bowen@contoso.com');
	});

	afterAll(async () => {
		await engine?.stop();
		await database?.close();
	});

	it('S1: at the first start every user enabled for dial-in gets a PIN, and the welcome email carries it', async () => {
		const { dialIn, mail, pins } = engine.services;
		expect(await dialIn.issueMissingPins('system')).toBe(4);
		const welcome = (await mail.list(admin, { limit: 50 })).filter((m) => m.kind === 'dial-in-enabled');
		// Lee Gu has no mailbox (S12): his PIN waits for an administrator to pass on or reset.
		expect(welcome.map((m) => m.toAddress).sort()).toEqual([
			'amos.marble@contoso.com',
			'astrid.lindqvist@contoso.com',
			'megan.bowen@contoso.com'
		]);
		const amosMail = welcome.find((m) => m.toAddress === AMOS)!;
		const pin = /\b(\d{5})\b/.exec(amosMail.body.split('4410273').join(''))?.[1];
		expect(pin).toBeDefined();
		expect(await pins.check((await userByEmail(database.db, AMOS)).id, Pin.of(pin!))).toBe('correct');
		// Nothing is issued twice.
		expect(await dialIn.issueMissingPins('system')).toBe(0);
	});

	describe('S3: only administrators, on the server, whatever the path; refusals are audited', () => {
		const actions = [
			[
				'reset a PIN',
				(e: Engine, a: Actor, who: string) => e.services.dialIn.resetLeaderPin(a, who, {}, 'api')
			],
			[
				'enable dial-in',
				(e: Engine, a: Actor, who: string) => e.services.dialIn.enableDialIn(a, who, 'page')
			],
			[
				'disable dial-in',
				(e: Engine, a: Actor, who: string) => e.services.dialIn.disableDialIn(a, who, 'cli')
			],
			[
				'unlock a PIN',
				(e: Engine, a: Actor, who: string) => e.services.dialIn.unlockLeaderPin(a, who, 'page')
			]
		] as const;

		for (const [name, run] of actions) {
			it(`anonymous callers, users on themselves and users on others cannot ${name}`, async () => {
				for (const [actor, target] of [
					[anonymous, AMOS],
					[amos, AMOS],
					[amos, 'megan.bowen@contoso.com'],
					[megan, 'diego.siciliani@contoso.com']
				] as const) {
					const before = await userByEmail(database.db, target);
					const error = await run(engine, actor, target).then(
						() => null,
						(e: unknown) => e
					);
					expect(error).toSatisfy(isServiceError);
					expect(error).toMatchObject({ code: 'forbidden', status: 403 });
					// Nothing changed.
					expect(await userByEmail(database.db, target)).toEqual(before);
				}
				const denied = await engine.services.audit.list(admin, { actorEmail: AMOS });
				expect(denied.some((e) => e.outcome === 'denied' && e.targetEmail === AMOS)).toBe(true);
			});
		}

		it('users cannot change tenant settings either', async () => {
			await expect(
				engine.services.dialIn.updateTenantSettings(amos, { pinLength: 6 }, 'page')
			).rejects.toMatchObject({
				code: 'forbidden'
			});
			await expect(
				engine.services.dialIn.updateTenantSettings(anonymous, { pinLength: 6 }, 'api')
			).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('Sign in') });
		});
	});

	describe('resetting a PIN (S7, S8, S9, S12, S14, S15, S16)', () => {
		it('S16: a reset issues a new PIN at the tenant length, shown once, stored only as a hash; the old PIN stops working', async () => {
			const { dialIn, pins } = engine.services;
			const first = await dialIn.resetLeaderPin(admin, 'amos.marble', {}, 'cli');
			expect(first.pin.reveal()).toMatch(/^\d{5}$/);
			const second = await dialIn.resetLeaderPin(admin, AMOS, {}, 'cli');
			const row = await userByEmail(database.db, AMOS);
			expect(row.leaderPinHash).toMatch(/^scrypt\$/);
			expect(JSON.stringify(row)).not.toMatch(wholePin(second.pin.reveal()));
			expect(await pins.check(row.id, second.pin)).toBe('correct');
			if (first.pin.reveal() !== second.pin.reveal())
				expect(await pins.check(row.id, first.pin)).toBe('wrong');
		});

		it('S9, S12: by default the email goes to the primary address, and the audit log names it but never the PIN', async () => {
			const { dialIn, audit, mail } = engine.services;
			const reset = await dialIn.resetLeaderPin(admin, AMOS, {}, 'page');
			expect(reset.email).toEqual({ sent: true, to: AMOS, status: 'mailbox' });
			const [message] = await mail.list(admin, { limit: 1 });
			expect(message).toMatchObject({ toAddress: AMOS, kind: 'pin-reset' });
			expect(message!.body).toContain(reset.pin.reveal());
			const [entry] = await audit.list(admin, { action: 'dial-in.reset-leader-pin', limit: 1 });
			expect(entry).toMatchObject({
				actorEmail: ADMIN_EMAIL,
				targetEmail: AMOS,
				path: 'page',
				outcome: 'ok'
			});
			expect(JSON.stringify(await database.db.select().from(auditLog))).not.toMatch(
				wholePin(reset.pin.reveal())
			);
		});

		it('S14, S15: -SendEmail -SendEmailToAddress sends to the other address; the address alone is refused', async () => {
			const { dialIn } = engine.services;
			const reset = await dialIn.resetLeaderPin(
				admin,
				AMOS,
				{ sendEmail: true, sendEmailToAddress: 'u@hotmail.com' },
				'cli'
			);
			expect(reset.email).toMatchObject({ sent: true, to: 'u@hotmail.com' });
			await expect(
				dialIn.resetLeaderPin(admin, AMOS, { sendEmailToAddress: 'u@hotmail.com' }, 'cli')
			).rejects.toMatchObject({
				code: 'bad-request',
				message: expect.stringContaining('only valid together with SendEmail')
			});
			await expect(
				dialIn.resetLeaderPin(admin, AMOS, { sendEmail: true, sendEmailToAddress: 'not an address' }, 'cli')
			).rejects.toMatchObject({ code: 'bad-request' });
		});

		it('S9: with automatic email off no email goes out, and the answer says the admin must pass the PIN on', async () => {
			const { dialIn } = engine.services;
			await updateTenant(database.db, { automaticallySendEmailsToUsers: false });
			try {
				const reset = await dialIn.resetLeaderPin(admin, AMOS, {}, 'page');
				expect(reset.email).toEqual({ sent: false, reason: 'email-off' });
				// -SendEmail still sends one.
				const asked = await dialIn.resetLeaderPin(admin, AMOS, { sendEmail: true }, 'page');
				expect(asked.email).toMatchObject({ sent: true, to: AMOS });
			} finally {
				await updateTenant(database.db, { automaticallySendEmailsToUsers: true });
			}
		});

		it('S12: a user without a mailbox gets no email unless another address is given', async () => {
			const { dialIn } = engine.services;
			const reset = await dialIn.resetLeaderPin(admin, 'lee.gu', {}, 'page');
			expect(reset.email).toEqual({ sent: false, reason: 'no-mailbox' });
			const other = await dialIn.resetLeaderPin(
				admin,
				'lee.gu',
				{ sendEmail: true, sendEmailToAddress: 'lee@hotmail.com' },
				'page'
			);
			expect(other.email).toMatchObject({ sent: true, to: 'lee@hotmail.com' });
		});

		it('S13: a new PIN length applies to new PINs only; existing PINs keep working', async () => {
			const { dialIn, pins } = engine.services;
			const astrid = await dialIn.resetLeaderPin(admin, 'astrid.lindqvist', {}, 'page');
			expect(astrid.pin.reveal()).toHaveLength(5);
			await dialIn.updateTenantSettings(admin, { pinLength: 7 }, 'page');
			try {
				const amosNew = await dialIn.resetLeaderPin(admin, AMOS, {}, 'page');
				expect(amosNew.pin.reveal()).toHaveLength(7);
				const astridRow = await userByEmail(database.db, 'astrid.lindqvist@contoso.com');
				expect(await pins.check(astridRow.id, astrid.pin)).toBe('correct');
			} finally {
				await dialIn.updateTenantSettings(admin, { pinLength: 5 }, 'page');
			}
		});

		it('two administrators resetting at once: both happen, both are audited, only the last PIN works', async () => {
			const { dialIn, audit, pins } = engine.services;
			const before = (await audit.list(admin, { action: 'dial-in.reset-leader-pin', limit: 1000 })).length;
			const [a, b] = await Promise.all([
				dialIn.resetLeaderPin(admin, AMOS, {}, 'page'),
				dialIn.resetLeaderPin(admin, AMOS, {}, 'api')
			]);
			const after = await audit.list(admin, { action: 'dial-in.reset-leader-pin', limit: 1000 });
			expect(after.length - before).toBe(2);
			const row = await userByEmail(database.db, AMOS);
			const verdicts = [await pins.check(row.id, a.pin), await pins.check(row.id, b.pin)];
			if (a.pin.reveal() !== b.pin.reveal()) expect(verdicts.filter((v) => v === 'correct')).toHaveLength(1);
		});

		it('refuses a user who is not enabled for dial-in, and an unknown identity, with clear messages', async () => {
			const { dialIn } = engine.services;
			await expect(dialIn.resetLeaderPin(admin, 'diego.siciliani', {}, 'page')).rejects.toMatchObject({
				code: 'conflict',
				message: expect.stringContaining('not enabled for dial-in')
			});
			await expect(dialIn.resetLeaderPin(admin, 'nobody@contoso.com', {}, 'page')).rejects.toMatchObject({
				code: 'not-found'
			});
		});
	});

	describe('enabling, disabling and unlocking', () => {
		it('S1: enabling assigns a unique conference ID and a PIN and sends the welcome email; disabling takes both away', async () => {
			const { dialIn, pins, mail } = engine.services;
			const enabled = await dialIn.enableDialIn(admin, 'diego.siciliani', 'page');
			expect(enabled.user.conferenceId).toMatch(/^\d{7}$/);
			expect(enabled.pin.reveal()).toMatch(/^\d{5}$/);
			expect(enabled.email).toMatchObject({ sent: true, to: 'diego.siciliani@contoso.com' });
			const [welcome] = await mail.list(admin, { limit: 1 });
			expect(welcome).toMatchObject({ kind: 'dial-in-enabled', toAddress: 'diego.siciliani@contoso.com' });
			expect(welcome!.body).toContain(enabled.user.conferenceId);
			const row = await userByEmail(database.db, 'diego.siciliani@contoso.com');
			expect(await pins.check(row.id, enabled.pin)).toBe('correct');
			const others = await database.db.select({ c: users.conferenceId }).from(users);
			expect(others.filter((u) => u.c === enabled.user.conferenceId)).toHaveLength(1);

			await expect(dialIn.enableDialIn(admin, 'diego.siciliani', 'page')).rejects.toMatchObject({
				code: 'conflict'
			});
			const disabled = await dialIn.disableDialIn(admin, 'diego.siciliani', 'page');
			expect(disabled.email).toMatchObject({ sent: true });
			const after = await userByEmail(database.db, 'diego.siciliani@contoso.com');
			expect(after).toMatchObject({ dialInEnabled: false, conferenceId: null, leaderPinHash: null });
			expect(await pins.check(after.id, enabled.pin)).toBe('wrong');
		});

		it('an administrator unlocks a locked PIN', async () => {
			const { dialIn, pins } = engine.services;
			await updateTenant(database.db, { pinLockoutThreshold: 2 });
			try {
				const reset = await dialIn.resetLeaderPin(admin, 'megan.bowen', {}, 'page');
				const meganRow = await userByEmail(database.db, 'megan.bowen@contoso.com');
				await pins.check(meganRow.id, Pin.of('00000'));
				expect(await pins.check(meganRow.id, Pin.of('00000'))).toBe('locked-out');
				expect(await pins.check(meganRow.id, reset.pin)).toBe('locked-out');
				await dialIn.unlockLeaderPin(admin, 'megan.bowen', 'page');
				expect(await pins.check(meganRow.id, reset.pin)).toBe('correct');
			} finally {
				await updateTenant(database.db, { pinLockoutThreshold: 10 });
			}
		});
	});

	describe('tenant settings', () => {
		it.each([
			[{ pinLength: 3 }, 'PinLength must be from 4 to 12'],
			[{ pinLength: 13 }, 'PinLength must be from 4 to 12'],
			[{ maxParticipants: 10_001 }, 'MaxParticipants must be from 2 to 10000'],
			[{ lobbyTimeoutMinutes: -1 }, 'LobbyTimeoutMinutes must be from 0 to 1440'],
			[{ pinLockoutThreshold: 0 }, 'PinLockoutThreshold must be from 1 to 100'],
			[{ favouriteColour: 'blue' }, 'Unknown setting: favouriteColour'],
			[{}, 'Name at least one setting to change']
		])('refuses %j with a message naming the range', async (patch, message) => {
			await expect(engine.services.dialIn.updateTenantSettings(admin, patch, 'page')).rejects.toMatchObject({
				code: 'bad-request',
				message: expect.stringContaining(message)
			});
		});

		it('changes and audits a valid setting', async () => {
			const { dialIn, audit } = engine.services;
			const row = await dialIn.updateTenantSettings(admin, { lobbyTimeoutMinutes: 15 }, 'api');
			expect(row.lobbyTimeoutMinutes).toBe(15);
			const [entry] = await audit.list(admin, { action: 'tenant.update-settings', limit: 1 });
			expect(entry).toMatchObject({ path: 'api', outcome: 'ok', details: { lobbyTimeoutMinutes: 15 } });
			await dialIn.updateTenantSettings(admin, { lobbyTimeoutMinutes: 0 }, 'api');
		});
	});

	it('S8: no PIN issued in this file is stored in plain text outside the simulated mailbox', async () => {
		const { dialIn } = engine.services;
		const reset = await dialIn.resetLeaderPin(admin, AMOS, {}, 'page');
		for (const table of [users, auditLog, meetingEvents]) {
			expect(JSON.stringify(await database.db.select().from(table))).not.toMatch(
				wholePin(reset.pin.reveal())
			);
		}
		// The simulated mailbox (no SMTP configured) is the one place the user reads it, as in their inbox.
		const [row] = await database.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, AMOS)).limit(1);
		expect(row?.body).not.toMatch(wholePin(reset.pin.reveal()));
	});

	it('records a refused attempt whatever its identity holds: a NUL is stored as a replacement character, never an error', async () => {
		await expect(
			engine.services.dialIn.resetLeaderPin(megan, 'amos\u0000.marble', {}, 'api')
		).rejects.toMatchObject({ code: 'forbidden' });
		const [entry] = await engine.services.audit.list(admin, {
			actorEmail: 'megan.bowen@contoso.com',
			limit: 1
		});
		expect(entry).toMatchObject({ action: 'dial-in.reset-leader-pin', outcome: 'denied' });
		expect(entry!.details).toEqual({ identity: 'amos\uFFFD.marble' });
	});
});
