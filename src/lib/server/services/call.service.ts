import {
	callFromMeeting,
	causedBy,
	concerned,
	decideCall,
	evolveCall,
	initialCallState,
	isCallLive,
	musicFor,
	promptFor,
	promptParamsOf,
	promptPlayedBy,
	standingIn,
	type CallCommand,
	type CallDisconnectReason,
	type CallEvent,
	type CallState,
	type LobbyAdmitted,
	type MeetingEvent,
	type OpenedMeeting,
	type PromptId,
	type PromptParams
} from '$lib/domain';
import type { CallView, IvrStep, SpokenPrompt } from '$lib/contract/events';
import { format } from '$lib/i18n/catalog';
import { phone } from '$lib/i18n/messages/phone';
import type { DialInOrganizer, DirectoryRepository } from '../repositories/directory.repository';
import type { LeaderPinService } from './leader-pin.service';
import { EngineUnavailableError, type CommittedEvents, type MeetingService } from './meeting.service';
import { ServiceError } from '../service-error';
import type { Notifier } from './notifier';
import { soloLink, type ClusterLink } from './inter-server';
import type { Clock, IdSource, Scheduler } from './ports';
import { Pin } from '../security/pin';
import type { ResumeTokens } from '../security/resume-token';

/**
 * One live call as this service holds it: the domain's state, and what the domain must never see or
 * cannot hold (the PIN's digits, timers, the order of the caller's requests).
 */
interface LiveCall {
	readonly callId: string;
	state: CallState;
	/** The PIN being typed: in memory only until `#`, never stored, logged or sent (S8). */
	pinDigits: string;
	organizer: DialInOrganizer | null;
	/** Serialises this call's work: its requests and the leader prompt's wait. */
	queue: Promise<unknown>;
	/** A request (or the leader prompt's wait) of this call is running. */
	busy: boolean;
	/** Prompts the running work played, told once with its answer. */
	played: PlayedPrompt[];
	/** What others did to the caller while it was busy: told after its answer, in commit order. */
	overtaken: { meetingId: string; event: MeetingEvent }[];
	cancelLeaderWait: (() => void) | null;
	cancelGrace: (() => void) | null;
	/** Its caller took it back (`resume`) since the grace period last started. */
	resumed: boolean;
}

export interface CallServiceOptions {
	/** "If you are the leader, press star. Otherwise, please wait": how long the wait is. */
	leaderPromptWaitMs: number;
	/** How long a call whose connection dropped keeps its place before it is hung up. */
	reconnectGraceMs: number;
}

export const DEFAULT_CALL_OPTIONS: CallServiceOptions = {
	leaderPromptWaitMs: 5000,
	reconnectGraceMs: 30_000
};

export interface CallServiceDeps {
	meetings: MeetingService;
	directory: DirectoryRepository;
	pins: LeaderPinService;
	tokens: ResumeTokens;
	notifier: Notifier;
	clock: Clock;
	ids: IdSource;
	scheduler: Scheduler;
	/** The other servers: told when a call moves here, asked before a rebuilt call is hung up. */
	cluster?: ClusterLink;
	options?: Partial<CallServiceOptions>;
}

/**
 * The phone side of the bridge. The call decider (domain/call.ts) says what each key and each meeting
 * event means to a caller; this service does the I/O it asks for (the conference-ID look-up, the PIN
 * check, the meeting's commands) and tells the caller.
 *
 * Calls go one way: a request calls the meeting service and applies what its command caused from the
 * answer, then answers once with exactly the prompts it played. What others do to a caller (the
 * organizer starts the meeting, the lobby times out) arrives through `follow`, the one subscription to
 * the meeting's committed events, and is pushed through the notifier; a caller's own events are
 * skipped there, so nothing is applied twice and a request is never completed by a listener.
 */
export class CallService {
	private readonly calls = new Map<string, LiveCall>();
	private readonly lookups = new Map<string, Promise<DialInOrganizer | null>>();
	private readonly options: CallServiceOptions;
	private readonly cluster: ClusterLink;

	constructor(private readonly deps: CallServiceDeps) {
		this.options = { ...DEFAULT_CALL_OPTIONS, ...deps.options };
		this.cluster = deps.cluster ?? soloLink;
	}

	/**
	 * Rebuilds the calls of every restored meeting's lobby and phone participants from the meeting
	 * alone (`callFromMeeting`), so callers can take their place back with `resume`; each is hung up if
	 * it does not come back within the grace period.
	 */
	restore(): void {
		this.rebuild(this.deps.meetings.ownedMeetings());
	}

	/**
	 * This server took these meetings over from a server that stopped: their callers who were
	 * connected to it come back here or elsewhere with `resume`; the rest are hung up after the grace.
	 */
	tookOver(meetingIds: readonly string[]): void {
		const meetings = meetingIds
			.map((id) => this.deps.meetings.state(id))
			.filter((m): m is NonNullable<typeof m> => m !== null);
		this.rebuild(meetings);
	}

	private rebuild(meetings: readonly OpenedMeeting[]): void {
		const now = this.deps.clock.now();
		for (const meeting of meetings) {
			const held = [...meeting.lobby, ...meeting.participants].map((p) => p.participantId);
			for (const callId of held) {
				if (this.calls.has(callId)) continue;
				const state = callFromMeeting(meeting, callId, now);
				if (!state) continue;
				this.calls.set(callId, this.newCall(callId, state));
				this.connectionLost(callId);
			}
		}
	}

	/** Another server carries this call now (its caller resumed there): let go of it without a word. */
	movedAway(callId: string): void {
		const call = this.calls.get(callId);
		if (call) this.forget(call);
	}

	/**
	 * The calls of `callIds` this server carries, for another server that asks: live, and not waiting
	 * for their caller to come back (a call in its grace period is nobody's for sure).
	 */
	holding(callIds: readonly string[]): string[] {
		return callIds.filter((id) => this.isLive(id) && this.calls.get(id)?.cancelGrace === null);
	}

	/** Dials the bridge number: a new call asking for the conference ID. */
	dial(phoneNumber: string): { callId: string; resumeToken: string; call: CallView } {
		const callId = this.deps.ids.callId();
		const call = this.newCall(callId, initialCallState);
		this.apply(call, { type: 'Dial', callId, phoneNumber });
		this.calls.set(callId, call);
		return { callId, resumeToken: this.deps.tokens.issue(callId), call: this.tell(call) };
	}

	/** The caller's current view (no prompt is new to them); throws ServiceError('no-call') for an unknown call. */
	current(callId: string): CallView {
		return this.view(this.require(callId), []);
	}

	/** Whether the call exists and has not been disconnected. */
	isLive(callId: string): boolean {
		const call = this.calls.get(callId);
		return call !== undefined && isCallLive(call.state);
	}

	/**
	 * Presses DTMF keys in order, as a phone would send them; each waits for the previous one's effect
	 * (a conference ID look-up, a PIN check, a meeting command) before the next is handled. Answers
	 * with the call as it is then, and every prompt the keys played.
	 */
	pressKeys(callId: string, keys: string): Promise<CallView> {
		const call = this.require(callId);
		return this.serially(call, 'answer', async () => {
			for (const key of keys) {
				if (!isCallLive(call.state)) break;
				await this.pressKey(call, key);
			}
		});
	}

	/** Hangs up: leaves the lobby or meeting (S10: others see it) and ends the call. */
	hangUp(callId: string, reason: CallDisconnectReason = 'hung-up'): Promise<CallView> {
		return this.end(this.require(callId), reason, 'answer');
	}

	/** Takes a call back after a reconnect; the token proves it is the caller's own. */
	resume(callId: string, token: string): CallView {
		if (!this.deps.tokens.verify(callId, token)) {
			throw new ServiceError('invalid-token', 'That call cannot be resumed: the token does not match.');
		}
		const call = this.calls.get(callId) ?? this.moveHere(callId);
		if (!call || !isCallLive(call.state)) {
			throw new ServiceError('call-ended', 'That call has ended. Dial again.');
		}
		call.cancelGrace?.();
		call.cancelGrace = null;
		call.resumed = true;
		return this.view(call, []);
	}

	/**
	 * A caller who was connected to another server (stopped, or merely left behind) resumes here:
	 * the call is rebuilt from the meeting that holds it, and the server that carried it lets go.
	 */
	private moveHere(callId: string): LiveCall | undefined {
		const now = this.deps.clock.now();
		for (const meeting of this.deps.meetings.liveMeetings()) {
			const state = callFromMeeting(meeting, callId, now);
			if (!state) continue;
			const call = this.newCall(callId, state);
			this.calls.set(callId, call);
			this.cluster.send({ kind: 'call-moved', from: this.deps.meetings.node, callId });
			return call;
		}
		return undefined;
	}

	/** The caller's connection dropped: hang up unless they come back within the grace period. */
	connectionLost(callId: string): void {
		const call = this.calls.get(callId);
		if (!call || !isCallLive(call.state)) return;
		call.cancelGrace?.();
		call.resumed = false;
		call.cancelGrace = this.deps.scheduler.after(this.options.reconnectGraceMs, () => {
			call.cancelGrace = null;
			void this.graceRanOut(call).catch(() => undefined);
		});
	}

	/**
	 * Nobody resumed the call here in time. In a cluster its caller may have resumed on another
	 * server (whose word of it was lost), or, for a call rebuilt here, never left one: then this
	 * server only lets go; otherwise the call is hung up.
	 */
	private async graceRanOut(call: LiveCall): Promise<void> {
		if (this.cluster.connected) {
			const elsewhere = await this.cluster.ask({ kind: 'holding', callIds: [call.callId] });
			// Resumed here, or its connection dropped again, while the others were asked.
			if (this.calls.get(call.callId) !== call || call.cancelGrace || call.resumed) return;
			if (elsewhere.includes(call.callId)) return this.movedAway(call.callId);
		}
		await this.end(call, 'connection-lost', 'push');
	}

	/** How many calls are live, for presence and the benchmark. */
	liveCount(): number {
		let n = 0;
		for (const call of this.calls.values()) if (isCallLive(call.state)) n++;
		return n;
	}

	/** Stops every timer (shutdown). Calls stay recoverable from the meetings' events. */
	stop(): void {
		for (const call of this.calls.values()) {
			call.cancelGrace?.();
			call.cancelLeaderWait?.();
		}
	}

	/**
	 * The one subscription: committed meeting events, in commit order, wherever they were decided. What
	 * a caller caused is skipped (its own request applies that from its command's answer); what others
	 * did is applied and pushed, or, while the caller's own request runs, told right after its answer.
	 */
	follow({ meetingId, events }: CommittedEvents): void {
		for (const { event } of events) {
			const by = causedBy(event);
			if (event.type === 'LobbyAdmitted') this.admitLobby(meetingId, event, by);
			for (const callId of concerned(event)) {
				const call = this.calls.get(callId);
				if (!call || callId === by) continue;
				if (call.busy) call.overtaken.push({ meetingId, event });
				else this.tellFollowed(call, meetingId, event);
			}
		}
	}

	private newCall(callId: string, state: CallState): LiveCall {
		return {
			callId,
			state,
			pinDigits: '',
			organizer: null,
			queue: Promise.resolve(),
			busy: false,
			played: [],
			overtaken: [],
			cancelLeaderWait: null,
			cancelGrace: null,
			resumed: false
		};
	}

	private require(callId: string): LiveCall {
		const call = this.calls.get(callId);
		if (!call) throw new ServiceError('no-call', 'There is no such call. Dial first.');
		return call;
	}

	/**
	 * Runs `work` after the call's earlier work, then tells the caller once: `answer` returns the view
	 * (the caller's request), `push` sends it (a timer's). A request that fails pushes what it changed.
	 */
	private serially(call: LiveCall, by: 'answer' | 'push', work: () => Promise<void>): Promise<CallView> {
		const run = call.queue.then(async () => {
			call.busy = true;
			try {
				await work();
				const view = this.tell(call);
				if (by === 'push') this.deps.notifier.callUpdated(call.callId, view);
				return view;
			} catch (error) {
				if (call.played.length > 0) this.deps.notifier.callUpdated(call.callId, this.tell(call));
				throw error;
			} finally {
				if (!isCallLive(call.state)) this.forget(call);
			}
		});
		call.queue = run.catch(() => undefined).then(() => this.catchUp(call));
		return run;
	}

	/** Tells what others did while the caller was busy, once the answer has gone out. */
	private async catchUp(call: LiveCall): Promise<void> {
		while (call.overtaken.length > 0) {
			await new Promise<void>((resolve) => setImmediate(resolve));
			for (const { meetingId, event } of call.overtaken.splice(0)) this.tellFollowed(call, meetingId, event);
		}
		call.busy = false;
	}

	/** Applies a call command and notes the prompts it plays; the domain refusing it is a bug here. */
	private apply(call: LiveCall, command: CallCommand): readonly CallEvent[] {
		const decision = decideCall(call.state, command, this.deps.clock.now());
		if (!decision.ok) throw new Error(`Call ${call.callId}: ${decision.rejection.message}`);
		for (const event of decision.events) {
			call.state = evolveCall(call.state, event);
			const id = promptPlayedBy(event, call.state);
			if (id === null) continue;
			const params = promptParamsOf(event);
			const played: PlayedPrompt = params ? { id, params } : { id };
			// The same prompt twice in a row is heard once, with its latest numbers.
			if (call.played.at(-1)?.id === id) call.played[call.played.length - 1] = played;
			else call.played.push(played);
		}
		if (call.state.status !== 'awaiting-leader-choice') {
			call.cancelLeaderWait?.();
			call.cancelLeaderWait = null;
		}
		return decision.events;
	}

	/** The view with every prompt played since the caller was last told; starts that list afresh. */
	private tell(call: LiveCall): CallView {
		const played = call.played;
		call.played = [];
		return this.view(call, played);
	}

	/** What the caller sees and hears; whether they are muted is the meeting's to say. */
	private view(call: LiveCall, played: readonly PlayedPrompt[]): CallView {
		const state = call.state;
		const meeting = state.status === 'in-meeting' ? this.deps.meetings.state(state.meetingId) : null;
		const standing = meeting ? standingIn(meeting, call.callId) : null;
		const inMeeting = standing?.placement === 'meeting' ? standing : null;
		return callViewOf(state, inMeeting?.muted ?? false, played, inMeeting?.handRaised ?? false);
	}

	/** Applies meeting events to the call; returns how many call events they made. */
	private applyMeeting(call: LiveCall, meetingId: string, events: readonly MeetingEvent[]): number {
		let made = 0;
		for (const event of events) {
			const before = call.state.status;
			made += this.apply(call, { type: 'FollowMeeting', meetingId, event }).length;
			if (before === 'joining' && statusOf(call) === 'in-lobby') {
				this.deps.notifier.callJoinedLobby(call.callId, meetingId);
			}
		}
		return made;
	}

	/** Applies what someone else did to the caller and pushes it. */
	private tellFollowed(call: LiveCall, meetingId: string, event: MeetingEvent): void {
		if (!this.calls.has(call.callId)) return;
		const wasInLobby = call.state.status === 'in-lobby';
		if (this.applyMeeting(call, meetingId, [event]) === 0) return;
		const view = this.tell(call);
		if (wasInLobby && call.state.status === 'in-meeting') {
			this.deps.notifier.callLeftLobby(call.callId, meetingId, view);
		} else this.deps.notifier.callUpdated(call.callId, view);
		if (!isCallLive(call.state)) this.forget(call);
	}

	/**
	 * S10: the whole lobby at once, as one message to the lobby, not one per caller. The message goes
	 * out as soon as one caller's view is known (every admitted caller hears the same); the other
	 * calls are brought up to date after it, so a lobby of thousands is not kept waiting for that.
	 */
	private admitLobby(meetingId: string, event: LobbyAdmitted, by: string | null): void {
		const busy: string[] = [];
		const idle: LiveCall[] = [];
		for (const callId of event.participantIds) {
			const call = this.calls.get(callId);
			if (!call || callId === by) continue;
			if (call.busy) {
				// Told once, right after their own answer, and left out of the lobby's message.
				call.overtaken.push({ meetingId, event });
				busy.push(callId);
			} else idle.push(call);
		}
		let told = false;
		for (const call of idle) {
			const changed = this.applyMeeting(call, meetingId, [event]) > 0;
			if (changed && !told) {
				this.deps.notifier.lobbyAdmitted(meetingId, this.tell(call), busy);
				told = true;
			}
			// Everyone else heard the same in the lobby's one message: nothing is left to tell them.
			else call.played = [];
		}
	}

	/** Ends the call: says goodbye, leaves the lobby or meeting (S10: others see it), forgets it. */
	private async end(call: LiveCall, reason: CallDisconnectReason, by: 'answer' | 'push'): Promise<CallView> {
		if (!isCallLive(call.state)) return this.view(call, []);
		const meetingId = 'meetingId' in call.state ? call.state.meetingId : undefined;
		this.apply(call, { type: 'Disconnect', reason });
		const view = this.tell(call);
		if (by === 'push') this.deps.notifier.callUpdated(call.callId, view);
		this.forget(call);
		if (meetingId && this.deps.meetings.state(meetingId)) {
			await this.deps.meetings
				.execute(meetingId, { type: 'Leave', participantId: call.callId })
				.catch(() => undefined);
		}
		return view;
	}

	/** The call is over: drop what it held and tell the transport nothing more will come. */
	private forget(call: LiveCall): void {
		if (!this.calls.delete(call.callId)) return;
		call.pinDigits = '';
		call.cancelGrace?.();
		call.cancelGrace = null;
		call.cancelLeaderWait?.();
		call.cancelLeaderWait = null;
		this.deps.notifier.callEnded(call.callId);
	}

	/** One key, as the call decider reads it; then the look-up, check or command it asks for. */
	private async pressKey(call: LiveCall, key: string): Promise<void> {
		for (const event of this.apply(call, { type: 'PressKey', key })) {
			switch (event.type) {
				case 'ConferenceIdSubmitted':
					return this.enterConferenceId(call, event.digits);
				case 'LeaderPromptAnswered':
					if (!event.isLeader) return this.join(call);
					return;
				case 'LeaderPinTyped':
					call.pinDigits = event.length === 0 ? '' : call.pinDigits + key;
					return;
				case 'LeaderPinSubmitted':
					return this.submitPin(call);
				case 'KeypadCommandEntered':
					return this.keypad(call, event.keys);
				default:
					continue;
			}
		}
	}

	private async enterConferenceId(call: LiveCall, digits: string): Promise<void> {
		const organizer = digits ? await this.lookUp(digits) : null;
		call.organizer = organizer;
		this.apply(call, {
			type: 'EnterConferenceId',
			digits,
			found: organizer ? { meetingKey: organizer.conferenceId, organizerUserId: organizer.userId } : null
		});
		if (call.state.status !== 'awaiting-leader-choice') return;
		// "Otherwise, please wait": a caller who presses nothing joins as a caller.
		call.cancelLeaderWait = this.deps.scheduler.after(this.options.leaderPromptWaitMs, () => {
			call.cancelLeaderWait = null;
			void this.serially(call, 'push', async () => {
				if (call.state.status !== 'awaiting-leader-choice') return;
				this.apply(call, { type: 'AnswerLeaderPrompt', isLeader: false });
				await this.join(call);
			}).catch(() => undefined);
		});
	}

	private async lookUp(conferenceId: string): Promise<DialInOrganizer | null> {
		if (!/^\d{1,20}$/.test(conferenceId)) return null;
		const live = this.deps.meetings.liveOrganizer(conferenceId);
		if (live) return live;
		// A burst of callers to a meeting not yet open shares one directory query.
		let pending = this.lookups.get(conferenceId);
		if (!pending) {
			pending = this.deps.directory
				.organizerByConferenceId(conferenceId)
				.finally(() => this.lookups.delete(conferenceId));
			this.lookups.set(conferenceId, pending);
		}
		return pending;
	}

	private async submitPin(call: LiveCall): Promise<void> {
		const pin = Pin.of(call.pinDigits);
		call.pinDigits = '';
		if (call.state.status !== 'awaiting-pin') return;
		// S2: only the organizer of THIS meeting; another user's PIN is simply wrong here.
		const verdict = await this.deps.pins.check(call.state.target.organizerUserId, pin);
		this.apply(call, { type: 'SubmitLeaderPin', verdict });
		await this.join(call);
	}

	/**
	 * Joins the organizer's meeting, opening it when none is live, and connects the call from the
	 * command's own events (the lobby, or the meeting).
	 */
	private async join(call: LiveCall): Promise<void> {
		const state = call.state;
		if (state.status !== 'joining') return;
		const organizer = call.organizer ?? (await this.lookUp(state.target.conferenceId));
		if (!organizer) return this.disconnect(call, 'meeting-ended');
		const command = {
			type: 'JoinByPhone',
			participantId: call.callId,
			phoneNumber: state.phoneNumber,
			asLeader: state.asLeader
		} as const;
		try {
			for (let attempt = 0; attempt < 2; attempt++) {
				const meetingId = await this.deps.meetings.openFor(organizer);
				const decision = await this.deps.meetings.execute(meetingId, command);
				if (decision.ok) {
					this.applyMeeting(call, meetingId, decision.events);
					return;
				}
				const { code } = decision.rejection;
				// The meeting ended between look-up and join: the next arrival opens a new one.
				if (code === 'meeting-ended' && attempt === 0) continue;
				return this.disconnect(call, code === 'meeting-full' ? 'meeting-full' : 'meeting-ended');
			}
		} catch (error) {
			// The database did not take the join: the call ends, and the caller hears `unavailable`.
			if (error instanceof EngineUnavailableError) this.disconnect(call, 'connection-lost');
			throw error;
		}
	}

	/** Runs a whole keypad command (`*6`) on the meeting; the caller hears its outcome. */
	private async keypad(call: LiveCall, keys: string): Promise<void> {
		if (call.state.status !== 'in-meeting') return;
		const meetingId = call.state.meetingId;
		const decision = await this.deps.meetings.execute(meetingId, {
			type: 'PressKeys',
			participantId: call.callId,
			keys
		});
		if (decision.ok) this.applyMeeting(call, meetingId, decision.events);
		else if (call.state.status === 'in-meeting') {
			this.apply(call, { type: 'AnswerKeypad', refused: decision.rejection.code });
		}
	}

	/** The system ends the call during the caller's request; the request's end forgets it. */
	private disconnect(call: LiveCall, reason: CallDisconnectReason): void {
		if (isCallLive(call.state)) this.apply(call, { type: 'Disconnect', reason });
	}
}

/** A prompt played to a caller, with the numbers its words take. */
export type PlayedPrompt = { readonly id: PromptId; readonly params?: PromptParams };

/** A prompt as the wire carries it: its id, its English words from the catalog, and its numbers. */
export function spokenPrompt(id: PromptId, params?: PromptParams): SpokenPrompt {
	const text = phone.en[`phone.prompt.${id}`];
	return params ? { id, text: format(text, params), params: { ...params } } : { id, text };
}

function stepOf(state: CallState): IvrStep | null {
	switch (state.status) {
		case 'awaiting-conference-id':
			return 'conference-id';
		case 'awaiting-leader-choice':
			return 'leader-choice';
		case 'awaiting-pin':
			return 'pin';
		case 'joining':
			return 'joining';
		default:
			return null;
	}
}

/** What a phone caller sees and hears: phase, the current prompt, the prompts just played, music. */
export function callViewOf(
	state: CallState,
	muted: boolean,
	played: readonly (PromptId | PlayedPrompt)[],
	handRaised = false
): CallView {
	const phase =
		state.status === 'in-lobby'
			? 'lobby'
			: state.status === 'in-meeting'
				? 'in-meeting'
				: state.status === 'disconnected'
					? 'disconnected'
					: 'ivr';
	const current = promptFor(state);
	return {
		phase,
		step: stepOf(state),
		prompt: current ? spokenPrompt(current.id) : null,
		prompts: played.map((p) => (typeof p === 'string' ? spokenPrompt(p) : spokenPrompt(p.id, p.params))),
		music: musicFor(state),
		meetingId: 'meetingId' in state && state.meetingId !== undefined ? state.meetingId : null,
		isLeader: 'asLeader' in state ? state.asLeader : false,
		muted,
		handRaised,
		lobbyPosition: state.status === 'in-lobby' ? (state.position ?? null) : null,
		reason: state.status === 'disconnected' ? state.reason : null
	};
}

/** The call's status read afresh (TypeScript keeps narrowings across the calls above). */
function statusOf(call: LiveCall): CallState['status'] {
	return call.state.status;
}
