import { describe, expect, it } from 'vitest';
import {
	DEFAULT_MAX_TRIES,
	callDecider,
	evolveCall,
	initialCallState,
	isCallLive,
	musicFor,
	promptFor,
	type CallEvent,
	type CallState
} from './call';
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
