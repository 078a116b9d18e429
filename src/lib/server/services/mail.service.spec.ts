/**
 * The outbox (S9, S12, S14) against a real SMTP server on loopback (smtp-server, port 0) and a real
 * in-memory PGlite seeded with the Contoso directory, on virtual time: nothing is mocked. A message
 * is written first and delivered after; delivered, it keeps no PIN; without SMTP it stays in the
 * simulated mailbox with its PIN, as its recipient would see it.
 */
import { createServer, type AddressInfo } from 'node:net';
import { startSmtpSink, type SinkOptions, type SmtpSink } from '../../../../tests/helpers/smtp-sink';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatabaseHandle } from '../db/index';
import { mailOutbox, tenants, type MailRow, type UserRow } from '../db/schema';
import { DEMO_TENANT_ID } from '../db/seed';
import {
	MAIL_KINDS,
	MAIL_LANGUAGES,
	PIN_PLACEHOLDER,
	renderMail,
	type MailKind,
	type TemplateData
} from '../mail/templates';
import { ManualTime, openSeededDatabase, userByEmail, wholePin } from './engine-test-kit';
import { Pin } from '../security/pin';
import { isServiceError } from '../service-error';
import { maskedBody, MailService, type MailServiceOptions } from './mail.service';
import { SYSTEM_ACTOR } from './access';

const FROM = 'Lobby <no-reply@lobby.example>';
const SERVICE_NUMBER = '+46 8 505 512 00';

/** A loopback port nothing listens on (taken from the OS, then released). */
async function unusedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

let database: DatabaseHandle;
let tenantName: string;
const services: MailService[] = [];
const sinks: SmtpSink[] = [];

beforeAll(async () => {
	database = await openSeededDatabase();
	const [tenant] = await database.db.select().from(tenants).where(eq(tenants.id, DEMO_TENANT_ID));
	tenantName = tenant?.name ?? 'Contoso';
});

afterEach(async () => {
	await Promise.all(services.splice(0).map((s) => s.stop()));
	await Promise.all(sinks.splice(0).map((s) => s.close()));
	// A spec that failed midway leaves nothing queued for the next one's service to deliver.
	await database.db
		.update(mailOutbox)
		.set({ status: 'failed', secret: null, nextAttemptAt: null })
		.where(eq(mailOutbox.status, 'queued'));
});

afterAll(async () => {
	await database?.close();
});

/** A mail service on the spec database and its own virtual time, stopped after each spec. */
function mailService(
	smtpUrl: string | null,
	options: Partial<Omit<MailServiceOptions, 'smtpUrl' | 'clock' | 'scheduler'>> = {}
): { mail: MailService; time: ManualTime } {
	const time = new ManualTime();
	const mail = new MailService(database.db, {
		smtpUrl,
		from: FROM,
		clock: time,
		scheduler: time,
		...options
	});
	services.push(mail);
	return { mail, time };
}

async function sink(options: SinkOptions = {}): Promise<SmtpSink> {
	const started = await startSmtpSink(options);
	sinks.push(started);
	return started;
}

/** The outbox input for a user of the demo directory, as the dial-in service builds it. */
function mailFor(user: UserRow, kind: MailKind, pin: string | null, toAddress = user.email) {
	return {
		tenantId: DEMO_TENANT_ID,
		userId: user.id,
		kind,
		toAddress,
		language: user.language,
		pin: pin === null ? null : Pin.of(pin),
		data: {
			displayName: user.displayName,
			conferenceId: user.conferenceId,
			serviceNumber: SERVICE_NUMBER,
			tenantName,
			pinLength: pin?.length ?? null
		}
	};
}

async function row(id: string): Promise<MailRow> {
	const [found] = await database.db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
	if (!found) throw new Error(`No outbox row ${id}`);
	return found;
}

async function rowCount(): Promise<number> {
	return (await database.db.select({ id: mailOutbox.id }).from(mailOutbox)).length;
}

async function viewOf(mail: MailService, id: string) {
	const view = (await mail.list(SYSTEM_ACTOR, { limit: 1000 })).find((v) => v.id === id);
	if (!view) throw new Error(`No message ${id} in the list`);
	return view;
}

/** Lets virtual time pass and waits for the delivery runs its timers started. */
async function advance(mail: MailService, time: ManualTime, ms: number): Promise<void> {
	time.advance(ms);
	await mail.idle();
}

describe('the simulated mailbox, without SMTP (S9, S12)', () => {
	it('given no SMTP server, when a reset PIN mail is written, then it stays in the mailbox with its PIN, is never delivered, and the Mail page shows it as the recipient would see it', async () => {
		const smtp = await sink();
		const { mail, time } = mailService(null);
		const amos = await userByEmail(database.db, 'amos.marble@contoso.com');

		const written = await mail.enqueue(mailFor(amos, 'pin-reset', '86420'));

		expect(written.status).toBe('mailbox');
		expect(await row(written.id)).toMatchObject({ status: 'mailbox', secret: '86420', attempts: 0 });
		expect(time.pending()).toBe(0);
		expect(await mail.deliverDue()).toBe(0);
		await advance(mail, time, 3_600_000);
		expect(smtp.received).toHaveLength(0);
		expect((await row(written.id)).status).toBe('mailbox');
		const view = await viewOf(mail, written.id);
		expect(view.body).toContain('Your new PIN: 86420');
		expect(view.body).not.toContain(PIN_PLACEHOLDER);
		expect(view).toMatchObject({ toAddress: 'amos.marble@contoso.com', status: 'mailbox', sentAt: null });
	});

	it("given the tenant's mailbox retention, when it has passed, then the PIN is forgotten: the mailbox and the stored copy read *****", async () => {
		const { mail, time } = mailService(null);
		const megan = await userByEmail(database.db, 'megan.bowen@contoso.com');
		await database.db
			.update(tenants)
			.set({ mailboxPinRetentionHours: 24 })
			.where(eq(tenants.id, DEMO_TENANT_ID));

		const written = await mail.enqueue(mailFor(megan, 'pin-reset', '31975'));
		time.advance(24 * 3_600_000 - 1_000);
		expect((await viewOf(mail, written.id)).body).toContain('Your new PIN: 31975');

		time.advance(1_000);
		const view = await viewOf(mail, written.id);
		expect(view.body).not.toContain('31975');
		expect(view.body).toContain('Your new PIN: *****');
		expect((await row(written.id)).secret).toBeNull();
	});

	it('given a retention of one hour, then a PIN is shown for that hour only', async () => {
		const { mail, time } = mailService(null);
		const megan = await userByEmail(database.db, 'megan.bowen@contoso.com');
		await database.db
			.update(tenants)
			.set({ mailboxPinRetentionHours: 1 })
			.where(eq(tenants.id, DEMO_TENANT_ID));
		try {
			const written = await mail.enqueue(mailFor(megan, 'pin-reset', '53197'));
			expect((await row(written.id)).secret).toBe('53197');
			time.advance(3_600_000);
			expect(await mail.forgetExpiredPins()).toBeGreaterThanOrEqual(1);
			expect((await row(written.id)).secret).toBeNull();
		} finally {
			await database.db
				.update(tenants)
				.set({ mailboxPinRetentionHours: 24 })
				.where(eq(tenants.id, DEMO_TENANT_ID));
		}
	});
});

describe('delivery over SMTP (S12, S14)', () => {
	it('given an SMTP server, when the welcome mail is written, then it is queued with its PIN, arrives at the primary address with the PIN and how to start by phone, and the stored copy keeps no PIN', async () => {
		const smtp = await sink();
		const { mail, time } = mailService(smtp.url);
		const amos = await userByEmail(database.db, 'amos.marble@contoso.com');
		const pin = '86420';

		const written = await mail.enqueue(mailFor(amos, 'dial-in-enabled', pin));

		// Written first: the row is there, with its PIN, before anything is delivered.
		expect(written.status).toBe('queued');
		expect(await row(written.id)).toMatchObject({ status: 'queued', secret: pin, attempts: 0 });
		expect(smtp.received).toHaveLength(0);

		await advance(mail, time, 0);

		expect(smtp.received).toHaveLength(1);
		const [message] = smtp.received;
		expect(message?.to).toEqual(['amos.marble@contoso.com']);
		expect(message?.from).toBe('no-reply@lobby.example');
		expect(message?.subject).toBe('Your dial-in conferencing PIN and conference information');
		expect(message?.text).toContain(`Your dial-in conferencing PIN: ${pin}`);
		expect(message?.text).toContain('Conference ID: 4410273');
		expect(message?.text).toContain(`Dial-in number: ${SERVICE_NUMBER}`);
		expect(message?.text).toContain(`1. Call ${SERVICE_NUMBER}.`);
		expect(message?.text).toContain('2. Enter the conference ID, 4410273, followed by #.');
		expect(message?.text).toContain('press *');
		expect(message?.text).toContain('4. Enter your 5-digit PIN followed by #.');
		expect(message?.text).toContain('you need no PIN');
		expect(message?.text).not.toContain(PIN_PLACEHOLDER);

		const stored = await row(written.id);
		expect(stored).toMatchObject({ status: 'sent', secret: null, attempts: 1, lastError: null });
		expect(stored.sentAt?.getTime()).toBe(time.now());
		expect(stored.body).toContain(PIN_PLACEHOLDER);
		for (const [column, value] of Object.entries(stored)) {
			const text = value instanceof Date ? value.toISOString() : String(value);
			expect(text, `column ${column}`).not.toMatch(wholePin(pin));
		}
		const view = await viewOf(mail, written.id);
		expect(view.body).toContain('Your dial-in conferencing PIN: *****');
		expect(view.body).not.toMatch(wholePin(pin));
		expect(view.status).toBe('sent');
		expect(time.pending()).toBe(0);
	});

	it('given a user without a mailbox, when the administrator gives another address (S14, S15), then the mail goes to that address only', async () => {
		const smtp = await sink();
		const { mail, time } = mailService(smtp.url);
		const lee = await userByEmail(database.db, 'lee.gu@contoso.com');
		expect(lee.hasMailbox).toBe(false);

		const written = await mail.enqueue(mailFor(lee, 'pin-reset', '31975', '  lee.gu@hotmail.com '));
		await advance(mail, time, 0);

		expect(smtp.received.map((m) => m.to)).toEqual([['lee.gu@hotmail.com']]);
		expect(smtp.received[0]?.raw).toMatch(/^To: lee\.gu@hotmail\.com\r$/m);
		expect(smtp.received[0]?.text).toContain('Your new PIN: 31975');
		expect(smtp.received[0]?.text).toContain('Conference ID: 7152834');
		expect(await row(written.id)).toMatchObject({ toAddress: 'lee.gu@hotmail.com', status: 'sent' });
	});

	it('given a user whose language is Swedish, when her PIN is reset, then subject and body are in Swedish with the new PIN and how to start by phone', async () => {
		const smtp = await sink();
		const { mail, time } = mailService(smtp.url);
		const astrid = await userByEmail(database.db, 'astrid.lindqvist@contoso.com');
		expect(astrid.language).toBe('sv');

		const written = await mail.enqueue(mailFor(astrid, 'pin-reset', '27183'));
		await advance(mail, time, 0);

		const [message] = smtp.received;
		expect(message?.to).toEqual(['astrid.lindqvist@contoso.com']);
		expect(message?.subject).toBe('Din PIN-kod för konferens med uppringning har återställts');
		expect(message?.text).toContain('Hej Astrid Lindqvist!');
		expect(message?.text).toContain('En administratör hos Contoso har återställt din PIN-kod');
		expect(message?.text).toContain('Din nya PIN-kod: 27183');
		expect(message?.text).toContain('Konferens-ID: 6390518');
		expect(message?.text).toContain('mötesorganisatör trycker du på *');
		expect(message?.text).toContain('krävs ingen PIN-kod');
		expect((await viewOf(mail, written.id)).subject).toBe(message?.subject);
	});

	it('given two delivery runs at once, one in this process and one on another server, when a message is due, then it is delivered exactly once', async () => {
		const smtp = await sink();
		const { mail } = mailService(smtp.url);
		const { mail: otherServer } = mailService(smtp.url);
		const megan = await userByEmail(database.db, 'megan.bowen@contoso.com');

		await mail.enqueue(mailFor(megan, 'dial-in-enabled', '90817'));
		const counts = await Promise.all([mail.deliverDue(), mail.deliverDue(), otherServer.deliverDue()]);

		expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
		expect(smtp.received).toHaveLength(1);
		expect(smtp.rcptAttempts).toBe(1);
	});

	it('given a message written in the caller’s transaction, when the transaction commits it is delivered, and when it rolls back nothing is stored or sent', async () => {
		const smtp = await sink();
		const { mail, time } = mailService(smtp.url);
		const megan = await userByEmail(database.db, 'megan.bowen@contoso.com');
		const before = await rowCount();

		await expect(
			database.db.transaction(async (tx) => {
				await mail.enqueue(mailFor(megan, 'pin-reset', '55031'), tx);
				throw new Error('the reset failed after the mail was written');
			})
		).rejects.toThrow('the reset failed');
		await advance(mail, time, 0);
		expect(await rowCount()).toBe(before);
		// It looks for the rolled-back message a while, then gives up: no timer is left behind.
		await advance(mail, time, 120_000);
		expect(time.pending()).toBe(0);

		const written = await database.db.transaction((tx) =>
			mail.enqueue(mailFor(megan, 'pin-reset', '55032'), tx)
		);
		await advance(mail, time, 0);
		expect(smtp.received.map((m) => m.text.includes('Your new PIN: 55032'))).toEqual([true]);
		expect((await row(written.id)).status).toBe('sent');
		expect(time.pending()).toBe(0);
	});
});

describe('SMTP failures and retries', () => {
	it('given a server that refuses the recipient twice, when time passes, then each failure is recorded, retried on the schedule, and the third attempt delivers', async () => {
		const smtp = await sink({ rejectFirst: 2 });
		const { mail, time } = mailService(smtp.url);
		const amos = await userByEmail(database.db, 'amos.marble@contoso.com');
		const start = time.now();

		const written = await mail.enqueue(mailFor(amos, 'pin-reset', '64208'));
		await advance(mail, time, 0);

		let stored = await row(written.id);
		expect(stored).toMatchObject({ status: 'queued', attempts: 1, secret: '64208' });
		expect(stored.lastError).toMatch(/450/);
		expect(stored.lastError).toContain('Mailbox busy');
		expect(stored.lastError).not.toContain('64208');
		expect(stored.nextAttemptAt?.getTime()).toBe(start + 5_000);
		expect(smtp.received).toHaveLength(0);

		await advance(mail, time, 4_999);
		expect((await row(written.id)).attempts).toBe(1);

		await advance(mail, time, 1);
		stored = await row(written.id);
		expect(stored).toMatchObject({ status: 'queued', attempts: 2 });
		expect(stored.nextAttemptAt?.getTime()).toBe(start + 5_000 + 30_000);

		await advance(mail, time, 30_000);
		stored = await row(written.id);
		expect(stored).toMatchObject({ status: 'sent', attempts: 3, secret: null, lastError: null });
		expect(smtp.rcptAttempts).toBe(3);
		expect(smtp.received).toHaveLength(1);
		expect(smtp.received[0]?.text).toContain('Your new PIN: 64208');
		expect(time.pending()).toBe(0);
	});

	it('given nothing listening on the SMTP port, when every attempt fails, then after maxAttempts the message is failed, its PIN cleared, and it is never sent later', async () => {
		const port = await unusedPort();
		const { mail, time } = mailService(`smtp://127.0.0.1:${port}`, {
			maxAttempts: 3,
			retryDelaysMs: [1_000, 2_000]
		});
		const amos = await userByEmail(database.db, 'amos.marble@contoso.com');

		const written = await mail.enqueue(mailFor(amos, 'dial-in-enabled', '73195'));
		await advance(mail, time, 0);
		let stored = await row(written.id);
		expect(stored).toMatchObject({ status: 'queued', attempts: 1, secret: '73195' });
		expect(stored.lastError).toMatch(/ECONNREFUSED/);
		expect((await viewOf(mail, written.id)).body).toContain('Your dial-in conferencing PIN: 73195');

		await advance(mail, time, 1_000);
		expect((await row(written.id)).attempts).toBe(2);
		await advance(mail, time, 2_000);

		stored = await row(written.id);
		expect(stored).toMatchObject({ status: 'failed', attempts: 3, secret: null, nextAttemptAt: null });
		expect(stored.lastError).toMatch(/ECONNREFUSED/);
		expect(time.pending()).toBe(0);
		expect(await mail.deliverDue()).toBe(0);
		const view = await viewOf(mail, written.id);
		expect(view.body).toContain('Your dial-in conferencing PIN: *****');
		expect(view.body).not.toContain('73195');
	});

	it('given a PIN mail still waiting for a retry, when a newer PIN is issued for the user, then the old one is given up unsent and only the new PIN arrives', async () => {
		const smtp = await sink({ rejectFirst: 1 });
		const { mail, time } = mailService(smtp.url);
		const megan = await userByEmail(database.db, 'megan.bowen@contoso.com');

		const first = await mail.enqueue(mailFor(megan, 'pin-reset', '11357'));
		await advance(mail, time, 0);
		expect((await row(first.id)).attempts).toBe(1);

		const second = await mail.enqueue(mailFor(megan, 'pin-reset', '24680'));
		await advance(mail, time, 60_000);

		expect(await row(first.id)).toMatchObject({ status: 'failed', secret: null });
		expect((await row(first.id)).lastError).toMatch(/superseded/);
		expect(await row(second.id)).toMatchObject({ status: 'sent', secret: null });
		expect(smtp.received.map((m) => m.text.includes('24680'))).toEqual([true]);
		expect(smtp.received.some((m) => m.text.includes('11357'))).toBe(false);
	});

	it('given a delivery in progress, when the service stops, then stop waits for it and leaves no timer', async () => {
		let release = () => {};
		const gate = new Promise<void>((resolve) => (release = resolve));
		const smtp = await sink({ holdData: gate });
		const { mail, time } = mailService(smtp.url);
		const amos = await userByEmail(database.db, 'amos.marble@contoso.com');
		const written = await mail.enqueue(mailFor(amos, 'pin-reset', '80246'));

		const delivering = mail.deliverDue();
		await vi.waitFor(() => expect(smtp.rcptAttempts).toBe(1));
		let stopped = false;
		const stopping = mail.stop().then(() => (stopped = true));
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(stopped).toBe(false);
		release();
		await stopping;

		expect(await delivering).toBe(1);
		expect((await row(written.id)).status).toBe('sent');
		expect(time.pending()).toBe(0);
		expect(await mail.deliverDue()).toBe(0);
	});
});

describe('addresses', () => {
	it.each([
		'',
		'not-an-address',
		'amos@contoso',
		'@contoso.com',
		'amos..marble@contoso.com',
		'Amos Marble <amos.marble@contoso.com>',
		'amos.marble@contoso.com, eve@evil.example',
		'amos.marble@contoso.com\r\nBcc: eve@evil.example'
	])(
		'given the address %j, when a mail is written, then it is refused with a clear error and nothing is stored',
		async (address) => {
			const { mail, time } = mailService('smtp://127.0.0.1:1');
			const amos = await userByEmail(database.db, 'amos.marble@contoso.com');
			const before = await rowCount();
			const pending = time.pending();

			const refused = mail.enqueue(mailFor(amos, 'pin-reset', '86420', address));

			await expect(refused).rejects.toSatisfy(isServiceError);
			await expect(refused).rejects.toMatchObject({ code: 'bad-request', status: 400 });
			await expect(refused).rejects.toThrow(/is not a valid email address/);
			expect(await rowCount()).toBe(before);
			expect(time.pending()).toBe(pending);
		}
	);
});

describe('templates (S2, S12)', () => {
	const data: TemplateData = {
		displayName: 'Amos Marble',
		conferenceId: '4410273',
		serviceNumber: SERVICE_NUMBER,
		tenantName: 'Contoso',
		pinLength: 5
	};
	const pinLines = {
		en: { 'dial-in-enabled': 'Your dial-in conferencing PIN: {{pin}}', 'pin-reset': 'Your new PIN: {{pin}}' },
		sv: {
			'dial-in-enabled': 'Din PIN-kod för konferens med uppringning: {{pin}}',
			'pin-reset': 'Din nya PIN-kod: {{pin}}'
		}
	} as const;

	for (const language of MAIL_LANGUAGES) {
		for (const kind of MAIL_KINDS) {
			it(`renders ${kind} in ${language}`, () => {
				const { subject, body } = renderMail(kind, language, data);
				const occurrences = body.split(PIN_PLACEHOLDER).length - 1;
				expect(subject.length).toBeGreaterThan(0);
				expect(body).toContain('Amos Marble');
				expect(body).not.toMatch(/undefined|null/);
				if (kind === 'dial-in-disabled') {
					expect(occurrences).toBe(0);
					expect(body).not.toContain('4410273');
					return;
				}
				expect(occurrences).toBe(1);
				expect(body.split('\n')).toContain(pinLines[language][kind]);
				expect(body).toContain('4410273');
				expect(body).toContain(SERVICE_NUMBER);
				expect(body).toMatch(/\*/);
				expect(body).toMatch(/#/);
			});
		}
	}

	it('writes the Swedish texts with the article’s terms, and every subject differs by kind and language', () => {
		const sv = MAIL_KINDS.map((kind) => renderMail(kind, 'sv', data));
		for (const { subject, body } of sv) {
			expect(`${subject}\n${body}`).toContain('konferens med uppringning');
		}
		expect(renderMail('dial-in-enabled', 'sv', data).body).toContain('mötesorganisatör');
		expect(renderMail('pin-reset', 'sv', data).body).toContain('PIN-kod');
		const subjects = MAIL_LANGUAGES.flatMap((l) => MAIL_KINDS.map((k) => renderMail(k, l, data).subject));
		expect(new Set(subjects).size).toBe(subjects.length);
	});

	it('keeps a placeholder in a display name from becoming a second PIN, and reads well without conference details', () => {
		const { body } = renderMail('pin-reset', 'en', {
			displayName: 'Eve {{pin}}\r\nBcc: x',
			tenantName: 'Contoso'
		});
		expect(body.split(PIN_PLACEHOLDER).length - 1).toBe(1);
		expect(body).toContain('Hello Eve { {pin} } Bcc: x,');
		expect(body).toContain("1. Call your organization's dial-in number.");
		expect(body).toContain('2. Enter your conference ID followed by #.');
		expect(body).not.toContain('Conference information');
	});

	it('fills the placeholder with the PIN while one is kept, and with ***** after', () => {
		expect(maskedBody('PIN: {{pin}}.', '12345')).toBe('PIN: 12345.');
		expect(maskedBody('PIN: {{pin}}.', null)).toBe('PIN: *****.');
		expect(maskedBody('PIN: {{pin}}.', '$&$1')).toBe('PIN: $&$1.');
	});
});
