/**
 * `lobby load`: a load generator that drives a running server from this process, with real
 * Socket.IO connections (one per caller, WebSocket only) doing what phones do: dial the bridge,
 * enter the conference ID, wait in the lobby (S5); then each meeting's organizer dials in with the
 * PIN (S2) and the lobby is admitted (S10); then everyone hangs up. Organizers and their PINs come
 * from the server's simulated organizers (`POST /api/v1/simulated-organizers`, administrators only).
 *
 * Callers arrive in the open model (a rate, which may ramp, with gaps of a chosen shape) or the
 * closed one (a fixed number dialing at once), and do what the mix says: stay, abandon the lobby
 * after their patience, try a wrong leader PIN first, or lose the connection and resume the call.
 *
 * Measured on this side only, so the server may be on another machine: join latency (socket
 * opened, dialed, in the lobby), admission latency (the organizer's PIN `#` sent, to each lobby
 * caller's `call:state` in the meeting; it includes the PIN check), resume latency, joins per
 * second, errors by code and unexpected disconnects by reason; second by second too (`--series`,
 * `--html`). Thresholds decide the exit code (load-thresholds.ts).
 */
import {
	isScenarioLoad,
	parseScenarioLoadOptions,
	runScenarioLoad,
	SCENARIO_LOAD_USAGE,
	type ScenarioLoadOptions
} from './load-scenario';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import type { TenantSettingsJson } from '$lib/contract/api';
import type { CallView, ClientToServerEvents, ServerToClientEvents } from '$lib/contract/events';
import { SeededRandom } from '$lib/scenario/seeded-random';
import { ApiClient, ApiRequestError } from './api-client';
import { UsageError } from './cmdlets';
import { credentialsPath, loadCredentials } from './credentials';
import { arrivalOffsets } from './load-arrivals';
import { renderLoadHtml } from './load-html';
import {
	behaviours,
	LOAD_USAGE,
	meetingOf,
	parseLoadOptions,
	type Behaviour,
	type LoadOptions
} from './load-options';
import type { LoadPlanJson, LoadReport } from './load-report';
import { SeriesRecorder, seriesCsv, seriesJson } from './load-series';
import { formatLatency, summarize, Tally } from './load-stats';
import { judgeThresholds } from './load-thresholds';

export type { LoadReport } from './load-report';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What `lobby load` writes to and reads its settings from. */
export interface LoadIo {
	out: NodeJS.WritableStream;
	err: NodeJS.WritableStream;
	env: NodeJS.ProcessEnv;
}

const DEFAULT_URL = 'http://127.0.0.1:3000';
/** Starts with `lobby-cli/`, so the server audits the organizers' PIN resets as done from the CLI. */
const USER_AGENT = 'lobby-cli/load';
/** Progress lines on stderr at most this often. */
const PROGRESS_MS = 1000;

/** One simulated organizer as `POST /api/v1/simulated-organizers` answers it. */
interface OrganizerJson {
	email: string;
	displayName: string;
	conferenceId: string;
	leaderPin: string;
}

/**
 * Where a caller is. `trying-pin`: a wrong-PIN caller's first call, before it calls again as a
 * guest; `dropped`: a resuming caller between losing its connection and taking the call back.
 */
type CallerState =
	'waiting' | 'joining' | 'trying-pin' | 'lobby' | 'dropped' | 'admitted' | 'abandoned' | 'failed' | 'done';

interface Caller {
	index: number;
	meeting: Meeting;
	behaviour: Behaviour;
	state: CallerState;
	socket: Client | null;
	/** Whether the dial may have left a call on the server, to hang up before closing. */
	hasCall: boolean;
	callId: string | null;
	resumeToken: string | null;
	/** The abandon or drop timer, while one is set. */
	timer: NodeJS.Timeout | null;
	/** Told when the caller leaves the lobby (admitted, abandoned or failed). */
	onLeftLobby: (() => void) | null;
}

interface Meeting {
	index: number;
	organizer: OrganizerJson;
	callers: Caller[];
	/** Callers whose join ended, in the lobby or failed; at `callers.length` the organizer dials in. */
	settled: number;
	pinSentAt: number | null;
	started: boolean;
	done: Promise<void>;
	finish: () => void;
}

function now(): number {
	return performance.now();
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** At most `size` holders at once; the others wait in order. */
class Slots {
	private free: number;
	private readonly queue: (() => void)[] = [];

	constructor(size: number) {
		this.free = size;
	}

	acquire(): Promise<void> {
		if (this.free > 0) {
			this.free--;
			return Promise.resolve();
		}
		return new Promise((resolve) => this.queue.push(resolve));
	}

	release(): void {
		const next = this.queue.shift();
		if (next) next();
		else this.free++;
	}
}

/** The server and token, as every `lobby` command finds them: the environment, then the saved login. */
function connection(env: NodeJS.ProcessEnv, timeoutMs: number): { api: ApiClient; token: string | null } {
	const saved = loadCredentials(credentialsPath(env));
	const url = (env.LOBBY_URL || saved?.url || DEFAULT_URL).replace(/\/+$/, '');
	try {
		new URL(url);
	} catch {
		throw new UsageError(`LOBBY_URL "${url}" is not a URL, e.g. ${DEFAULT_URL}`);
	}
	const token = env.LOBBY_TOKEN || (saved && saved.url === url ? saved.token : null);
	return { api: new ApiClient({ url, token, userAgent: USER_AGENT, timeoutMs }), token };
}

/** A PIN of the same length that is not `pin`: its last digit moved on by one. */
function wrongPinFor(pin: string): string {
	const last = Number(pin.at(-1) ?? '0');
	return `${pin.slice(0, -1)}${(last + 1) % 10}`;
}

/** One run: the plan, the sockets, the counters. */
class LoadRun {
	readonly callers: Caller[];
	readonly meetings: Meeting[];
	private readonly slots: Slots;
	private readonly socketUrl: string;
	/** When each caller arrives (ms after the start), and what it draws, fixed before the run by the seed. */
	private readonly arrivals: Float64Array;
	private readonly patienceMs: Float64Array;
	private readonly holdMs: Float64Array;
	private readonly dropAfterMs: Float64Array;
	private readonly joinLatencies: number[] = [];
	private readonly admissionLatencies: number[] = [];
	private readonly pinLatencies: number[] = [];
	private readonly resumeLatencies: number[] = [];
	readonly errors = new Tally();
	readonly disconnects = new Tally();
	series: SeriesRecorder = new SeriesRecorder(now());
	connected = 0;
	dialed = 0;
	inLobby = 0;
	joins = 0;
	admitted = 0;
	abandoned = 0;
	wrongPins = 0;
	resumed = 0;
	hungUp = 0;
	meetingsStarted = 0;
	startedAt = 0;
	startedAtIso = new Date().toISOString();
	lastJoinAt = 0;
	stopped = false;
	private readonly open = new Set<Client>();
	/** Hang-ups under way, awaited before the report. */
	private readonly closing = new Set<Promise<boolean>>();

	constructor(
		readonly url: string,
		readonly options: LoadOptions,
		organizers: readonly OrganizerJson[],
		/**
		 * The administrator's API token, sent in every handshake too: the server then lifts its
		 * per-client limits on connections and dials, which a load run from one machine exceeds.
		 */
		private readonly token: string | null = null
	) {
		this.socketUrl = new URL(url).origin;
		this.slots = new Slots(options.concurrency);
		const { callers, seed } = options;
		this.arrivals = arrivalOffsets(
			callers,
			options.profile,
			options.arrival,
			new SeededRandom(seed, 'arrivals')
		);
		const draws = (stream: string, from: LoadOptions['patience']) => {
			const random = new SeededRandom(seed, stream);
			return Float64Array.from({ length: callers }, () => from.sample(random));
		};
		this.patienceMs = draws('patience', options.patience);
		this.holdMs = draws('hold', options.hold);
		this.dropAfterMs = draws('drop-after', options.dropAfter);
		const mixRandom = new SeededRandom(seed, 'mix');
		const plan = behaviours(callers, options.mix, (items) => mixRandom.shuffle(items));
		this.meetings = organizers.map((organizer, index) => {
			let finish = () => {};
			const done = new Promise<void>((resolve) => (finish = resolve));
			return { index, organizer, callers: [], settled: 0, pinSentAt: null, started: false, done, finish };
		});
		this.callers = Array.from({ length: callers }, (_, index) => {
			const meeting = this.meetings[meetingOf(index, organizers.length)]!;
			const caller: Caller = {
				index,
				meeting,
				behaviour: plan[index]!,
				state: 'waiting',
				socket: null,
				hasCall: false,
				callId: null,
				resumeToken: null,
				timer: null,
				onLeftLobby: null
			};
			meeting.callers.push(caller);
			return caller;
		});
	}

	/** Lets the callers arrive (paced by the rate and the concurrency) and waits for every meeting to end. */
	async run(): Promise<void> {
		this.startedAt = now();
		this.startedAtIso = new Date().toISOString();
		this.series = new SeriesRecorder(this.startedAt);
		for (const caller of this.callers) {
			if (this.stopped) break;
			const wait = this.startedAt + this.arrivals[caller.index]! - now();
			if (wait > 1) await sleep(wait);
			await this.slots.acquire();
			if (this.stopped) {
				this.slots.release();
				break;
			}
			void this.join(caller)
				.catch(() => this.fail(caller, 'client-error'))
				.finally(() => this.slots.release());
		}
		await Promise.all(this.meetings.map((m) => m.done));
	}

	/**
	 * Stops arrivals and ends what is under way: callers not yet in a meeting are failed as
	 * `interrupted`, so their meetings finish (admitting nobody else) and everyone hangs up.
	 */
	stop(): void {
		if (this.stopped) return;
		this.stopped = true;
		for (const caller of this.callers) {
			if (['waiting', 'joining', 'trying-pin', 'lobby', 'dropped'].includes(caller.state)) {
				this.fail(caller, 'interrupted');
			}
		}
	}

	/** Counters for the progress line, and a reading for the series. */
	progress(): string {
		const t = now();
		this.series.gauge(t, this.open.size, this.inLobby);
		const seconds = ((t - this.startedAt) / 1000).toFixed(1);
		const planned =
			this.abandoned || this.resumed || this.wrongPins
				? `  abandoned ${this.abandoned}  resumed ${this.resumed}  wrong PINs ${this.wrongPins}`
				: '';
		return (
			`lobby load ${seconds.padStart(6)}s  connected ${this.connected}/${this.options.callers}` +
			`  dialed ${this.dialed}  in lobby ${this.inLobby}  admitted ${this.admitted}${planned}  errors ${this.errors.total}\n`
		);
	}

	private connect(caller: Caller | null): Client {
		const socket: Client = io(this.socketUrl, {
			transports: ['websocket'],
			reconnection: false,
			forceNew: true,
			timeout: this.options.timeoutMs,
			...(this.token ? { auth: { token: this.token } } : {})
		});
		this.open.add(socket);
		if (caller) {
			caller.socket = socket;
			socket.on('call:state', (view) => this.onCallState(caller, socket, view));
			socket.on('disconnect', (reason) => this.onDisconnect(caller, socket, reason));
		}
		return socket;
	}

	/** Resolves when `socket` is connected; rejects with the reason it could not be. */
	private connected$(socket: Client): Promise<void> {
		return new Promise((resolve, reject) => {
			if (socket.connected) return resolve();
			socket.once('connect', () => resolve());
			socket.once('connect_error', (error) => reject(error));
			// Closed by this command before it connected (an interruption).
			socket.io.once('close', () => reject(new Error('closed')));
		});
	}

	private error(code: string): void {
		this.errors.add(code);
		this.series.count('errors', now());
	}

	/**
	 * Connect, dial `conferenceId#` then `#` (not the leader), and be answered in the lobby. A
	 * wrong-PIN caller first answers `*` and enters a wrong PIN, then hangs up and calls again.
	 */
	private async join(caller: Caller): Promise<void> {
		if (caller.state !== 'waiting') return;
		caller.state = 'joining';
		let t0 = now();
		this.series.count('arrivals', t0);
		const socket = this.connect(caller);
		try {
			await this.connected$(socket);
		} catch {
			if (caller.state === 'joining') this.fail(caller, 'connect-failed');
			return;
		}
		this.connected++;
		if (caller.state !== 'joining') return;
		const { conferenceId, leaderPin } = caller.meeting.organizer;
		const limit = this.options.timeoutMs;
		if (caller.behaviour === 'wrong-pin') {
			caller.state = 'trying-pin';
			caller.hasCall = true;
			try {
				const asked = await socket.timeout(limit).emitWithAck('call:dial', {
					phoneNumber: this.phoneOf(caller),
					keys: `${conferenceId}#*`
				});
				if (caller.state !== 'trying-pin') return;
				if (!asked.ok) return this.fail(caller, asked.error.code);
				if (asked.call.step !== 'pin') return this.fail(caller, 'wrong-pin-no-pin-prompt');
				const entered = await socket
					.timeout(limit)
					.emitWithAck('call:keys', { keys: `${wrongPinFor(leaderPin)}#` });
				if (caller.state !== 'trying-pin') return;
				if (!entered.ok) return this.fail(caller, entered.error.code);
				this.wrongPins++;
				const hungUp = await socket.timeout(limit).emitWithAck('call:hangup');
				if (caller.state !== 'trying-pin') return;
				if (!hungUp.ok && hungUp.error.code !== 'no-call' && hungUp.error.code !== 'call-ended') {
					return this.fail(caller, `hangup-${hungUp.error.code}`);
				}
			} catch {
				if (caller.state === 'trying-pin') this.fail(caller, 'wrong-pin-timeout');
				return;
			}
			caller.state = 'joining';
			// The join this caller measures is its second call, the one that waits.
			t0 = now();
		}
		caller.hasCall = true;
		let answer;
		try {
			answer = await socket.timeout(limit).emitWithAck('call:dial', {
				phoneNumber: this.phoneOf(caller),
				keys: `${conferenceId}##`
			});
		} catch {
			if (caller.state === 'joining') this.fail(caller, 'dial-timeout');
			return;
		}
		if (caller.state !== 'joining') return;
		if (!answer.ok) {
			caller.hasCall = false;
			return this.fail(caller, answer.error.code);
		}
		this.dialed++;
		const { call } = answer;
		if (call.phase !== 'lobby') {
			caller.hasCall = call.phase !== 'disconnected';
			return this.fail(
				caller,
				call.phase === 'disconnected' ? (call.reason ?? 'disconnected') : 'not-in-lobby'
			);
		}
		caller.callId = answer.callId;
		caller.resumeToken = answer.resumeToken;
		caller.state = 'lobby';
		this.inLobby++;
		this.joins++;
		this.lastJoinAt = now();
		this.joinLatencies.push(this.lastJoinAt - t0);
		this.series.count('joins', this.lastJoinAt);
		this.series.latency('join', this.lastJoinAt - t0, this.lastJoinAt);
		if (caller.behaviour === 'abandon') {
			caller.timer = setTimeout(() => this.abandon(caller), this.patienceMs[caller.index]!);
		} else if (caller.behaviour === 'resume') {
			caller.timer = setTimeout(() => void this.dropAndResume(caller), this.dropAfterMs[caller.index]!);
		}
		this.settle(caller.meeting);
	}

	private phoneOf(caller: Caller): string {
		return `+1 555 ${String(caller.index).padStart(7, '0')}`;
	}

	private clearTimer(caller: Caller): void {
		if (caller.timer) clearTimeout(caller.timer);
		caller.timer = null;
	}

	/** An abandoning caller's patience ran out in the lobby: it hangs up, as planned. */
	private abandon(caller: Caller): void {
		caller.timer = null;
		if (caller.state !== 'lobby') return;
		caller.state = 'abandoned';
		this.inLobby--;
		this.abandoned++;
		this.series.count('abandoned', now());
		void this.close(caller.socket, caller.hasCall).then((ok) => {
			if (ok) this.hungUp++;
		});
		caller.hasCall = false;
		caller.onLeftLobby?.();
	}

	/**
	 * A resuming caller loses its connection in the lobby (closed without hanging up) and takes the
	 * call back on a new one with its resume token, as a phone app does after a network change.
	 */
	private async dropAndResume(caller: Caller): Promise<void> {
		caller.timer = null;
		if (caller.state !== 'lobby' || !caller.callId || !caller.resumeToken) return;
		caller.state = 'dropped';
		const old = caller.socket;
		if (old) {
			this.open.delete(old);
			old.disconnect();
		}
		const t0 = now();
		const socket = this.connect(caller);
		try {
			await this.connected$(socket);
		} catch {
			if (caller.state === 'dropped') this.fail(caller, 'resume-connect-failed');
			return;
		}
		if (caller.state !== 'dropped') return;
		let answer;
		try {
			answer = await socket
				.timeout(this.options.timeoutMs)
				.emitWithAck('call:resume', { callId: caller.callId, resumeToken: caller.resumeToken });
		} catch {
			if (caller.state === 'dropped') this.fail(caller, 'resume-timeout');
			return;
		}
		if (caller.state !== 'dropped') return;
		if (!answer.ok) return this.fail(caller, `resume-${answer.error.code}`);
		const t = now();
		this.resumed++;
		this.resumeLatencies.push(t - t0);
		this.series.count('resumed', t);
		const { phase } = answer.call;
		if (phase === 'lobby') caller.state = 'lobby';
		else if (phase === 'in-meeting') this.admit(caller, false);
		else {
			caller.hasCall = phase !== 'disconnected';
			this.fail(caller, phase === 'disconnected' ? (answer.call.reason ?? 'disconnected') : 'not-in-lobby');
		}
	}

	/** The caller is in the meeting; its admission latency counts when it learned it live. */
	private admit(caller: Caller, measured: boolean): void {
		this.clearTimer(caller);
		caller.state = 'admitted';
		this.inLobby--;
		this.admitted++;
		const t = now();
		this.series.count('admitted', t);
		const sentAt = caller.meeting.pinSentAt;
		if (measured && sentAt !== null) {
			this.admissionLatencies.push(t - sentAt);
			this.series.latency('admission', t - sentAt, t);
		}
		caller.onLeftLobby?.();
	}

	private onCallState(caller: Caller, socket: Client, view: CallView): void {
		// Only the caller's current connection speaks for it.
		if (caller.socket !== socket) return;
		if (view.phase === 'in-meeting' && caller.state === 'lobby') {
			this.admit(caller, true);
		} else if (
			view.phase === 'disconnected' &&
			(caller.state === 'joining' || caller.state === 'lobby' || caller.state === 'admitted')
		) {
			// The server ended the call (a lobby timeout, say): the reason is the error's code.
			caller.hasCall = false;
			this.fail(caller, view.reason ?? 'disconnected');
		}
	}

	private onDisconnect(caller: Caller, socket: Client, reason: string): void {
		if (reason === 'io client disconnect') return;
		this.disconnects.add(reason);
		if (caller.socket !== socket) return;
		if (['joining', 'trying-pin', 'lobby', 'dropped', 'admitted'].includes(caller.state)) {
			caller.hasCall = false;
			this.fail(caller, 'disconnected');
		}
	}

	/** A caller failed with `code`: counted once, its call hung up, its meeting told. */
	private fail(caller: Caller, code: string): void {
		const was = caller.state;
		if (was === 'failed' || was === 'done' || was === 'abandoned') return;
		caller.state = 'failed';
		this.clearTimer(caller);
		this.error(code);
		if (was === 'lobby' || was === 'dropped') this.inLobby--;
		void this.close(caller.socket, caller.hasCall);
		caller.hasCall = false;
		if (was === 'lobby' || was === 'dropped' || was === 'admitted') caller.onLeftLobby?.();
		if (was === 'waiting' || was === 'joining' || was === 'trying-pin') this.settle(caller.meeting);
	}

	/**
	 * Hangs up (when there may be a call) and closes the connection; answers whether the hang-up
	 * went through. Never throws; failures are counted.
	 */
	private close(socket: Client | null, hangUp: boolean): Promise<boolean> {
		if (!socket || !this.open.delete(socket)) return Promise.resolve(true);
		const closing = this.hangUpAndClose(socket, hangUp);
		this.closing.add(closing);
		void closing.finally(() => this.closing.delete(closing));
		return closing;
	}

	private async hangUpAndClose(socket: Client, hangUp: boolean): Promise<boolean> {
		let ok = true;
		if (hangUp && socket.connected) {
			try {
				const answer = await socket.timeout(this.options.timeoutMs).emitWithAck('call:hangup');
				// A call the server already ended is as good as hung up.
				ok = answer.ok || answer.error.code === 'no-call' || answer.error.code === 'call-ended';
				if (!ok && !answer.ok) this.error(`hangup-${answer.error.code}`);
			} catch (error) {
				ok = false;
				this.error(/timed out/i.test(String(error)) ? 'hangup-timeout' : 'hangup-disconnected');
			}
		}
		socket.disconnect();
		return ok;
	}

	/** One more caller of `meeting` is in the lobby or failed; when all are, the organizer comes. */
	private settle(meeting: Meeting): void {
		meeting.settled++;
		if (meeting.settled === meeting.callers.length && !meeting.started) {
			meeting.started = true;
			void this.startMeeting(meeting)
				.catch(() => this.error('client-error'))
				.finally(() => meeting.finish());
		}
	}

	/**
	 * The organizer dials in, answers the leader question with `*` and enters the PIN (S2); the whole
	 * lobby is admitted (S10); callers stay for their hold time and hang up, the organizer last.
	 */
	private async startMeeting(meeting: Meeting): Promise<void> {
		const waiting = (c: Caller) => c.state === 'lobby' || c.state === 'dropped';
		const lobby = meeting.callers.filter(waiting);
		if (lobby.length === 0 || this.stopped) {
			for (const caller of lobby) this.fail(caller, 'interrupted');
			return;
		}
		const admission = Promise.all(
			lobby.map(
				(caller) =>
					new Promise<void>((resolve) => {
						caller.onLeftLobby = resolve;
					})
			)
		);
		const organizer = this.connect(null);
		let organizerOk = false;
		organizer.on('disconnect', (reason) => {
			if (reason !== 'io client disconnect') this.disconnects.add(reason);
		});
		try {
			organizerOk = await this.organizerStarts(meeting, organizer);
			if (organizerOk) {
				let timer: NodeJS.Timeout | undefined;
				const timedOut = new Promise<void>((resolve) => {
					timer = setTimeout(resolve, this.options.timeoutMs);
				});
				await Promise.race([admission, timedOut]);
				clearTimeout(timer);
			}
			for (const caller of lobby) {
				if (waiting(caller)) this.fail(caller, organizerOk ? 'admission-timeout' : 'not-admitted');
			}
			await Promise.all(
				lobby
					.filter((c) => c.state === 'admitted')
					.map(async (caller) => {
						const hold = this.holdMs[caller.index]!;
						if (hold > 0 && !this.stopped) await sleep(hold);
						if (caller.state !== 'admitted') return;
						caller.state = 'done';
						if (await this.close(caller.socket, caller.hasCall)) this.hungUp++;
					})
			);
		} finally {
			// Hung up whatever happened: a refused PIN leaves a call in the IVR.
			if ((await this.close(organizer, true)) && organizerOk) this.hungUp++;
		}
	}

	/** Dials the organizer in; answers whether its PIN was accepted. Failures are counted. */
	private async organizerStarts(meeting: Meeting, socket: Client): Promise<boolean> {
		const { conferenceId, leaderPin } = meeting.organizer;
		const limit = this.options.timeoutMs;
		try {
			await this.connected$(socket);
		} catch {
			this.error('organizer-connect-failed');
			return false;
		}
		try {
			const dialed = await socket.timeout(limit).emitWithAck('call:dial', {
				phoneNumber: `+1 556 ${String(meeting.index).padStart(7, '0')}`,
				keys: `${conferenceId}#*`
			});
			if (!dialed.ok) {
				this.error(`organizer-${dialed.error.code}`);
				return false;
			}
			if (dialed.call.step !== 'pin') {
				this.error('organizer-no-pin-prompt');
				return false;
			}
			meeting.pinSentAt = now();
			const entered = await socket.timeout(limit).emitWithAck('call:keys', { keys: `${leaderPin}#` });
			if (!entered.ok) {
				this.error(`organizer-${entered.error.code}`);
				return false;
			}
			if (entered.call.phase !== 'in-meeting' || !entered.call.isLeader) {
				this.error(`organizer-${entered.call.prompt?.id ?? 'pin-refused'}`);
				return false;
			}
			this.pinLatencies.push(now() - meeting.pinSentAt);
			this.meetingsStarted++;
			return true;
		} catch {
			this.error('organizer-timeout');
			return false;
		}
	}

	/** Waits for the hang-ups under way, then closes whatever is still open (after an interruption). */
	async closeAll(): Promise<void> {
		for (const caller of this.callers) this.clearTimer(caller);
		await Promise.all([...this.open].map((socket) => this.close(socket, true)));
		while (this.closing.size > 0) await Promise.all([...this.closing]);
	}

	private plan(): LoadPlanJson {
		const o = this.options;
		return {
			model: o.profile ? 'open' : 'closed',
			rate: o.profile?.from ?? null,
			rateTo: o.profile?.to ?? null,
			rampMs: o.profile?.rampMs ?? 0,
			durationMs: o.durationMs,
			arrival: o.arrival.name,
			concurrency: o.concurrency,
			mix: { ...o.mix },
			patience: o.patience.text,
			hold: o.hold.text,
			dropAfter: o.dropAfter.text,
			seed: o.seed
		};
	}

	report(interrupted: boolean): LoadReport {
		const end = now();
		this.series.gauge(end, this.open.size, this.inLobby);
		const joinWindow = (this.lastJoinAt || end) - this.startedAt;
		const errors = this.errors.total;
		const latencies = {
			join: summarize(this.joinLatencies),
			admit: summarize(this.admissionLatencies),
			pin: summarize(this.pinLatencies),
			resume: summarize(this.resumeLatencies)
		};
		const { callers, thresholds } = this.options;
		const judged = judgeThresholds(thresholds, { latencies, errors, callers });
		// With --max-errors, errors are the threshold's to judge; without it, any error fails the run.
		const errorsJudged = thresholds.some((t) => t.kind === 'errors');
		const ok =
			!interrupted &&
			(errorsJudged ||
				(errors === 0 && this.joins === callers && this.admitted + this.abandoned === callers));
		const exitCode = interrupted ? 130 : !ok ? 1 : judged.some((t) => t.breached) ? 3 : 0;
		return {
			url: this.url,
			meetings: this.options.meetings,
			callers,
			plan: this.plan(),
			arrival: {
				rate: this.options.rate,
				durationMs: this.options.durationMs,
				concurrency: this.options.concurrency
			},
			startedAt: this.startedAtIso,
			elapsedMs: Math.round(end - this.startedAt),
			joins: this.joins,
			joinsPerSecond: joinWindow > 0 ? Math.round((this.joins * 10_000) / joinWindow) / 10 : 0,
			joinLatencyMs: latencies.join,
			meetingsStarted: this.meetingsStarted,
			admitted: this.admitted,
			admissionLatencyMs: latencies.admit,
			pinAcceptedMs: latencies.pin,
			abandoned: this.abandoned,
			wrongPins: this.wrongPins,
			resumed: this.resumed,
			resumeLatencyMs: latencies.resume,
			hungUp: this.hungUp,
			errors: { total: errors, byCode: this.errors.toJSON() },
			disconnects: { total: this.disconnects.total, byReason: this.disconnects.toJSON() },
			thresholds: judged,
			interrupted,
			ok,
			exitCode
		};
	}
}

function arrivalText(options: LoadOptions): string {
	const cap = `at most ${options.concurrency} dialing at once`;
	const shape = options.arrival.name === 'fixed' ? '' : `, ${options.arrival.name} gaps`;
	const { profile } = options;
	if (options.durationMs !== null)
		return `over ${options.durationMs / 1000} s (${profile!.from.toFixed(1)} /s${shape}), ${cap}`;
	if (profile && profile.rampMs > 0)
		return `from ${profile.from} /s to ${profile.to} /s over ${profile.rampMs / 1000} s${shape}, ${cap}`;
	if (profile) return `at ${profile.from} /s${shape}, ${cap}`;
	return `as fast as ${options.concurrency} dialing at once allow (closed model)`;
}

function byCode(counts: Record<string, number>): string {
	const entries = Object.entries(counts);
	return entries.length ? ` (${entries.map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
}

/** The report in words, one figure a line. */
function reportText(r: LoadReport): string {
	const mixed = r.abandoned + r.wrongPins + r.resumed > 0 || r.plan.mix.stay !== 100;
	const lines = [
		`Load on ${r.url}: ${r.callers} callers over ${r.meetings} meetings${r.interrupted ? ' (interrupted)' : ''}, ${(r.elapsedMs / 1000).toFixed(1)} s`,
		`  joins            ${r.joins} of ${r.callers}, ${r.joinsPerSecond} /s`,
		`  join latency     ${formatLatency(r.joinLatencyMs)}`,
		`  meetings started ${r.meetingsStarted} of ${r.meetings}`,
		`  admitted         ${r.admitted} of ${r.callers}`,
		`  admission        ${formatLatency(r.admissionLatencyMs)}`,
		`  PIN accepted     ${formatLatency(r.pinAcceptedMs)}`,
		...(mixed
			? [
					`  abandoned        ${r.abandoned}`,
					`  wrong PINs       ${r.wrongPins}`,
					`  resumed          ${r.resumed}`,
					`  resume           ${formatLatency(r.resumeLatencyMs)}`
				]
			: []),
		`  hung up          ${r.hungUp}`,
		`  errors           ${r.errors.total}${byCode(r.errors.byCode)}`,
		`  disconnects      ${r.disconnects.total}${byCode(r.disconnects.byReason)}`,
		...r.thresholds.map((t) => `  ${t.breached ? 'BREACHED' : 'within  '} ${t.option}: ${t.text}`)
	];
	return `${lines.join('\n')}\n`;
}

/** Writes `text` to `file`, or says why it could not; answers whether it did. */
function writeReportFile(file: string, text: string, what: string, err: NodeJS.WritableStream): boolean {
	try {
		writeFileSync(file, text);
		err.write(`lobby load: ${what} written to ${file}\n`);
		return true;
	} catch (error) {
		err.write(
			`lobby load: could not write the ${what} to ${file}: ${error instanceof Error ? error.message : String(error)}\n`
		);
		return false;
	}
}

/**
 * Runs `lobby load` with its arguments (after the word `load`) and answers the exit code: 0 when
 * every caller joined and was admitted or left as planned, 1 when the server refused or a caller
 * failed, 2 for a usage error, 3 when a threshold was breached, 130 when interrupted.
 */
export async function loadCommand(argv: readonly string[], io: LoadIo): Promise<number> {
	if (isScenarioLoad(argv)) return scenarioLoadCommand(argv, io);
	let options: LoadOptions;
	let api: ApiClient;
	let token: string | null;
	try {
		options = parseLoadOptions(argv);
		if (options.help) {
			io.out.write(LOAD_USAGE);
			return 0;
		}
		// Each organizer's PIN is hashed on the server (a tenth of a second or so): allow for it.
		({ api, token } = connection(io.env, 30_000 + options.meetings * 1000));
	} catch (error) {
		if (error instanceof UsageError) {
			io.err.write(`lobby load: ${error.message}\nRun "lobby load --help" for the options.\n`);
			return 2;
		}
		io.err.write(`lobby load: ${error instanceof Error ? error.message : String(error)}\n`);
		return 1;
	}
	// A file that cannot be written is found now, not after a long run.
	for (const [file, what] of [
		[options.seriesFile, 'series'],
		[options.htmlFile, 'HTML report']
	] as const) {
		if (file === null) continue;
		try {
			writeFileSync(file, '');
		} catch (error) {
			io.err.write(
				`lobby load: cannot write the ${what} to ${file}: ${error instanceof Error ? error.message : String(error)}\n`
			);
			return 2;
		}
	}

	let organizers: OrganizerJson[];
	try {
		io.err.write(
			`lobby load: preparing ${options.meetings} simulated organizer(s) with fresh PINs on ${api.url}\n`
		);
		organizers = (
			await api.post<{ organizers: OrganizerJson[] }>('/simulated-organizers', { count: options.meetings })
		).organizers;
		if (!Array.isArray(organizers) || organizers.length !== options.meetings) {
			throw new ApiRequestError(200, 'bad-answer', 'The server did not answer the organizers asked for.');
		}
		const perMeeting = Math.ceil(options.callers / options.meetings) + 1;
		const settings = await api
			.get<{ settings: TenantSettingsJson }>('/tenant-settings')
			.then((a) => a.settings)
			.catch(() => null);
		if (settings && perMeeting > settings.maxParticipants) {
			io.err.write(
				`lobby load: warning: up to ${perMeeting} participants per meeting, but the tenant allows ${settings.maxParticipants}; ` +
					`callers beyond it are refused (meeting-full). Use more meetings, or raise it with ` +
					`"lobby Set-CsOnlineDialInConferencingTenantSettings -MaxParticipants ${perMeeting}".\n`
			);
		}
	} catch (error) {
		if (error instanceof ApiRequestError) {
			io.err.write(`lobby load: ${error.message}${error.status ? ` (${error.status} ${error.code})` : ''}\n`);
			if (error.status === 401)
				io.err.write('Sign in as an administrator with "lobby login --user EMAIL", or set LOBBY_TOKEN.\n');
			if (error.status === 403)
				io.err.write('lobby load makes simulated organizers, which needs an administrator’s token.\n');
			return 1;
		}
		io.err.write(`lobby load: ${error instanceof Error ? error.message : String(error)}\n`);
		return 1;
	}

	const run = new LoadRun(api.url, options, organizers, token);
	io.err.write(
		`lobby load: ${options.callers} callers over ${options.meetings} meetings, ${arrivalText(options)}\n`
	);
	let lastProgress = -Infinity;
	const progress = setInterval(() => {
		if (now() - lastProgress < PROGRESS_MS - 50) return;
		lastProgress = now();
		io.err.write(run.progress());
	}, PROGRESS_MS);
	let interrupted = false;
	const onSignal = () => {
		interrupted = true;
		io.err.write('lobby load: interrupted; hanging up every call\n');
		run.stop();
	};
	process.once('SIGINT', onSignal);
	try {
		await run.run();
	} finally {
		clearInterval(progress);
		process.off('SIGINT', onSignal);
		await run.closeAll();
	}
	if (now() - lastProgress >= PROGRESS_MS) io.err.write(run.progress());
	const report = run.report(interrupted);
	const series = run.series.points(now());
	let written = true;
	if (options.seriesFile !== null) {
		const text = options.seriesFile.endsWith('.json') ? seriesJson(series) : seriesCsv(series);
		written = writeReportFile(options.seriesFile, text, 'series', io.err) && written;
	}
	if (options.htmlFile !== null) {
		written =
			writeReportFile(options.htmlFile, renderLoadHtml(report, series), 'HTML report', io.err) && written;
	}
	io.out.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : reportText(report));
	for (const t of report.thresholds.filter((t) => t.breached)) {
		io.err.write(`lobby load: threshold breached: ${t.option}: ${t.text}\n`);
	}
	return report.exitCode === 0 && !written ? 1 : report.exitCode;
}

/** `lobby load --scenario FILE --repeat N`: a scenario's story as N copies at once (load-scenario.ts). */
async function scenarioLoadCommand(argv: readonly string[], io: LoadIo): Promise<number> {
	let options: ScenarioLoadOptions;
	let api: ApiClient;
	try {
		if (argv.includes('--help') || argv.includes('-h')) {
			io.out.write(SCENARIO_LOAD_USAGE);
			return 0;
		}
		options = parseScenarioLoadOptions(argv);
		({ api } = connection(io.env, 30_000));
	} catch (error) {
		if (error instanceof UsageError) {
			io.err.write(
				`lobby load: ${error.message}\nRun "lobby load --scenario FILE --help" for the options.\n`
			);
			return 2;
		}
		io.err.write(`lobby load: ${error instanceof Error ? error.message : String(error)}\n`);
		return 1;
	}
	try {
		return await runScenarioLoad(options, api, io);
	} catch (error) {
		io.err.write(`lobby load: ${error instanceof Error ? error.message : String(error)}\n`);
		return 1;
	}
}
