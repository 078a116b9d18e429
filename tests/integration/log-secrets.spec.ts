/**
 * S8 in the log: a built server at LOG_LEVEL=trace, the most it ever writes, goes through every
 * moment a PIN is in its hands (an administrator's reset shown once, by the API and by the admin
 * center; wrong PINs by phone; a lockout and the right PIN refused while locked; the right PIN
 * starting the meeting; a PIN email the mail server refuses), and then not one of those PINs is in
 * anything it wrote. Every line it wrote is a JSON object, and the lines of one request or socket
 * event carry its id.
 */
import { wholePin } from '$lib/server/services/engine-test-kit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect, must, signIn, type Client } from '../helpers/clients';
import { TEST_ADMIN_PASSWORD } from '../helpers/directory';
import { logEntries, type LogEntry } from '../helpers/log-capture';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { serverPerSuite } from '../helpers/suite-server';

const AMOS_CONFERENCE = '4410273';
/** Amos's PIN before the resets, set in the directory. */
const FIRST_PIN = '48213';
/** PINs a caller gets wrong: long, so that no id or time in the log holds one by chance. */
const WRONG_PINS = ['90817263', '55501234', '31415926'];
const LOCKOUT_THRESHOLD = 3;

describe('the log at its most talkative holds no PIN', () => {
	let sink: SmtpSink;
	beforeAll(async () => {
		// A mail server that refuses every recipient: each PIN email fails, and the failure is logged.
		sink = await startSmtpSink({ rejectFirst: 1_000_000 });
	});
	const suite = serverPerSuite({
		directory: {
			pins: { 'amos.marble@contoso.com': FIRST_PIN },
			// Eight-digit PINs from the resets, and a lockout after three wrong ones.
			tenant: { pinLength: 8, pinLockoutThreshold: LOCKOUT_THRESHOLD }
		},
		env: () => ({ LOG_LEVEL: 'trace', SMTP_URL: sink.url })
	});
	const sockets: Client[] = [];
	/** Every PIN this spec saw or typed. */
	const known: string[] = [FIRST_PIN, ...WRONG_PINS];
	afterAll(async () => {
		for (const socket of sockets) socket.disconnect();
		await sink.close();
	});

	async function dialAsLeader(): Promise<Client> {
		const socket = await connect(suite.server.url);
		sockets.push(socket);
		await must(socket.emitWithAck('call:dial', { keys: `${AMOS_CONFERENCE}#` }));
		await must(socket.emitWithAck('call:keys', { keys: '*' }));
		return socket;
	}

	/** The failed attempts to send a reset's email (the first start's welcome emails fail too). */
	const mailFailures = () =>
		logEntries(suite.server.output()).filter((e) =>
			/^mail \S+ \(pin-reset\): attempt \d+ of \d+ failed/.test(e.msg)
		);

	it('given an administrator resetting the PIN by the API, then the PIN is in the answer once', async () => {
		const login = await fetch(`${suite.server.url}/api/v1/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-request-id': 'client-chosen-id' },
			body: JSON.stringify({ email: 'admin@contoso.com', password: TEST_ADMIN_PASSWORD })
		});
		const { token } = (await login.json()) as { token: string };
		const reset = await fetch(`${suite.server.url}/api/v1/dial-in-users/amos.marble/reset-leader-pin`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ sendEmail: true })
		});
		const answer = (await reset.json()) as { leaderPin: string; email: { sent: boolean } };
		expect(answer.leaderPin).toMatch(/^\d{8}$/);
		expect(answer.email.sent).toBe(true);
		known.push(answer.leaderPin);
		// The refused email is logged as a failed attempt.
		await vi.waitFor(() => expect(mailFailures().length).toBeGreaterThanOrEqual(1), { timeout: 15_000 });
	});

	it('given wrong PINs by phone up to the lockout, and then the right one, then the PIN start stays locked', async () => {
		const caller = await dialAsLeader();
		for (const [i, wrongPin] of WRONG_PINS.entries()) {
			const { call } = await must(caller.emitWithAck('call:keys', { keys: `${wrongPin}#` }));
			const expected = i + 1 < LOCKOUT_THRESHOLD ? 'pin-wrong' : 'pin-locked';
			expect(call.prompts.map((p) => p.id)).toContain(expected);
		}
		const again = await dialAsLeader();
		const { call } = await must(again.emitWithAck('call:keys', { keys: `${known[known.length - 1]}#` }));
		expect(call.prompts.map((p) => p.id)).toContain('pin-locked');
	});

	it('given a reset from the admin center, then its PIN, shown once, starts the meeting by phone', async () => {
		const cookie = await signIn(suite.server.url, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
		const reset = await fetch(`${suite.server.url}/admin/dial-in-users/amos.marble?/reset`, {
			method: 'POST',
			headers: {
				cookie: cookie!,
				origin: suite.server.url,
				accept: 'application/json',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: new URLSearchParams({ sendEmail: 'on' })
		});
		const text = await reset.text();
		// SvelteKit answers an action with its data encoded by devalue: a flat array of values.
		const values = JSON.parse((JSON.parse(text) as { data: string }).data) as unknown[];
		const pin = values.find((v): v is string => typeof v === 'string' && /^\d{8}$/.test(v));
		expect(pin, text).toMatch(/^\d{8}$/);
		known.push(pin!);
		const leader = await dialAsLeader();
		const { call } = await must(leader.emitWithAck('call:keys', { keys: `${pin}#` }));
		expect(call).toMatchObject({ phase: 'in-meeting', isLeader: true });
		await vi.waitFor(() => expect(mailFailures().length).toBeGreaterThanOrEqual(2), { timeout: 15_000 });
	});

	describe('then, in everything the server wrote', () => {
		let entries: LogEntry[];
		beforeAll(() => {
			entries = logEntries(suite.server.output());
		});

		it('no PIN appears, in any form', () => {
			const output = suite.server.output();
			expect(known).toHaveLength(2 + WRONG_PINS.length + 1);
			for (const pin of known) expect(output, `PIN ${pin} in the log`).not.toMatch(wholePin(pin));
		});

		it('every line is a JSON object with level, time and msg', () => {
			expect(entries.length).toBeGreaterThan(20);
			for (const entry of entries) {
				expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).toContain(entry.level);
				expect(typeof entry.time).toBe('number');
				expect(typeof entry.msg).toBe('string');
			}
			expect(entries.some((e) => /^Lobby is listening on http:\/\/[\d.]+:\d+$/.test(e.msg))).toBe(true);
		});

		it('each HTTP request has its own id, made by the server, on each of its lines', () => {
			const requests = entries.filter((e) => /^(GET|POST) \S+/.test(e.msg));
			expect(requests.length).toBeGreaterThanOrEqual(6);
			for (const line of requests) expect(line.requestId, line.msg).toMatch(/^[0-9a-f-]{36}$/);
			const answered = requests.filter((e) => / answered \d{3}$/.test(e.msg));
			expect(new Set(answered.map((e) => e.requestId)).size).toBe(answered.length);
			// A request's first line and its answer share the id.
			for (const line of answered) {
				expect(requests.filter((e) => e.requestId === line.requestId)).toHaveLength(2);
			}
			expect(suite.server.output()).not.toContain('client-chosen-id');
		});

		it('each socket event has its id and the connection’s, and the call’s once it has one', () => {
			const events = entries.filter((e) => e.msg.startsWith('Socket event '));
			expect(events.length).toBeGreaterThanOrEqual(2 * (2 + WRONG_PINS.length + 3));
			for (const line of events) {
				expect(line.eventId, line.msg).toMatch(/^[0-9a-f-]{36}$/);
				expect(typeof line.socketId).toBe('string');
			}
			for (const line of events.filter((e) => e.msg.includes('call:keys')))
				expect(line.callId, line.msg).toMatch(/^call_/);
		});

		it('the wrong PINs and the lockout are logged, without the PIN, with the call they came from', () => {
			const wrong = entries.filter((e) => e.msg === 'A wrong leader PIN was entered');
			expect(wrong).toHaveLength(LOCKOUT_THRESHOLD - 1);
			const locked = entries.filter((e) => e.msg.startsWith('A leader PIN is locked'));
			expect(locked).toHaveLength(1);
			expect(locked[0]).toMatchObject({ level: 'warn', failedAttempts: LOCKOUT_THRESHOLD });
			for (const line of [...wrong, ...locked]) {
				expect(line.callId).toMatch(/^call_/);
				expect(line.eventId).toMatch(/^[0-9a-f-]{36}$/);
			}
		});

		it('the refused emails are logged as failed attempts, without their PIN', () => {
			const failures = mailFailures();
			expect(failures.length).toBeGreaterThanOrEqual(2);
			for (const line of failures) expect(line.level).toBe('warn');
		});
	});
});
