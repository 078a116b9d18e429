import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { z } from 'zod';
import type {
	ClientToServerEvents,
	InterServerEvents,
	MeetingSummary,
	Response,
	ServerToClientEvents,
	SocketData
} from '$lib/contract/events';
import { addLogContext, log, withLogContext, type LogContext } from '../log';
import type { Runtime } from '../runtime';
import { actorFor, ANONYMOUS_ACTOR } from '../services/access';
import type { Actor } from '../services/audit.service';
import type { LiveRunRequester } from '../simulator/live-scenarios';
import { ackFailure, toAck } from '../edge-errors';
import { ServiceError } from '../service-error';
import type { Viewer } from '../services/views';
import { Handshake } from './handshake';
import { TokenBucket } from '../security/rate-limit';
import {
	clientJoinSchema,
	lobbyAdmitSchema,
	lobbyDeclineSchema,
	lobbyOptionsSchema,
	describeIssues,
	dialSchema,
	keysRequestSchema,
	monitorScopeSchema,
	resumeSchema,
	scenarioControlSchema,
	scenarioStartSchema
} from './schemas';
import { rooms, SocketNotifier } from './socket-notifier';
import { attachCluster } from './cluster-link';

export type LobbyServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type LobbySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Largest message a client may send; anything larger closes that client's connection. */
const MAX_MESSAGE_BYTES = 16 * 1024;
/** Per socket: a burst of 60 messages, then 30 a second. */
const RATE_BURST = 60;
const RATE_PER_SECOND = 30;
/** Presence reaches its watchers at most this often. */
const PRESENCE_INTERVAL_MS = 250;
/** A socket refused this many times in a row is flooding and is disconnected. */
const FLOOD_LIMIT = 200;
/**
 * A request not finished within this is answered `unavailable` (its database is slow or
 * unreachable), so nobody waits longer; the work itself goes on, and `late` undoes what it can.
 */
export const REQUEST_DEADLINE_MS = 5000;
/**
 * Requests under way at once on this server, finished or past their deadline; more are answered
 * `unavailable` at once, so a database that stops answering cannot pile up work without bound.
 */
export const MAX_REQUESTS_IN_FLIGHT = 10_000;

/** One connection, as its handlers see it: the socket and its rate bucket. */
interface Connection {
	readonly socket: LobbySocket;
	readonly bucket: TokenBucket;
}

/** A registered handler, its types erased for the table (`on` keeps them at registration). */
interface Handler {
	schema: z.ZodType | null;
	run(c: Connection, input: unknown): Promise<unknown> | unknown;
	late?(c: Connection, result: unknown): void;
}

type AckPayload<E extends keyof ClientToServerEvents> =
	Parameters<ClientToServerEvents[E]> extends [...unknown[], (response: Response<infer T>) => void]
		? T
		: never;

/**
 * Creates the Socket.IO server on `httpServer` with the handlers for phone callers, client
 * participants and monitors. Each handler validates, calls one service and answers; everything else
 * that clients hear goes out through the notifier.
 */
export function createSocketServer(httpServer: HttpServer, runtime: Runtime): LobbyServer {
	const io: LobbyServer = new Server(httpServer, {
		maxHttpBufferSize: MAX_MESSAGE_BYTES,
		serveClient: false
	});
	const { services } = runtime;
	// Several servers on one PostgreSQL: broadcasts and the services' messages go through it.
	if (runtime.clusterTransport) {
		io.adapter(runtime.clusterTransport.adapter);
		const detachCluster = attachCluster(io, runtime.cluster);
		httpServer.once('close', detachCluster);
	}
	const notifier = new SocketNotifier(io, () => runtime.masking.masked());
	const stopScenarioFeed = runtime.liveScenarios.onChange((run) =>
		// Local, like every emit to clients but the sign-out below: the adapter delays a cluster-wide
		// broadcast until PostgreSQL took it, so such broadcasts can overtake each other, and the
		// Scenarios page would end on a stale state. A live run belongs to the server it started on.
		io.local.to(rooms.scenarios).emit('scenario:state', run)
	);
	httpServer.once('close', stopScenarioFeed);
	const detachNotifier = runtime.notifier.attach(notifier);
	const stopMonitoring = services.meetings.onCommitted((committed) => notifier.meetingCommitted(committed));
	const handshake = new Handshake(runtime);
	// Signing out closes the session's connections, on every server that has one (room broadcast).
	const stopSessionFeed = runtime.notifier.onSessionEnded((sessionId) =>
		io.in(rooms.session(sessionId)).disconnectSockets(true)
	);
	httpServer.once('close', () => {
		detachNotifier();
		stopMonitoring();
		stopSessionFeed();
		handshake.stop();
		notifier.stop();
	});

	// The namespace drops a socket before its 'disconnect' event; the engine's count lags behind.
	const connectedClients = () => io.of('/').sockets.size;
	/*
	 * Presence goes only to the pages that asked for it (status:get), at most once per interval:
	 * telling every caller about every other caller's arrival would cost n² messages.
	 */
	let presenceTimer: NodeJS.Timeout | null = null;
	let lastPresence = 0;
	const broadcastPresence = () => {
		if (presenceTimer) return;
		const wait = Math.max(0, lastPresence + PRESENCE_INTERVAL_MS - Date.now());
		presenceTimer = setTimeout(() => {
			presenceTimer = null;
			lastPresence = Date.now();
			io.local.to(rooms.presence).emit('presence:updated', { connectedClients: connectedClients() });
		}, wait);
	};
	httpServer.once('close', () => {
		if (presenceTimer) clearTimeout(presenceTimer);
	});

	// Origin, session cookie, the token that lifts the limits, and the per-client limits.
	io.use(handshake.middleware);

	/** Requests of every connection under way now (MAX_REQUESTS_IN_FLIGHT). */
	let requestsInFlight = 0;

	/*
	 * The handlers live in one table for the whole server, and each connection has one dispatcher
	 * into it: a connection costs its socket, its data and its rate bucket, not a set of closures
	 * per event (about 30 of them per connection before, some 3 KB a caller).
	 */
	const handlers = new Map<string, Handler>();

	/**
	 * Registers a handler: rate limit, validate, run, answer. A missing acknowledgement means the
	 * client cannot be answered, so the message is dropped.
	 */
	function on<E extends keyof ClientToServerEvents, S extends z.ZodType | null>(
		event: E,
		schema: S,
		run: (
			c: Connection,
			input: S extends z.ZodType ? z.output<S> : undefined
		) => Promise<AckPayload<E>> | AckPayload<E>,
		/** Runs when the work succeeds after its deadline was answered, to undo what the client never heard of. */
		late?: (c: Connection, result: AckPayload<E>) => void
	): void {
		handlers.set(event, { schema, run, late } as unknown as Handler);
	}

	/** What every line logged while handling one of this connection's events carries. */
	const eventContext = (c: Connection): LogContext => ({
		eventId: randomUUID(),
		socketId: c.socket.id,
		...(c.socket.data.callId ? { callId: c.socket.data.callId } : {})
	});

	/** Takes one message from the socket's bucket; a refusal is answered, and a flood disconnected. */
	function withinRate(c: Connection, answer: (response: Response) => void): boolean {
		if (c.bucket.take()) return true;
		answer(ackFailure('rate-limited', 'Too many messages; slow down and try again in a moment.'));
		if (c.bucket.refusedInARow >= FLOOD_LIMIT) c.socket.disconnect(true);
		return false;
	}

	/**
	 * Every message of a connection comes here. One the client cannot be answered on (no
	 * acknowledgement) is dropped; the rest take one from the rate bucket. An event no handler takes
	 * is answered too, so a client never waits in vain; nothing reaches the socket's own listeners (a
	 * client's 'error' must not reach the socket's error listeners).
	 */
	function dispatch(c: Connection, [event, ...args]: unknown[]): void {
		const ack = args.at(-1);
		if (typeof ack !== 'function') return;
		const answer = (response: Response) => (ack as (r: Response) => void)(response);
		if (!withinRate(c, answer)) return;
		const handler = handlers.get(event as string);
		if (!handler) {
			const shown = JSON.stringify(String(event).slice(0, 64));
			answer(ackFailure('unknown-event', `There is no event ${shown}; see src/lib/contract/events.ts.`));
			return;
		}
		withLogContext(eventContext(c), () => handle(c, event as string, handler, args, answer));
	}

	/** Validates, runs and answers one event within its deadline. */
	function handle(
		c: Connection,
		event: string,
		handler: Handler,
		args: unknown[],
		answer: (response: Response) => void
	): void {
		// The event's name only: its payload can hold a PIN's digits (call:keys).
		log.trace(`Socket event ${event}`);
		let input: unknown = undefined;
		if (handler.schema) {
			const parsed = handler.schema.safeParse(args.length > 1 ? args[0] : undefined);
			if (!parsed.success) return answer(ackFailure('bad-request', describeIssues(parsed.error)));
			input = parsed.data;
		}
		if (requestsInFlight >= MAX_REQUESTS_IN_FLIGHT) {
			return answer(
				ackFailure(
					'unavailable',
					'The server is waiting for its database on too many requests. Try again in a moment.'
				)
			);
		}
		requestsInFlight++;
		const started = Date.now();
		const answered = (response: Response) => {
			log.debug(`Socket event ${event} answered ${response.ok ? 'ok' : response.error.code}`, {
				ms: Date.now() - started
			});
			answer(response);
		};
		let overdue = false;
		const deadline = setTimeout(() => {
			overdue = true;
			answered(
				ackFailure(
					'unavailable',
					'The server could not finish this in time: its database is slow or unreachable. Try again in a moment.'
				)
			);
		}, REQUEST_DEADLINE_MS);
		Promise.resolve()
			.then(() => handler.run(c, input))
			.then(
				(result) => (overdue ? handler.late?.(c, result) : answered({ ok: true, ...(result as object) })),
				(error: unknown) => {
					if (!overdue) answered(toAck(error));
				}
			)
			.finally(() => {
				clearTimeout(deadline);
				requestsInFlight--;
			});
	}

	/**
	 * This connection now carries `callId`: the one place that says which call a socket has (a call
	 * that ends is no longer live, which `ownCall` checks).
	 */
	async function own(c: Connection, callId: string): Promise<void> {
		c.socket.data.callId = callId;
		addLogContext({ callId });
		await c.socket.join(rooms.call(callId));
	}

	function ownCall(c: Connection): string {
		const callId = c.socket.data.callId;
		if (!callId || !services.calls.isLive(callId)) {
			throw new ServiceError('no-call', 'This connection has no call. Dial first (call:dial).');
		}
		return callId;
	}

	io.on('connection', (socket: LobbySocket) => {
		socket.data.connectedAt = Date.now();
		socket.data.callId = null;
		socket.data.clientParticipant = null;
		if (socket.data.sessionId) void socket.join(rooms.session(socket.data.sessionId));
		const c: Connection = { socket, bucket: new TokenBucket(RATE_BURST, RATE_PER_SECOND) };
		socket.use((packet) => dispatch(c, packet));
		broadcastPresence();
		socket.on('disconnect', (reason) => withLogContext(eventContext(c), () => disconnected(c, reason)));
	});

	function disconnected({ socket }: Connection, reason: string): void {
		log.debug(`Connection closed: ${reason}`);
		broadcastPresence();
		if (socket.data.callId) services.calls.connectionLost(socket.data.callId);
		const joined = socket.data.clientParticipant;
		if (joined) {
			socket.data.clientParticipant = null;
			void services.meetings.leave(joined.meetingId, joined.participantId).catch(() => undefined);
		}
	}

	on('status:get', null, async ({ socket }) => {
		await socket.join(rooms.presence);
		return { status: await services.status.status(connectedClients()) };
	});

	on(
		'call:dial',
		dialSchema,
		async (c, { phoneNumber, keys }) => {
			const { socket } = c;
			if (socket.data.callId && services.calls.isLive(socket.data.callId)) {
				throw new ServiceError('bad-request', 'This connection already has a call; hang up first.');
			}
			if (!handshake.dial(socket)) {
				const { dialBurst, dialsPerMinute } = runtime.config.clientLimits;
				throw new ServiceError(
					'rate-limited',
					`Too many calls from your address: ${dialBurst} at once, then ${dialsPerMinute} a minute ` +
						'(LOBBY_DIAL_BURST_PER_CLIENT, LOBBY_DIALS_PER_MINUTE_PER_CLIENT). Wait a moment and dial again.'
				);
			}
			const dialed = services.calls.dial(phoneNumber ?? runtime.ids.phoneNumber());
			await own(c, dialed.callId);
			if (!keys) return dialed;
			// One request, one answer: the welcome, then whatever the keys played.
			const call = await services.calls.pressKeys(dialed.callId, keys);
			return { ...dialed, call: { ...call, prompts: [...dialed.call.prompts, ...call.prompts] } };
		},
		(_c, dialed) => {
			// The caller heard `unavailable` and will dial again: this call must not linger in a lobby.
			void services.calls.hangUp(dialed.callId).catch(() => undefined);
		}
	);

	on('call:keys', keysRequestSchema, async (c, { keys }) => ({
		call: await services.calls.pressKeys(ownCall(c), keys)
	}));

	on('call:hangup', null, async (c) => ({ call: await services.calls.hangUp(ownCall(c)) }));

	on('call:resume', resumeSchema, async (c, { callId, resumeToken }) => {
		const call = services.calls.resume(callId, resumeToken);
		await own(c, callId);
		if (call.phase === 'lobby' && call.meetingId) await c.socket.join(rooms.lobby(call.meetingId));
		return { call };
	});

	/**
	 * The socket's user if its session still exists and has not expired, with the role the
	 * directory has now; checked before every privileged request. A socket whose session ended
	 * is answered `unauthenticated` and then closed, so it stops being anyone's.
	 */
	async function sessionUser({ socket }: Connection) {
		const { sessionId, sessionExpiresAt } = socket.data;
		if (!sessionId) return null;
		const now = Date.now();
		const current =
			sessionExpiresAt !== null && sessionExpiresAt > now
				? await runtime.auth.userOfSession(sessionId, now)
				: null;
		if (!current) {
			socket.data.userId = null;
			socket.data.sessionId = null;
			socket.data.sessionExpiresAt = null;
			setImmediate(() => socket.disconnect(true));
			return null;
		}
		return current;
	}

	on('client:join', clientJoinSchema, async (c, { conferenceId }) => {
		const user = await sessionUser(c);
		if (!user) {
			throw new ServiceError(
				'unauthenticated',
				'Joining from the client needs a signed-in user. Sign in first.'
			);
		}
		if (c.socket.data.clientParticipant) {
			throw new ServiceError('bad-request', 'This connection has joined a meeting already; leave it first.');
		}
		const joined = await services.meetings.joinFromClient(user, conferenceId);
		if (!joined.ok) throw new ServiceError(joined.code, joined.message);
		c.socket.data.clientParticipant = { meetingId: joined.meetingId, participantId: joined.participantId };
		return { meetingId: joined.meetingId, participantId: joined.participantId };
	});

	on('client:leave', null, async ({ socket }) => {
		const joined = socket.data.clientParticipant;
		if (!joined)
			throw new ServiceError('no-call', 'This connection has not joined a meeting from the client.');
		socket.data.clientParticipant = null;
		await services.meetings.leave(joined.meetingId, joined.participantId);
		return {};
	});

	/** Who acts on a lobby: the session's user as the directory has them now, or nobody. */
	async function lobbyActor(c: Connection): Promise<Actor> {
		const user = await sessionUser(c);
		return user ? actorFor(user) : ANONYMOUS_ACTOR;
	}

	on('lobby:admit', lobbyAdmitSchema, async (c, { meetingId, participantId }) => {
		await services.lobby.admit(await lobbyActor(c), meetingId, participantId ? { participantId } : 'all');
		return {};
	});

	on('lobby:decline', lobbyDeclineSchema, async (c, { meetingId, participantId }) => {
		await services.lobby.decline(await lobbyActor(c), meetingId, participantId);
		return {};
	});

	on('lobby:options', lobbyOptionsSchema, async (c, { meetingId, options }) => {
		await services.lobby.setOptions(await lobbyActor(c), meetingId, options);
		return {};
	});

	/**
	 * Who asks to steer a live run, from the session as it is now; LiveScenarios admits
	 * administrators only and audits refusals.
	 */
	async function scenarioRequester(c: Connection): Promise<LiveRunRequester> {
		const user = await sessionUser(c);
		if (!user)
			throw new ServiceError('unauthenticated', 'Sign in as an administrator to run scenarios live.');
		return { actor: actorFor(user), path: 'socket' };
	}

	on('scenario:list', null, async () => ({ scenarios: await runtime.liveScenarios.list() }));

	on('scenario:subscribe', null, async ({ socket }) => {
		await socket.join(rooms.scenarios);
		return { run: runtime.liveScenarios.view() };
	});

	on('scenario:start', scenarioStartSchema, async (c, { file, speed, paused }) => {
		return { run: await runtime.liveScenarios.start(file, { speed, paused }, await scenarioRequester(c)) };
	});

	on('scenario:control', scenarioControlSchema, async (c, control) => {
		return { run: await runtime.liveScenarios.control(control, await scenarioRequester(c)) };
	});

	/** Who this socket watches as: anonymous viewers see less (services/views.ts). */
	const viewer = ({ socket }: Connection): Viewer => (socket.data.userId ? 'signed-in' : 'anonymous');

	on('monitor:subscribe', monitorScopeSchema, async (c, scope) => {
		const { socket } = c;
		const mask = runtime.masking.masked();
		if (scope.scope === 'all') {
			await socket.join(rooms.monitorAll);
			const meetings: MeetingSummary[] = services.meetings.summaries();
			return { meetings, at: Date.now(), servers: await services.meetings.servers() };
		}
		// Join, then take the snapshot: every event after it reaches the viewer through the room,
		// and the viewer skips those at or below the snapshot's sequence number.
		const as = viewer(c);
		const room = rooms.monitorMeeting(scope.meetingId, as);
		await socket.join(room);
		const snapshot = await services.meetings.view(scope.meetingId, as, mask);
		if (!snapshot) {
			await socket.leave(room);
			throw new ServiceError('not-found', `There is no meeting ${scope.meetingId}.`);
		}
		return { snapshot };
	});

	// Both rooms are left before anything else runs: a subscribe sent right after this (a page
	// handing its meeting over to the next) joins after, never in between, so it is not undone.
	on('monitor:unsubscribe', monitorScopeSchema, async ({ socket }, scope) => {
		const left =
			scope.scope === 'all'
				? [socket.leave(rooms.monitorAll)]
				: [
						socket.leave(rooms.monitorMeeting(scope.meetingId, 'signed-in')),
						socket.leave(rooms.monitorMeeting(scope.meetingId, 'anonymous'))
					];
		await Promise.all(left);
		return {};
	});

	io.engine.on('connection_error', (error: { message?: string }) => {
		log.warn(`A connection was refused: ${error.message ?? 'unknown reason'}`);
	});
	return io;
}
