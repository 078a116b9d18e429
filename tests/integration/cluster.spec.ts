/**
 * Several servers on one PostgreSQL (docs/architecture.md, "Several servers"): real server
 * processes, real Socket.IO clients, a real PostgreSQL. Callers spread over the servers share one
 * meeting; the meeting survives the loss of the server that owns it (kill -9, SIGTERM, SIGSTOP).
 * PGlite serves one server only, so these run under `npm run test:postgres`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CallView, MeetingsDelta } from '$lib/contract/events';
import { connect, must, nextCallState, signIn, type Client } from '../helpers/clients';
import { prepareDirectory, TEST_ADMIN_PASSWORD, TEST_USER_PASSWORD } from '../helpers/directory';
import { createTestDatabase, startServer, type TestDatabase, type TestServer } from '../helpers/server';
import { findHaproxy, renderHaproxyConfig } from '../../scripts/haproxy-config.mjs';
import { freePort } from '../../scripts/postgres-programs.mjs';

const AMOS_CONFERENCE = '4410273';
const AMOS_PIN = '48213';
const WRONG_PIN = '11111';

const ON_POSTGRES = Boolean(process.env.DATABASE_URL);
const HAPROXY = findHaproxy();

/** HAProxy with deploy/haproxy.cfg in front of `servers`; resolves once it accepts connections. */
async function proxyFor(servers: TestServer[], names: string[]): Promise<{ url: string; stop(): void }> {
	const port = await freePort();
	const dir = mkdtempSync(join(tmpdir(), 'lobby-haproxy-'));
	const config = join(dir, 'haproxy.cfg');
	writeFileSync(
		config,
		renderHaproxyConfig({ port, servers: servers.map((s, i) => ({ name: names[i]!, port: s.port })) })
	);
	const child: ChildProcess = spawn(HAPROXY!, ['-f', config, '-db'], { stdio: 'ignore' });
	const url = `http://127.0.0.1:${port}`;
	await eventually('HAProxy answers', async () => (await fetch(`${url}/readyz`)).ok, 10_000);
	return {
		url,
		stop() {
			child.kill('SIGKILL');
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

/** Servers of one cluster on one fresh database, each with its own node id. */
async function cluster(database: TestDatabase, names: string[], leaseMs: number): Promise<TestServer[]> {
	return Promise.all(
		names.map((name) =>
			startServer({ env: { ...database.env, LOBBY_NODE_ID: name, LOBBY_LEASE_MS: String(leaseMs) } })
		)
	);
}

/** A caller on `url` who dials Amos's conference ID and waits in his lobby. */
async function callerInLobby(url: string, phoneNumber: string) {
	const socket = await connect(url);
	const dialed = await must(socket.emitWithAck('call:dial', { phoneNumber, keys: `${AMOS_CONFERENCE}##` }));
	expect(dialed.call).toMatchObject({ phase: 'lobby', music: 'lobby' });
	return {
		socket,
		callId: dialed.callId,
		resumeToken: dialed.resumeToken,
		meetingId: dialed.call.meetingId!
	};
}

/** Who owns each live meeting, and the events of one meeting, read from the shared database. */
async function fromDatabase(database: TestDatabase) {
	const sql = postgres(database.url!, { max: 1, onnotice: () => {} });
	return {
		async lease(meetingId: string) {
			const [row] = await sql<{ owner: string; token: string }[]>`
				select owner, token from meeting_leases where meeting_id = ${meetingId}`;
			return row ? { owner: row.owner, token: Number(row.token) } : null;
		},
		async events(meetingId: string) {
			return sql<
				{ seq: number; type: string; data: { participantId?: string; participantIds?: string[] } }[]
			>`
				select seq, type, data from meeting_events where meeting_id = ${meetingId} order by seq`;
		},
		close: () => sql.end()
	};
}

/** Resolves once `predicate` holds, polling; fails with `what` after `ms`. */
async function eventually<T>(
	what: string,
	probe: () => Promise<T | null | false> | T | null | false,
	ms = 20_000
): Promise<T> {
	const until = Date.now() + ms;
	let last: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value) return value;
		} catch (error) {
			last = error;
		}
		if (Date.now() > until)
			throw new Error(`${what} did not happen within ${ms} ms${last ? `: ${String(last)}` : ''}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

/** Reconnects a caller to `url` and takes the call back with its resume token. */
async function resumeOn(
	url: string,
	callId: string,
	resumeToken: string
): Promise<{ socket: Client; call: CallView }> {
	const socket = await connect(url);
	const { call } = await must(socket.emitWithAck('call:resume', { callId, resumeToken }));
	return { socket, call };
}

// Skipped on PGlite, which serves one server only; `npm run test:postgres` runs these.
/**
 * Signs in as the administrator on `url`; answers a function that POSTs JSON to
 * `/api/v1{base}{path}` on any server of the cluster with that token.
 */
async function adminPoster(url: string, base: string) {
	const login = await fetch(`${url}/api/v1/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email: 'admin@contoso.com', password: TEST_ADMIN_PASSWORD })
	});
	const { token } = (await login.json()) as { token: string };
	return (server: string, path: string, body: unknown) =>
		fetch(`${server}/api/v1${base}${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
			body: JSON.stringify(body)
		});
}

describe.skipIf(!ON_POSTGRES)(
	'several servers on one PostgreSQL (skipped on PGlite: it serves one server)',
	() => {
		let database: TestDatabase | null = null;
		let servers: TestServer[] = [];
		const sockets: Client[] = [];

		async function start(names: string[], leaseMs: number) {
			database = await createTestDatabase();
			await prepareDirectory(database, { pins: { 'amos.marble@contoso.com': AMOS_PIN } });
			servers = await cluster(database, names, leaseMs);
			return servers;
		}

		afterEach(async () => {
			for (const s of sockets.splice(0)) s.disconnect();
			for (const s of servers) {
				if (s.process.signalCode === 'SIGSTOP') s.process.kill('SIGCONT');
				await s.stop('SIGKILL');
			}
			servers = [];
			await database?.drop();
			database = null;
		});

		afterAll(() => {
			for (const s of sockets) s.disconnect();
		});

		it('S10 across servers: callers on A and B wait in one lobby; the organizer dials B with the PIN; all three are admitted in arrival order, each told by its own server, and a dashboard on A sees the lobby go from 3 to 0', async () => {
			const [a, b] = await start(['node-a', 'node-b'], 10_000);
			const db = await fromDatabase(database!);
			try {
				const dashboard = await connect(a!.url);
				sockets.push(dashboard);
				const deltas: MeetingsDelta[] = [];
				dashboard.on('monitor:meetings', (d) => deltas.push(d));
				await must(dashboard.emitWithAck('monitor:subscribe', { scope: 'all' }));

				const one = await callerInLobby(a!.url, '+46 8 100 00 01');
				const two = await callerInLobby(a!.url, '+46 8 100 00 02');
				const three = await callerInLobby(b!.url, '+46 8 100 00 03');
				sockets.push(one.socket, two.socket, three.socket);
				// One conference ID, one live meeting across the cluster; A opened it and owns it.
				expect(new Set([one.meetingId, two.meetingId, three.meetingId]).size).toBe(1);
				const meetingId = one.meetingId;
				expect(await db.lease(meetingId)).toMatchObject({ owner: 'node-a' });
				await eventually('the dashboard on A shows three callers waiting', () =>
					deltas.some((d) => d.upserts.some((m) => m.meetingId === meetingId && m.lobbySize === 3))
				);
				// Node B's own view of the cluster's meetings shows the same one meeting.
				const onB = await connect(b!.url);
				sockets.push(onB);
				const listed = await must(onB.emitWithAck('monitor:subscribe', { scope: 'all' }));
				if (!('meetings' in listed)) throw new Error('expected the meetings list');
				// The dashboard's figures: the one meeting, who owns it, and both servers running.
				expect(listed.meetings.map((m) => [m.meetingId, m.owner])).toEqual([[meetingId, 'node-a']]);
				expect(listed.servers).toEqual(['node-a', 'node-b']);

				const admitted = [one, two, three].map(({ socket }) =>
					nextCallState(socket, (view) => view.phase === 'in-meeting', 15_000)
				);
				const organizer = await connect(b!.url);
				sockets.push(organizer);
				const leader = await must(
					organizer.emitWithAck('call:dial', {
						phoneNumber: '+46 8 100 00 09',
						keys: `${AMOS_CONFERENCE}#*${AMOS_PIN}#`
					})
				);
				expect(leader.call).toMatchObject({ phase: 'in-meeting', isLeader: true, meetingId });
				for (const view of await Promise.all(admitted)) {
					expect(view).toMatchObject({ phase: 'in-meeting', music: 'none', prompt: { id: 'admitted' } });
				}
				const log = await db.events(meetingId);
				const lobbyOrder = log
					.filter((e) => e.type === 'CallerEnteredLobby')
					.map((e) => e.data.participantId);
				expect(lobbyOrder).toEqual([one.callId, two.callId, three.callId]);
				const admission = log.filter((e) => e.type === 'LobbyAdmitted');
				expect(admission).toHaveLength(1);
				expect(admission[0]!.data.participantIds).toEqual([one.callId, two.callId, three.callId]);
				expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
				await eventually('the dashboard on A shows the lobby empty', () =>
					deltas.some((d) => d.upserts.some((m) => m.meetingId === meetingId && m.lobbySize === 0))
				);
			} finally {
				await db.close();
			}
		});

		it('failover: the owner is killed with -9; its callers resume on the other server with their tokens, in their order; the meeting is taken over and the organizer starts it', async () => {
			const [a, b] = await start(['node-a', 'node-b'], 3000);
			const db = await fromDatabase(database!);
			try {
				const callers = [];
				for (let i = 0; i < 4; i++) callers.push(await callerInLobby(a!.url, `+46 8 200 00 0${i}`));
				const meetingId = callers[0]!.meetingId;
				expect(await db.lease(meetingId)).toMatchObject({ owner: 'node-a', token: 1 });

				await a!.stop('SIGKILL');
				for (const c of callers) c.socket.disconnect();
				const resumed = [];
				for (const c of callers) {
					const back = await eventually('a caller resumes on B', () =>
						resumeOn(b!.url, c.callId, c.resumeToken)
					);
					sockets.push(back.socket);
					expect(back.call).toMatchObject({ phase: 'lobby', music: 'lobby', meetingId });
					resumed.push(back);
				}
				const lease = await eventually('B takes the meeting over', async () => {
					const now = await db.lease(meetingId);
					return now?.owner === 'node-b' ? now : null;
				});
				expect(lease.token).toBeGreaterThan(1);

				const admitted = resumed.map(({ socket }) =>
					nextCallState(socket, (v) => v.phase === 'in-meeting', 15_000)
				);
				const organizer = await connect(b!.url);
				sockets.push(organizer);
				await must(
					organizer.emitWithAck('call:dial', {
						phoneNumber: '+46 8 200 00 09',
						keys: `${AMOS_CONFERENCE}#*${AMOS_PIN}#`
					})
				);
				for (const view of await Promise.all(admitted)) expect(view).toMatchObject({ phase: 'in-meeting' });
				const log = await db.events(meetingId);
				const admission = log.find((e) => e.type === 'LobbyAdmitted');
				expect(admission?.data.participantIds).toEqual(callers.map((c) => c.callId));
				expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
			} finally {
				await db.close();
			}
		});

		it('split brain: an owner frozen past its lease is taken over; continued, its stale lease appends nothing, it drops the meeting, and its caller is served by the new owner', async () => {
			const [a, b] = await start(['node-a', 'node-b'], 1500);
			const db = await fromDatabase(database!);
			try {
				const onA = await callerInLobby(a!.url, '+46 8 300 00 01');
				sockets.push(onA.socket);
				const meetingId = onA.meetingId;
				a!.process.kill('SIGSTOP');
				// B takes the meeting over once A's lease has run out (a caller on B forwards, then claims).
				const onB = await eventually('a caller joins through B while A is frozen', () =>
					callerInLobby(b!.url, '+46 8 300 00 02')
				);
				sockets.push(onB.socket);
				expect(onB.meetingId).toBe(meetingId);
				const taken = await db.lease(meetingId);
				expect(taken).toMatchObject({ owner: 'node-b', token: 2 });
				const before = await db.events(meetingId);

				a!.process.kill('SIGCONT');
				// A's caller hangs up: A holds a stale lease; the leave is decided by B, once.
				const hungUp = await must(onA.socket.emitWithAck('call:hangup'));
				expect(hungUp.call).toMatchObject({ phase: 'disconnected' });
				const after = await eventually('the leave is in the log', async () => {
					const log = await db.events(meetingId);
					return log.length > before.length ? log : null;
				}).catch((error: unknown) => {
					throw new Error(`${String(error)}\nA:\n${a!.output()}\nB:\n${b!.output()}`);
				});
				expect(after.map((e) => e.seq)).toEqual(after.map((_, i) => i + 1));
				const left = after.filter((e) => e.type === 'ParticipantLeft' || e.type === 'CallerLeftLobby');
				expect(left.map((e) => e.data.participantId)).toEqual([onA.callId]);
				expect(await db.lease(meetingId)).toMatchObject({ owner: 'node-b', token: 2 });
				expect(a!.output()).toContain(`Meeting ${meetingId} is now held by another server.`);
			} finally {
				await db.close();
			}
		});

		it('graceful hand-over: SIGTERM to the owner hands its meeting over at once; its callers reconnect to the other server without hearing an error', async () => {
			const [a, b] = await start(['node-a', 'node-b'], 10_000);
			const db = await fromDatabase(database!);
			try {
				const callers = [];
				for (let i = 0; i < 3; i++) callers.push(await callerInLobby(a!.url, `+46 8 400 00 0${i}`));
				const heard: CallView[] = [];
				for (const c of callers) c.socket.on('call:state', (v) => heard.push(v));
				const meetingId = callers[0]!.meetingId;
				const stopped = await a!.stop('SIGTERM');
				expect(stopped.code).toBe(0);
				// Well before the 10 s lease would run out: A let it go and B took it.
				const lease = await eventually(
					'B holds the meeting',
					async () => {
						const now = await db.lease(meetingId);
						return now?.owner === 'node-b' ? now : null;
					},
					5000
				);
				expect(lease.token).toBe(2);
				for (const c of callers) {
					const back = await resumeOn(b!.url, c.callId, c.resumeToken);
					sockets.push(back.socket);
					expect(back.call).toMatchObject({ phase: 'lobby', music: 'lobby', meetingId });
				}
				expect(heard.filter((v) => v.phase === 'disconnected')).toEqual([]);
				expect(a!.output()).toContain('Handed 1 meeting(s) over to the other servers.');
			} finally {
				await db.close();
			}
		});

		it.skipIf(!HAPROXY)(
			'through HAProxy (deploy/haproxy.cfg): the server holding a caller is killed with -9; the caller reconnects through the proxy, reaches the other server and resumes in the lobby',
			async () => {
				const names = ['node-a', 'node-b'];
				const [a, b] = await start(names, 3000);
				const proxy = await proxyFor([a!, b!], names);
				const db = await fromDatabase(database!);
				try {
					const caller = await callerInLobby(proxy.url, '+46 8 600 00 01');
					const owner = (await db.lease(caller.meetingId))!.owner;
					const [held, other] = owner === 'node-a' ? [a!, 'node-b'] : [b!, 'node-a'];
					await held.stop('SIGKILL');
					caller.socket.disconnect();
					const back = await eventually('the caller resumes through HAProxy', () =>
						resumeOn(proxy.url, caller.callId, caller.resumeToken)
					);
					sockets.push(back.socket);
					expect(back.call).toMatchObject({ phase: 'lobby', music: 'lobby', meetingId: caller.meetingId });
					const lease = await eventually('the other server takes the meeting over', async () => {
						const now = await db.lease(caller.meetingId);
						return now?.owner === other ? now : null;
					});
					expect(lease.token).toBe(2);
				} finally {
					proxy.stop();
					await db.close();
				}
			}
		);

		it('one live scenario run at a time across the servers: a second, started on the other server, is refused naming the first one’s server, and goes ahead once it stops', async () => {
			const [a, b] = await start(['node-a', 'node-b'], 10_000);
			const api = await adminPoster(a!.url, '/scenarios/live');
			const run = { file: 'scenarios/s10-lobby-admitted.yaml', speed: 1, paused: true };
			expect((await api(a!.url, '', run)).status).toBe(201);
			const refused = await api(b!.url, '', run);
			expect(refused.status).toBe(409);
			expect(await refused.json()).toMatchObject({
				error: { code: 'conflict', message: expect.stringContaining('node-a') }
			});
			expect((await api(a!.url, '/control', { action: 'stop' })).status).toBe(200);
			expect((await api(b!.url, '', run)).status).toBe(201);
			expect((await api(b!.url, '/control', { action: 'stop' })).status).toBe(200);
		});

		it('one scenario load at a time across the servers: a second, on the other server, is refused naming the first one’s server, and goes ahead once it stops', async () => {
			const [a, b] = await start(['node-a', 'node-b'], 10_000);
			const api = await adminPoster(a!.url, '/scenarios/load');
			// The forgotten-PIN story takes minutes at 1x: still running when the second asks.
			const load = { file: 'scenarios/s03-s08-s09-forgotten-pin.yaml', repeat: 1, speed: 1 };
			expect((await api(a!.url, '', load)).status).toBe(201);
			const refused = await api(b!.url, '', load);
			expect(refused.status).toBe(409);
			expect(await refused.json()).toMatchObject({
				error: { code: 'conflict', message: expect.stringContaining('node-a') }
			});
			expect((await api(a!.url, '/stop', {})).status).toBe(200);
			expect((await api(b!.url, '', load)).status).toBe(201);
			expect((await api(b!.url, '/stop', {})).status).toBe(200);
		});

		it('lockout across servers: ten wrong PINs spread over two servers lock the PIN; the right one then only reaches the lobby, and the organizer still starts the meeting from the client', async () => {
			const [a, b] = await start(['node-a', 'node-b'], 10_000);
			for (let i = 0; i < 10; i++) {
				const socket = await connect((i % 2 === 0 ? a : b)!.url);
				sockets.push(socket);
				const dialed = await must(
					socket.emitWithAck('call:dial', {
						phoneNumber: `+46 8 500 00 ${String(i).padStart(2, '0')}`,
						keys: `${AMOS_CONFERENCE}#*${WRONG_PIN}#`
					})
				);
				const heard = [...dialed.call.prompts.map((p) => p.id), dialed.call.prompt?.id];
				expect(heard, JSON.stringify(dialed.call)).toContain(i < 9 ? 'pin-wrong' : 'pin-locked');
				socket.disconnect();
			}
			const late = await connect(b!.url);
			sockets.push(late);
			const right = await must(
				late.emitWithAck('call:dial', {
					phoneNumber: '+46 8 500 00 99',
					keys: `${AMOS_CONFERENCE}#*${AMOS_PIN}#`
				})
			);
			expect(right.call.prompts.map((p) => p.id)).toContain('pin-locked');
			expect(right.call).toMatchObject({ phase: 'lobby' });

			const cookie = await signIn(a!.url, 'amos.marble@contoso.com', TEST_USER_PASSWORD);
			const client = await connect(a!.url, { cookie: cookie ?? undefined });
			sockets.push(client);
			const admitted = nextCallState(late, (v) => v.phase === 'in-meeting', 15_000);
			await must(client.emitWithAck('client:join', { conferenceId: AMOS_CONFERENCE }));
			expect(await admitted).toMatchObject({ phase: 'in-meeting', prompt: { id: 'admitted' } });
		});
	}
);
