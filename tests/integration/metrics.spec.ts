import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, must, nextCallState, type Client } from '../helpers/clients';
import { parseScrape, type Scrape } from '../helpers/prometheus';
import { createTestDatabase, startServer } from '../helpers/server';
import { serverPerSuite } from '../helpers/suite-server';

const AMOS_CONFERENCE = '4410273';
const AMOS_PIN = '48213';
const TOKEN = 'metrics-test-token-0123456789abcdef';

describe('liveness, readiness and metrics on the built server', () => {
	const suite = serverPerSuite({
		directory: { pins: { 'amos.marble@contoso.com': AMOS_PIN } },
		env: () => ({ LOBBY_METRICS_TOKEN: TOKEN, LOBBY_NODE_ID: 'metrics-spec-node' })
	});
	const sockets: Client[] = [];
	afterAll(() => {
		for (const socket of sockets) socket.disconnect();
	});

	async function scrape(): Promise<Scrape> {
		const response = await fetch(`${suite.server.url}/metrics`, {
			headers: { authorization: `Bearer ${TOKEN}` }
		});
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
		return parseScrape(await response.text());
	}

	/** A caller who dials Amos Marble's conference ID and waits in the lobby (# at the leader prompt). */
	async function callerInLobby(): Promise<Client> {
		const socket = await connect(suite.server.url);
		sockets.push(socket);
		await must(socket.emitWithAck('call:dial', { keys: `${AMOS_CONFERENCE}#` }));
		const { call } = await must(socket.emitWithAck('call:keys', { keys: '#' }));
		expect(call).toMatchObject({ phase: 'lobby' });
		return socket;
	}

	it('answers /healthz (alive, nothing else said) and /readyz (ready) without a session', async () => {
		const live = await fetch(`${suite.server.url}/healthz`);
		expect(live.status).toBe(200);
		expect(await live.json()).toEqual({ status: 'ok' });
		const ready = await fetch(`${suite.server.url}/readyz`);
		expect(ready.status).toBe(200);
		expect(await ready.json()).toEqual({ status: 'ready' });
	});

	it('refuses /metrics without the token and with a wrong one', async () => {
		const anonymous = await fetch(`${suite.server.url}/metrics`);
		expect(anonymous.status).toBe(401);
		expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer /);
		expect(await anonymous.text()).not.toMatch(/lobby_/);
		const wrong = await fetch(`${suite.server.url}/metrics`, {
			headers: { authorization: `Bearer ${TOKEN.replace(/.$/, 'x')}` }
		});
		expect(wrong.status).toBe(401);
	});

	it('shows callers entering the lobby, the PIN failing, admission and commits as real callers join', async () => {
		const before = await scrape();
		const node = { node: 'metrics-spec-node' };
		expect(before.value('lobby_callers_in_lobby', node)).toBe(0);
		expect(before.family('nodejs_eventloop_lag_seconds').samples.length).toBeGreaterThan(0);
		const joins = before.value('lobby_joins_total', { via: 'phone' });
		const commits = before.value('lobby_commits_total', { outcome: 'ok' });
		const admitted = before.count('lobby_time_to_admit_seconds');
		const pinFailures = before.value('lobby_pin_failures_total');

		const first = await callerInLobby();
		const second = await callerInLobby();
		const waiting = await scrape();
		expect(waiting.value('lobby_callers_in_lobby')).toBe(2);
		expect(waiting.value('lobby_meetings', { state: 'waiting' })).toBe(1);
		expect(waiting.value('lobby_joins_total', { via: 'phone' })).toBe(joins + 2);
		expect(waiting.value('lobby_commits_total', { outcome: 'ok' })).toBeGreaterThan(commits);
		expect(waiting.count('lobby_commit_duration_seconds')).toBeGreaterThan(0);
		expect(waiting.value('lobby_socket_connections')).toBeGreaterThanOrEqual(2);
		await expect.poll(async () => (await scrape()).value('lobby_longest_wait_seconds')).toBeGreaterThan(0);

		// The organizer dials in, gets the PIN wrong once, then right: the meeting starts and admits the lobby.
		const organizer = await connect(suite.server.url);
		sockets.push(organizer);
		await must(organizer.emitWithAck('call:dial', { keys: `${AMOS_CONFERENCE}#` }));
		await must(organizer.emitWithAck('call:keys', { keys: '*' }));
		await must(organizer.emitWithAck('call:keys', { keys: '99999#' }));
		const admittedViews = [first, second].map((s) => nextCallState(s, (v) => v.phase === 'in-meeting'));
		const { call } = await must(organizer.emitWithAck('call:keys', { keys: `${AMOS_PIN}#` }));
		expect(call).toMatchObject({ phase: 'in-meeting', isLeader: true });
		await Promise.all(admittedViews);

		const after = await scrape();
		expect(after.value('lobby_pin_failures_total')).toBe(pinFailures + 1);
		expect(after.value('lobby_pin_lockouts_total')).toBe(0);
		expect(after.count('lobby_time_to_admit_seconds')).toBe(admitted + 2);
		expect(after.value('lobby_callers_in_lobby')).toBe(0);
		expect(after.value('lobby_longest_wait_seconds')).toBe(0);
		expect(after.value('lobby_meetings', { state: 'in-progress' })).toBe(1);
		expect(after.value('lobby_meetings', { state: 'waiting' })).toBe(0);
		expect(after.value('lobby_commits_total', { outcome: 'ok' })).toBeGreaterThan(
			waiting.value('lobby_commits_total', { outcome: 'ok' })
		);
	});
});

/** A port nothing listens on now. */
function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

describe('while the server boots', () => {
	it('answers /readyz with starting, then ready once it logs that it listens; other requests wait with a 503', async () => {
		const database = await createTestDatabase();
		const port = await freePort();
		const base = `http://127.0.0.1:${port}`;
		const seen: string[] = [];
		let page: number | null = null;
		let polling = true;
		const poll = (async () => {
			while (polling) {
				try {
					const response = await fetch(`${base}/readyz`);
					const body = (await response.json()) as { reason?: string };
					seen.push(`${response.status} ${body.reason ?? 'ready'}`);
					if (response.status === 503 && page === null) page = (await fetch(`${base}/`)).status;
				} catch {
					// Not listening yet.
				}
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
		})();
		const server = await startServer({ env: { ...database.env, PORT: String(port) } });
		polling = false;
		await poll;
		try {
			// Migrations and the demo seed take far longer than one poll: it was seen starting.
			expect(seen).toContain('503 starting');
			expect(new Set(seen)).toEqual(new Set(seen.filter((s) => s === '503 starting' || s === '200 ready')));
			expect(page).toBe(503);
			expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
		} finally {
			await server.stop();
			await database.drop();
		}
	});
});

describe('/metrics without LOBBY_METRICS_TOKEN', () => {
	const suite = serverPerSuite();

	it('is off, and says how to turn it on', async () => {
		const response = await fetch(`${suite.server.url}/metrics`);
		expect(response.status).toBe(404);
		expect(await response.text()).toMatch(/Set LOBBY_METRICS_TOKEN on the server/);
	});
});

describe.runIf(process.env.DATABASE_URL)('readiness when PostgreSQL goes away', () => {
	it('answers /readyz 503 database-unreachable while /healthz stays 200', async () => {
		const database = await createTestDatabase();
		const server = await startServer({ env: database.env });
		try {
			expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
			// Dropping the database closes the server's connections and leaves nothing to reconnect to.
			await database.drop();
			const ready = await fetch(`${server.url}/readyz`);
			expect(ready.status).toBe(503);
			expect(await ready.json()).toEqual({ status: 'unavailable', reason: 'database-unreachable' });
			expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
		} finally {
			await server.stop();
			await database.drop();
		}
	});
});
