/**
 * Fuzzing the live channel: seeded payloads for every client-to-server event of the contract, built
 * from the server's own zod schemas and mutated, sent from many sockets and client addresses, each
 * answer checked against what the schema says about the payload.
 */
import type { z } from 'zod';
import type { ClientToServerEvents } from '$lib/contract/events';
import {
	clientJoinSchema,
	dialSchema,
	keysRequestSchema,
	lobbyAdmitSchema,
	lobbyDeclineSchema,
	lobbyOptionsSchema,
	monitorScopeSchema,
	resumeSchema,
	scenarioControlSchema,
	scenarioStartSchema
} from '$lib/server/realtime/schemas';
import { SERVICE_ERROR_STATUS } from '$lib/server/service-error';
import { connect, type Client } from '../helpers/clients';
import { Fuzz, packetBytes, PROTOTYPE_KEYS, type FuzzValue } from './fuzz-values';

/** Every client-to-server event with the schema its payload must pass (null: it takes none). */
export const CONTRACT: Record<keyof ClientToServerEvents, z.ZodType | null> = {
	'status:get': null,
	'call:dial': dialSchema,
	'call:keys': keysRequestSchema,
	'call:hangup': null,
	'call:resume': resumeSchema,
	'client:join': clientJoinSchema,
	'client:leave': null,
	'lobby:admit': lobbyAdmitSchema,
	'lobby:decline': lobbyDeclineSchema,
	'lobby:options': lobbyOptionsSchema,
	'scenario:list': null,
	'scenario:subscribe': null,
	'scenario:start': scenarioStartSchema,
	'scenario:control': scenarioControlSchema,
	'monitor:subscribe': monitorScopeSchema,
	'monitor:unsubscribe': monitorScopeSchema
};

/** Event names Socket.IO keeps for itself: its client refuses to send them. */
const RESERVED = new Set([
	'connect',
	'connect_error',
	'disconnect',
	'disconnecting',
	'newListener',
	'removeListener'
]);

/** The codes an acknowledgement may carry: every refusal of the services, and `internal`. */
const KNOWN_CODES = new Set<string>([...Object.keys(SERVICE_ERROR_STATUS), 'internal']);

/** Largest packet sent on purpose within the 16 KB limit (the framing adds a few bytes). */
const PACKET_MAX = 16 * 1024 - 64;

/** One message a fuzzing client sends. */
export interface Payload {
	event: string;
	args: FuzzValue[];
	withAck: boolean;
	/** What the answer must be, from the schema: a refusal as `bad-request`, `unknown-event`, or anything typed. */
	expect: 'bad-request' | 'unknown-event' | 'typed';
	how: string;
}

/** The plausible strings payload fields draw from: DTMF, conference IDs, numbers, ids, file names. */
export function plausibleStrings(conferenceIds: readonly string[], files: readonly string[]): string[] {
	return [
		...conferenceIds.flatMap((id) => [`${id}#`, `${id}#*13579#`, `${id}##`, `${id}#*`, id]),
		'#',
		'*',
		'*6',
		'*7',
		'*8',
		'*21',
		'1#',
		'0000000#',
		'+46 8 123 45 67',
		'+1 (555) 010-9999',
		'4670123',
		'call_0',
		'm1',
		'3f2c9a1e-0000-4000-8000-000000000000',
		'tok_x',
		...files,
		'../package.json'
	];
}

/**
 * The payload generator for one fuzzing client. `protectedText` never appears in what it sends (the
 * organizer the honest caller needs).
 */
export class PayloadSource {
	readonly fuzz: Fuzz;
	private readonly events = Object.keys(CONTRACT) as (keyof ClientToServerEvents)[];

	constructor(
		seed: number,
		strings: string[],
		private readonly protectedText: string
	) {
		this.fuzz = new Fuzz(seed, () => strings);
	}

	next(): Payload {
		for (;;) {
			const payload = this.build();
			if (JSON.stringify(payload.args).includes(this.protectedText)) continue;
			if (packetBytes(payload.event, payload.args) > PACKET_MAX) continue;
			return payload;
		}
	}

	private build(): Payload {
		const f = this.fuzz;
		const withAck = !f.chance(0.05);
		if (f.chance(0.08)) {
			const event = f.pick([
				() => f.pick(PROTOTYPE_KEYS),
				() => `${f.pick(this.events)}${f.pick([' ', 'x', '\u0000', ':', '/'])}`,
				() => f.text(40),
				() => f.pick(['call:dail', 'admin:reset', 'call', ':', 'monitor:*', 'error', 'message']),
				() => 'x'.repeat(f.int(100, 4000))
			])();
			if (RESERVED.has(event) || event in CONTRACT) return this.build();
			const args = f.chance(0.5) ? [f.any(2)] : [];
			return { event, args, withAck, expect: 'unknown-event', how: 'unknown event' };
		}
		const event = f.pick(this.events);
		const schema = CONTRACT[event];
		let payload: FuzzValue | undefined = schema ? f.fromSchema(schema) : undefined;
		let how = 'as generated';
		if (f.chance(0.65)) {
			const mutated = f.mutate(payload ?? {});
			payload = mutated.value;
			how = mutated.how;
		}
		const args: FuzzValue[] = payload === undefined ? [] : [payload];
		if (f.chance(0.05)) {
			for (let i = f.int(1, 3); i > 0; i--) args.push(f.any(1));
			how = `${how}, extra arguments`;
		}
		// The server validates the first argument when more than the acknowledgement was sent.
		const first = args.length > 0 ? asSent(args[0]!, args.some(hasBinary)) : undefined;
		const valid = schema === null || schema.safeParse(first).success;
		return { event, args, withAck, expect: valid ? 'typed' : 'bad-request', how };
	}
}

/** Whether `value` holds binary anywhere; without recursion, since the fuzz nests 2,000 levels deep. */
function hasBinary(value: FuzzValue): boolean {
	const pending: FuzzValue[] = [value];
	while (pending.length > 0) {
		const next = pending.pop();
		if (Buffer.isBuffer(next)) return true;
		if (Array.isArray(next)) pending.push(...next);
		else if (next && typeof next === 'object') pending.push(...Object.values(next));
	}
	return false;
}

/**
 * The value as the server receives it. A packet with binary is rebuilt by Socket.IO's client key by
 * key with plain assignment, which turns an own `__proto__` key into a prototype: it is not sent.
 */
function asSent(value: FuzzValue, binary: boolean): FuzzValue {
	const container = (v: FuzzValue): v is FuzzValue[] | Record<string, FuzzValue> =>
		v !== null && typeof v === 'object' && !Buffer.isBuffer(v);
	if (!binary || !container(value)) return value;
	// Copied without recursion: the fuzz nests values 2,000 levels deep.
	const empty = (v: FuzzValue[] | Record<string, FuzzValue>) => (Array.isArray(v) ? [] : {});
	const root = empty(value);
	const pending: [FuzzValue[] | Record<string, FuzzValue>, FuzzValue[] | Record<string, FuzzValue>][] = [
		[value, root]
	];
	while (pending.length > 0) {
		const [from, to] = pending.pop()!;
		for (const [key, v] of Object.entries(from)) {
			if (!Array.isArray(from) && key === '__proto__') continue;
			let copy = v;
			if (container(v)) {
				copy = empty(v);
				pending.push([v, copy]);
			}
			(to as Record<string, FuzzValue>)[key] = copy;
		}
	}
	return root;
}

/** What the fuzzing clients saw. */
export interface SocketTally {
	payloads: number;
	acknowledged: number;
	noAck: number;
	answered: number;
	ok: number;
	typedErrors: number;
	unanswered: number;
	untyped: number;
	internal: number;
	mismatched: number;
	unknownEvents: number;
	rateLimited: number;
	disconnects: number;
	codes: Record<string, number>;
	/** The first few problems, to say what went wrong. */
	problems: string[];
	slowestMs: number;
}

export function emptyTally(): SocketTally {
	return {
		payloads: 0,
		acknowledged: 0,
		noAck: 0,
		answered: 0,
		ok: 0,
		typedErrors: 0,
		unanswered: 0,
		untyped: 0,
		internal: 0,
		mismatched: 0,
		unknownEvents: 0,
		rateLimited: 0,
		disconnects: 0,
		codes: {},
		problems: [],
		slowestMs: 0
	};
}

function describe(payload: Payload): string {
	const args = JSON.stringify(payload.args) ?? '';
	return `${JSON.stringify(payload.event.slice(0, 60))} (${payload.how}) ${args.slice(0, 160)}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends one payload and waits for its answer (or `timeoutMs`); undefined when none came. */
function send(socket: Client, payload: Payload, timeoutMs: number): Promise<unknown> {
	const emit = socket.emit.bind(socket) as unknown as (event: string, ...args: unknown[]) => void;
	if (!payload.withAck) {
		emit(payload.event, ...payload.args);
		return Promise.resolve(undefined);
	}
	return new Promise((resolve) => {
		const timer = setTimeout(() => resolve(undefined), timeoutMs);
		emit(payload.event, ...payload.args, (answer: unknown) => {
			clearTimeout(timer);
			resolve(answer ?? null);
		});
	});
}

/** Checks one answer against the payload; counts it in `tally`. */
export function judge(payload: Payload, answer: unknown, tally: SocketTally): void {
	const problem = (what: string) => {
		if (tally.problems.length < 10)
			tally.problems.push(`${what}: ${describe(payload)} -> ${JSON.stringify(answer)?.slice(0, 200)}`);
	};
	if (answer === undefined) {
		tally.unanswered += 1;
		return problem('no answer');
	}
	tally.answered += 1;
	const a = answer as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
	if (a && a.ok === true) {
		tally.ok += 1;
		if (payload.expect !== 'typed') {
			tally.mismatched += 1;
			problem(`accepted, expected ${payload.expect}`);
		}
		return;
	}
	const code = a?.error?.code;
	if (
		!a ||
		a.ok !== false ||
		typeof code !== 'string' ||
		!KNOWN_CODES.has(code) ||
		typeof a.error?.message !== 'string' ||
		a.error.message.length === 0
	) {
		tally.untyped += 1;
		return problem('not a typed error');
	}
	tally.typedErrors += 1;
	tally.codes[code] = (tally.codes[code] ?? 0) + 1;
	if (code === 'internal') {
		tally.internal += 1;
		return problem('internal error');
	}
	if (code === 'rate-limited') tally.rateLimited += 1;
	if (code === 'unknown-event') tally.unknownEvents += 1;
	if (payload.expect !== 'typed' && code !== payload.expect && code !== 'rate-limited') {
		tally.mismatched += 1;
		problem(`answered ${code}, expected ${payload.expect}`);
	}
}

/**
 * One fuzzing client: `count` payloads from `source`, one at a time, at most `perSecond`. A socket
 * the server closed is counted and replaced.
 */
export async function fuzzClient(
	url: string,
	localAddress: string,
	source: PayloadSource,
	count: number,
	options: { perSecond: number; timeoutMs: number },
	tally: SocketTally
): Promise<void> {
	let socket = await connect(url, { localAddress });
	let closed = false;
	const watch = (s: Client) =>
		s.on('disconnect', (reason) => {
			if (reason === 'io client disconnect') return;
			closed = true;
			tally.disconnects += 1;
			if (tally.problems.length < 10) tally.problems.push(`a socket was closed: ${reason}`);
		});
	watch(socket);
	try {
		for (let i = 0; i < count; i++) {
			if (closed) {
				closed = false;
				socket = await connect(url, { localAddress });
				watch(socket);
			}
			const payload = source.next();
			const started = Date.now();
			tally.payloads += 1;
			const answer = await send(socket, payload, options.timeoutMs);
			const took = Date.now() - started;
			tally.slowestMs = Math.max(tally.slowestMs, took);
			if (payload.withAck) {
				tally.acknowledged += 1;
				judge(payload, answer, tally);
			} else tally.noAck += 1;
			await sleep(Math.max(0, 1000 / options.perSecond - took));
		}
	} finally {
		socket.disconnect();
	}
}

/**
 * Messages over the 16 KB limit: the server closes that connection and keeps serving. Answers how
 * many of `sizes` closed their socket within 5 s.
 */
export async function oversized(
	url: string,
	localAddress: string,
	sizes: readonly number[]
): Promise<number> {
	let closed = 0;
	for (const size of sizes) {
		const socket = await connect(url, { localAddress });
		const gone = new Promise<boolean>((resolve) => {
			const timer = setTimeout(() => resolve(false), 5000);
			socket.once('disconnect', () => {
				clearTimeout(timer);
				resolve(true);
			});
		});
		(socket.emit.bind(socket) as unknown as (e: string, ...a: unknown[]) => void)(
			'call:dial',
			{ keys: 'A'.repeat(size) },
			() => undefined
		);
		if (await gone) closed += 1;
		socket.disconnect();
	}
	return closed;
}
