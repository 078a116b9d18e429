import { describe, expect, it } from 'vitest';
import {
	DEFAULT_MAX_TRIES,
	callDecider,
	evolveCall,
	initialCallState,
	callFromMeeting,
	isCallLive,
	musicFor,
	promptFor,
	promptParamsOf,
	promptPlayedBy,
	standingIn,
	type CallEvent,
	type CallState
} from './call';
import { DEFAULT_MEETING_SETTINGS, type OpenedMeeting } from './meeting';
import { deepFreeze, specFor } from './decider-spec';
import { replay } from './decider';
import { PROMPT_IDS, prompt } from './prompts';

const given = specFor(callDecider);

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);
const found = { meetingKey: 'room-amos', organizerUserId: 'user-amos' };

const dialed: CallEvent = {
	type: 'CallDialed',
	at: T0,
	callId: 'call-1',
	phoneNumber: '+46700000001',
	maxTries: 3
};
const idAccepted: CallEvent = {
	type: 'ConferenceIdAccepted',
	at: T0 + 1,
	conferenceId: '8675309',
	meetingKey: 'room-amos',
	organizerUserId: 'user-amos'
};
const askedForPin: CallEvent = { type: 'LeaderPromptAnswered', at: T0 + 2, isLeader: true };
const notLeader: CallEvent = { type: 'LeaderPromptAnswered', at: T0 + 2, isLeader: false };
const pinAccepted: CallEvent = { type: 'LeaderPinAccepted', at: T0 + 3 };

function idRejected(attempt: number, at = T0 + attempt): CallEvent {
	return { type: 'ConferenceIdRejected', at, conferenceId: '0000', attempt, triesLeft: 3 - attempt };
}

function pinRejected(attempt: number, at = T0 + 2 + attempt): CallEvent {
	return { type: 'LeaderPinRejected', at, attempt, triesLeft: 3 - attempt };
}

function stateOf(events: CallEvent[]): CallState {
	return replay(callDecider, events);
}

describe('Dial: the caller is asked for the conference ID', () => {
	it('answers with the welcome prompt', () => {
		const state = given([])
			.when({ type: 'Dial', callId: 'call-1', phoneNumber: '+46700000001' }, T0)
			.then([dialed]);
		expect(state.status).toBe('awaiting-conference-id');
		// Its words: call.service.spec.ts.
		expect(promptFor(state)).toEqual({ id: 'enter-conference-id' });
		expect(isCallLive(state)).toBe(true);
	});

	it('allows 3 tries by default, like Asterisk ConfBridge and Teams, or as many as asked', () => {
		expect(DEFAULT_MAX_TRIES).toBe(3);
		given([])
			.when({ type: 'Dial', callId: 'call-1', phoneNumber: '+46700000001', maxTries: 5 }, T0)
			.then([{ ...dialed, maxTries: 5 }]);
		given([])
			.when({ type: 'Dial', callId: 'call-1', phoneNumber: '+46700000001', maxTries: 0 }, T0)
			.thenRejects('invalid-argument');
	});

	it('cannot dial twice', () => {
		const rejection = given([dialed])
			.when({ type: 'Dial', callId: 'call-1', phoneNumber: '+46700000001' }, T0)
			.thenRejects('invalid-in-state');
		expect(rejection.message).toContain('awaiting-conference-id');
	});

	it('is silent before anyone dials', () => {
		expect(promptFor(initialCallState)).toBeNull();
		expect(musicFor(initialCallState)).toBe('none');
		expect(isCallLive(initialCallState)).toBe(false);
	});
});

describe('Conference ID: unknown IDs are asked again, 3 tries', () => {
	it('a known ID leads to the leader question', () => {
		const state = given([dialed])
			.when({ type: 'EnterConferenceId', digits: '8675309', found }, T0 + 1)
			.then([idAccepted]);
		expect(state).toMatchObject({
			status: 'awaiting-leader-choice',
			target: { conferenceId: '8675309', ...found }
		});
		expect(promptFor(state)?.id).toBe('leader-choice');
	});

	it('an unknown ID is asked again with the conference-id-unknown prompt', () => {
		const state = given([dialed])
			.when({ type: 'EnterConferenceId', digits: '0000', found: null }, T0 + 1)
			.then([idRejected(1)]);
		expect(state.status).toBe('awaiting-conference-id');
		expect(promptFor(state)?.id).toBe('conference-id-unknown');
	});

	it('the third unknown ID disconnects the caller with conference-id-failed', () => {
		const state = given([dialed, idRejected(1), idRejected(2)])
			.when({ type: 'EnterConferenceId', digits: '0000', found: null }, T0 + 3)
			.then([idRejected(3), { type: 'CallDisconnected', at: T0 + 3, reason: 'conference-id-failed' }]);
		expect(state).toMatchObject({ status: 'disconnected', reason: 'conference-id-failed' });
		expect(promptFor(state)?.id).toBe('conference-id-failed');
		expect(isCallLive(state)).toBe(false);
	});

	it('a known ID after a wrong one still gets through', () => {
		given([dialed, idRejected(1), idRejected(2)])
			.when({ type: 'EnterConferenceId', digits: '8675309', found }, T0 + 1)
			.then([idAccepted]);
	});
});

describe('S2: "If you are the leader, press star"; the organizer enters the PIN', () => {
	it('* asks for the leader PIN', () => {
		const state = given([dialed, idAccepted])
			.when({ type: 'AnswerLeaderPrompt', isLeader: true }, T0 + 2)
			.then([askedForPin]);
		expect(state.status).toBe('awaiting-pin');
		expect(promptFor(state)?.id).toBe('enter-leader-pin');
	});

	it('# or silence joins as an ordinary caller (S5: who will wait in the lobby)', () => {
		const state = given([dialed, idAccepted])
			.when({ type: 'AnswerLeaderPrompt', isLeader: false }, T0 + 2)
			.then([notLeader]);
		expect(state).toMatchObject({ status: 'joining', asLeader: false, pinLockedOut: false });
		expect(promptFor(state)?.id).toBe('joining');
	});

	it('a correct PIN joins as leader', () => {
		const state = given([dialed, idAccepted, askedForPin])
			.when({ type: 'SubmitLeaderPin', verdict: 'correct' }, T0 + 3)
			.then([pinAccepted]);
		expect(state).toMatchObject({ status: 'joining', asLeader: true, target: { meetingKey: 'room-amos' } });
	});

	it('a wrong PIN is asked again with the pin-wrong prompt', () => {
		const state = given([dialed, idAccepted, askedForPin])
			.when({ type: 'SubmitLeaderPin', verdict: 'wrong' }, T0 + 3)
			.then([pinRejected(1)]);
		expect(state.status).toBe('awaiting-pin');
		expect(promptFor(state)?.id).toBe('pin-wrong');
	});

	it('the third wrong PIN disconnects the caller with pin-failed', () => {
		const state = given([dialed, idAccepted, askedForPin, pinRejected(1), pinRejected(2)])
			.when({ type: 'SubmitLeaderPin', verdict: 'wrong' }, T0 + 5)
			.then([pinRejected(3), { type: 'CallDisconnected', at: T0 + 5, reason: 'pin-failed' }]);
		expect(state).toMatchObject({
			status: 'disconnected',
			reason: 'pin-failed',
			target: { meetingKey: 'room-amos' }
		});
		expect(promptFor(state)?.id).toBe('pin-failed');
	});

	it('a locked-out PIN says so and continues as an ordinary caller, not disconnected', () => {
		const state = given([dialed, idAccepted, askedForPin, pinRejected(1)])
			.when({ type: 'SubmitLeaderPin', verdict: 'locked-out' }, T0 + 4)
			.then([{ type: 'LeaderPinLockedOut', at: T0 + 4 }]);
		expect(state).toMatchObject({ status: 'joining', asLeader: false, pinLockedOut: true });
		expect(promptFor(state)).toEqual({ id: 'pin-locked' });
	});

	it('S8: the PIN never appears in the call’s events or state', () => {
		const decision = callDecider.decide(
			stateOf([dialed, idAccepted, askedForPin]),
			{ type: 'SubmitLeaderPin', verdict: 'wrong' },
			T0 + 3
		);
		expect(JSON.stringify(decision)).not.toMatch(/pin"\s*:\s*"\d/i);
		expect(Object.keys(stateOf([dialed, idAccepted, askedForPin, pinRejected(1)]))).not.toContain('pin');
	});
});

describe('S5, S10: lobby music until admitted', () => {
	const joining: CallEvent[] = [dialed, idAccepted, notLeader];

	it('connected to the lobby: music plays', () => {
		const state = given(joining)
			.when({ type: 'Connect', meetingId: 'm-1', placement: 'lobby' }, T0 + 3)
			.then([{ type: 'CallConnected', at: T0 + 3, meetingId: 'm-1', placement: 'lobby' }]);
		expect(state).toMatchObject({ status: 'in-lobby', meetingId: 'm-1' });
		expect(promptFor(state)?.id).toBe('lobby-waiting');
		expect(musicFor(state)).toBe('lobby');
	});

	it('admitted from the lobby: the music stops and the caller hears they are in', () => {
		const state = given([
			...joining,
			{ type: 'CallConnected', at: T0 + 3, meetingId: 'm-1', placement: 'lobby' }
		])
			.when({ type: 'Admit' }, T0 + 60_000)
			.then([{ type: 'CallAdmitted', at: T0 + 60_000 }]);
		expect(state).toMatchObject({ status: 'in-meeting', meetingId: 'm-1', admitted: true });
		expect(promptFor(state)?.id).toBe('admitted');
		expect(musicFor(state)).toBe('none');
	});

	it('connected straight into a meeting in progress', () => {
		const state = given([dialed, idAccepted, askedForPin, pinAccepted])
			.when({ type: 'Connect', meetingId: 'm-1', placement: 'meeting' }, T0 + 4)
			.then([{ type: 'CallConnected', at: T0 + 4, meetingId: 'm-1', placement: 'meeting' }]);
		expect(state).toMatchObject({ status: 'in-meeting', asLeader: true, admitted: false });
		expect(promptFor(state)?.id).toBe('joined');
		expect(musicFor(state)).toBe('none');
	});

	it('only a caller in the lobby can be admitted', () => {
		const rejection = given(joining)
			.when({ type: 'Admit' }, T0 + 3)
			.thenRejects('invalid-in-state');
		expect(rejection.message).toContain('joining');
	});
});

describe('Disconnect and HangUp', () => {
	it('a full meeting says goodbye', () => {
		const state = given([dialed, idAccepted, notLeader])
			.when({ type: 'Disconnect', reason: 'meeting-full' }, T0 + 3)
			.then([{ type: 'CallDisconnected', at: T0 + 3, reason: 'meeting-full' }]);
		expect(promptFor(state)?.id).toBe('meeting-full');
		expect(state).toMatchObject({ status: 'disconnected', reason: 'meeting-full' });
	});

	it.each([
		['meeting-ended', 'meeting-ended'],
		['lobby-timeout', 'lobby-timeout'],
		['connection-lost', 'connection-lost'],
		['hung-up', 'goodbye']
	] as const)('a caller in the lobby disconnected with %s hears %s', (reason, promptId) => {
		const state = given([
			dialed,
			idAccepted,
			notLeader,
			{ type: 'CallConnected', at: T0 + 3, meetingId: 'm-1', placement: 'lobby' }
		])
			.when({ type: 'Disconnect', reason }, T0 + 4)
			.then([{ type: 'CallDisconnected', at: T0 + 4, reason }]);
		expect(promptFor(state)?.id).toBe(promptId);
		expect(musicFor(state)).toBe('none');
		expect(state).toMatchObject({ meetingId: 'm-1' });
	});

	const live: [string, CallEvent[]][] = [
		['awaiting-conference-id', [dialed]],
		['awaiting-leader-choice', [dialed, idAccepted]],
		['awaiting-pin', [dialed, idAccepted, askedForPin]],
		['joining', [dialed, idAccepted, notLeader]],
		[
			'in-lobby',
			[
				dialed,
				idAccepted,
				notLeader,
				{ type: 'CallConnected', at: T0 + 3, meetingId: 'm-1', placement: 'lobby' }
			]
		],
		[
			'in-meeting',
			[
				dialed,
				idAccepted,
				notLeader,
				{ type: 'CallConnected', at: T0 + 3, meetingId: 'm-1', placement: 'meeting' }
			]
		]
	];

	it.each(live)('the caller can hang up while %s', (status, events) => {
		expect(stateOf(events).status).toBe(status);
		const state = given(events)
			.when({ type: 'HangUp' }, T0 + 9)
			.then([{ type: 'CallDisconnected', at: T0 + 9, reason: 'hung-up' }]);
		expect(state).toMatchObject({ status: 'disconnected', reason: 'hung-up' });
	});

	it('a disconnected call cannot hang up or be disconnected again', () => {
		const over: CallEvent[] = [dialed, { type: 'CallDisconnected', at: T0 + 1, reason: 'hung-up' }];
		const rejection = given(over)
			.when({ type: 'HangUp' }, T0 + 2)
			.thenRejects('invalid-in-state');
		expect(rejection.message).toContain('disconnected');
		given(over)
			.when({ type: 'Disconnect', reason: 'meeting-ended' }, T0 + 2)
			.thenRejects('invalid-in-state');
		given([]).when({ type: 'HangUp' }, T0).thenRejects('invalid-in-state');
	});
});

describe('Commands in the wrong state are refused, naming the state', () => {
	it.each([
		[[dialed], { type: 'AnswerLeaderPrompt', isLeader: true }, 'awaiting-conference-id'],
		[[dialed], { type: 'SubmitLeaderPin', verdict: 'correct' }, 'awaiting-conference-id'],
		[[dialed, idAccepted], { type: 'EnterConferenceId', digits: '1', found: null }, 'awaiting-leader-choice'],
		[
			[dialed, idAccepted],
			{ type: 'Connect', meetingId: 'm-1', placement: 'meeting' },
			'awaiting-leader-choice'
		],
		[[dialed, idAccepted, askedForPin], { type: 'AnswerLeaderPrompt', isLeader: false }, 'awaiting-pin'],
		[[], { type: 'EnterConferenceId', digits: '1', found }, 'none']
	] as const)('refuses after %#', (events, command, status) => {
		const rejection = given([...events])
			.when(command, T0 + 9)
			.thenRejects('invalid-in-state');
		expect(rejection.message).toContain(status);
	});
});

describe('Prompts', () => {
	it('every prompt has its id (its words are in the catalogs: call.service.spec.ts)', () => {
		for (const id of PROMPT_IDS) expect(prompt(id).id).toBe(id);
	});
});

describe('evolve never mutates its input', () => {
	it('folds a whole call over frozen states and leaves each one as it was', () => {
		const history: CallEvent[] = [
			dialed,
			idRejected(1),
			idAccepted,
			askedForPin,
			pinRejected(1),
			pinAccepted,
			{ type: 'CallConnected', at: T0 + 5, meetingId: 'm-1', placement: 'lobby' },
			{ type: 'CallAdmitted', at: T0 + 6 },
			{ type: 'CallDisconnected', at: T0 + 7, reason: 'meeting-ended' }
		];
		let state: CallState = initialCallState;
		for (const event of history) {
			const before = deepFreeze(state);
			const snapshot = structuredClone(before);
			state = evolveCall(before, deepFreeze(event));
			expect(before).toEqual(snapshot);
		}
		expect(state).toMatchObject({ status: 'disconnected', reason: 'meeting-ended', meetingId: 'm-1' });
	});

	it('a locked-out PIN also folds without mutation', () => {
		const before = deepFreeze(stateOf([dialed, idAccepted, askedForPin]));
		const after = evolveCall(before, { type: 'LeaderPinLockedOut', at: T0 + 3 });
		expect(before.status).toBe('awaiting-pin');
		expect(after.status).toBe('joining');
	});
});

describe('PressKey: the call decider reads every key', () => {
	const inLobby: CallEvent = { type: 'CallConnected', at: T0 + 3, meetingId: 'm-1', placement: 'lobby' };
	const inMeeting: CallEvent = { type: 'CallConnected', at: T0 + 3, meetingId: 'm-1', placement: 'meeting' };

	it('digits typed at the welcome build the conference ID; `*` starts it over; `#` submits it for look-up', () => {
		const typed = given([dialed])
			.when({ type: 'PressKey', key: '8' }, T0 + 1)
			.then([{ type: 'ConferenceIdTyped', at: T0 + 1, entered: '8' }]);
		expect(typed).toMatchObject({ status: 'awaiting-conference-id', entered: '8' });
		given([dialed, { type: 'ConferenceIdTyped', at: T0 + 1, entered: '86' }])
			.when({ type: 'PressKey', key: '*' }, T0 + 2)
			.then([{ type: 'ConferenceIdTyped', at: T0 + 2, entered: '' }]);
		const submitted = given([dialed, { type: 'ConferenceIdTyped', at: T0 + 1, entered: '8675309' }])
			.when({ type: 'PressKey', key: '#' }, T0 + 2)
			.then([{ type: 'ConferenceIdSubmitted', at: T0 + 2, digits: '8675309' }]);
		expect(submitted).toMatchObject({ status: 'awaiting-conference-id', entered: '' });
	});

	it('at the leader question, `*` asks for the PIN and `#` joins as a caller; digits do nothing', () => {
		given([dialed, idAccepted])
			.when({ type: 'PressKey', key: '*' }, T0 + 2)
			.then([askedForPin]);
		const joining = given([dialed, idAccepted])
			.when({ type: 'PressKey', key: '#' }, T0 + 2)
			.then([notLeader]);
		expect(joining).toMatchObject({ status: 'joining', asLeader: false });
		given([dialed, idAccepted])
			.when({ type: 'PressKey', key: '5' }, T0 + 2)
			.then([]);
	});

	it('S8: PIN entry counts digits and never holds them; `#` submits for the service to check', () => {
		const typed = given([dialed, idAccepted, askedForPin])
			.when({ type: 'PressKey', key: '4' }, T0 + 3)
			.then([{ type: 'LeaderPinTyped', at: T0 + 3, length: 1 }]);
		expect(typed).toMatchObject({ status: 'awaiting-pin', pinLength: 1 });
		expect(JSON.stringify(typed)).not.toContain('"4"');
		given([dialed, idAccepted, askedForPin, { type: 'LeaderPinTyped', at: T0 + 3, length: 3 }])
			.when({ type: 'PressKey', key: '*' }, T0 + 4)
			.then([{ type: 'LeaderPinTyped', at: T0 + 4, length: 0 }]);
		const submitted = given([
			dialed,
			idAccepted,
			askedForPin,
			{ type: 'LeaderPinTyped', at: T0 + 3, length: 5 }
		])
			.when({ type: 'PressKey', key: '#' }, T0 + 4)
			.then([{ type: 'LeaderPinSubmitted', at: T0 + 4 }]);
		expect(submitted).toMatchObject({ status: 'awaiting-pin', pinLength: 0 });
	});

	it('in the lobby keys do nothing: callers can only wait or hang up (S5)', () => {
		given([dialed, idAccepted, notLeader, inLobby])
			.when({ type: 'PressKey', key: '*' }, T0 + 4)
			.then([]);
	});

	it('in the meeting, `*` starts a keypad command, which is entered as soon as it is whole', () => {
		const started = given([dialed, idAccepted, notLeader, inMeeting])
			.when({ type: 'PressKey', key: '*' }, T0 + 4)
			.then([{ type: 'KeypadTyped', at: T0 + 4, entered: '*' }]);
		expect(started).toMatchObject({ keypad: '*' });
		given([dialed, idAccepted, notLeader, inMeeting, { type: 'KeypadTyped', at: T0 + 4, entered: '*' }])
			.when({ type: 'PressKey', key: '6' }, T0 + 5)
			.then([{ type: 'KeypadCommandEntered', at: T0 + 5, keys: '*6' }]);
		// `*2` may still become `*21`.
		given([dialed, idAccepted, notLeader, inMeeting, { type: 'KeypadTyped', at: T0 + 4, entered: '*' }])
			.when({ type: 'PressKey', key: '2' }, T0 + 5)
			.then([{ type: 'KeypadTyped', at: T0 + 5, entered: '*2' }]);
		const unknown = given([
			dialed,
			idAccepted,
			notLeader,
			inMeeting,
			{ type: 'KeypadTyped', at: T0 + 4, entered: '*' }
		])
			.when({ type: 'PressKey', key: '9' }, T0 + 5)
			.then([{ type: 'KeypadAnswered', at: T0 + 5, prompt: 'unknown-command' }]);
		expect(promptFor(unknown)?.id).toBe('unknown-command');
		given([dialed, idAccepted, notLeader, inMeeting])
			.when({ type: 'PressKey', key: '6' }, T0 + 4)
			.then([]);
	});

	it('refuses what is not a key, and keys on a call that is over', () => {
		given([dialed])
			.when({ type: 'PressKey', key: 'a' }, T0 + 1)
			.thenRejects('invalid-argument');
		given([dialed, { type: 'CallDisconnected', at: T0 + 1, reason: 'hung-up' }])
			.when({ type: 'PressKey', key: '1' }, T0 + 2)
			.thenRejects('invalid-in-state');
	});
});

describe('FollowMeeting: what the meeting’s events mean to the caller', () => {
	const joining: CallEvent[] = [dialed, idAccepted, notLeader];
	const lobby: CallEvent[] = [
		...joining,
		{ type: 'CallConnected', at: T0 + 3, meetingId: 'm-1', placement: 'lobby' }
	];

	it('S5: the meeting put the caller in its lobby: connected, with music', () => {
		const state = given(joining)
			.when(
				{
					type: 'FollowMeeting',
					meetingId: 'm-1',
					event: {
						type: 'CallerEnteredLobby',
						at: T0 + 3,
						participantId: 'call-1',
						phoneNumber: '+46700000001',
						music: true
					}
				},
				T0 + 3
			)
			.then([{ type: 'CallConnected', at: T0 + 3, meetingId: 'm-1', placement: 'lobby' }]);
		expect(musicFor(state)).toBe('lobby');
	});

	it('S10: the whole lobby admitted, this caller among them: admitted', () => {
		given(lobby)
			.when(
				{
					type: 'FollowMeeting',
					meetingId: 'm-1',
					event: {
						type: 'LobbyAdmitted',
						at: T0 + 9,
						participantIds: ['call-0', 'call-1'],
						by: 'meeting-start',
						byParticipantId: 'client-amos',
						announcement: 'names'
					}
				},
				T0 + 9
			)
			.then([{ type: 'CallAdmitted', at: T0 + 9 }]);
	});

	it('Queue position: a caller entering where the meeting announces places hears its place after the lobby prompt', () => {
		const connected: CallEvent = { type: 'CallConnected', at: T0 + 3, meetingId: 'm-1', placement: 'lobby' };
		const positionTold: CallEvent = { type: 'LobbyPositionTold', at: T0 + 3, position: 4 };
		const state = given(joining)
			.when(
				{
					type: 'FollowMeeting',
					meetingId: 'm-1',
					event: {
						type: 'CallerEnteredLobby',
						at: T0 + 3,
						participantId: 'call-1',
						phoneNumber: '+46700000001',
						music: true,
						position: 4
					}
				},
				T0 + 3
			)
			.then([connected, positionTold]);
		expect(state.status === 'in-lobby' && state.position).toBe(4);
		expect(promptFor(state)?.id).toBe('lobby-waiting');
		expect(promptPlayedBy(positionTold, state)).toBe('lobby-position');
		expect(promptParamsOf(positionTold)).toEqual({ position: 4 });
		expect(promptParamsOf(connected)).toBeUndefined();
	});

	it('Queue position: told again, the caller hears its own place from the list, and nothing when not on it', () => {
		const told = (participantIds: string[], positions: number[]) =>
			({
				type: 'FollowMeeting',
				meetingId: 'm-1',
				event: { type: 'LobbyPositionsTold', at: T0 + 60_000, participantIds, positions }
			}) as const;
		given(lobby)
			.when(told(['call-0', 'call-1'], [1, 2]), T0 + 60_000)
			.then([{ type: 'LobbyPositionTold', at: T0 + 60_000, position: 2 }]);
		given(lobby)
			.when(told(['call-0'], [1]), T0 + 60_000)
			.then([]);
		// A long list is looked up by index, and still finds the caller at its place.
		const many = Array.from({ length: 40 }, (_, i) => `call-${i + 10}`);
		given(lobby)
			.when(told([...many, 'call-1'], [...many.map((_, i) => i + 1), 41]), T0 + 60_000)
			.then([{ type: 'LobbyPositionTold', at: T0 + 60_000, position: 41 }]);
	});

	it('Queue position: once admitted, the caller has no place in the lobby any more', () => {
		const state = given([...lobby, { type: 'LobbyPositionTold', at: T0 + 4, position: 1 }])
			.when(
				{
					type: 'FollowMeeting',
					meetingId: 'm-1',
					event: {
						type: 'CallerAdmitted',
						at: T0 + 9,
						participantId: 'call-1',
						byParticipantId: 'leader',
						announcement: 'names'
					}
				},
				T0 + 9
			)
			.then([{ type: 'CallAdmitted', at: T0 + 9 }]);
		expect(state.status).toBe('in-meeting');
		expect('position' in state).toBe(false);
	});

	it('another caller’s arrival means nothing to this one', () => {
		given(lobby)
			.when(
				{
					type: 'FollowMeeting',
					meetingId: 'm-1',
					event: {
						type: 'CallerEnteredLobby',
						at: T0 + 5,
						participantId: 'call-2',
						phoneNumber: '+46700000002',
						music: true
					}
				},
				T0 + 5
			)
			.then([]);
	});

	it('the lobby timed out: disconnected with lobby-timeout', () => {
		given(lobby)
			.when(
				{
					type: 'FollowMeeting',
					meetingId: 'm-1',
					event: {
						type: 'LobbyCallersDisconnected',
						at: T0 + 61_000,
						participantIds: ['call-1'],
						reason: 'lobby-timeout'
					}
				},
				T0 + 61_000
			)
			.then([{ type: 'CallDisconnected', at: T0 + 61_000, reason: 'lobby-timeout' }]);
	});

	it.each([
		[{ type: 'HandRaiseChanged', participantId: 'call-1', raised: true }, 'hand-raised'],
		[{ type: 'HandRaiseChanged', participantId: 'call-1', raised: false }, 'hand-lowered'],
		[
			{ type: 'AudienceMuted', byParticipantId: 'leader', participantIds: ['call-9', 'call-1'] },
			'muted-by-leader'
		],
		[{ type: 'AudienceMuted', byParticipantId: 'call-1', participantIds: ['call-9'] }, 'everyone-muted'],
		[{ type: 'AnnouncementsChanged', byParticipantId: 'call-1', enabled: false }, 'announcements-off']
	] as const)('in the meeting, %o is heard as %s; about someone else, nothing', (event, promptId) => {
		const inMeeting = [
			...joining,
			{ type: 'CallConnected', at: T0 + 3, meetingId: 'm-1', placement: 'meeting' } as const
		];
		given(inMeeting)
			.when({ type: 'FollowMeeting', meetingId: 'm-1', event: { ...event, at: T0 + 4 } }, T0 + 4)
			.then([{ type: 'KeypadAnswered', at: T0 + 4, prompt: promptId }]);
		const other = JSON.parse(JSON.stringify(event).replaceAll('call-1', 'call-2')) as typeof event;
		given(inMeeting)
			.when({ type: 'FollowMeeting', meetingId: 'm-1', event: { ...other, at: T0 + 4 } }, T0 + 4)
			.then([]);
	});

	it.each([
		['callers-only', 'meeting-time-limit'],
		['max-length', 'meeting-time-limit'],
		['verified-left', 'meeting-ended-verified-left'],
		['ended-by-admin', 'meeting-ended']
	] as const)('the meeting ended (%s): the caller hears why (%s)', (reason, promptId) => {
		const inMeeting = [
			...joining,
			{ type: 'CallConnected', at: T0 + 3, meetingId: 'm-1', placement: 'meeting' } as const
		];
		const state = given(inMeeting)
			.when(
				{
					type: 'FollowMeeting',
					meetingId: 'm-1',
					event: { type: 'MeetingEnded', at: T0 + 4, reason, disconnectedParticipantIds: ['call-1'] }
				},
				T0 + 4
			)
			.then([
				{
					type: 'CallDisconnected',
					at: T0 + 4,
					reason: 'meeting-ended',
					...(reason === 'ended-by-admin' ? {} : { timer: reason })
				}
			]);
		expect(promptFor(state)?.id).toBe(promptId);
	});

	it('a timer ended the meeting while the caller waited in the lobby: they hear why too', () => {
		const state = given(lobby)
			.when(
				{
					type: 'FollowMeeting',
					meetingId: 'm-1',
					event: {
						type: 'LobbyCallersDisconnected',
						at: T0 + 5,
						participantIds: ['call-1'],
						reason: 'meeting-ended',
						endReason: 'max-length'
					}
				},
				T0 + 5
			)
			.then([{ type: 'CallDisconnected', at: T0 + 5, reason: 'meeting-ended', timer: 'max-length' }]);
		expect(promptFor(state)?.id).toBe('meeting-time-limit');
	});

	it('the leader declined this caller: disconnected with declined, hearing that the organizer did not let them in', () => {
		const declined = {
			type: 'FollowMeeting',
			meetingId: 'm-1',
			event: { type: 'CallerDeclined', at: T0 + 61_000, participantId: 'call-1', byParticipantId: 'leader' }
		} as const;
		const state = given(lobby)
			.when(declined, T0 + 61_000)
			.then([{ type: 'CallDisconnected', at: T0 + 61_000, reason: 'declined' }]);
		expect(promptFor(state)?.id).toBe('declined');
		expect(musicFor(state)).toBe('none');
		// Another caller declined means nothing to this one.
		given(lobby)
			.when({ ...declined, event: { ...declined.event, participantId: 'call-2' } }, T0 + 61_000)
			.then([]);
	});

	it('a refused keypad command says why', () => {
		const state = given([
			...joining,
			{ type: 'CallConnected', at: T0 + 3, meetingId: 'm-1', placement: 'meeting' }
		])
			.when({ type: 'AnswerKeypad', refused: 'not-leader' }, T0 + 4)
			.then([{ type: 'KeypadAnswered', at: T0 + 4, prompt: 'not-leader' }]);
		expect(promptFor(state)?.id).toBe('not-leader');
	});
});

describe('promptPlayedBy: each step plays its prompt once; typing plays none', () => {
	it('names the prompt of a step, nothing for a key typed, nothing for a last failed try', () => {
		expect(promptPlayedBy(idAccepted, stateOf([dialed, idAccepted]))).toBe('leader-choice');
		expect(promptPlayedBy(notLeader, stateOf([dialed, idAccepted, notLeader]))).toBe('joining');
		const typed: CallEvent = { type: 'ConferenceIdTyped', at: T0 + 1, entered: '1' };
		expect(promptPlayedBy(typed, stateOf([dialed, typed]))).toBeNull();
		expect(promptPlayedBy(idRejected(1), stateOf([dialed, idRejected(1)]))).toBe('conference-id-unknown');
		expect(
			promptPlayedBy(idRejected(3), stateOf([dialed, idRejected(1), idRejected(2), idRejected(3)]))
		).toBeNull();
	});
});

describe('callFromMeeting: a call rebuilt from its meeting alone (restart, takeover)', () => {
	const meeting: OpenedMeeting = {
		status: 'in-progress',
		meetingId: 'm-1',
		conferenceId: '8675309',
		organizer: { userId: 'user-amos', displayName: 'Amos Marble' },
		settings: DEFAULT_MEETING_SETTINGS,
		openedAt: T0,
		startedAt: T0 + 5,
		locked: true,
		lobby: [{ participantId: 'call-2', phoneNumber: '+46700000002', arrivedAt: T0 + 6 }],
		participants: [
			{
				participantId: 'call-1',
				via: 'phone',
				displayName: '+46700000001',
				phoneNumber: '+46700000001',
				isLeader: true,
				muted: true,
				joinedAt: T0 + 5
			},
			{
				participantId: 'client-1',
				via: 'client',
				displayName: 'Adele',
				userId: 'u-1',
				isLeader: false,
				muted: false,
				joinedAt: T0 + 7
			}
		]
	};

	it('a caller in the meeting: in-meeting, leading, muted as the meeting says', () => {
		expect(callFromMeeting(meeting, 'call-1', T0 + 9)).toMatchObject({
			status: 'in-meeting',
			meetingId: 'm-1',
			asLeader: true,
			maxTries: DEFAULT_MAX_TRIES,
			target: { conferenceId: '8675309', organizerUserId: 'user-amos' }
		});
		expect(standingIn(meeting, 'call-1')).toMatchObject({
			placement: 'meeting',
			muted: true,
			isLeader: true
		});
	});

	it('a caller in the lobby: in-lobby at its place, with music (S5, S10)', () => {
		const state = callFromMeeting(meeting, 'call-2', T0 + 9)!;
		expect(state).toMatchObject({ status: 'in-lobby', asLeader: false, phoneNumber: '+46700000002' });
		expect(musicFor(state)).toBe('lobby');
		expect(standingIn(meeting, 'call-2')).toEqual({
			placement: 'lobby',
			position: 1,
			phoneNumber: '+46700000002'
		});
	});

	it('no call for a client participant or a stranger', () => {
		expect(callFromMeeting(meeting, 'client-1', T0)).toBeNull();
		expect(callFromMeeting(meeting, 'call-9', T0)).toBeNull();
	});
});
