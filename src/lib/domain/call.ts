/**
 * The call aggregate: one phone caller's way through the interactive voice response, from dialing the
 * service number to being connected to a meeting (or sent away). One aggregate per call, and the one
 * owner of the caller: which key does what (the conference-ID entry, the leader choice, the PIN entry's
 * progress, the tries, the in-meeting keypad), what the meeting's events mean to the caller, and which
 * prompt each step plays.
 *
 * The service does the look-ups and checks through its ports (conference directory, PIN verifier) and
 * passes in only the verdicts: the PIN digits never enter the domain or its events (S8); the domain
 * counts how many were typed.
 */
import { accept, reject, type Decider, type Decision, type Rejection } from './decider';
import {
	isEndTimer,
	KEYPAD_COMMANDS,
	type EndTimerReason,
	type MeetingEvent,
	type MeetingRejectionCode,
	type OpenedMeeting
} from './meeting';
import { prompt, type Prompt, type PromptId, type PromptParams } from './prompts';

/** Tries for the conference ID and for the leader PIN: Asterisk ConfBridge and Teams both allow 3. */
export const DEFAULT_MAX_TRIES = 3;

/** Longest run of keys an entry holds (a conference ID, a PIN or a keypad command is far shorter). */
export const MAX_ENTRY = 32;

/** The keys of a phone keypad (DTMF). */
export const DTMF_KEYS = /^[0-9*#]$/;

/** Why a call ended. */
export type CallDisconnectReason =
	| 'hung-up'
	| 'conference-id-failed'
	| 'pin-failed'
	| 'meeting-full'
	| 'meeting-ended'
	| 'lobby-timeout'
	/** The leader declined the caller from the lobby: "The organizer did not let you in." */
	| 'declined'
	| 'connection-lost';

/** The meeting a conference ID leads to, as the service's directory found it. */
export type MeetingTarget = {
	readonly conferenceId: string;
	/** The service's key for the organizer's meeting room. */
	readonly meetingKey: string;
	readonly organizerUserId: string;
};

/** Where the meeting put the caller (S5: lobby while it waits for a leader, or when locked). */
export type Placement = 'lobby' | 'meeting';

// Events

/** A caller dialed the service number. */
export type CallDialed = {
	readonly type: 'CallDialed';
	readonly at: number;
	readonly callId: string;
	readonly phoneNumber: string;
	readonly maxTries: number;
};

/** The conference ID led to a meeting; the caller is asked whether they are the leader. */
export type ConferenceIdAccepted = {
	readonly type: 'ConferenceIdAccepted';
	readonly at: number;
	readonly conferenceId: string;
	readonly meetingKey: string;
	readonly organizerUserId: string;
};

/** The conference ID led nowhere; `triesLeft` 0 means the call is disconnected next. */
export type ConferenceIdRejected = {
	readonly type: 'ConferenceIdRejected';
	readonly at: number;
	readonly conferenceId: string;
	readonly attempt: number;
	readonly triesLeft: number;
};

/** The caller answered "are you the leader?": `*` (true) or `#`/nothing (false). */
export type LeaderPromptAnswered = {
	readonly type: 'LeaderPromptAnswered';
	readonly at: number;
	readonly isLeader: boolean;
};

/** S2: the organizer's PIN was accepted for this meeting; the caller joins as leader. */
export type LeaderPinAccepted = { readonly type: 'LeaderPinAccepted'; readonly at: number };

/** A wrong leader PIN (no digits recorded, S8); `triesLeft` 0 means the call is disconnected next. */
export type LeaderPinRejected = {
	readonly type: 'LeaderPinRejected';
	readonly at: number;
	readonly attempt: number;
	readonly triesLeft: number;
};

/**
 * The leader PIN is locked out (S3: only an administrator can reset it); the caller continues as an
 * ordinary caller instead of being disconnected.
 */
export type LeaderPinLockedOut = { readonly type: 'LeaderPinLockedOut'; readonly at: number };

/** The meeting took the caller in: into its lobby (music) or straight into the meeting. */
export type CallConnected = {
	readonly type: 'CallConnected';
	readonly at: number;
	readonly meetingId: string;
	readonly placement: Placement;
};

/** S10: the caller was admitted from the lobby into the meeting. */
export type CallAdmitted = { readonly type: 'CallAdmitted'; readonly at: number };

/** The caller heard its place in the lobby (docs/rules.md, "Queue position"; 1 is next). */
export type LobbyPositionTold = {
	readonly type: 'LobbyPositionTold';
	readonly at: number;
	readonly position: number;
};

/** The call is over. */
export type CallDisconnected = {
	readonly type: 'CallDisconnected';
	readonly at: number;
	readonly reason: CallDisconnectReason;
	/** `meeting-ended` by an end timer: which, so the caller hears why (docs/rules.md). */
	readonly timer?: EndTimerReason;
};

/** A key typed toward the conference ID (`*` starts it over): the entry now reads `entered`. */
export type ConferenceIdTyped = {
	readonly type: 'ConferenceIdTyped';
	readonly at: number;
	readonly entered: string;
};

/** `#` ended the conference ID: the service looks `digits` up and answers with `EnterConferenceId`. */
export type ConferenceIdSubmitted = {
	readonly type: 'ConferenceIdSubmitted';
	readonly at: number;
	readonly digits: string;
};

/**
 * A key typed toward the leader PIN (`*` starts it over): the entry now holds `length` digits. The
 * digits themselves stay with the service, in memory, until `#` (S8).
 */
export type LeaderPinTyped = {
	readonly type: 'LeaderPinTyped';
	readonly at: number;
	readonly length: number;
};

/** `#` ended the PIN: the service checks the digits it holds and answers with `SubmitLeaderPin`. */
export type LeaderPinSubmitted = { readonly type: 'LeaderPinSubmitted'; readonly at: number };

/** A key typed toward an in-meeting keypad command (`*` starts one, `#` drops it). */
export type KeypadTyped = { readonly type: 'KeypadTyped'; readonly at: number; readonly entered: string };

/** A whole keypad command was typed: the service runs it on the meeting (`PressKeys`). */
export type KeypadCommandEntered = {
	readonly type: 'KeypadCommandEntered';
	readonly at: number;
	readonly keys: string;
};

/** The keypad's answer to the caller (muted, locked, not the leader, ...), heard in the meeting. */
export type KeypadAnswered = {
	readonly type: 'KeypadAnswered';
	readonly at: number;
	readonly prompt: PromptId;
};

/** Everything that can happen to a call. */
export type CallEvent =
	| CallDialed
	| ConferenceIdAccepted
	| ConferenceIdRejected
	| LeaderPromptAnswered
	| LeaderPinAccepted
	| LeaderPinRejected
	| LeaderPinLockedOut
	| CallConnected
	| CallAdmitted
	| LobbyPositionTold
	| CallDisconnected
	| ConferenceIdTyped
	| ConferenceIdSubmitted
	| LeaderPinTyped
	| LeaderPinSubmitted
	| KeypadTyped
	| KeypadCommandEntered
	| KeypadAnswered;

// State

/** What every dialed call knows. */
type CallBase = {
	readonly callId: string;
	readonly phoneNumber: string;
	readonly dialedAt: number;
	readonly maxTries: number;
};

/** No `CallDialed` yet. */
export type NoCall = { readonly status: 'none' };

/** Asking for the conference ID; `conferenceIdFailures` unknown IDs so far, `entered` the keys typed. */
export type AwaitingConferenceId = CallBase & {
	readonly status: 'awaiting-conference-id';
	readonly conferenceIdFailures: number;
	readonly entered: string;
};

/** "If you are the leader, press star. Otherwise, please wait." */
export type AwaitingLeaderChoice = CallBase & {
	readonly status: 'awaiting-leader-choice';
	readonly target: MeetingTarget;
};

/** Asking for the leader PIN; `pinFailures` wrong PINs so far, `pinLength` digits typed (never the digits). */
export type AwaitingPin = CallBase & {
	readonly status: 'awaiting-pin';
	readonly target: MeetingTarget;
	readonly pinFailures: number;
	readonly pinLength: number;
};

/**
 * The call flow is done and the service is joining the meeting (`JoinByPhone { asLeader }`).
 * `pinLockedOut` when the caller asked to lead but the PIN is locked (they hear `pin-locked`).
 */
export type Joining = CallBase & {
	readonly status: 'joining';
	readonly target: MeetingTarget;
	readonly asLeader: boolean;
	readonly pinLockedOut: boolean;
};

/** S5: waiting in the lobby; music plays. `position`: the place in the lobby last told, if any. */
export type InLobby = CallBase & {
	readonly status: 'in-lobby';
	readonly target: MeetingTarget;
	readonly asLeader: boolean;
	readonly meetingId: string;
	readonly position?: number;
};

/**
 * In the meeting; `admitted` when they came through the lobby. `keypad` holds a keypad command being
 * typed; `answer` is the keypad's last answer, heard in place of the meeting's prompt. Whether the
 * caller is muted is the meeting's to say (`standingIn`), not the call's.
 */
export type InMeeting = CallBase & {
	readonly status: 'in-meeting';
	readonly target: MeetingTarget;
	readonly asLeader: boolean;
	readonly meetingId: string;
	readonly admitted: boolean;
	readonly keypad: string;
	readonly answer: PromptId | null;
};

/** The call is over; `meetingId` when it had reached a meeting. */
export type Disconnected = CallBase & {
	readonly status: 'disconnected';
	readonly reason: CallDisconnectReason;
	readonly timer?: EndTimerReason;
	readonly target?: MeetingTarget;
	readonly meetingId?: string;
};

/** The state of one call, rebuilt from its events. */
export type CallState =
	| NoCall
	| AwaitingConferenceId
	| AwaitingLeaderChoice
	| AwaitingPin
	| Joining
	| InLobby
	| InMeeting
	| Disconnected;

/** Every state a call can be in. */
export type CallStatus = CallState['status'];

/** The state before any event. */
export const initialCallState: CallState = Object.freeze({ status: 'none' });

// evolve

/** Folds one event into the call, returning a new state and never touching the old one. */
export function evolveCall(state: CallState, event: CallEvent): CallState {
	if (event.type === 'CallDialed') {
		return {
			status: 'awaiting-conference-id',
			callId: event.callId,
			phoneNumber: event.phoneNumber,
			dialedAt: event.at,
			maxTries: event.maxTries,
			conferenceIdFailures: 0,
			entered: ''
		};
	}
	// Anything before CallDialed cannot come from decide; ignore it.
	if (state.status === 'none') return state;
	const base = baseOf(state);

	switch (event.type) {
		case 'ConferenceIdAccepted':
			return {
				...base,
				status: 'awaiting-leader-choice',
				target: {
					conferenceId: event.conferenceId,
					meetingKey: event.meetingKey,
					organizerUserId: event.organizerUserId
				}
			};
		case 'ConferenceIdRejected':
			return { ...base, status: 'awaiting-conference-id', conferenceIdFailures: event.attempt, entered: '' };
		case 'LeaderPromptAnswered':
			if (state.status !== 'awaiting-leader-choice') return state;
			return event.isLeader
				? { ...base, status: 'awaiting-pin', target: state.target, pinFailures: 0, pinLength: 0 }
				: { ...base, status: 'joining', target: state.target, asLeader: false, pinLockedOut: false };
		case 'LeaderPinAccepted':
			if (state.status !== 'awaiting-pin') return state;
			return { ...base, status: 'joining', target: state.target, asLeader: true, pinLockedOut: false };
		case 'LeaderPinRejected':
			if (state.status !== 'awaiting-pin') return state;
			return { ...state, pinFailures: event.attempt, pinLength: 0 };
		case 'LeaderPinLockedOut':
			if (state.status !== 'awaiting-pin') return state;
			return { ...base, status: 'joining', target: state.target, asLeader: false, pinLockedOut: true };
		case 'CallConnected':
			if (state.status !== 'joining') return state;
			return event.placement === 'lobby'
				? {
						...base,
						status: 'in-lobby',
						target: state.target,
						asLeader: state.asLeader,
						meetingId: event.meetingId
					}
				: {
						...base,
						status: 'in-meeting',
						target: state.target,
						asLeader: state.asLeader,
						meetingId: event.meetingId,
						admitted: false,
						keypad: '',
						answer: null
					};
		case 'CallAdmitted': {
			if (state.status !== 'in-lobby') return state;
			const { position: _told, ...rest } = state;
			return { ...rest, status: 'in-meeting', admitted: true, keypad: '', answer: null };
		}
		case 'LobbyPositionTold':
			if (state.status !== 'in-lobby') return state;
			return { ...state, position: event.position };
		case 'CallDisconnected':
			return {
				...base,
				status: 'disconnected',
				reason: event.reason,
				...(event.timer ? { timer: event.timer } : {}),
				...('target' in state ? { target: state.target } : {}),
				...('meetingId' in state ? { meetingId: state.meetingId } : {})
			};
		case 'ConferenceIdTyped':
			if (state.status !== 'awaiting-conference-id') return state;
			return { ...state, entered: event.entered };
		case 'ConferenceIdSubmitted':
			if (state.status !== 'awaiting-conference-id') return state;
			return { ...state, entered: '' };
		case 'LeaderPinTyped':
			if (state.status !== 'awaiting-pin') return state;
			return { ...state, pinLength: event.length };
		case 'LeaderPinSubmitted':
			if (state.status !== 'awaiting-pin') return state;
			return { ...state, pinLength: 0 };
		case 'KeypadTyped':
			if (state.status !== 'in-meeting') return state;
			return { ...state, keypad: event.entered };
		case 'KeypadCommandEntered':
			if (state.status !== 'in-meeting') return state;
			return { ...state, keypad: '' };
		case 'KeypadAnswered':
			if (state.status !== 'in-meeting') return state;
			return { ...state, keypad: '', answer: event.prompt };
		default: {
			const _exhaustive: never = event;
			return _exhaustive;
		}
	}
}

function baseOf(state: Exclude<CallState, NoCall>): CallBase {
	return {
		callId: state.callId,
		phoneNumber: state.phoneNumber,
		dialedAt: state.dialedAt,
		maxTries: state.maxTries
	};
}

// Commands

/** A caller dials the service number. `maxTries` for the ID and the PIN, default `DEFAULT_MAX_TRIES`. */
export type Dial = {
	readonly type: 'Dial';
	readonly callId: string;
	readonly phoneNumber: string;
	readonly maxTries?: number;
};

/** The caller entered a conference ID; `found` is what the service's directory answered (null: unknown). */
export type EnterConferenceId = {
	readonly type: 'EnterConferenceId';
	readonly digits: string;
	readonly found: { readonly meetingKey: string; readonly organizerUserId: string } | null;
};

/** The caller pressed `*` (leader) or `#`/nothing (not the leader). */
export type AnswerLeaderPrompt = { readonly type: 'AnswerLeaderPrompt'; readonly isLeader: boolean };

/**
 * The caller entered a leader PIN; the service checked it through its port and passes only the verdict
 * (S1, S2: the organizer's PIN for this meeting). The digits never enter the domain.
 */
export type SubmitLeaderPin = {
	readonly type: 'SubmitLeaderPin';
	readonly verdict: 'correct' | 'wrong' | 'locked-out';
};

/** The meeting placed the caller: in its lobby or in the meeting (the meeting's `JoinByPhone` outcome). */
export type Connect = {
	readonly type: 'Connect';
	readonly meetingId: string;
	readonly placement: Placement;
};

/** The meeting admitted the caller from its lobby (S10). */
export type Admit = { readonly type: 'Admit' };

/** The system ends the call (meeting full or ended, lobby timeout, connection lost, ...). */
export type Disconnect = { readonly type: 'Disconnect'; readonly reason: CallDisconnectReason };

/** The caller hangs up. */
export type HangUp = { readonly type: 'HangUp' };

/**
 * The caller pressed one key (`0`-`9`, `*`, `#`). What it does depends on where the call is: it types
 * toward the conference ID or the PIN (`*` starts over, `#` submits), answers the leader question
 * (`*` leader, `#` not), or types an in-meeting keypad command (`*6`); in the lobby keys do nothing.
 */
export type PressKey = { readonly type: 'PressKey'; readonly key: string };

/**
 * A committed meeting event, as this caller's meeting told it: whatever it means to the caller
 * (connected, admitted, sent away, a keypad answer) follows; anything else is no event.
 */
export type FollowMeeting = {
	readonly type: 'FollowMeeting';
	readonly meetingId: string;
	readonly event: MeetingEvent;
};

/** The meeting refused the caller's keypad command; the caller hears why. */
export type AnswerKeypad = { readonly type: 'AnswerKeypad'; readonly refused: MeetingRejectionCode };

/** Everything that can be asked of a call. */
export type CallCommand =
	| Dial
	| EnterConferenceId
	| AnswerLeaderPrompt
	| SubmitLeaderPin
	| Connect
	| Admit
	| Disconnect
	| HangUp
	| PressKey
	| FollowMeeting
	| AnswerKeypad;

/** Every reason a call command can be refused. */
export type CallRejectionCode = 'invalid-in-state' | 'invalid-argument';

/** A refused call command. */
export type CallRejection = Rejection<CallRejectionCode>;

/** What `decide` answers for a call. */
export type CallDecision = Decision<CallEvent, CallRejectionCode>;

// decide

/**
 * Decides what a command does to the call at time `now` (epoch ms). A command in the wrong state is
 * refused with `invalid-in-state`, naming the state; decide never throws.
 */
export function decideCall(state: CallState, command: CallCommand, now: number): CallDecision {
	switch (command.type) {
		case 'Dial': {
			if (state.status !== 'none') return wrongState(state, 'dial', ['none']);
			const maxTries = command.maxTries ?? DEFAULT_MAX_TRIES;
			if (!Number.isInteger(maxTries) || maxTries < 1) {
				return reject(
					'invalid-argument',
					`The number of tries must be a whole number of 1 or more; got ${maxTries}.`
				);
			}
			return accept([
				{ type: 'CallDialed', at: now, callId: command.callId, phoneNumber: command.phoneNumber, maxTries }
			]);
		}
		case 'EnterConferenceId': {
			if (state.status !== 'awaiting-conference-id') {
				return wrongState(state, 'enter a conference ID', ['awaiting-conference-id']);
			}
			const { digits, found } = command;
			if (found !== null) {
				return accept([
					{
						type: 'ConferenceIdAccepted',
						at: now,
						conferenceId: digits,
						meetingKey: found.meetingKey,
						organizerUserId: found.organizerUserId
					}
				]);
			}
			const attempt = state.conferenceIdFailures + 1;
			const triesLeft = Math.max(0, state.maxTries - attempt);
			const events: CallEvent[] = [
				{ type: 'ConferenceIdRejected', at: now, conferenceId: digits, attempt, triesLeft }
			];
			if (triesLeft === 0) events.push({ type: 'CallDisconnected', at: now, reason: 'conference-id-failed' });
			return accept(events);
		}
		case 'AnswerLeaderPrompt':
			if (state.status !== 'awaiting-leader-choice') {
				return wrongState(state, 'answer the leader prompt', ['awaiting-leader-choice']);
			}
			return accept([{ type: 'LeaderPromptAnswered', at: now, isLeader: command.isLeader }]);
		case 'SubmitLeaderPin': {
			if (state.status !== 'awaiting-pin') return wrongState(state, 'submit a leader PIN', ['awaiting-pin']);
			switch (command.verdict) {
				case 'correct':
					return accept([{ type: 'LeaderPinAccepted', at: now }]);
				case 'locked-out':
					return accept([{ type: 'LeaderPinLockedOut', at: now }]);
				case 'wrong': {
					const attempt = state.pinFailures + 1;
					const triesLeft = Math.max(0, state.maxTries - attempt);
					const events: CallEvent[] = [{ type: 'LeaderPinRejected', at: now, attempt, triesLeft }];
					if (triesLeft === 0) events.push({ type: 'CallDisconnected', at: now, reason: 'pin-failed' });
					return accept(events);
				}
				default: {
					const _exhaustive: never = command.verdict;
					return _exhaustive;
				}
			}
		}
		case 'Connect':
			if (state.status !== 'joining') return wrongState(state, 'connect to a meeting', ['joining']);
			return accept([
				{ type: 'CallConnected', at: now, meetingId: command.meetingId, placement: command.placement }
			]);
		case 'Admit':
			if (state.status !== 'in-lobby') return wrongState(state, 'be admitted', ['in-lobby']);
			return accept([{ type: 'CallAdmitted', at: now }]);
		case 'Disconnect':
			if (!isCallLive(state)) return wrongState(state, 'be disconnected', LIVE_STATUSES);
			return accept([{ type: 'CallDisconnected', at: now, reason: command.reason }]);
		case 'HangUp':
			if (!isCallLive(state)) return wrongState(state, 'hang up', LIVE_STATUSES);
			return accept([{ type: 'CallDisconnected', at: now, reason: 'hung-up' }]);
		case 'PressKey':
			if (!DTMF_KEYS.test(command.key)) {
				return reject('invalid-argument', `A key is one of 0-9, * and #; got "${command.key}".`);
			}
			if (!isCallLive(state)) return wrongState(state, 'press a key', LIVE_STATUSES);
			return accept(pressKey(state, command.key, now));
		case 'FollowMeeting':
			return accept(followMeeting(state, command.event, command.meetingId, now));
		case 'AnswerKeypad':
			if (state.status !== 'in-meeting') return wrongState(state, 'hear a keypad answer', ['in-meeting']);
			return accept([{ type: 'KeypadAnswered', at: now, prompt: keypadRefusal(command.refused) }]);
		default: {
			const _exhaustive: never = command;
			return _exhaustive;
		}
	}
}

/** What one key does, where the call is (see `PressKey`). */
function pressKey(state: Exclude<CallState, NoCall | Disconnected>, key: string, at: number): CallEvent[] {
	switch (state.status) {
		case 'awaiting-conference-id':
			if (key === '#') return [{ type: 'ConferenceIdSubmitted', at, digits: state.entered }];
			if (key === '*') return [{ type: 'ConferenceIdTyped', at, entered: '' }];
			if (state.entered.length >= MAX_ENTRY) return [];
			return [{ type: 'ConferenceIdTyped', at, entered: state.entered + key }];
		case 'awaiting-leader-choice':
			if (key === '*' || key === '#') return [{ type: 'LeaderPromptAnswered', at, isLeader: key === '*' }];
			return [];
		case 'awaiting-pin':
			if (key === '#') return [{ type: 'LeaderPinSubmitted', at }];
			if (key === '*') return [{ type: 'LeaderPinTyped', at, length: 0 }];
			if (state.pinLength >= MAX_ENTRY) return [];
			return [{ type: 'LeaderPinTyped', at, length: state.pinLength + 1 }];
		case 'in-meeting':
			return keypadKey(state, key, at);
		case 'joining':
		case 'in-lobby':
			// Callers on their way in or in the lobby can only wait or hang up; keys do nothing.
			return [];
		default: {
			const _exhaustive: never = state;
			return _exhaustive;
		}
	}
}

const KEYPAD_KEYS: readonly string[] = KEYPAD_COMMANDS.map((c) => c.keys);

/** Teams' in-meeting keypad: `*` starts a command, which runs as soon as it is complete; `#` drops it. */
function keypadKey(state: InMeeting, key: string, at: number): CallEvent[] {
	let typed: string;
	if (key === '*') typed = '*';
	else if (key === '#') typed = '';
	else if (state.keypad.startsWith('*')) typed = state.keypad + key;
	else return [];
	if (typed === '' || typed === '*' || KEYPAD_KEYS.some((k) => k !== typed && k.startsWith(typed))) {
		return [{ type: 'KeypadTyped', at, entered: typed }];
	}
	if (!KEYPAD_KEYS.includes(typed)) return [{ type: 'KeypadAnswered', at, prompt: 'unknown-command' }];
	return [{ type: 'KeypadCommandEntered', at, keys: typed }];
}

/** What the meeting's refusal of a keypad command sounds like. */
function keypadRefusal(code: MeetingRejectionCode): PromptId {
	if (code === 'not-leader') return 'not-leader';
	if (code === 'lobby-empty') return 'lobby-empty';
	return 'unknown-command';
}

/** Sets of the long id lists events carry, made once per list: a lobby of thousands is admitted in one event. */
const idSets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** Whether `ids` names `id`; constant time for the long lists, so following an admission stays linear. */
function names(ids: readonly string[], id: string): boolean {
	if (ids.length < 16) return ids.includes(id);
	let set = idSets.get(ids);
	if (!set) {
		set = new Set(ids);
		idSets.set(ids, set);
	}
	return set.has(id);
}

/** Indexes of the long id lists events carry, made once per list. */
const idIndexes = new WeakMap<readonly string[], ReadonlyMap<string, number>>();

/** Where `ids` names `id` (-1: nowhere); constant time for the long lists, as `names`. */
function indexIn(ids: readonly string[], id: string): number {
	if (ids.length < 16) return ids.indexOf(id);
	let index = idIndexes.get(ids);
	if (!index) {
		index = new Map(ids.map((one, i) => [one, i]));
		idIndexes.set(ids, index);
	}
	return index.get(id) ?? -1;
}

/** What a committed meeting event means to this caller (see `FollowMeeting`). */
function followMeeting(state: CallState, event: MeetingEvent, meetingId: string, at: number): CallEvent[] {
	if (state.status === 'none' || state.status === 'disconnected') return [];
	const me = state.callId;
	switch (event.type) {
		case 'CallerEnteredLobby':
			if (event.participantId !== me || state.status !== 'joining') return [];
			return [
				{ type: 'CallConnected', at, meetingId, placement: 'lobby' },
				...(event.position === undefined
					? []
					: [{ type: 'LobbyPositionTold', at, position: event.position } as const])
			];
		case 'ParticipantJoined':
			if (event.participantId !== me || state.status !== 'joining') return [];
			return [{ type: 'CallConnected', at, meetingId, placement: 'meeting' }];
		case 'LobbyPositionsTold': {
			if (state.status !== 'in-lobby') return [];
			const position = event.positions[indexIn(event.participantIds, me)];
			return position === undefined ? [] : [{ type: 'LobbyPositionTold', at, position }];
		}
		case 'LobbyAdmitted':
			// S10: the whole lobby at once; the leader who admitted it hears so.
			if (state.status === 'in-lobby' && names(event.participantIds, me))
				return [{ type: 'CallAdmitted', at }];
			if (state.status === 'in-meeting' && event.by === 'leader' && event.byParticipantId === me) {
				return [{ type: 'KeypadAnswered', at, prompt: 'lobby-admitted' }];
			}
			return [];
		case 'CallerAdmitted':
			if (state.status !== 'in-lobby' || event.participantId !== me) return [];
			return [{ type: 'CallAdmitted', at }];
		case 'CallerDeclined':
			if (state.status !== 'in-lobby' || event.participantId !== me) return [];
			return [{ type: 'CallDisconnected', at, reason: 'declined' }];
		case 'LobbyCallersDisconnected':
			if (!names(event.participantIds, me)) return [];
			return [
				{
					type: 'CallDisconnected',
					at,
					reason: event.reason,
					...(event.endReason !== undefined && isEndTimer(event.endReason) ? { timer: event.endReason } : {})
				}
			];
		case 'MeetingEnded':
			if (!names(event.disconnectedParticipantIds, me)) return [];
			return [
				{
					type: 'CallDisconnected',
					at,
					reason: 'meeting-ended',
					...(isEndTimer(event.reason) ? { timer: event.reason } : {})
				}
			];
		case 'ParticipantMuteChanged':
			if (state.status !== 'in-meeting' || event.participantId !== me) return [];
			return [{ type: 'KeypadAnswered', at, prompt: event.muted ? 'muted' : 'unmuted' }];
		case 'MeetingLockChanged':
			if (state.status !== 'in-meeting' || event.byParticipantId !== me) return [];
			return [{ type: 'KeypadAnswered', at, prompt: event.locked ? 'meeting-locked' : 'meeting-unlocked' }];
		case 'KeypadHelpPlayed':
			if (state.status !== 'in-meeting' || event.participantId !== me) return [];
			return [{ type: 'KeypadAnswered', at, prompt: state.asLeader ? 'keypad-help-leader' : 'keypad-help' }];
		case 'HandRaiseChanged':
			if (state.status !== 'in-meeting' || event.participantId !== me) return [];
			return [{ type: 'KeypadAnswered', at, prompt: event.raised ? 'hand-raised' : 'hand-lowered' }];
		case 'AudienceMuted':
			if (state.status !== 'in-meeting') return [];
			if (event.byParticipantId === me) return [{ type: 'KeypadAnswered', at, prompt: 'everyone-muted' }];
			if (!names(event.participantIds, me)) return [];
			return [{ type: 'KeypadAnswered', at, prompt: 'muted-by-leader' }];
		case 'AnnouncementsChanged':
			if (state.status !== 'in-meeting' || event.byParticipantId !== me) return [];
			return [
				{ type: 'KeypadAnswered', at, prompt: event.enabled ? 'announcements-on' : 'announcements-off' }
			];
		case 'MeetingOpened':
		case 'MeetingStarted':
		case 'CallerLeftLobby':
		case 'ParticipantLeft':
		case 'LobbyPolicyChanged':
		case 'MeetingOptionsChanged':
			return [];
		default: {
			const _exhaustive: never = event;
			return _exhaustive;
		}
	}
}

const LIVE_STATUSES: readonly CallStatus[] = [
	'awaiting-conference-id',
	'awaiting-leader-choice',
	'awaiting-pin',
	'joining',
	'in-lobby',
	'in-meeting'
];

function wrongState(state: CallState, action: string, validIn: readonly CallStatus[]): CallDecision {
	const where = validIn.length === 1 ? `while ${validIn[0]}` : `in ${validIn.join(', ')}`;
	return reject(
		'invalid-in-state',
		`The call is in state "${state.status}"; it can only ${action} ${where}.`
	);
}

// Read helpers

/** True from dialing until the call is disconnected. */
export function isCallLive(state: CallState): state is Exclude<CallState, NoCall | Disconnected> {
	return state.status !== 'none' && state.status !== 'disconnected';
}

/** The prompt the caller hears in this state; null before the call is dialed. */
export function promptFor(state: CallState): Prompt | null {
	switch (state.status) {
		case 'none':
			return null;
		case 'awaiting-conference-id':
			return prompt(state.conferenceIdFailures > 0 ? 'conference-id-unknown' : 'enter-conference-id');
		case 'awaiting-leader-choice':
			return prompt('leader-choice');
		case 'awaiting-pin':
			return prompt(state.pinFailures > 0 ? 'pin-wrong' : 'enter-leader-pin');
		case 'joining':
			return prompt(state.pinLockedOut ? 'pin-locked' : 'joining');
		case 'in-lobby':
			return prompt('lobby-waiting');
		case 'in-meeting':
			return prompt(state.answer ?? (state.admitted ? 'admitted' : 'joined'));
		case 'disconnected':
			if (state.timer === 'verified-left') return prompt('meeting-ended-verified-left');
			if (state.timer !== undefined) return prompt('meeting-time-limit');
			return prompt(farewell(state.reason));
		default: {
			const _exhaustive: never = state;
			return _exhaustive;
		}
	}
}

function farewell(reason: CallDisconnectReason): PromptId {
	switch (reason) {
		case 'hung-up':
			return 'goodbye';
		case 'conference-id-failed':
		case 'pin-failed':
		case 'meeting-full':
		case 'meeting-ended':
		case 'lobby-timeout':
		case 'declined':
		case 'connection-lost':
			return reason;
		default: {
			const _exhaustive: never = reason;
			return _exhaustive;
		}
	}
}

/**
 * The prompt an event plays, given the state after it; null for keys typed into an entry, and for
 * a last failed try (the farewell that follows it plays instead).
 */
export function promptPlayedBy(event: CallEvent, after: CallState): PromptId | null {
	switch (event.type) {
		case 'ConferenceIdTyped':
		case 'ConferenceIdSubmitted':
		case 'LeaderPinTyped':
		case 'LeaderPinSubmitted':
		case 'KeypadTyped':
		case 'KeypadCommandEntered':
			return null;
		case 'ConferenceIdRejected':
		case 'LeaderPinRejected':
			return event.triesLeft === 0 ? null : (promptFor(after)?.id ?? null);
		case 'CallDialed':
		case 'ConferenceIdAccepted':
		case 'LeaderPromptAnswered':
		case 'LeaderPinAccepted':
		case 'LeaderPinLockedOut':
		case 'CallConnected':
		case 'CallAdmitted':
		case 'CallDisconnected':
		case 'KeypadAnswered':
			return promptFor(after)?.id ?? null;
		case 'LobbyPositionTold':
			return 'lobby-position';
		default: {
			const _exhaustive: never = event;
			return _exhaustive;
		}
	}
}

/** The numbers the prompt an event plays takes (`promptPlayedBy`), or undefined when it takes none. */
export function promptParamsOf(event: CallEvent): PromptParams | undefined {
	return event.type === 'LobbyPositionTold' ? { position: event.position } : undefined;
}

// The call as its meeting holds it

/**
 * Where a meeting holds a caller, which the meeting alone knows: in its lobby at `position` (1 is
 * next, S10), or in the meeting, muted or not, leading or not; null when it holds them nowhere.
 */
export type CallStanding =
	| { readonly placement: 'lobby'; readonly position: number; readonly phoneNumber: string }
	| {
			readonly placement: 'meeting';
			readonly muted: boolean;
			readonly handRaised: boolean;
			readonly isLeader: boolean;
			readonly phoneNumber: string;
	  };

/** Where `meeting` holds the caller `callId` (a phone participant's id is its call's id). */
export function standingIn(meeting: OpenedMeeting, callId: string): CallStanding | null {
	const i = meeting.lobby.findIndex((c) => c.participantId === callId);
	if (i >= 0) return { placement: 'lobby', position: i + 1, phoneNumber: meeting.lobby[i]!.phoneNumber };
	const p = meeting.participants.find((q) => q.participantId === callId && q.via === 'phone');
	if (!p) return null;
	return {
		placement: 'meeting',
		muted: p.muted,
		handRaised: p.handRaised === true,
		isLeader: p.isLeader,
		phoneNumber: p.phoneNumber ?? ''
	};
}

/**
 * The call of a caller that `meeting` holds, rebuilt from the meeting alone: in its lobby or in the
 * meeting, as leader or not. A restart restores its calls this way, and a server taking over another's
 * callers will too; null when the meeting holds no such caller.
 */
export function callFromMeeting(
	meeting: OpenedMeeting,
	callId: string,
	now: number
): InLobby | InMeeting | null {
	const standing = standingIn(meeting, callId);
	if (!standing) return null;
	const common = {
		callId,
		phoneNumber: standing.phoneNumber,
		dialedAt: now,
		maxTries: DEFAULT_MAX_TRIES,
		target: {
			conferenceId: meeting.conferenceId,
			meetingKey: meeting.conferenceId,
			organizerUserId: meeting.organizer.userId
		},
		meetingId: meeting.meetingId
	};
	return standing.placement === 'lobby'
		? { ...common, status: 'in-lobby', asLeader: false }
		: {
				...common,
				status: 'in-meeting',
				asLeader: standing.isLeader,
				admitted: false,
				keypad: '',
				answer: null
			};
}

/** S5: music plays while the caller waits in the lobby, and only then. */
export function musicFor(state: CallState): 'lobby' | 'none' {
	return state.status === 'in-lobby' ? 'lobby' : 'none';
}

/** The call aggregate as one value, for services, the simulator and specs. */
export const callDecider: Decider<CallState, CallCommand, CallEvent, CallRejectionCode> = {
	initialState: initialCallState,
	decide: decideCall,
	evolve: evolveCall
};
