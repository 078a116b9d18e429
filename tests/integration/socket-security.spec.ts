/**
 * The live channel's doors, against the built server with real Socket.IO clients: which pages may
 * open a connection (Origin), how long a connection keeps its user (sign-out, expiry), how many
 * connections and dials one client address gets (and the administrator's token that lifts them for
 * load runs), and what anonymous monitors see.
 */
import postgres from 'postgres';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MeetingSnapshot, TimelineEvent } from '$lib/contract/events';
import { client, connect, must, refusal, signIn, type Client, type ConnectOptions } from '../helpers/clients';
import type { LoadReport } from '../../src/cli/load-command';
import { TEST_ADMIN_PASSWORD, TEST_USER_PASSWORD } from '../helpers/directory';
import { lobby } from '../helpers/lobby-cli';
import { serverPerSuite } from '../helpers/suite-server';

const AMOS_CONFERENCE = '4410273';
const AMOS_PIN = '48213';

/** Every client a test opens, closed after it. */
const open: Client[] = [];
afterEach(() => {
	for (const socket of open.splice(0)) socket.close();
});

async function connected(url: string, options: ConnectOptions = {}): Promise<Client> {
	const socket = await connect(url, options);
	open.push(socket);
	return socket;
}

/** Resolves with the reason `socket` was disconnected, or rejects after `ms`. */
function disconnection(socket: Client, ms = 5000): Promise<string> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`Still connected after ${ms} ms`)), ms);
		socket.once('disconnect', (reason) => {
			clearTimeout(timer);
			resolve(reason);
		});
	});
}

/** `scenario:control stop` with no run: an administrator hears `not-found`, anyone else a refusal. */
async function controlCode(socket: Client): Promise<string> {
	const answer = await socket.timeout(5000).emitWithAck('scenario:control', { action: 'stop' });
	return answer.ok ? 'ok' : answer.error.code;
}

async function signOut(url: string, cookie: string): Promise<number> {
	const response = await fetch(`${url}/signout`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			cookie,
			origin: url,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded'
		},
		body: ''
	});
	return response.status;
}

/** An API token through `POST /api/v1/login`, as `lobby login` gets one. */
async function apiToken(url: string, email: string, password: string): Promise<string> {
	const response = await fetch(`${url}/api/v1/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email, password, tokenName: 'socket-security spec' })
	});
	expect(response.status).toBe(201);
	return ((await response.json()) as { token: string }).token;
}

describe('the Origin of a handshake', () => {
	const suite = serverPerSuite({
		env: () => ({ LOBBY_ALLOWED_ORIGINS: 'https://lobby.example, http://trainer.example:8080' })
	});

	it('refuses a signed-in browser page from another site, naming the origin, so it cannot start a scenario', async () => {
		const cookie = await signIn(suite.server.url, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
		expect(cookie).toContain('session_token');
		const refused = await refusal(suite.server.url, { cookie: cookie!, origin: 'http://evil.example' });
		expect(refused).toMatch(/http:\/\/evil\.example/);
		expect(refused).toMatch(/not allowed/);
		// The server's log reaches this process through a pipe, a moment after the client's refusal.
		await vi.waitFor(() => expect(suite.server.output()).toMatch(/refused.*http:\/\/evil\.example/), {
			timeout: 5000
		});
	});

	it('accepts a page served by this server, and clients that send no Origin (the CLI, scripts)', async () => {
		const cookie = await signIn(suite.server.url, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
		const page = await connected(suite.server.url, { cookie: cookie!, origin: suite.server.url });
		expect(await controlCode(page)).toBe('not-found');
		const script = await connected(suite.server.url);
		expect((await script.emitWithAck('status:get')).ok).toBe(true);
	});

	it('accepts the origins in LOBBY_ALLOWED_ORIGINS, with their exact scheme and port only', async () => {
		expect(await refusal(suite.server.url, { origin: 'https://lobby.example' })).toBeNull();
		expect(await refusal(suite.server.url, { origin: 'http://trainer.example:8080' })).toBeNull();
		expect(await refusal(suite.server.url, { origin: 'http://lobby.example' })).toMatch(/not allowed/);
		expect(await refusal(suite.server.url, { origin: 'http://trainer.example' })).toMatch(/not allowed/);
		const port = new URL(suite.server.url).port;
		expect(await refusal(suite.server.url, { origin: `http://127.0.0.1:${Number(port) + 1}` })).toMatch(
			/not allowed/
		);
	});

	it('refuses an Origin that is not a URL, and keeps serving', async () => {
		expect(await refusal(suite.server.url, { origin: 'null' })).toMatch(/not allowed/);
		expect(await refusal(suite.server.url, { origin: '%%%' })).toMatch(/not allowed/);
		const after = await connected(suite.server.url);
		expect((await after.emitWithAck('status:get')).ok).toBe(true);
	});
});

describe('a connection keeps its user only while the session lasts', () => {
	const suite = serverPerSuite();

	it('signing out disconnects the sockets of that session, and the cookie no longer makes an administrator', async () => {
		const cookie = await signIn(suite.server.url, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
		const socket = await connected(suite.server.url, { cookie: cookie! });
		const second = await connected(suite.server.url, { cookie: cookie! });
		expect(await controlCode(socket)).toBe('not-found');
		const dropped = [disconnection(socket), disconnection(second)];
		expect(await signOut(suite.server.url, cookie!)).toBe(303);
		expect(await Promise.all(dropped)).toEqual(['io server disconnect', 'io server disconnect']);
		const again = await connected(suite.server.url, { cookie: cookie! });
		expect(await controlCode(again)).toBe('unauthenticated');
	});

	it('signing out one session leaves the same user’s other sessions connected', async () => {
		const phone = await signIn(suite.server.url, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
		const laptop = await signIn(suite.server.url, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
		const onPhone = await connected(suite.server.url, { cookie: phone! });
		const onLaptop = await connected(suite.server.url, { cookie: laptop! });
		const dropped = disconnection(onPhone);
		expect(await signOut(suite.server.url, phone!)).toBe(303);
		expect(await dropped).toBe('io server disconnect');
		expect(onLaptop.connected).toBe(true);
		expect(await controlCode(onLaptop)).toBe('not-found');
	});

	it('a user signed in on a socket cannot join from the client once signed out', async () => {
		const cookie = await signIn(suite.server.url, 'amos.marble@contoso.com', TEST_USER_PASSWORD);
		const socket = await connected(suite.server.url, { cookie: cookie! });
		const dropped = disconnection(socket);
		expect(await signOut(suite.server.url, cookie!)).toBe(303);
		await dropped;
		const again = await connected(suite.server.url, { cookie: cookie! });
		const refused = await again.emitWithAck('client:join', { conferenceId: AMOS_CONFERENCE });
		expect(refused).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
	});

	// The test changes the session in the database while the server runs: PostgreSQL only, since
	// PGlite admits one process (npm run test:postgres runs it).
	it.runIf(process.env.DATABASE_URL)(
		'a session that expires (or is deleted) while the socket is open is refused privileged events',
		async () => {
			const cookie = await signIn(suite.server.url, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
			const socket = await connected(suite.server.url, { cookie: cookie! });
			const other = await connected(suite.server.url, { cookie: cookie! });
			expect(await controlCode(socket)).toBe('not-found');
			const sql = postgres(suite.database.url!, { max: 1, onnotice: () => {} });
			try {
				const token = decodeURIComponent(cookie!.split('session_token=')[1]!.split(';')[0]!).split('.')[0]!;
				const updated =
					await sql`update sessions set expires_at = now() - interval '1 second' where token = ${token}`;
				expect(updated.count).toBe(1);
				const dropped = disconnection(socket);
				expect(await controlCode(socket)).toBe('unauthenticated');
				// Refused, then closed: the connection is nobody's any more.
				expect(await dropped).toBe('io server disconnect');
				expect(await other.emitWithAck('scenario:start', { file: 'nothing.yaml', speed: 1 })).toMatchObject({
					ok: false,
					error: { code: 'unauthenticated' }
				});
			} finally {
				await sql.end();
			}
		}
	);
});

describe('per-client limits with the defaults', () => {
	const suite = serverPerSuite({ directory: { tenant: { maxParticipants: 500 } } });

	it('lets 50 phones behind one classroom address dial into one lobby at once', async () => {
		const phones = await Promise.all(
			Array.from({ length: 50 }, () => connected(suite.server.url, { localAddress: '127.0.0.11' }))
		);
		const answers = await Promise.all(
			phones.map((phone, i) =>
				phone.emitWithAck('call:dial', {
					phoneNumber: `+46 8 400 00 ${String(i).padStart(2, '0')}`,
					keys: `${AMOS_CONFERENCE}##`
				})
			)
		);
		expect(answers.filter((a) => a.ok && a.call.phase === 'lobby')).toHaveLength(50);
	});

	it('refuses the 201st connection from one address, naming the limit, and not another address', async () => {
		await Promise.all(
			Array.from({ length: 200 }, () => connected(suite.server.url, { localAddress: '127.0.0.12' }))
		);
		const refused = await refusal(suite.server.url, { localAddress: '127.0.0.12' });
		expect(refused).toMatch(/200 connections/);
		expect(refused).toMatch(/LOBBY_MAX_CONNECTIONS_PER_CLIENT/);
		expect(await refusal(suite.server.url, { localAddress: '127.0.0.13' })).toBeNull();
	});
});

describe('per-client limits, set low, and the administrator token that lifts them', () => {
	const suite = serverPerSuite({
		env: () => ({
			LOBBY_MAX_CONNECTIONS_PER_CLIENT: '3',
			LOBBY_DIAL_BURST_PER_CLIENT: '2',
			LOBBY_DIALS_PER_MINUTE_PER_CLIENT: '1'
		})
	});

	it('frees a connection slot when a socket closes', async () => {
		const sockets = await Promise.all(
			[1, 2, 3].map(() => connected(suite.server.url, { localAddress: '127.0.0.21' }))
		);
		expect(await refusal(suite.server.url, { localAddress: '127.0.0.21' })).toMatch(/3 connections/);
		sockets[0]!.close();
		let again: string | null = 'not tried';
		for (let i = 0; i < 50 && again !== null; i++) {
			await new Promise((r) => setTimeout(r, 20));
			again = await refusal(suite.server.url, { localAddress: '127.0.0.21' });
		}
		expect(again).toBeNull();
	});

	it('answers dials beyond the burst with rate-limited, per address', async () => {
		const phones = await Promise.all(
			[1, 2, 3].map(() => connected(suite.server.url, { localAddress: '127.0.0.22' }))
		);
		const answers = [];
		for (const phone of phones) answers.push(await phone.emitWithAck('call:dial', {}));
		expect(answers.map((a) => a.ok)).toEqual([true, true, false]);
		expect(answers[2]).toMatchObject({
			ok: false,
			error: { code: 'rate-limited', message: expect.stringMatching(/LOBBY_DIALS_PER_MINUTE_PER_CLIENT/) }
		});
		// Hanging up and dialing again on the same address does not reset the count.
		await must(phones[0]!.emitWithAck('call:hangup'));
		expect(await phones[0]!.emitWithAck('call:dial', {})).toMatchObject({ error: { code: 'rate-limited' } });
		const elsewhere = await connected(suite.server.url, { localAddress: '127.0.0.23' });
		expect((await elsewhere.emitWithAck('call:dial', {})).ok).toBe(true);
	});

	it('keeps the dial count when every socket of the address closes and comes back', async () => {
		const first = await connected(suite.server.url, { localAddress: '127.0.0.24' });
		await must(first.emitWithAck('call:dial', {}));
		const second = await connected(suite.server.url, { localAddress: '127.0.0.24' });
		await must(second.emitWithAck('call:dial', {}));
		first.close();
		second.close();
		await new Promise((r) => setTimeout(r, 200));
		const back = await connected(suite.server.url, { localAddress: '127.0.0.24' });
		expect(await back.emitWithAck('call:dial', {})).toMatchObject({ error: { code: 'rate-limited' } });
	});

	it('lifts both limits for a handshake with an administrator’s API token, and audits it once', async () => {
		const token = await apiToken(suite.server.url, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
		const load = await Promise.all(
			[1, 2, 3, 4, 5, 6].map(() =>
				connected(suite.server.url, { localAddress: '127.0.0.25', auth: { token } })
			)
		);
		const answers = await Promise.all(load.map((s) => s.emitWithAck('call:dial', {})));
		expect(answers.every((a) => a.ok)).toBe(true);
		// Sockets without the token still share the address's limits, and are not crowded out.
		const phones = await Promise.all(
			[1, 2, 3].map(() => connected(suite.server.url, { localAddress: '127.0.0.25' }))
		);
		expect(await refusal(suite.server.url, { localAddress: '127.0.0.25' })).toMatch(/3 connections/);
		expect((await phones[0]!.emitWithAck('call:dial', {})).ok).toBe(true);

		const audit = await fetch(`${suite.server.url}/api/v1/audit?action=socket.limits-lifted`, {
			headers: { authorization: `Bearer ${token}` }
		});
		const { entries } = (await audit.json()) as {
			entries: { actorEmail: string; path: string; details: Record<string, unknown> }[];
		};
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({ actorEmail: 'admin@contoso.com', path: 'socket' });
		expect(JSON.stringify(entries)).not.toContain(token);
	});

	it('lobby load sends its administrator token in every handshake, so a run from one machine is not limited', async () => {
		const token = await apiToken(suite.server.url, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
		const result = await lobby(['load', '--meetings', '1', '--callers', '8', '--json'], {
			env: {
				LOBBY_URL: suite.server.url,
				LOBBY_TOKEN: token,
				LOBBY_CREDENTIALS: '/nonexistent/credentials.json'
			}
		});
		expect(result, result.stderr).toMatchObject({ code: 0 });
		const report = JSON.parse(result.stdout) as LoadReport;
		expect(report).toMatchObject({ callers: 8, joins: 8, admitted: 8, errors: { total: 0 }, ok: true });
	}, 60_000);

	it('lifts nothing for a user’s token, an unknown token or a malformed one, and keeps serving', async () => {
		const userToken = await apiToken(suite.server.url, 'amos.marble@contoso.com', TEST_USER_PASSWORD);
		for (const [address, auth] of [
			['127.0.0.26', { token: userToken }],
			['127.0.0.27', { token: 'lobby_not-a-real-token' }],
			['127.0.0.28', { token: 42 }],
			['127.0.0.29', { token: 'x'.repeat(5000) }]
		] as const) {
			await Promise.all([1, 2, 3].map(() => connected(suite.server.url, { localAddress: address, auth })));
			expect(await refusal(suite.server.url, { localAddress: address, auth })).toMatch(/3 connections/);
		}
		const after = await connected(suite.server.url, { localAddress: '127.0.0.30' });
		expect((await after.emitWithAck('status:get')).ok).toBe(true);
	});

	it('the connection refusal reaches the client as connect_error, not as a dropped socket', async () => {
		await Promise.all([1, 2, 3].map(() => connected(suite.server.url, { localAddress: '127.0.0.31' })));
		const socket = client(suite.server.url, { localAddress: '127.0.0.31' });
		const error = await new Promise<Error & { data?: unknown }>((resolve) =>
			socket.once('connect_error', resolve)
		);
		socket.close();
		expect(error.message).toMatch(/Too many connections/);
		expect(error.data).toMatchObject({ code: 'rate-limited' });
	});
});

describe('what anonymous monitors see', () => {
	const suite = serverPerSuite({
		directory: { pins: { 'amos.marble@contoso.com': AMOS_PIN }, tenant: { maskPstnNumbersType: 'NoMasking' } }
	});

	async function watch(socket: Client, meetingId: string) {
		const events: TimelineEvent[] = [];
		socket.on('monitor:meeting', (update) => {
			if (update.meetingId === meetingId) events.push(...update.events);
		});
		const answer = await must(socket.emitWithAck('monitor:subscribe', { scope: 'meeting', meetingId }));
		if (!('snapshot' in answer)) throw new Error('expected a meeting snapshot');
		return { snapshot: answer.snapshot as MeetingSnapshot, events };
	}

	it('anonymous sockets get no user ids and masked numbers even with NoMasking; signed-in users see what the tenant says', async () => {
		const caller = await connected(suite.server.url);
		const dialed = await must(
			caller.emitWithAck('call:dial', { phoneNumber: '+46 8 555 12 34', keys: `${AMOS_CONFERENCE}##` })
		);
		const meetingId = dialed.call.meetingId!;
		const leader = await connected(suite.server.url);
		await must(leader.emitWithAck('call:dial', { keys: `${AMOS_CONFERENCE}#*${AMOS_PIN}#` }));

		const anonymous = await watch(await connected(suite.server.url), meetingId);
		const cookie = await signIn(suite.server.url, 'amos.marble@contoso.com', TEST_USER_PASSWORD);
		const signedIn = await watch(await connected(suite.server.url, { cookie: cookie! }), meetingId);

		// The conference ID and the organizer's name stay: trainees dial in with them.
		expect(anonymous.snapshot.meeting.conferenceId).toBe(AMOS_CONFERENCE);
		expect(anonymous.snapshot.meeting.organizer.displayName).toBe('Amos Marble');
		const anonymousText = JSON.stringify(anonymous.snapshot);
		const userId = signedIn.snapshot.meeting.organizer.userId;
		expect(userId).toMatch(/\S/);
		expect(anonymousText).not.toContain(userId);
		expect(anonymousText).not.toMatch(/"userId":"[^"]/);
		expect(anonymous.snapshot.meeting.organizer.userId).toBe('');
		expect(anonymousText).not.toContain('555 12 34');
		expect(anonymousText).toContain('+46 8 ••• •• 34');
		expect(JSON.stringify(signedIn.snapshot)).toContain('+46 8 555 12 34');
		expect(signedIn.snapshot.meeting.participants.find((p) => p.isLeader)?.userId).toBe(userId);

		// Later events follow the same rule.
		const late = await connected(suite.server.url);
		await must(
			late.emitWithAck('call:dial', { phoneNumber: '+46 8 555 98 76', keys: `${AMOS_CONFERENCE}##` })
		);
		for (let i = 0; i < 100 && (anonymous.events.length === 0 || signedIn.events.length === 0); i++) {
			await new Promise((r) => setTimeout(r, 20));
		}
		expect(JSON.stringify(anonymous.events)).toContain('+46 8 ••• •• 76');
		expect(JSON.stringify(anonymous.events)).not.toContain('555 98 76');
		expect(JSON.stringify(signedIn.events)).toContain('+46 8 555 98 76');
	});

	it('the dashboard list still names every meeting’s conference ID and organizer for anyone', async () => {
		const monitor = await connected(suite.server.url);
		const answer = await must(monitor.emitWithAck('monitor:subscribe', { scope: 'all' }));
		expect('meetings' in answer && answer.meetings).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ conferenceId: AMOS_CONFERENCE, organizerName: 'Amos Marble' })
			])
		);
		expect(JSON.stringify(answer)).not.toMatch(/userId/i);
	});
});
