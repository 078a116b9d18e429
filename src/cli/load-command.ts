/**
 * `lobby load`: a load generator that drives a running server from this process, with real
 * Socket.IO connections (one per caller, WebSocket only) doing what phones do: dial the bridge,
 * enter the conference ID, wait in the lobby (S5); then each meeting's organizer dials in with the
 * PIN (S2) and the lobby is admitted (S10); then everyone hangs up. Organizers and their PINs come
 * from the server's simulated organizers (`POST /api/v1/simulated-organizers`, administrators only).
 *
 * Measured on this side only, so the server may be on another machine: join latency (socket
 * opened, dialed, in the lobby), admission latency (the organizer's PIN `#` sent, to each lobby
 * caller's `call:state` in the meeting; it includes the PIN check), joins per second, errors by
 * code and unexpected disconnects by reason.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import type { TenantSettingsJson } from '$lib/contract/api';
import type { CallView, ClientToServerEvents, ServerToClientEvents } from '$lib/contract/events';
import { ApiClient, ApiRequestError } from './api-client';
import { UsageError } from './cmdlets';
import { credentialsPath, loadCredentials } from './credentials';
import { arrivalOffset, LOAD_USAGE, meetingOf, parseLoadOptions, type LoadOptions } from './load-options';
import { formatLatency, summarize, Tally, type LatencySummary } from './load-stats';

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

/** The report, also printed as JSON with --json. Latencies in milliseconds. */
export interface LoadReport {
	url: string;
	meetings: number;
	callers: number;
	arrival: { rate: number | null; durationMs: number | null; concurrency: number };
	elapsedMs: number;
	/** Callers who got into the lobby. */
	joins: number;
	joinsPerSecond: number;
	/** Socket opened, dialed with the conference ID, answered in the lobby. */
	joinLatencyMs: LatencySummary;
	/** Meetings whose organizer's PIN was accepted. */
	meetingsStarted: number;
	admitted: number;
	/** The organizer's PIN `#` sent, to each lobby caller's `call:state` in the meeting. */
	admissionLatencyMs: LatencySummary;
	/** The organizer's PIN `#` sent, to its own answer (the PIN check and the start). */
	pinAcceptedMs: LatencySummary;
	hungUp: number;
	errors: { total: number; byCode: Record<string, number> };
	/** Connections that ended without this command closing them. */
	disconnects: { total: number; byReason: Record<string, number> };
	interrupted: boolean;
	ok: boolean;
}

type CallerState = 'waiting' | 'joining' | 'lobby' | 'admitted' | 'failed' | 'done';

interface Caller {
	index: number;
	meeting: Meeting;
	state: CallerState;
	socket: Client | null;
	/** Whether the dial may have left a call on the server, to hang up before closing. */
	hasCall: boolean;
	/** Told when the caller leaves the lobby (admitted or failed). */
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

/** One run: the plan, the sockets, the counters. */
class LoadRun {
	readonly callers: Caller[];
	readonly meetings: Meeting[];
	private readonly slots: Slots;
	private readonly socketUrl: string;
	private readonly joinLatencies: number[] = [];
	private readonly admissionLatencies: number[] = [];
	private readonly pinLatencies: number[] = [];
	readonly errors = new Tally();
	readonly disconnects = new Tally();
	connected = 0;
	dialed = 0;
	inLobby = 0;
	joins = 0;
	admitted = 0;
	hungUp = 0;
	meetingsStarted = 0;
	startedAt = 0;
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
		this.meetings = organizers.map((organizer, index) => {
			let finish = () => {};
			const done = new Promise<void>((resolve) => (finish = resolve));
			return { index, organizer, callers: [], settled: 0, pinSentAt: null, started: false, done, finish };
		});
		this.callers = Array.from({ length: options.callers }, (_, index) => {
			const meeting = this.meetings[meetingOf(index, organizers.length)]!;
			const caller: Caller = {
				index,
				meeting,
				state: 'waiting',
				socket: null,
				hasCall: false,
				onLeftLobby: null
			};
			meeting.callers.push(caller);
			return caller;
		});
	}

	/** Lets the callers arrive (paced by the rate and the concurrency) and waits for every meeting to end. */
	async run(): Promise<void> {
		this.startedAt = now();
		const { rate } = this.options;
		for (const caller of this.callers) {
			if (this.stopped) break;
			const wait = this.startedAt + arrivalOffset(caller.index, rate) - now();
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
			if (caller.state === 'waiting' || caller.state === 'joining' || caller.state === 'lobby') {
				this.fail(caller, 'interrupted');
			}
		}
	}

	/** Counters for the progress line. */
	progress(): string {
		const seconds = ((now() - this.startedAt) / 1000).toFixed(1);
		return (
			`lobby load ${seconds.padStart(6)}s  connected ${this.connected}/${this.options.callers}` +
			`  dialed ${this.dialed}  in lobby ${this.inLobby}  admitted ${this.admitted}  errors ${this.errors.total}\n`
		);
	}

	private connect(): Client {
		const socket: Client = io(this.socketUrl, {
			transports: ['websocket'],
			reconnection: false,
			forceNew: true,
			timeout: this.options.timeoutMs,
			...(this.token ? { auth: { token: this.token } } : {})
		});
		this.open.add(socket);
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

	/** Connect, dial `conferenceId#` then `#` (not the leader), and be answered in the lobby. */
	private async join(caller: Caller): Promise<void> {
		if (caller.state !== 'waiting') return;
		caller.state = 'joining';
		const t0 = now();
		const socket = this.connect();
		caller.socket = socket;
		socket.on('call:state', (view) => this.onCallState(caller, view));
		socket.on('disconnect', (reason) => this.onDisconnect(caller, reason));
		try {
			await this.connected$(socket);
		} catch {
			if (caller.state === 'joining') this.fail(caller, 'connect-failed');
			return;
		}
		this.connected++;
		if (caller.state !== 'joining') return;
		caller.hasCall = true;
		let answer;
		try {
			answer = await socket.timeout(this.options.timeoutMs).emitWithAck('call:dial', {
				phoneNumber: `+1 555 ${String(caller.index).padStart(7, '0')}`,
				keys: `${caller.meeting.organizer.conferenceId}##`
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
		caller.state = 'lobby';
		this.inLobby++;
		this.joins++;
		this.lastJoinAt = now();
		this.joinLatencies.push(this.lastJoinAt - t0);
		this.settle(caller.meeting);
	}

	private onCallState(caller: Caller, view: CallView): void {
		if (view.phase === 'in-meeting' && caller.state === 'lobby') {
			caller.state = 'admitted';
			this.inLobby--;
			this.admitted++;
			const sentAt = caller.meeting.pinSentAt;
			if (sentAt !== null) this.admissionLatencies.push(now() - sentAt);
			caller.onLeftLobby?.();
		} else if (
			view.phase === 'disconnected' &&
			(caller.state === 'joining' || caller.state === 'lobby' || caller.state === 'admitted')
		) {
			// The server ended the call (a lobby timeout, say): the reason is the error's code.
			caller.hasCall = false;
			this.fail(caller, view.reason ?? 'disconnected');
		}
	}

	private onDisconnect(caller: Caller, reason: string): void {
		if (reason === 'io client disconnect') return;
		this.disconnects.add(reason);
		if (caller.state === 'joining' || caller.state === 'lobby' || caller.state === 'admitted') {
			caller.hasCall = false;
			this.fail(caller, 'disconnected');
		}
	}

	/** A caller failed with `code`: counted once, its call hung up, its meeting told. */
	private fail(caller: Caller, code: string): void {
		const was = caller.state;
		if (was === 'failed' || was === 'done') return;
		caller.state = 'failed';
		this.errors.add(code);
		if (was === 'lobby') this.inLobby--;
		void this.close(caller.socket, caller.hasCall);
		caller.hasCall = false;
		if (was === 'lobby' || was === 'admitted') caller.onLeftLobby?.();
		if (was === 'waiting' || was === 'joining') this.settle(caller.meeting);
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
				if (!ok && !answer.ok) this.errors.add(`hangup-${answer.error.code}`);
			} catch (error) {
				ok = false;
				this.errors.add(/timed out/i.test(String(error)) ? 'hangup-timeout' : 'hangup-disconnected');
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
				.catch(() => this.errors.add('client-error'))
				.finally(() => meeting.finish());
		}
	}

	/**
	 * The organizer dials in, answers the leader question with `*` and enters the PIN (S2); the whole
	 * lobby is admitted (S10); then everyone hangs up, the organizer last.
	 */
	private async startMeeting(meeting: Meeting): Promise<void> {
		const lobby = meeting.callers.filter((c) => c.state === 'lobby');
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
		const organizer = this.connect();
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
				if (caller.state === 'lobby') this.fail(caller, organizerOk ? 'admission-timeout' : 'not-admitted');
			}
			await Promise.all(
				lobby
					.filter((c) => c.state === 'admitted')
					.map(async (caller) => {
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
			this.errors.add('organizer-connect-failed');
			return false;
		}
		try {
			const dialed = await socket.timeout(limit).emitWithAck('call:dial', {
				phoneNumber: `+1 556 ${String(meeting.index).padStart(7, '0')}`,
				keys: `${conferenceId}#*`
			});
			if (!dialed.ok) {
				this.errors.add(`organizer-${dialed.error.code}`);
				return false;
			}
			if (dialed.call.step !== 'pin') {
				this.errors.add('organizer-no-pin-prompt');
				return false;
			}
			meeting.pinSentAt = now();
			const entered = await socket.timeout(limit).emitWithAck('call:keys', { keys: `${leaderPin}#` });
			if (!entered.ok) {
				this.errors.add(`organizer-${entered.error.code}`);
				return false;
			}
			if (entered.call.phase !== 'in-meeting' || !entered.call.isLeader) {
				this.errors.add(`organizer-${entered.call.prompt?.id ?? 'pin-refused'}`);
				return false;
			}
			this.pinLatencies.push(now() - meeting.pinSentAt);
			this.meetingsStarted++;
			return true;
		} catch {
			this.errors.add('organizer-timeout');
			return false;
		}
	}

	/** Waits for the hang-ups under way, then closes whatever is still open (after an interruption). */
	async closeAll(): Promise<void> {
		await Promise.all([...this.open].map((socket) => this.close(socket, true)));
		while (this.closing.size > 0) await Promise.all([...this.closing]);
	}

	report(interrupted: boolean): LoadReport {
		const end = now();
		const joinWindow = (this.lastJoinAt || end) - this.startedAt;
		const errors = this.errors.total;
		return {
			url: this.url,
			meetings: this.options.meetings,
			callers: this.options.callers,
			arrival: {
				rate: this.options.rate,
				durationMs: this.options.durationMs,
				concurrency: this.options.concurrency
			},
			elapsedMs: Math.round(end - this.startedAt),
			joins: this.joins,
			joinsPerSecond: joinWindow > 0 ? Math.round((this.joins * 10_000) / joinWindow) / 10 : 0,
			joinLatencyMs: summarize(this.joinLatencies),
			meetingsStarted: this.meetingsStarted,
			admitted: this.admitted,
			admissionLatencyMs: summarize(this.admissionLatencies),
			pinAcceptedMs: summarize(this.pinLatencies),
			hungUp: this.hungUp,
			errors: { total: errors, byCode: this.errors.toJSON() },
			disconnects: { total: this.disconnects.total, byReason: this.disconnects.toJSON() },
			interrupted,
			ok:
				!interrupted &&
				errors === 0 &&
				this.joins === this.options.callers &&
				this.admitted === this.options.callers
		};
	}
}

function arrivalText(options: LoadOptions): string {
	if (options.durationMs !== null)
		return `over ${options.durationMs / 1000} s (${options.rate!.toFixed(1)} /s), at most ${options.concurrency} dialing at once`;
	if (options.rate !== null) return `at ${options.rate} /s, at most ${options.concurrency} dialing at once`;
	return `as fast as ${options.concurrency} dialing at once allow`;
}

function byCode(counts: Record<string, number>): string {
	const entries = Object.entries(counts);
	return entries.length ? ` (${entries.map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
}

/** The report in words, one figure a line. */
function reportText(r: LoadReport): string {
	const lines = [
		`Load on ${r.url}: ${r.callers} callers over ${r.meetings} meetings${r.interrupted ? ' (interrupted)' : ''}, ${(r.elapsedMs / 1000).toFixed(1)} s`,
		`  joins            ${r.joins} of ${r.callers}, ${r.joinsPerSecond} /s`,
		`  join latency     ${formatLatency(r.joinLatencyMs)}`,
		`  meetings started ${r.meetingsStarted} of ${r.meetings}`,
		`  admitted         ${r.admitted} of ${r.callers}`,
		`  admission        ${formatLatency(r.admissionLatencyMs)}`,
		`  PIN accepted     ${formatLatency(r.pinAcceptedMs)}`,
		`  hung up          ${r.hungUp}`,
		`  errors           ${r.errors.total}${byCode(r.errors.byCode)}`,
		`  disconnects      ${r.disconnects.total}${byCode(r.disconnects.byReason)}`
	];
	return `${lines.join('\n')}\n`;
}

/**
 * Runs `lobby load` with its arguments (after the word `load`) and answers the exit code: 0 when
 * every caller joined and was admitted, 1 when the server refused or a caller failed, 2 for a usage
 * error.
 */
export async function loadCommand(argv: readonly string[], io: LoadIo): Promise<number> {
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
	io.out.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : reportText(report));
	if (interrupted) return 130;
	return report.ok ? 0 : 1;
}
