/**
 * `npm run bench`: drives the production server from this separate process with real
 * socket.io-client connections and compares it with a bare Socket.IO floor measured in the same
 * run (so the figures are ratios, not absolute times on a noisy machine). Writes
 * bench/results.json and prints a table.
 *
 * Options: --callers N (default 5000), --small N (default 1000), --rounds N (default 3: the floor and
 * Lobby measured in turn, each ratio the median of the rounds), --skip-postgres, --engine-only,
 * --sim-only, --idle-only, --skip-sim, --nodes 2 (on PostgreSQL: also two servers on one database, with
 * admission across them, their join rate and the failover time; docs/architecture.md),
 * --profile-server DIR (writes the server's CPU profile there), --profile DIR (writes CPU profiles
 * of the in-process figures' timed parts there: the engine, and each morning's run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { withServerMemory } from '../../scripts/server-memory.mjs';
import { io, type Socket } from 'socket.io-client';
import { decideMeeting, evolveMeeting, initialMeetingState, type MeetingState } from '$lib/domain';
import type { CallView, ClientToServerEvents, ServerToClientEvents } from '$lib/contract/events';
import { IN_MEMORY, openDatabase } from '$lib/server/db/index';
import { tenants } from '$lib/server/db/schema';
import { seedDemoTenant } from '$lib/server/db/seed';
import { MemoryEventStore } from '$lib/server/repositories/memory-event-store';
import { createServices } from '$lib/server/services/index';
import {
	measureSimSpeedup,
	SIM_SETUP_TARGET_MS,
	SIM_SPEEDUP_TARGET,
	simulationTemplate,
	type SimSpeedup
} from '$lib/server/simulator';
import { prepareDirectory, TEST_ADMIN_PASSWORD } from '../helpers/directory';
import { createTestDatabase, ROOT, type TestDatabase } from '../helpers/server';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const args = process.argv.slice(2);
function option(name: string, fallback: number): number {
	const i = args.indexOf(`--${name}`);
	const value = i >= 0 ? Number(args[i + 1]) : fallback;
	if (!Number.isInteger(value) || value < 1) {
		console.error(`--${name} takes a whole number of 1 or more`);
		process.exit(2);
	}
	return value;
}
const CALLERS = option('callers', 5000);
/** Servers for the cluster figures (`--nodes 2`); 1 leaves them out. */
const NODES = option('nodes', 1);
const SMALL = option('small', 1000);
/** Rounds of the floor and Lobby in turn (`--rounds N`); each ratio is the median over them. */
const ROUNDS = option('rounds', 3);
const WINDOW = 250; // dials in flight at once, for Lobby and the floor alike

const AMOS = { conferenceId: '4410273', email: 'amos.marble@contoso.com', pin: '48213' };
const ASTRID = { conferenceId: '6390518', email: 'astrid.lindqvist@contoso.com', pin: '61842' };

function progress(message: string): void {
	process.stderr.write(`  ${message}\n`);
}

interface Running {
	url: string;
	pid: number;
	child: ChildProcess;
	stop(): Promise<void>;
}

/** Starts `node <entry>` on a port the system picks and waits for its "listening on" line. */
function spawnListening(entry: string, env: Record<string, string>): Promise<Running> {
	const profile = args.indexOf('--profile-server');
	const nodeArgs =
		profile >= 0 && entry.endsWith('server.js')
			? ['--cpu-prof', '--cpu-prof-dir', args[profile + 1] ?? 'bench/profiles']
			: [];
	const child = spawn(process.execPath, [...nodeArgs, join(ROOT, entry)], {
		cwd: ROOT,
		// Lobby and the floor alike run with the malloc setting `npm start` gives the server.
		env: withServerMemory({ ...process.env, PORT: '0', HOST: '127.0.0.1', ...env }),
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	return new Promise((resolve, reject) => {
		const onData = (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
			if (!match) return;
			child.stdout?.off('data', onData);
			resolve({
				url: match[1]!,
				pid: child.pid!,
				child,
				stop: () =>
					new Promise<void>((done) => {
						// Exited already: by itself, or killed (then only its signal is set).
						if (child.exitCode !== null || child.signalCode !== null) return done();
						child.once('exit', () => done());
						child.kill('SIGTERM');
					})
			});
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
		child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}:\n${output}`)));
	});
}

/** CPU time (user and system) the process has used so far, in microseconds (10 ms resolution). */
function cpuUs(pid: number): number {
	// Fields 14 and 15 of /proc/PID/stat, after the command name in parentheses; clock ticks of 10 ms.
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** This process's CPU time so far, in microseconds. */
function ownCpuUs(): number {
	const { user, system } = process.cpuUsage();
	return user + system;
}

/**
 * What a join of `n` callers costs per caller: CPU in the server and in this process (the callers'
 * side), and, when `rss`, the growth of the server's RSS (null otherwise).
 */
async function measuredJoin<T extends { clients: Client[] }>(
	pid: number,
	n: number,
	rss: boolean,
	join: () => Promise<T>
): Promise<T & { serverCpuUs: number; clientCpuUs: number; rssKbPerCaller: number | null }> {
	const [server, client, memory] = [cpuUs(pid), ownCpuUs(), rssKb(pid)];
	const joined = await join();
	return {
		...joined,
		serverCpuUs: (cpuUs(pid) - server) / n,
		clientCpuUs: (ownCpuUs() - client) / n,
		rssKbPerCaller: rss ? (rssKb(pid) - memory) / n : null
	};
}

function rssKb(pid: number): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/**
 * Connects one client. With an administrator's API token in the handshake, the server lifts its
 * per-client limits, which thousands of callers from this one machine would exceed.
 */
function connect(url: string, token: string | null = null): Promise<Client> {
	const socket: Client = io(url, {
		transports: ['websocket'],
		reconnection: false,
		forceNew: true,
		...(token ? { auth: { token } } : {})
	});
	return new Promise((resolve, reject) => {
		socket.once('connect', () => resolve(socket));
		socket.once('connect_error', reject);
	});
}

/** An administrator's API token from the server under test, as `lobby login` gets one. */
async function adminToken(url: string): Promise<string> {
	const response = await fetch(`${url}/api/v1/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email: 'admin@contoso.com', password: TEST_ADMIN_PASSWORD, tokenName: 'bench' })
	});
	const answer = (await response.json()) as { token?: string };
	if (!response.ok || !answer.token) throw new Error(`No API token for the bench: ${response.status}`);
	return answer.token;
}

/** Runs `task` for 0..n-1 with at most `window` in flight; returns the results in order. */
async function windowed<T>(n: number, window: number, task: (i: number) => Promise<T>): Promise<T[]> {
	const results = new Array<T>(n);
	let next = 0;
	async function worker() {
		while (next < n) {
			const i = next++;
			results[i] = await task(i);
		}
	}
	await Promise.all(Array.from({ length: Math.min(window, n) }, worker));
	return results;
}

/** Connects `n` callers and dials each into the lobby; the rate counts connect, dial and durable ack. */
async function joinLobby(
	url: string,
	n: number,
	conferenceId: string,
	token: string | null = null
): Promise<{ clients: Client[]; perSecond: number; meetingId: string }> {
	const started = performance.now();
	let meetingId = '';
	const clients = await windowed(n, WINDOW, async (i) => {
		const socket = await connect(url, token);
		const answer = await socket.emitWithAck('call:dial', {
			phoneNumber: `+46 8 ${String(100000 + i).slice(0, 3)} ${String(i % 100).padStart(2, '0')} 00`,
			keys: `${conferenceId}##`
		});
		if (!answer.ok || answer.call.phase !== 'lobby') {
			throw new Error(`Caller ${i} is not in the lobby: ${JSON.stringify(answer)}`);
		}
		meetingId = answer.call.meetingId ?? meetingId;
		return socket;
	});
	return { clients, perSecond: (n * 1000) / (performance.now() - started), meetingId };
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable with another process's Date.now(). */
function wallNow(): number {
	return performance.timeOrigin + performance.now();
}

/**
 * Measures from the moment the leader's PIN is accepted (the instant the server decided to start the
 * meeting, which `start` resolves with) to the moment the last lobby caller has its admission.
 */
async function admit(clients: Client[], start: () => Promise<number>): Promise<number> {
	let admittedAt = 0;
	const all = Promise.all(
		clients.map(
			(socket) =>
				new Promise<void>((resolve) => {
					const listener = (view: CallView) => {
						if (view.phase !== 'in-meeting') return;
						admittedAt = Math.max(admittedAt, wallNow());
						socket.off('call:state', listener);
						resolve();
					};
					socket.on('call:state', listener);
				})
		)
	);
	const t0 = await start();
	await all;
	return admittedAt - t0;
}

/**
 * Starts a meeting by the leader's PIN and resolves with the instant the meeting admitted its lobby,
 * read from the meeting's own event (a monitor watches it), so the PIN check is not counted.
 */
async function startByPin(
	url: string,
	meetingId: string,
	conferenceId: string,
	pin: string,
	token: string
): Promise<{ at: number; sockets: Client[] }> {
	const monitor = await connect(url, token);
	const subscribed = await monitor.emitWithAck('monitor:subscribe', { scope: 'meeting', meetingId });
	if (!subscribed.ok) throw new Error(`Cannot watch the meeting: ${subscribed.error.message}`);
	const admitted = new Promise<number>((resolve) => {
		monitor.on('monitor:meeting', ({ events }) => {
			const found = events.find((e) => e.event.type === 'LobbyAdmitted');
			if (found) resolve(found.event.at);
		});
	});
	const organizer = await connect(url, token);
	organizer.emit('call:dial', { keys: `${conferenceId}#*${pin}#` }, () => {});
	return { at: await admitted, sockets: [monitor, organizer] };
}

function closeAll(clients: Client[]): void {
	for (const c of clients) c.disconnect();
}

/** What one round measures on a server, Lobby or the floor, the same way on both. */
interface Round {
	joinPerSecond: number;
	admitMs: Record<number, number>;
	/** Growth of the process's RSS over the big join, per caller: on its first round only. */
	rssKbPerCaller: number | null;
	/** CPU time per caller of the big join, in the server and in the callers' process. */
	serverCpuUs: number;
	clientCpuUs: number;
}

/** A server the rounds are measured on. */
interface Subject {
	round(first: boolean): Promise<Round>;
	stop(): Promise<void>;
}

/** The bare Socket.IO floor, warmed up once; each round joins and admits SMALL, then CALLERS. */
async function startFloor(): Promise<Subject> {
	progress('floor: bare Socket.IO server');
	const floor = await spawnListening('build/bench/floor-server.js', {});
	await joinLobby(floor.url, 200, 'x').then(({ clients }) => closeAll(clients)); // warm-up
	const trigger = await connect(floor.url);
	const floorAdmit = async () => {
		const answer = (await (
			trigger as unknown as { emitWithAck(event: string): Promise<{ at: number }> }
		).emitWithAck('floor:admit')) as { at: number };
		return answer.at;
	};
	return {
		async round(first) {
			const admitMs: Record<number, number> = {};
			const small = await joinLobby(floor.url, SMALL, 'x');
			admitMs[SMALL] = await admit(small.clients, floorAdmit);
			closeAll(small.clients);
			await settle();
			const big = await measuredJoin(floor.pid, CALLERS, first, () => joinLobby(floor.url, CALLERS, 'x'));
			admitMs[CALLERS] = await admit(big.clients, floorAdmit);
			closeAll(big.clients);
			await settle();
			const { rssKbPerCaller, serverCpuUs, clientCpuUs } = big;
			return { joinPerSecond: big.perSecond, admitMs, rssKbPerCaller, serverCpuUs, clientCpuUs };
		},
		async stop() {
			closeAll([trigger]);
			await floor.stop();
		}
	};
}

/** Lets closed connections and their calls go before the next measurement. */
function settle(): Promise<void> {
	return new Promise((r) => setTimeout(r, 500));
}

/**
 * idle_rss_mb: what a server holds just after its first start (a new database: migrations and the
 * demo tenant's seed), with nobody connected, as a trainer's `npm start` does.
 */
async function measureIdle(database: TestDatabase): Promise<number> {
	progress(`idle: a server's first start on ${database.kind}, nobody connected`);
	const server = await spawnListening('build/server.js', database.env);
	try {
		await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
		return rssKb(server.pid) / 1024;
	} finally {
		await server.stop();
	}
}

/** The figures' targets; the README's benchmark table says the same. */
const TARGETS = {
	/** Admission against the floor's broadcast to as many, at SMALL and at CALLERS. */
	admitRatio: 1.15,
	joinRatio: 0.9,
	/** Server memory per connected caller, against the floor's per connection. */
	rssToFloor: 1.3,
	engineEventsPerSecond: 30_000,
	/** A server just started on PGlite, nobody connected: a trainer's laptop should not give it a gigabyte. */
	idleRssMb: 300
};

/**
 * How long an idle server is left before its memory is read: V8 gives back the start's garbage by
 * itself once the server goes quiet, some 5 to 10 s after the "listening" line (a first start read
 * 315 MB at 3 s, 282 MB from 10 s to a minute on).
 */
const IDLE_SETTLE_MS = 15_000;

/**
 * Lobby on `database`, prepared and warmed up; each round dials SMALL callers into one lobby, the
 * leader admits them, everyone hangs up (the meeting ends), then the same with CALLERS.
 */
async function startLobby(database: TestDatabase): Promise<Subject> {
	progress(`Lobby on ${database.kind}: preparing the tenant (maxParticipants 10000, leader PINs)`);
	await prepareDirectory(database, {
		pins: { [AMOS.email]: AMOS.pin, [ASTRID.email]: ASTRID.pin },
		tenant: { maxParticipants: 10_000 }
	});
	const server = await spawnListening('build/server.js', database.env);
	const token = await adminToken(server.url);
	const warm = await joinLobby(server.url, 200, '7152834', token);
	await hangUp(warm.clients);

	/** Callers into the organizer's lobby, admitted by the leader's PIN, then all gone. */
	const admitted = async (n: number, organizer: typeof AMOS, rss: boolean) => {
		const joined = await measuredJoin(server.pid, n, rss, () =>
			joinLobby(server.url, n, organizer.conferenceId, token)
		);
		let helpers: Client[] = [];
		const admitMs = await admit(joined.clients, async () => {
			const started = await startByPin(
				server.url,
				joined.meetingId,
				organizer.conferenceId,
				organizer.pin,
				token
			);
			helpers = started.sockets;
			return started.at;
		});
		await hangUp(joined.clients);
		await hangUp(helpers);
		await settle();
		const { rssKbPerCaller, serverCpuUs, clientCpuUs } = joined;
		return { joinPerSecond: joined.perSecond, admitMs, rssKbPerCaller, serverCpuUs, clientCpuUs };
	};
	return {
		async round(first) {
			progress(`Lobby on ${database.kind}: ${SMALL} callers, then the leader`);
			const small = await admitted(SMALL, ASTRID, false);
			progress(`Lobby on ${database.kind}: ${CALLERS} callers join one lobby, then the leader`);
			const big = await admitted(CALLERS, AMOS, first);
			return {
				joinPerSecond: big.joinPerSecond,
				admitMs: { [SMALL]: small.admitMs, [CALLERS]: big.admitMs },
				rssKbPerCaller: big.rssKbPerCaller,
				serverCpuUs: big.serverCpuUs,
				clientCpuUs: big.clientCpuUs
			};
		},
		stop: () => server.stop()
	};
}

/** Every caller hangs up (so their meeting ends), then disconnects. */
async function hangUp(clients: Client[]): Promise<void> {
	await windowed(clients.length, WINDOW, (i) => clients[i]!.emitWithAck('call:hangup'));
	closeAll(clients);
}

/** Lobby's figures on one database: each the median over the rounds, ratios against the floor's same round. */
interface LobbyFigures {
	db: 'pglite' | 'postgres';
	rounds: { lobby: Round; floor: Round }[];
}

/**
 * Rounds of the floor and Lobby in turn, so that both meet the same moments of a noisy machine; each
 * ratio is taken within its round, and the median of the rounds is reported.
 */
async function measureLobby(
	database: TestDatabase,
	floor: Subject,
	floorRounds: Round[]
): Promise<LobbyFigures> {
	const lobby = await startLobby(database);
	try {
		const rounds: LobbyFigures['rounds'] = [];
		for (let r = 0; r < ROUNDS; r++) {
			progress(`round ${r + 1} of ${ROUNDS} on ${database.kind}: the floor`);
			const floorRound = await floor.round(floorRounds.length === 0);
			floorRounds.push(floorRound);
			rounds.push({ floor: floorRound, lobby: await lobby.round(r === 0) });
		}
		return { db: database.kind, rounds };
	} finally {
		await lobby.stop();
	}
}

function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface ClusterFigures {
	nodes: number;
	/** Admission of SMALL callers spread over the servers, the leader dialing a server that does not own the meeting. */
	admitMs: number;
	joinPerSecond: number;
	/** From kill -9 of the owner to the last of SMALL callers back in its lobby on another server. */
	failoverMs: number;
}

/** Callers spread over `urls` in turn, each dialed into the lobby, with what it takes to resume them. */
async function joinSpread(urls: readonly string[], n: number, conferenceId: string, token: string) {
	const started = performance.now();
	let meetingId = '';
	const calls = await windowed(n, WINDOW, async (i) => {
		const socket = await connect(urls[i % urls.length]!, token);
		const answer = await socket.emitWithAck('call:dial', {
			phoneNumber: `+46 8 ${String(200000 + i).slice(0, 3)} ${String(i % 100).padStart(2, '0')} 00`,
			keys: `${conferenceId}##`
		});
		if (!answer.ok || answer.call.phase !== 'lobby') {
			throw new Error(`Caller ${i} is not in the lobby: ${JSON.stringify(answer)}`);
		}
		meetingId = answer.call.meetingId ?? meetingId;
		return { socket, callId: answer.callId, resumeToken: answer.resumeToken };
	});
	return { calls, perSecond: (n * 1000) / (performance.now() - started), meetingId };
}

/** Two (or more) servers on one PostgreSQL: admission across them, their join rate, and failover. */
async function measureCluster(database: TestDatabase): Promise<ClusterFigures> {
	progress(`cluster: ${NODES} servers on one PostgreSQL`);
	await prepareDirectory(database, {
		pins: { [AMOS.email]: AMOS.pin, [ASTRID.email]: ASTRID.pin },
		tenant: { maxParticipants: 10_000 }
	});
	const servers: Running[] = [];
	try {
		for (let i = 1; i <= NODES; i++) {
			servers.push(
				await spawnListening('build/server.js', {
					...database.env,
					LOBBY_NODE_ID: `node-${i}`,
					LOBBY_LEASE_MS: '3000'
				})
			);
		}
		const urls = servers.map((s) => s.url);
		const token = await adminToken(urls[0]!);

		progress(
			`cluster: ${SMALL} callers over ${NODES} servers, then the leader on a server that does not own the meeting`
		);
		const spread = await joinSpread(urls, SMALL, ASTRID.conferenceId, token);
		let helpers: Client[] = [];
		// The meeting opened on the server of the first caller (urls[0]); the leader dials the next one.
		const admitMs = await admit(
			spread.calls.map((c) => c.socket),
			async () => {
				const started = await startByPin(urls[1]!, spread.meetingId, ASTRID.conferenceId, ASTRID.pin, token);
				helpers = started.sockets;
				return started.at;
			}
		);
		closeAll([...spread.calls.map((c) => c.socket), ...helpers]);
		await new Promise((r) => setTimeout(r, 500));

		progress(`cluster: ${SMALL} callers wait on node-1, which is killed with -9; they resume on node-2`);
		const waiting = await joinSpread([urls[0]!], SMALL, AMOS.conferenceId, token);
		const killedAt = performance.now();
		servers[0]!.child.kill('SIGKILL');
		for (const c of waiting.calls) c.socket.disconnect();
		const back = await windowed(waiting.calls.length, WINDOW, async (i) => {
			const { callId, resumeToken } = waiting.calls[i]!;
			for (let attempt = 0; attempt < 100; attempt++) {
				const socket = await connect(urls[1]!, token);
				const answer = await socket.emitWithAck('call:resume', { callId, resumeToken });
				if (answer.ok && answer.call.phase === 'lobby') return socket;
				socket.disconnect();
				await new Promise((r) => setTimeout(r, 100));
			}
			throw new Error(`Caller ${callId} could not resume on node-2`);
		});
		const failoverMs = performance.now() - killedAt;
		closeAll(back);
		return { nodes: NODES, admitMs, joinPerSecond: spread.perSecond, failoverMs };
	} finally {
		for (const server of servers) await server.stop().catch(() => undefined);
	}
}

/**
 * With `--profile DIR`: a CPU profile of `work` alone (the timed part of an in-process figure),
 * written to DIR/<name>.cpuprofile for Chrome's DevTools or any .cpuprofile viewer.
 */
async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
	const at = args.indexOf('--profile');
	if (at < 0) return work();
	const dir = args[at + 1] ?? 'bench/profiles';
	const session = new Session();
	session.connect();
	await session.post('Profiler.enable');
	await session.post('Profiler.start');
	try {
		return await work();
	} finally {
		const { profile } = await session.post('Profiler.stop');
		mkdirSync(dir, { recursive: true });
		writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
		session.disconnect();
		progress(`profile of ${name} written to ${join(dir, `${name}.cpuprofile`)}`);
	}
}

/**
 * The domain and the event store alone, in process: callers into one lobby. Measured on PGlite in
 * memory (the figure), and on the in-memory event store a run in virtual time uses, which shows what
 * the engine does without any database.
 */
async function measureEngine(): Promise<{
	engineEventsPerSecond: number;
	engineMemoryEventsPerSecond: number;
	domainEventsPerSecond: number;
}> {
	progress('engine in process (PGlite in memory, no sockets; then the memory event store)');
	const handle = await openDatabase({
		databaseUrl: null,
		dataDir: IN_MEMORY,
		afterMigrate: async (db) => {
			await seedDemoTenant(db, { admin: 'bench-admin-password', users: 'bench-user-password' });
			await db.update(tenants).set({ maxParticipants: 10_000 });
		}
	});
	try {
		const engineRun = async (name: string, events?: MemoryEventStore) => {
			const { services } = await createServices(handle, events ? { events } : {});
			let count = 0;
			services.meetings.onCommitted((c) => (count += c.events.length));
			const started = performance.now();
			await profiled(name, () =>
				windowed(CALLERS, WINDOW, async () => {
					const { callId } = services.calls.dial('+46 8 000 00 00');
					await services.calls.pressKeys(callId, `${AMOS.conferenceId}##`);
				})
			);
			const perSecond = (count * 1000) / (performance.now() - started);
			await services.meetings.stop();
			return perSecond;
		};
		const engineEventsPerSecond = await engineRun('engine');
		const engineMemoryEventsPerSecond = await engineRun('engine-memory', new MemoryEventStore());

		// The pure domain: decide and evolve only.
		let state: MeetingState = initialMeetingState;
		const t0 = performance.now();
		let count = 0;
		const run = (command: Parameters<typeof decideMeeting>[1]) => {
			const d = decideMeeting(state, command, 0);
			if (!d.ok) throw new Error(d.rejection.message);
			for (const e of d.events) state = evolveMeeting(state, e);
			count += d.events.length;
		};
		run({
			type: 'OpenMeeting',
			meetingId: 'm',
			conferenceId: '1',
			organizer: { userId: 'u', displayName: 'U' },
			settings: { maxParticipants: 10_000 }
		});
		for (let i = 0; i < CALLERS; i++)
			run({ type: 'JoinByPhone', participantId: `c${i}`, phoneNumber: '+1', asLeader: false });
		run({ type: 'JoinByPhone', participantId: 'leader', phoneNumber: '+1', asLeader: true });
		const domainEventsPerSecond = (count * 1000) / (performance.now() - t0);
		return { engineEventsPerSecond, engineMemoryEventsPerSecond, domainEventsPerSecond };
	} finally {
		await handle.close();
	}
}

function fmt(n: number, digits = 0): string {
	return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** The busy morning ten times over (1,000 meetings, 50,000 callers), kept out of scenarios/. */
const BUSIER_MORNING = 'tests/bench/busier-morning.yaml';

/**
 * sim_speedup: simulated time over wall time for a morning in virtual time, on its own in-memory
 * database: the busy morning (100 meetings, 5,000 callers over an hour; target SIM_SPEEDUP_TARGET),
 * or `file`. The seeded template every run starts from is prepared first and timed apart.
 */
async function measureSim(name: string, file?: string): Promise<SimSpeedup & { templateMs: number }> {
	const t0 = performance.now();
	await simulationTemplate();
	const templateMs = performance.now() - t0;
	console.log(`sim: ${name} in virtual time…`);
	const sim = await profiled(name.replaceAll(' ', '-'), () => measureSimSpeedup({ cwd: ROOT, file }));
	if (!sim.passed) console.log(`sim: warning, an expectation of ${name} failed`);
	return { ...sim, templateMs };
}

const measureBusyMorning = () => measureSim('the busy morning');
const measureBusierMorning = () => measureSim('a morning ten times busier', BUSIER_MORNING);

function simFigures(sim: SimSpeedup, scenario: string) {
	return {
		scenario,
		speedup: sim.speedup,
		simulated_ms: sim.simulatedMs,
		wall_ms: sim.wallMs,
		setup_ms: sim.setupMs,
		items: sim.items,
		passed: sim.passed
	};
}

async function main(): Promise<void> {
	console.log(
		`Lobby benchmark: ${CALLERS} callers (and ${SMALL}), ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`
	);
	if (args.includes('--engine-only')) {
		const engine = await measureEngine();
		console.log(
			`engine events ${fmt(engine.engineEventsPerSecond)} /s, on the memory store ${fmt(engine.engineMemoryEventsPerSecond)} /s, domain events ${fmt(engine.domainEventsPerSecond)} /s`
		);
		process.exit(0);
	}
	if (args.includes('--idle-only')) {
		const target = await createTestDatabase({ forcePglite: true });
		try {
			console.log(`idle_rss_mb ${fmt(await measureIdle(target), 0)} (target <= ${TARGETS.idleRssMb})`);
		} finally {
			await target.drop();
		}
		process.exit(0);
	}
	if (args.includes('--sim-only')) {
		for (const sim of [await measureBusyMorning(), await measureBusierMorning()]) {
			console.log(
				`sim_speedup ${fmt(sim.speedup)} (${fmt(sim.simulatedMs / 1000)} s simulated in ${fmt(sim.wallMs)} ms), setup_ms ${fmt(sim.setupMs)}, ${fmt(sim.items)} items${sim.passed ? '' : ', FAILED'}`
			);
		}
		process.exit(0);
	}
	const floorServer = await startFloor();
	const floorRounds: Round[] = [];
	const targets: TestDatabase[] = [await createTestDatabase({ forcePglite: true })];
	if (process.env.DATABASE_URL && !args.includes('--skip-postgres')) targets.push(await createTestDatabase());
	const lobbies: LobbyFigures[] = [];
	const idleRssMb: Partial<Record<TestDatabase['kind'], number>> = {};
	try {
		for (const target of targets) {
			// A database of its own: the first start seeds it with passwords of its own choosing.
			const fresh = await createTestDatabase({ forcePglite: target.kind === 'pglite' });
			try {
				idleRssMb[target.kind] = await measureIdle(fresh);
			} finally {
				await fresh.drop();
			}
			lobbies.push(await measureLobby(target, floorServer, floorRounds));
		}
	} finally {
		await floorServer.stop();
		for (const target of targets) await target.drop();
	}
	const floor = {
		broadcastMs: {
			[SMALL]: median(floorRounds.map((f) => f.admitMs[SMALL]!)),
			[CALLERS]: median(floorRounds.map((f) => f.admitMs[CALLERS]!))
		},
		joinPerSecond: median(floorRounds.map((f) => f.joinPerSecond)),
		serverCpuUs: median(floorRounds.map((f) => f.serverCpuUs)),
		clientCpuUs: median(floorRounds.map((f) => f.clientCpuUs)),
		rssKbPerCaller: floorRounds[0]!.rssKbPerCaller!
	};
	let cluster: ClusterFigures | null = null;
	if (NODES > 1) {
		if (!process.env.DATABASE_URL) {
			console.error(
				'--nodes needs PostgreSQL: run it as DATABASE_URL=postgres://… npm run bench -- --nodes 2'
			);
			process.exit(2);
		}
		const target = await createTestDatabase();
		try {
			cluster = await measureCluster(target);
		} finally {
			await target.drop();
		}
	}
	const engine = await measureEngine();
	const sim = args.includes('--skip-sim') ? null : await measureBusyMorning();
	const busier = args.includes('--skip-sim') ? null : await measureBusierMorning();

	const runs = lobbies.map((l) => {
		const ratios = (figure: (r: Round) => number) => l.rounds.map((r) => figure(r.lobby) / figure(r.floor));
		const spread = (values: number[]) => [Math.min(...values), Math.max(...values)];
		const small = ratios((r) => r.admitMs[SMALL]!);
		const big = ratios((r) => r.admitMs[CALLERS]!);
		const join = ratios((r) => r.joinPerSecond);
		const rss = l.rounds[0]!.lobby.rssKbPerCaller!;
		return {
			db: l.db,
			admitSmall: median(l.rounds.map((r) => r.lobby.admitMs[SMALL]!)),
			admitBig: median(l.rounds.map((r) => r.lobby.admitMs[CALLERS]!)),
			ratioSmall: median(small),
			ratioBig: median(big),
			joinRate: median(l.rounds.map((r) => r.lobby.joinPerSecond)),
			joinRatio: median(join),
			rss,
			rssRatio: rss / floor.rssKbPerCaller,
			serverCpuUs: median(l.rounds.map((r) => r.lobby.serverCpuUs)),
			clientCpuUs: median(l.rounds.map((r) => r.lobby.clientCpuUs)),
			spread: { small: spread(small), big: spread(big), join: spread(join) }
		};
	});
	const results = {
		measured_at: new Date().toISOString(),
		machine: {
			cores: cpus().length,
			cpu: cpus()[0]?.model ?? null,
			memory_gb: Math.round(totalmem() / 2 ** 30),
			node: process.version
		},
		callers: CALLERS,
		small: SMALL,
		floor: {
			[`broadcast_ms_${SMALL}`]: floor.broadcastMs[SMALL]!,
			[`broadcast_ms_${CALLERS}`]: floor.broadcastMs[CALLERS]!,
			join_rate: floor.joinPerSecond,
			join_cpu_us_server: floor.serverCpuUs,
			join_cpu_us_callers: floor.clientCpuUs,
			rss_kb_per_caller: floor.rssKbPerCaller
		},
		runs: runs.map((r) => ({
			db: r.db,
			[`admit_ms_${SMALL}`]: r.admitSmall,
			[`admit_ms_${CALLERS}`]: r.admitBig,
			[`admit_ratio_${SMALL}`]: r.ratioSmall,
			[`admit_ratio_${CALLERS}`]: r.ratioBig,
			join_rate: r.joinRate,
			join_ratio: r.joinRatio,
			// CPU per join of the big round, in the server and in the callers' process (medians).
			join_cpu_us_server: r.serverCpuUs,
			join_cpu_us_callers: r.clientCpuUs,
			rss_kb_per_caller: r.rss,
			rss_ratio: r.rssRatio,
			rounds: ROUNDS,
			// Lowest and highest of the rounds' ratios.
			spread: {
				[`admit_ratio_${SMALL}`]: r.spread.small,
				[`admit_ratio_${CALLERS}`]: r.spread.big,
				join_ratio: r.spread.join
			}
		})),
		cluster: cluster && {
			nodes: cluster.nodes,
			[`admit_ms_${SMALL}`]: cluster.admitMs,
			// Against one server on PostgreSQL in the same run.
			cluster_admit_ratio: cluster.admitMs / (runs.find((r) => r.db === 'postgres')?.admitSmall ?? NaN),
			join_rate: cluster.joinPerSecond,
			[`failover_ms_${SMALL}`]: cluster.failoverMs
		},
		idle_rss_mb: idleRssMb.pglite ?? null,
		idle_rss_mb_postgres: idleRssMb.postgres ?? null,
		engine_events_per_s: engine.engineEventsPerSecond,
		engine_memory_events_per_s: engine.engineMemoryEventsPerSecond,
		domain_events_per_s: engine.domainEventsPerSecond,
		sim_speedup: sim?.speedup ?? null,
		sim: sim && { ...simFigures(sim, 'scenarios/busy-morning.yaml'), template_ms: sim.templateMs },
		sim_speedup_busier: busier?.speedup ?? null,
		sim_busier: busier && simFigures(busier, BUSIER_MORNING),
		targets: {
			admit_ratio: `<= ${TARGETS.admitRatio}`,
			join_ratio: `>= ${TARGETS.joinRatio}`,
			rss_kb_per_caller: `<= ${TARGETS.rssToFloor} x the floor's`,
			engine_events_per_s: `>= ${TARGETS.engineEventsPerSecond}`,
			sim_speedup: `>= ${SIM_SPEEDUP_TARGET}`,
			setup_ms: `<= ${SIM_SETUP_TARGET_MS}`,
			idle_rss_mb: `<= ${TARGETS.idleRssMb}`,
			cluster_admit_ratio: '<= 2.0',
			failover_ms: '<= 10000'
		}
	};
	mkdirSync(join(ROOT, 'bench'), { recursive: true });
	writeFileSync(join(ROOT, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');

	const rows: [string, string, string][] = [
		[
			`floor broadcast to ${SMALL} / ${CALLERS}`,
			`${fmt(floor.broadcastMs[SMALL]!, 1)} / ${fmt(floor.broadcastMs[CALLERS]!, 1)} ms`,
			''
		],
		['floor connect-and-ack rate', `${fmt(floor.joinPerSecond)} /s`, ''],
		['floor CPU per join: server / callers', `${fmt(floor.serverCpuUs)} / ${fmt(floor.clientCpuUs)} us`, ''],
		['floor RSS per connection', `${fmt(floor.rssKbPerCaller, 1)} KB`, '']
	];
	const range = ([low, high]: number[]) => `${fmt(low!, 2)}-${fmt(high!, 2)}`;
	for (const r of runs) {
		const ok = (good: boolean) => (good ? 'meets target' : 'MISSES target');
		rows.push(
			[
				`[${r.db}] admit ${SMALL}`,
				`${fmt(r.admitSmall, 1)} ms, ratio ${fmt(r.ratioSmall, 2)} (${range(r.spread.small)})`,
				ok(r.ratioSmall <= TARGETS.admitRatio)
			],
			[
				`[${r.db}] admit ${CALLERS}`,
				`${fmt(r.admitBig, 1)} ms, ratio ${fmt(r.ratioBig, 2)} (${range(r.spread.big)})`,
				ok(r.ratioBig <= TARGETS.admitRatio)
			],
			[
				`[${r.db}] join rate`,
				`${fmt(r.joinRate)} /s, ratio ${fmt(r.joinRatio, 2)} (${range(r.spread.join)})`,
				ok(r.joinRatio >= TARGETS.joinRatio)
			],
			[`[${r.db}] CPU per join: server / callers`, `${fmt(r.serverCpuUs)} / ${fmt(r.clientCpuUs)} us`, ''],
			[
				`[${r.db}] RSS per caller`,
				`${fmt(r.rss, 1)} KB, ${fmt(r.rssRatio, 2)}x the floor's`,
				ok(r.rssRatio <= TARGETS.rssToFloor)
			]
		);
	}
	if (cluster) {
		const single = runs.find((r) => r.db === 'postgres')?.admitSmall ?? NaN;
		const ratio = cluster.admitMs / single;
		rows.push(
			[
				`[${cluster.nodes} servers] admit ${SMALL} across them`,
				`${fmt(cluster.admitMs, 1)} ms, ratio ${fmt(ratio, 2)} to one server`,
				ratio <= 2 ? 'meets target' : 'MISSES target'
			],
			[`[${cluster.nodes} servers] join rate`, `${fmt(cluster.joinPerSecond)} /s`, ''],
			[
				`[${cluster.nodes} servers] failover, ${SMALL} callers back`,
				`${fmt(cluster.failoverMs)} ms`,
				cluster.failoverMs <= 10_000 ? 'meets target' : 'MISSES target'
			]
		);
	}
	for (const [kind, mb] of Object.entries(idleRssMb)) {
		rows.push([
			`[${kind}] idle RSS, first start`,
			`${fmt(mb, 0)} MB`,
			kind === 'pglite' ? (mb <= TARGETS.idleRssMb ? 'meets target' : 'MISSES target') : ''
		]);
	}
	rows.push(
		[
			'engine events (in process, PGlite)',
			`${fmt(engine.engineEventsPerSecond)} /s`,
			engine.engineEventsPerSecond >= TARGETS.engineEventsPerSecond ? 'meets target' : 'MISSES target'
		],
		['engine events, memory event store', `${fmt(engine.engineMemoryEventsPerSecond)} /s`, ''],
		['domain events (decide + evolve)', `${fmt(engine.domainEventsPerSecond)} /s`, '']
	);
	if (sim) {
		rows.push([
			'sim_speedup (busy morning, virtual time)',
			`${fmt(sim.speedup)}x (${fmt(sim.simulatedMs / 60_000)} min in ${fmt(sim.wallMs / 1000, 1)} s)`,
			sim.speedup >= SIM_SPEEDUP_TARGET ? 'meets target' : 'MISSES target'
		]);
		if (busier) {
			rows.push([
				'sim_speedup, ten times busier',
				`${fmt(busier.speedup)}x (${fmt(busier.simulatedMs / 60_000)} min in ${fmt(busier.wallMs / 1000, 1)} s, setup ${fmt(busier.setupMs / 1000, 1)} s)`,
				busier.passed ? 'runs' : 'FAILED'
			]);
		}
		rows.push(
			[
				'sim setup (copy, users, PINs)',
				`${fmt(sim.setupMs)} ms`,
				sim.setupMs <= SIM_SETUP_TARGET_MS ? 'meets target' : 'MISSES target'
			],
			['sim template, once per process', `${fmt(sim.templateMs)} ms`, '']
		);
	}
	const width = Math.max(...rows.map((r) => r[0].length));
	console.log('');
	for (const [name, value, verdict] of rows)
		console.log(`${name.padEnd(width)}  ${value.padEnd(30)} ${verdict}`);
	console.log('\nWritten to bench/results.json');
	process.exit(0);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
