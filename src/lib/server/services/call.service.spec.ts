/**
 * What the wire carries for a call: the prompt's id with its English words, rendered from the i18n
 * catalog (the domain names prompts by id only; these assertions moved here from domain/call.spec.ts).
 */
import { describe, expect, it } from 'vitest';
import { PROMPT_IDS, callDecider, promptFor, replay, type CallEvent, type CallState } from '$lib/domain';
import { callViewOf, spokenPrompt } from './call.service';

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);
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

function stateOf(events: CallEvent[]): CallState {
	return replay(callDecider, events);
}

function spoken(state: CallState) {
	const current = promptFor(state);
	return current ? spokenPrompt(current.id) : null;
}

describe('prompts on the wire: id and English words from the catalog', () => {
	it('answers a dialed call with the welcome prompt', () => {
		expect(spoken(stateOf([dialed]))).toEqual({
			id: 'enter-conference-id',
			text: 'Welcome. Please enter the conference ID followed by the pound key.'
		});
	});

	it('asks whether the caller is the leader', () => {
		expect(spoken(stateOf([dialed, idAccepted]))?.text).toBe(
			'If you are the leader, press star. Otherwise, please wait.'
		);
	});

	it('says a locked-out PIN is locked', () => {
		const state = stateOf([
			dialed,
			idAccepted,
			askedForPin,
			{ type: 'LeaderPinRejected', at: T0 + 3, attempt: 1, triesLeft: 2 },
			{ type: 'LeaderPinLockedOut', at: T0 + 4 }
		]);
		expect(spoken(state)).toEqual({
			id: 'pin-locked',
			text: 'The leader PIN is locked; ask an administrator, or start the meeting from the client.'
		});
	});

	it('says goodbye when the meeting is full', () => {
		const state = stateOf([
			dialed,
			idAccepted,
			notLeader,
			{ type: 'CallDisconnected', at: T0 + 3, reason: 'meeting-full' }
		]);
		expect(spoken(state)?.text).toBe('This meeting is full. Goodbye.');
	});

	it('every prompt has its id and English text', () => {
		for (const id of PROMPT_IDS) {
			const prompt = spokenPrompt(id);
			expect(prompt.id).toBe(id);
			expect(prompt.text.length).toBeGreaterThan(0);
		}
	});

	it('a view tells the current prompt, and in `prompts` only the prompts just played', () => {
		const state = stateOf([dialed, idAccepted, notLeader]);
		expect(callViewOf(state, false, [])).toMatchObject({
			phase: 'ivr',
			step: 'joining',
			prompt: { id: 'joining' },
			prompts: []
		});
		expect(callViewOf(state, false, ['leader-choice', 'joining']).prompts.map((p) => p.id)).toEqual([
			'leader-choice',
			'joining'
		]);
	});
});
