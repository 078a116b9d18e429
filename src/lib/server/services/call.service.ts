import {
	decideCall,
	promptFor,
	evolveCall,
	initialCallState,
	KEYPAD_COMMANDS,
	prompt,
	type CallCommand,
	type CallDisconnectReason,
	type CallEvent,
	type CallState,
	type MeetingEvent,
	type OpenedMeeting,
	type Prompt
} from '$lib/domain';
import type { CallView, ErrorCode } from '$lib/contract/events';
import type { DialInOrganizer, DirectoryRepository } from '../repositories/directory.repository';
import type { LeaderPinService } from './leader-pin.service';
import { EngineUnavailableError, type CommittedEvents, type MeetingService } from './meeting.service';
import type { Notifier } from './notifier';
import type { Clock, IdSource, Scheduler } from './ports';
import type { ResumeTokens } from '../security/resume-token';
import { callViewOf } from './views';

/** A failure the caller can be told about, with a stable code. */
export class CallError extends Error {
	constructor(
		readonly code: ErrorCode,
		message: string
	) {
		super(message);
		this.name = 'CallError';
	}
}

interface LiveCall {
	readonly callId: string;
	state: CallState;
	/** Digits typed toward the conference ID or a keypad command. Never the PIN (see pinDigits). */
	keyBuffer: string;
	/** The PIN being typed: held in memory only until `#`, never stored, logged or sent. */
	pinDigits: string;
	organizer: DialInOrganizer | null;
	muted: boolean;
	/** A keypad answer shown in place of the state's prompt until the next change. */
	transientPrompt: Prompt | null;
	/** Serialises this call's key presses. */
	queue: Promise<unknown>;
	/**
	 * Requests of the caller's own being handled: their answer carries the final state, so changes
	 * meanwhile are not pushed as well (one message per key press instead of one per step).
	 */
	requests: number;
	/** Prompts played during the caller's own request, told with its answer (the last is current). */
	played: Prompt[];
	cancelLeaderWait: (() => void) | null;
	cancelGrace: (() => void) | null;
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

/** Longest run of digits the IVR buffers (a conference ID or keypad command is far shorter). */
const MAX_BUFFER = 32;

const KEYPAD_KEYS = KEYPAD_COMMANDS.map((c) => c.keys as string);

export interface CallServiceDeps {
	meetings: MeetingService;
	directory: DirectoryRepository;
	pins: LeaderPinService;
	tokens: ResumeTokens;
	notifier: Notifier;
	clock: Clock;
	ids: IdSource;
	scheduler: Scheduler;
	options?: Partial<CallServiceOptions>;
}

/**
 * The phone side of the bridge: each call's IVR (conference ID, "are you the leader?", PIN), its key
 * presses, and its way into the meeting. Meeting events that concern a caller (admitted, sent away)
 * reach it through the engine's commit listener, so a caller is only told what is durable.
 */
export class CallService {
	private readonly calls = new Map<string, LiveCall>();
	private readonly lookups = new Map<string, Promise<DialInOrganizer | null>>();
	private readonly options: CallServiceOptions;

	constructor(private readonly deps: CallServiceDeps) {
		this.options = { ...DEFAULT_CALL_OPTIONS, ...deps.options };
		deps.meetings.onCommitted((committed) => this.onMeetingCommitted(committed));
	}

	/**
	 * Rebuilds the calls of every restored meeting's lobby and participants, so callers can take their
	 * place back with `resume`; each is hung up if it does not come back within the grace period.
	 */
	restore(): void {
		const now = this.deps.clock.now();
		for (const meeting of this.deps.meetings.liveMeetings()) {
			const target = {
				conferenceId: meeting.conferenceId,
				meetingKey: meeting.conferenceId,
				organizerUserId: meeting.organizer.userId
			};
			const base = (callId: string, phoneNumber: string, asLeader: boolean): CallEvent[] => [
				{ type: 'CallDialed', at: now, callId, phoneNumber, maxTries: 3 },
				{ type: 'ConferenceIdAccepted', at: now, ...target },
				{ type: 'LeaderPromptAnswered', at: now, isLeader: asLeader },
				...(asLeader ? [{ type: 'LeaderPinAccepted', at: now } as const] : [])
			];
			for (const c of meeting.lobby) {
				this.adopt(c.participantId, [
					...base(c.participantId, c.phoneNumber, false),
					{ type: 'CallConnected', at: now, meetingId: meeting.meetingId, placement: 'lobby' }
				]);
			}
			for (const p of meeting.participants) {
				if (p.via !== 'phone') continue;
				const call = this.adopt(p.participantId, [
					...base(p.participantId, p.phoneNumber ?? '', p.isLeader),
					{ type: 'CallConnected', at: now, meetingId: meeting.meetingId, placement: 'meeting' }
				]);
				call.muted = p.muted;
			}
		}
	}

	private adopt(callId: string, events: CallEvent[]): LiveCall {
		const call = this.newCall(callId, events.reduce(evolveCall, initialCallState));
		this.calls.set(callId, call);
		this.connectionLost(callId);
		return call;
	}

	private newCall(callId: string, state: CallState): LiveCall {
		return {
			callId,
			state,
			keyBuffer: '',
			pinDigits: '',
			organizer: null,
			muted: false,
			transientPrompt: null,
			queue: Promise.resolve(),
			requests: 0,
			played: [],
			cancelLeaderWait: null,
			cancelGrace: null
		};
	}

	/** Dials the bridge number: a new call asking for the conference ID. */
	dial(phoneNumber: string): { callId: string; resumeToken: string; call: CallView } {
		const callId = this.deps.ids.callId();
		const call = this.newCall(callId, initialCallState);
		this.apply(call, { type: 'Dial', callId, phoneNumber });
		this.calls.set(callId, call);
		return { callId, resumeToken: this.deps.tokens.issue(callId), call: this.view(call) };
	}

	/** The caller's current view; throws CallError('no-call') for an unknown call. */
	current(callId: string): CallView {
		return this.view(this.require(callId));
	}

	/** Whether the call exists and has not been disconnected. */
	isLive(callId: string): boolean {
		const call = this.calls.get(callId);
		return call !== undefined && call.state.status !== 'disconnected';
	}

	/**
	 * Presses DTMF keys in order, as a phone would send them; each waits for the previous one's effect
	 * (a conference ID look-up, a PIN check, a meeting command) before the next is handled.
	 */
	pressKeys(callId: string, keys: string): Promise<CallView> {
		const call = this.require(callId);
		const run = call.queue.then(async () => {
			call.requests += 1;
			try {
				for (const key of keys) {
					if (call.state.status === 'disconnected') break;
					await this.pressKey(call, key);
				}
				return this.tell(call);
			} finally {
				call.requests -= 1;
			}
		});
		call.queue = run.catch(() => undefined);
		return run;
	}

	/** Hangs up: leaves the lobby or meeting (S10: others see it) and ends the call. */
	async hangUp(callId: string, reason: CallDisconnectReason = 'hung-up'): Promise<CallView> {
		const call = this.require(callId);
		if (call.state.status === 'disconnected') return this.view(call);
		const meetingId = 'meetingId' in call.state ? call.state.meetingId : undefined;
		this.disconnect(call, reason);
		if (meetingId && this.deps.meetings.state(meetingId)) {
			await this.deps.meetings
				.execute(meetingId, { type: 'Leave', participantId: callId })
				.catch(() => undefined);
		}
		return this.view(call);
	}

	/** Takes a call back after a reconnect; the token proves it is the caller's own. */
	resume(callId: string, token: string): CallView {
		if (!this.deps.tokens.verify(callId, token)) {
			throw new CallError('invalid-token', 'That call cannot be resumed: the token does not match.');
		}
		const call = this.calls.get(callId);
		if (!call || call.state.status === 'disconnected') {
			throw new CallError('call-ended', 'That call has ended. Dial again.');
		}
		call.cancelGrace?.();
		call.cancelGrace = null;
		return this.view(call);
	}

	/** The caller's connection dropped: hang up unless they come back within the grace period. */
	connectionLost(callId: string): void {
		const call = this.calls.get(callId);
		if (!call || call.state.status === 'disconnected') return;
		call.cancelGrace?.();
		call.cancelGrace = this.deps.scheduler.after(this.options.reconnectGraceMs, () => {
			call.cancelGrace = null;
			void this.hangUp(callId, 'connection-lost').catch(() => undefined);
		});
	}

	/** How many calls are live, for presence and the benchmark. */
	liveCount(): number {
		let n = 0;
		for (const call of this.calls.values()) if (call.state.status !== 'disconnected') n++;
		return n;
	}

	/** Stops every timer (shutdown). Calls stay recoverable from the meetings' events. */
	stop(): void {
		for (const call of this.calls.values()) {
			call.cancelGrace?.();
			call.cancelLeaderWait?.();
		}
	}

	private require(callId: string): LiveCall {
		const call = this.calls.get(callId);
		if (!call) throw new CallError('no-call', 'There is no such call. Dial first.');
		return call;
	}

	private view(call: LiveCall): CallView {
		return callViewOf(call.state, { muted: call.muted, prompt: call.transientPrompt });
	}

	/** Applies a call command; the domain's rejection here would be a bug in this service. */
	private apply(call: LiveCall, command: CallCommand): void {
		const decision = decideCall(call.state, command, this.deps.clock.now());
		if (!decision.ok) throw new Error(`Call ${call.callId}: ${decision.rejection.message}`);
		for (const event of decision.events) call.state = evolveCall(call.state, event);
		call.transientPrompt = null;
		if (call.state.status !== 'awaiting-leader-choice') {
			call.cancelLeaderWait?.();
			call.cancelLeaderWait = null;
		}
	}

	/**
	 * Pushes the call's state, unless the caller's own request will answer with it: then the prompt
	 * is kept, so the answer still tells every prompt that played ("the PIN is locked", then "wait
	 * in the lobby").
	 */
	private changed(call: LiveCall, always = false): void {
		if (call.requests > 0 && !always) {
			const current = call.transientPrompt ?? promptFor(call.state);
			if (current && call.played.at(-1)?.id !== current.id) call.played.push(current);
			return;
		}
		this.deps.notifier.callUpdated(call.callId, this.tell(call));
	}

	/** The view with every prompt played since the caller was last told; clears that list. */
	private tell(call: LiveCall): CallView {
		const view = this.view(call);
		const current = view.prompt;
		const played = call.played;
		call.played = [];
		if (current && played.at(-1)?.id !== current.id) played.push(current);
		return { ...view, prompts: played.map((p) => ({ id: p.id, text: p.text })) };
	}

	/** Ends the call (or finishes ending it, when the IVR already disconnected it) and says so once. */
	private disconnect(call: LiveCall, reason: CallDisconnectReason): void {
		if (!this.calls.has(call.callId)) return;
		if (call.state.status !== 'disconnected') this.apply(call, { type: 'Disconnect', reason });
		call.pinDigits = '';
		call.cancelGrace?.();
		call.cancelGrace = null;
		// Always told: a request that fails with it answers with an error, not with this state.
		this.changed(call, true);
		this.calls.delete(call.callId);
		this.deps.notifier.callEnded(call.callId);
	}

	private async pressKey(call: LiveCall, key: string): Promise<void> {
		const state = call.state;
		switch (state.status) {
			case 'awaiting-conference-id':
				if (key === '#') return this.submitConferenceId(call);
				if (key === '*') call.keyBuffer = '';
				else if (call.keyBuffer.length < MAX_BUFFER) call.keyBuffer += key;
				return;
			case 'awaiting-leader-choice':
				if (key === '*' || key === '#') return this.answerLeaderPrompt(call, key === '*');
				return;
			case 'awaiting-pin':
				if (key === '#') return this.submitPin(call);
				if (key === '*') call.pinDigits = '';
				else if (call.pinDigits.length < MAX_BUFFER) call.pinDigits += key;
				return;
			case 'in-meeting':
				return this.keypad(call, key);
			case 'joining':
			case 'in-lobby':
				// Callers in the lobby can only wait or hang up; keys do nothing.
				return;
			case 'none':
			case 'disconnected':
				return;
			default: {
				const _exhaustive: never = state;
				return _exhaustive;
			}
		}
	}

	private async submitConferenceId(call: LiveCall): Promise<void> {
		const digits = call.keyBuffer;
		call.keyBuffer = '';
		const organizer = digits ? await this.lookUp(digits) : null;
		call.organizer = organizer;
		this.apply(call, {
			type: 'EnterConferenceId',
			digits,
			found: organizer ? { meetingKey: organizer.conferenceId, organizerUserId: organizer.userId } : null
		});
		const after = stateOf(call);
		if (after.status === 'disconnected') {
			this.disconnect(call, after.reason);
			return;
		}
		this.changed(call);
		if (after.status === 'awaiting-leader-choice') {
			// "Otherwise, please wait": a caller who presses nothing joins as a caller.
			call.cancelLeaderWait = this.deps.scheduler.after(this.options.leaderPromptWaitMs, () => {
				call.cancelLeaderWait = null;
				if (call.state.status !== 'awaiting-leader-choice') return;
				const run = call.queue.then(() =>
					call.state.status === 'awaiting-leader-choice' ? this.answerLeaderPrompt(call, false) : undefined
				);
				call.queue = run.catch(() => undefined);
			});
		}
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

	private async answerLeaderPrompt(call: LiveCall, isLeader: boolean): Promise<void> {
		this.apply(call, { type: 'AnswerLeaderPrompt', isLeader });
		this.changed(call);
		if (!isLeader) await this.join(call);
	}

	private async submitPin(call: LiveCall): Promise<void> {
		const pin = call.pinDigits;
		call.pinDigits = '';
		if (call.state.status !== 'awaiting-pin') return;
		// S2: only the organizer of THIS meeting; another user's PIN is simply wrong here.
		const verdict = await this.deps.pins.check(call.state.target.organizerUserId, pin);
		this.apply(call, { type: 'SubmitLeaderPin', verdict });
		const after = stateOf(call);
		if (after.status === 'disconnected') {
			this.disconnect(call, after.reason);
			return;
		}
		this.changed(call);
		if (after.status === 'joining') await this.join(call);
	}

	/** Joins the organizer's meeting, opening it when none is live. */
	private async join(call: LiveCall): Promise<void> {
		if (call.state.status !== 'joining') return;
		const organizer = call.organizer ?? (await this.lookUp(call.state.target.conferenceId));
		if (!organizer) {
			this.disconnect(call, 'meeting-ended');
			return;
		}
		const command = {
			type: 'JoinByPhone',
			participantId: call.callId,
			phoneNumber: call.state.phoneNumber,
			asLeader: call.state.asLeader
		} as const;
		try {
			for (let attempt = 0; attempt < 2; attempt++) {
				const meetingId = await this.deps.meetings.openFor(organizer);
				const decision = await this.deps.meetings.execute(meetingId, command);
				if (decision.ok) return; // the commit listener connected the call
				const { code } = decision.rejection;
				// The meeting ended between look-up and join: the next arrival opens a new one.
				if (code === 'meeting-ended' && attempt === 0) continue;
				this.disconnect(call, code === 'meeting-full' ? 'meeting-full' : 'meeting-ended');
				return;
			}
		} catch (error) {
			if (error instanceof EngineUnavailableError) {
				this.disconnect(call, 'connection-lost');
				throw new CallError('unavailable', error.message);
			}
			throw error;
		}
	}

	/** Teams' in-meeting keypad: `*` starts a command, which runs as soon as it is complete. */
	private async keypad(call: LiveCall, key: string): Promise<void> {
		if (key === '*') call.keyBuffer = '*';
		else if (key === '#') call.keyBuffer = '';
		else if (call.keyBuffer.startsWith('*')) call.keyBuffer += key;
		else return;
		const typed = call.keyBuffer;
		if (typed === '*' || KEYPAD_KEYS.some((k) => k !== typed && k.startsWith(typed))) return;
		call.keyBuffer = '';
		if (!KEYPAD_KEYS.includes(typed)) return this.answer(call, prompt('unknown-command'));
		if (call.state.status !== 'in-meeting') return;
		const decision = await this.deps.meetings.execute(call.state.meetingId, {
			type: 'PressKeys',
			participantId: call.callId,
			keys: typed
		});
		if (!decision.ok) {
			const code = decision.rejection.code;
			if (code === 'not-leader') return this.answer(call, prompt('not-leader'));
			if (code === 'lobby-empty') return this.answer(call, prompt('lobby-empty'));
			return this.answer(call, prompt('unknown-command'));
		}
	}

	private answer(call: LiveCall, p: Prompt): void {
		call.transientPrompt = p;
		this.changed(call);
	}

	/** Meeting events that concern callers, in commit order. */
	private onMeetingCommitted({ meetingId, events, state }: CommittedEvents): void {
		for (const { event } of events) this.applyMeetingEvent(meetingId, event, state);
	}

	private applyMeetingEvent(meetingId: string, event: MeetingEvent, state: OpenedMeeting): void {
		switch (event.type) {
			case 'CallerEnteredLobby': {
				const call = this.calls.get(event.participantId);
				if (call?.state.status !== 'joining') return;
				this.apply(call, { type: 'Connect', meetingId, placement: 'lobby' });
				this.deps.notifier.callJoinedLobby(call.callId, meetingId);
				this.changed(call);
				return;
			}
			case 'ParticipantJoined': {
				const call = this.calls.get(event.participantId);
				if (call?.state.status !== 'joining') return;
				this.apply(call, { type: 'Connect', meetingId, placement: 'meeting' });
				this.changed(call);
				return;
			}
			case 'LobbyAdmitted': {
				// S10: the whole lobby at once, as one message to the lobby, not one per caller.
				let sample: LiveCall | null = null;
				for (const id of event.participantIds) {
					const call = this.calls.get(id);
					if (call?.state.status !== 'in-lobby') continue;
					this.apply(call, { type: 'Admit' });
					sample ??= call;
				}
				if (sample) this.deps.notifier.lobbyAdmitted(meetingId, this.view(sample));
				if (event.by === 'leader') {
					const leader = this.calls.get(event.byParticipantId);
					if (leader) this.answer(leader, prompt('lobby-admitted'));
				}
				return;
			}
			case 'CallerAdmitted': {
				const call = this.calls.get(event.participantId);
				if (call?.state.status !== 'in-lobby') return;
				this.apply(call, { type: 'Admit' });
				this.deps.notifier.callLeftLobby(call.callId, meetingId, this.view(call));
				return;
			}
			case 'LobbyCallersDisconnected':
				for (const id of event.participantIds) {
					const call = this.calls.get(id);
					if (call) this.disconnect(call, event.reason);
				}
				return;
			case 'MeetingEnded':
				for (const id of event.disconnectedParticipantIds) {
					const call = this.calls.get(id);
					if (call) this.disconnect(call, 'meeting-ended');
				}
				return;
			case 'ParticipantMuteChanged': {
				const call = this.calls.get(event.participantId);
				if (!call) return;
				call.muted = event.muted;
				this.answer(call, prompt(event.muted ? 'muted' : 'unmuted'));
				return;
			}
			case 'MeetingLockChanged': {
				const call = this.calls.get(event.byParticipantId);
				if (call) this.answer(call, prompt(event.locked ? 'meeting-locked' : 'meeting-unlocked'));
				return;
			}
			case 'KeypadHelpPlayed': {
				const call = this.calls.get(event.participantId);
				const leader = state.participants.some((p) => p.participantId === event.participantId && p.isLeader);
				if (call) this.answer(call, prompt(leader ? 'keypad-help-leader' : 'keypad-help'));
				return;
			}
			case 'MeetingOpened':
			case 'MeetingStarted':
			case 'CallerLeftLobby':
			case 'ParticipantLeft':
				return;
			default: {
				const _exhaustive: never = event;
				return _exhaustive;
			}
		}
	}
}

/** The call's state read afresh (TypeScript keeps narrowings across the awaits and calls above). */
function stateOf(call: LiveCall): CallState {
	return call.state;
}
