/**
 * The fault suite's callers: real Socket.IO clients doing what phones do (dial the bridge, enter
 * the conference ID, wait in the lobby; organizers dial in with their PIN), recording in the ledger
 * every acknowledgement they receive. Unlike `lobby load`, which reports a dropped connection, they
 * ride out a server's crash: they wait until it answers again, then take their calls back with their
 * resume tokens (or dial again when their dial was never answered).
 */
import { performance } from 'node:perf_hooks';
import type { CallView } from '$lib/contract/events';
import { client, type Client } from '../helpers/clients';
import { expect } from 'vitest';
import type { Ledger, LedgerVerdict } from './ledger';

/** A simulated organizer as `POST /api/v1/simulated-organizers` answers it. */
export interface Organizer {
	email: string;
	displayName: string;
	conferenceId: string;
	leaderPin: string;
}

/** A caller or organizer gives up after this many tries (each waits for its answer or a time limit). */
const MAX_ATTEMPTS = 60;

/** The crowd's clock: milliseconds, monotonic. */
export const now = () => performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The server's availability, as the crowd sees it: everyone waits at the gate while it is down. */
class Gate {
	private open = true;
	private waiters: (() => void)[] = [];
	url: string;

	constructor(url: string) {
		this.url = url;
	}

	close(): void {
		this.open = false;
	}

	reopen(url: string): void {
		this.url = url;
		this.open = true;
		for (const w of this.waiters.splice(0)) w();
	}

	get isOpen(): boolean {
		return this.open;
	}

	pass(): Promise<void> {
		return this.open ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
	}
}

/** Sent, and answered; or `lost` when the connection dropped or nothing came in time. */
type Asked<T> = { answered: true; value: T } | { answered: false; why: 'disconnected' | 'timeout' };

function ask<T>(socket: Client, send: (socket: Client) => Promise<T>, timeoutMs: number): Promise<Asked<T>> {
	return new Promise((resolve) => {
		const done = (result: Asked<T>) => {
			clearTimeout(timer);
			socket.off('disconnect', onDrop);
			resolve(result);
		};
		const onDrop = () => done({ answered: false, why: 'disconnected' });
		const timer = setTimeout(() => done({ answered: false, why: 'timeout' }), timeoutMs);
		socket.once('disconnect', onDrop);
		send(socket).then(
			(value) => done({ answered: true, value }),
			() => done({ answered: false, why: 'disconnected' })
		);
	});
}

interface Phone {
	index: number;
	meeting: MeetingPlan;
	socket: Client | null;
	callId: string | null;
	resumeToken: string | null;
	/** Where the caller is, as far as it has been told. */
	phase: 'idle' | 'lobby' | 'in-meeting' | 'failed';
	/** Set while its connection is down and it has a call to take back. */
	needsResume: boolean;
	closing: boolean;
}

interface MeetingPlan {
	organizer: Organizer;
	meetingId: string | null;
	/** When the organizer's PIN was first sent: what every admission in this meeting follows from. */
	pinSentAt: number | null;
	started: boolean;
	/** The organizer's connection, once it is in the meeting. */
	organizerSocket: Client | null;
}

export interface CrowdFigures {
	joined: number;
	admitted: number;
	started: number;
	redialed: number;
	resumed: number;
	/** A call acknowledged in the lobby or meeting that could not be taken back after a crash. */
	resumeFailed: number;
	/** How long each `unavailable` answer took, from the request (ms). */
	unavailableMs: number[];
	/** Requests with no answer at all within the time limit. */
	unanswered: number;
	/** When each dial was answered with a place in a lobby or meeting (the crowd's clock). */
	answeredAt: number[];
	errors: Record<string, number>;
}

/** The callers and organizers of one fault scenario. */
export class Crowd {
	private readonly gate: Gate;
	private readonly phones: Phone[] = [];
	private readonly meetings: MeetingPlan[];
	private readonly sockets = new Set<Client>();
	readonly figures: CrowdFigures = {
		joined: 0,
		admitted: 0,
		started: 0,
		redialed: 0,
		resumed: 0,
		resumeFailed: 0,
		unavailableMs: [],
		unanswered: 0,
		answeredAt: [],
		errors: {}
	};
	/** When each taken-back call was answered, for "time from restart to the last caller resumed". */
	lastResumedAt = 0;

	constructor(
		url: string,
		organizers: readonly Organizer[],
		private readonly options: { ledger: Ledger; token: string; timeoutMs?: number }
	) {
		this.gate = new Gate(url);
		this.meetings = organizers.map((organizer) => ({
			organizer,
			meetingId: null,
			pinSentAt: null,
			organizerSocket: null,
			started: false
		}));
	}

	private get timeoutMs(): number {
		return this.options.timeoutMs ?? 10_000;
	}

	private error(code: string): void {
		this.figures.errors[code] = (this.figures.errors[code] ?? 0) + 1;
	}

	/** The server is going away: nobody starts anything until `serverBack`. */
	serverDown(): void {
		this.gate.close();
	}

	/** The server answers again at `url`: everyone waiting goes on, and dropped calls are taken back. */
	serverBack(url: string): void {
		this.gate.reopen(url);
	}

	/** Callers whose connection is down with a call to take back. */
	get waitingToResume(): number {
		return this.phones.filter((p) => p.needsResume).length;
	}

	/** Callers in the lobby, and in the meeting, as they were last told. */
	count(phase: Phone['phase']): number {
		return this.phones.filter((p) => p.phase === phase).length;
	}

	/** The meeting ids learned from the answers, by conference ID. */
	meetingIds(): string[] {
		return [...this.seenMeetings];
	}

	/** Every meeting id any answer named, across meetings that ended and opened again. */
	private readonly seenMeetings = new Set<string>();

	private connect(): Client {
		const socket = client(this.gate.url, { auth: { token: this.options.token } });
		this.sockets.add(socket);
		socket.on('disconnect', () => this.sockets.delete(socket));
		return socket;
	}

	/**
	 * Once the server is up, a new connection to it; null (after a short pause) when it could not be
	 * made, for the caller to try again.
	 */
	private async reach(): Promise<Client | null> {
		await this.gate.pass();
		const socket = this.connect();
		if (await this.connected(socket)) return socket;
		socket.close();
		await sleep(100);
		return null;
	}

	/** Whether `socket` connects: false on a refusal, a drop before it connected, or no answer in time. */
	private connected(socket: Client): Promise<boolean> {
		return new Promise((resolve) => {
			if (socket.connected) return resolve(true);
			const done = (ok: boolean) => {
				clearTimeout(timer);
				socket.off('connect', onConnect);
				socket.off('connect_error', onFail);
				socket.off('disconnect', onFail);
				socket.io.off('close', onFail);
				resolve(ok);
			};
			const onConnect = () => done(true);
			const onFail = () => done(false);
			const timer = setTimeout(onFail, this.timeoutMs);
			socket.once('connect', onConnect);
			socket.once('connect_error', onFail);
			socket.once('disconnect', onFail);
			// The transport closed while the namespace was still connecting (the server was killed).
			socket.io.once('close', onFail);
		});
	}

	/** One caller of meeting `m` dials into its lobby, and stays until `close`. */
	/**
	 * The load every scenario under load runs: `callers` arrive at an even pace over `arrivalMs`,
	 * meeting by meeting in turn, and each meeting's organizer dials in during its second half.
	 */
	load(callers: number, arrivalMs: number): { arrivals: Promise<void>; organizing: Promise<void> } {
		const meetings = this.meetings.length;
		const arrivals = (async () => {
			const joins: Promise<void>[] = [];
			const started = performance.now();
			for (let i = 0; i < callers; i++) {
				const wait = started + (i * arrivalMs) / callers - performance.now();
				if (wait > 1) await sleep(wait);
				joins.push(this.dial(i % meetings));
			}
			await Promise.all(joins);
		})();
		const organizing = Promise.all(
			this.meetings.map(async (_, m) => {
				await sleep(arrivalMs * (0.5 + (0.6 * m) / meetings));
				await this.organize(m);
			})
		).then(() => undefined);
		return { arrivals, organizing };
	}

	/**
	 * Waits for `load` to end with every caller in a meeting and no call left to take back, closes
	 * the crowd's connections, and answers every meeting id an answer named.
	 */
	async settle(load: { arrivals: Promise<void>; organizing: Promise<void> }): Promise<string[]> {
		await load.arrivals;
		console.log(
			`[faults] every caller has dialed; ${this.figures.started}/${this.meetings.length} meetings started`
		);
		await load.organizing;
		await this.until(
			() => this.count('lobby') === 0 && this.waitingToResume === 0,
			60_000,
			'every caller in the meeting'
		);
		const meetingIds = this.meetingIds();
		this.close();
		return meetingIds;
	}

	async dial(m: number): Promise<void> {
		const meeting = this.meetings[m]!;
		const phone: Phone = {
			index: this.phones.length,
			meeting,
			socket: null,
			callId: null,
			resumeToken: null,
			phase: 'idle',
			needsResume: false,
			closing: false
		};
		this.phones.push(phone);
		await this.dialOnce(phone);
	}

	private async dialOnce(phone: Phone): Promise<void> {
		for (let attempt = 0; !phone.closing; attempt++) {
			if (attempt >= MAX_ATTEMPTS) {
				this.error('dial-gave-up');
				phone.phase = 'failed';
				return;
			}
			if (attempt > 0) this.figures.redialed++;
			const socket = await this.reach();
			if (!socket) continue;
			phone.socket = socket;
			this.watch(phone, socket);
			const sentAt = now();
			const asked = await ask(
				socket,
				(s) =>
					s.emitWithAck('call:dial', {
						phoneNumber: `+1 555 ${String(phone.index).padStart(7, '0')}`,
						keys: `${phone.meeting.organizer.conferenceId}##`
					}),
				this.timeoutMs
			);
			if (!asked.answered) {
				// Never answered: nothing was confirmed, so dial again (the half-made call times out).
				this.error(`dial-${asked.why}`);
				if (asked.why === 'timeout') this.figures.unanswered++;
				socket.close();
				continue;
			}
			const answer = asked.value;
			if (!answer.ok) {
				this.error(answer.error.code);
				socket.close();
				if (answer.error.code === 'unavailable') {
					this.figures.unavailableMs.push(now() - sentAt);
					await sleep(200);
					continue;
				}
				phone.phase = 'failed';
				return;
			}
			phone.callId = answer.callId;
			phone.resumeToken = answer.resumeToken;
			this.figures.answeredAt.push(now());
			this.told(phone, answer.call, sentAt, 'dial');
			return;
		}
	}

	/** What a caller was told: a new place in the lobby or the meeting goes into the ledger. */
	private told(phone: Phone, call: CallView, sentAt: number, how: 'dial' | 'push' | 'resume'): void {
		const ackedAt = now();
		const meetingId = call.meetingId;
		if (meetingId && !phone.meeting.meetingId) phone.meeting.meetingId = meetingId;
		if (meetingId) this.seenMeetings.add(meetingId);
		if (!phone.callId) return; // a push before the dial's own answer: the answer tells
		if (!meetingId) {
			// Answered without a place in a meeting: the server said what happened instead.
			if (phone.phase !== 'failed')
				this.error(`answer:${call.phase}:${call.reason ?? call.prompt?.id ?? ''}`);
			phone.phase = 'failed';
			return;
		}
		const entry = { meetingId, participantId: phone.callId, ackedAt };
		if (call.phase === 'lobby' && phone.phase === 'idle') {
			phone.phase = 'lobby';
			this.figures.joined++;
			this.options.ledger.record({ ...entry, confirmed: 'entered-lobby', sentAt });
		} else if (call.phase === 'in-meeting' && phone.phase === 'idle') {
			phone.phase = 'in-meeting';
			this.figures.joined++;
			this.options.ledger.record({ ...entry, confirmed: 'joined', sentAt });
		} else if (call.phase === 'in-meeting' && phone.phase === 'lobby') {
			phone.phase = 'in-meeting';
			this.figures.admitted++;
			// An admission follows from the organizer's PIN, whenever the caller hears of it.
			const cause = phone.meeting.pinSentAt ?? (how === 'dial' ? sentAt : 0);
			this.options.ledger.record({ ...entry, confirmed: 'admitted', sentAt: cause });
		} else if (call.phase === 'disconnected' && (phone.phase === 'lobby' || phone.phase === 'in-meeting')) {
			phone.phase = 'failed';
			this.error(`server-ended:${call.reason ?? 'unknown'}`);
		} else if (phone.phase === 'idle' && how === 'dial') {
			phone.phase = 'failed';
			this.error(`answer:${call.phase}:${call.reason ?? call.prompt?.id ?? ''}`);
		}
	}

	private watch(phone: Phone, socket: Client): void {
		socket.on('call:state', (call) => {
			if (phone.socket === socket) this.told(phone, call, 0, 'push');
		});
		socket.on('disconnect', () => {
			if (phone.socket !== socket || phone.closing) return;
			phone.socket = null;
			if (phone.callId && (phone.phase === 'lobby' || phone.phase === 'in-meeting')) {
				phone.needsResume = true;
				void this.resume(phone);
			}
		});
	}

	/** Takes a dropped call back with its token once the server answers again. */
	private async resume(phone: Phone): Promise<void> {
		for (let attempt = 0; !phone.closing; attempt++) {
			if (attempt >= MAX_ATTEMPTS) {
				this.error('resume-gave-up');
				this.figures.resumeFailed++;
				phone.needsResume = false;
				phone.phase = 'failed';
				return;
			}
			const socket = await this.reach();
			if (!socket) continue;
			phone.socket = socket;
			this.watch(phone, socket);
			const sentAt = now();
			const asked = await ask(
				socket,
				(s) => s.emitWithAck('call:resume', { callId: phone.callId!, resumeToken: phone.resumeToken! }),
				this.timeoutMs
			);
			if (!asked.answered) {
				socket.close();
				if (!this.gate.isOpen) return; // dropped again: the next disconnect starts over
				continue;
			}
			const answer = asked.value;
			if (!answer.ok) {
				if (answer.error.code === 'unavailable') {
					socket.close();
					await sleep(200);
					continue;
				}
				this.error(`resume:${answer.error.code}`);
				this.figures.resumeFailed++;
				phone.needsResume = false;
				phone.phase = 'failed';
				socket.close();
				return;
			}
			phone.needsResume = false;
			this.figures.resumed++;
			this.lastResumedAt = now();
			this.told(phone, answer.call, sentAt, 'resume');
			return;
		}
	}

	/**
	 * Meeting `m`'s organizer dials in with the leader PIN and starts it (S2, S10). Dials again
	 * from the start when a crash swallowed the answer.
	 */
	async organize(m: number): Promise<void> {
		const meeting = this.meetings[m]!;
		for (let attempt = 0; ; attempt++) {
			if (attempt >= MAX_ATTEMPTS) {
				throw new Error(
					`The organizer of ${meeting.organizer.conferenceId} could not start it in ${MAX_ATTEMPTS} tries: ${JSON.stringify(this.figures.errors)}`
				);
			}
			const socket = await this.reach();
			if (!socket) continue;
			const dialed = await ask(
				socket,
				(s) => s.emitWithAck('call:dial', { keys: `${meeting.organizer.conferenceId}#*` }),
				this.timeoutMs
			);
			if (!dialed.answered || !dialed.value.ok) {
				this.error(
					dialed.answered
						? `organizer:${dialed.value.ok ? '' : dialed.value.error.code}`
						: `organizer-${dialed.why}`
				);
				socket.close();
				await sleep(200);
				continue;
			}
			const sentAt = now();
			meeting.pinSentAt ??= sentAt;
			const entered = await ask(
				socket,
				(s) => s.emitWithAck('call:keys', { keys: `${meeting.organizer.leaderPin}#` }),
				this.timeoutMs
			);
			if (!entered.answered || !entered.value.ok) {
				this.error(
					entered.answered ? `pin:${entered.value.ok ? '' : entered.value.error.code}` : `pin-${entered.why}`
				);
				socket.close();
				await sleep(200);
				continue;
			}
			const call = entered.value.call;
			if (call.phase !== 'in-meeting' || !call.meetingId) {
				this.error(`pin-answer:${call.phase}`);
				socket.close();
				await sleep(200);
				continue;
			}
			meeting.meetingId ??= call.meetingId;
			this.seenMeetings.add(call.meetingId);
			meeting.organizerSocket = socket;
			const ackedAt = now();
			const participantId = dialed.value.callId;
			this.options.ledger.record({
				confirmed: 'joined',
				meetingId: call.meetingId,
				participantId,
				sentAt,
				ackedAt
			});
			// Only an organizer who never lost an answer knows it was the one who started the meeting.
			if (attempt === 0) {
				this.options.ledger.record({
					confirmed: 'started',
					meetingId: call.meetingId,
					participantId,
					sentAt,
					ackedAt
				});
			}
			meeting.started = true;
			this.figures.started++;
			// The organizer stays on the line; its socket is closed with the others at the end.
			return;
		}
	}

	/**
	 * Everyone in meeting `m` hangs up, the organizer last, so the meeting ends; its callers are
	 * forgotten and the next callers of `m` open a new meeting.
	 */
	async endMeeting(m: number): Promise<void> {
		const meeting = this.meetings[m]!;
		const leaving = this.phones.filter((p) => p.meeting === meeting);
		await Promise.all(
			leaving.map(async (phone) => {
				phone.closing = true;
				const socket = phone.socket;
				if (socket?.connected) await ask(socket, (s) => s.emitWithAck('call:hangup'), this.timeoutMs);
				socket?.close();
			})
		);
		const organizer = meeting.organizerSocket;
		if (organizer?.connected) await ask(organizer, (s) => s.emitWithAck('call:hangup'), this.timeoutMs);
		organizer?.close();
		for (const phone of leaving) this.phones.splice(this.phones.indexOf(phone), 1);
		Object.assign(meeting, { meetingId: null, pinSentAt: null, started: false, organizerSocket: null });
	}

	/** Resolves when `done()` holds, or rejects after `ms` with what is still missing. */
	async until(done: () => boolean, ms: number, what: string): Promise<void> {
		const deadline = Date.now() + ms;
		while (!done()) {
			if (Date.now() > deadline) {
				throw new Error(
					`${what} did not happen within ${ms} ms: lobby ${this.count('lobby')}, in meeting ${this.count('in-meeting')}, ` +
						`failed ${this.count('failed')}, waiting to resume ${this.waitingToResume}, errors ${JSON.stringify(this.figures.errors)}`
				);
			}
			await sleep(50);
		}
	}

	/** Everyone hangs up their connection (without hanging up the calls: the log is what is checked). */
	close(): void {
		for (const phone of this.phones) phone.closing = true;
		for (const socket of this.sockets) socket.close();
		this.sockets.clear();
	}
}

/** What every scenario under load reports: the ledger's count and what the crowd did. */
export function crowdFigures(crowd: Crowd, verdict: LedgerVerdict): Record<string, number> {
	const { joined, admitted, started, resumed, redialed, resumeFailed } = crowd.figures;
	return { acknowledged: verdict.acknowledged, joined, admitted, started, resumed, redialed, resumeFailed };
}

/**
 * What every scenario under load promises: nothing acknowledged lost, doubled or reordered, no gap,
 * every dropped call taken back, no lobby position moved, every caller joined, every meeting started.
 */
export function expectWholeLoad(
	crowd: Crowd,
	verdict: LedgerVerdict,
	expected: { callers: number; meetings: number; moved: number }
): void {
	expect(verdict.examples, verdict.examples.join('\n')).toEqual([]);
	expect(verdict).toMatchObject({ lost: 0, doubled: 0, outOfOrder: 0, seqGaps: 0 });
	expect(crowd.figures.resumeFailed).toBe(0);
	expect(expected.moved).toBe(0);
	expect(crowd.count('failed')).toBe(0);
	expect(crowd.figures.joined).toBe(expected.callers);
	expect(crowd.figures.started).toBe(expected.meetings);
}
