/**
 * What the wire carries for a call: the prompt's id with its English words, rendered from the i18n
 * catalog (the domain names prompts by id only; these assertions moved here from domain/call.spec.ts),
 * and which channel tells the caller what: the answer to their own keys, or a push for what others did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMPT_IDS, callDecider, promptFor, replay, type CallEvent, type CallState } from '$lib/domain';
import type { DatabaseHandle } from '../db/index';
import { callViewOf, spokenPrompt } from './call.service';
import { openSeededDatabase, startEngine, userByEmail, type Engine } from './engine-test-kit';

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

	it('a place in the lobby goes on the wire with its number, in the words and as a parameter', () => {
		expect(spokenPrompt('lobby-position', { position: 3 })).toEqual({
			id: 'lobby-position',
			text: 'You are number 3 in the lobby.',
			params: { position: 3 }
		});
		const inLobby = stateOf([
			dialed,
			idAccepted,
			notLeader,
			{ type: 'CallConnected', at: T0 + 3, meetingId: 'm-1', placement: 'lobby' },
			{ type: 'LobbyPositionTold', at: T0 + 3, position: 3 }
		]);
		const view = callViewOf(inLobby, false, [
			{ id: 'lobby-waiting' },
			{ id: 'lobby-position', params: { position: 3 } }
		]);
		expect(view.lobbyPosition).toBe(3);
		expect(view.prompt?.id).toBe('lobby-waiting');
		expect(view.prompts.map((p) => p.text)).toEqual([
			'Please wait in the lobby. You will join the meeting when the leader lets you in.',
			'You are number 3 in the lobby.'
		]);
		expect(callViewOf(stateOf([dialed]), false, []).lobbyPosition).toBeNull();
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

describe('each fact reaches the caller once: the answer for what they did, a push for what others did', () => {
	const AMOS = { email: 'amos.marble@contoso.com', conferenceId: '4410273' };
	let database: DatabaseHandle;
	let engine: Engine;

	beforeAll(async () => {
		database = await openSeededDatabase();
		engine = await startEngine(database);
	});

	afterAll(async () => {
		await engine?.stop();
		await database?.close();
	});

	it('given a caller at the leader prompt, when they press `#`, then one answer says joining and the lobby, nothing is pushed, and the organizer starting the meeting is one push to the lobby (S5, S10)', async () => {
		const { calls, meetings } = engine.services;
		const { callId } = calls.dial('+46 8 300 00 01');
		const asked = await calls.pressKeys(callId, `${AMOS.conferenceId}#`);
		expect(asked.prompts.map((p) => p.id)).toEqual(['leader-choice']);

		// Digits at the leader prompt play nothing new.
		expect((await calls.pressKeys(callId, '5')).prompts).toEqual([]);

		const waiting = await calls.pressKeys(callId, '#');
		expect(waiting).toMatchObject({ phase: 'lobby', music: 'lobby', prompt: { id: 'lobby-waiting' } });
		expect(waiting.prompts.map((p) => p.id)).toEqual(['joining', 'lobby-waiting']);
		expect(engine.notifier.viewsOf(callId)).toEqual([]);

		const amos = await userByEmail(database.db, AMOS.email);
		await meetings.joinFromClient({ id: amos.id, displayName: amos.displayName }, AMOS.conferenceId);
		const admitted = engine.notifier.notices.filter((n) => n.kind === 'lobbyAdmitted');
		expect(admitted).toHaveLength(1);
		expect(admitted[0]).toMatchObject({ view: { phase: 'in-meeting', prompts: [{ id: 'admitted' }] } });
		expect(engine.notifier.viewsOf(callId)).toEqual([]);
		expect(calls.current(callId)).toMatchObject({ phase: 'in-meeting', prompts: [] });
		await calls.hangUp(callId);
	});

	it('given two callers admitted together with the lobby, when the second presses *6, then its answer says muted only: "admitted" was told once, in the lobby\'s message (S10)', async () => {
		const { calls, meetings } = engine.services;
		const astrid = await userByEmail(database.db, 'astrid.lindqvist@contoso.com');
		const waiting = [calls.dial('+46 8 300 00 11').callId, calls.dial('+46 8 300 00 12').callId];
		for (const callId of waiting) {
			await calls.pressKeys(callId, `${astrid.conferenceId}#`);
			expect(await calls.pressKeys(callId, '#')).toMatchObject({ phase: 'lobby' });
		}
		await meetings.joinFromClient({ id: astrid.id, displayName: astrid.displayName }, astrid.conferenceId!);
		const admitted = engine.notifier.notices.filter((n) => n.kind === 'lobbyAdmitted');
		expect(admitted.at(-1)).toMatchObject({ view: { prompts: [{ id: 'admitted' }] }, except: [] });

		for (const callId of waiting) {
			const muted = await calls.pressKeys(callId, '*6');
			expect(muted.prompts.map((p) => p.id)).toEqual(['muted']);
			await calls.hangUp(callId);
		}
	});

	it('given a caller in the meeting, when they press *6 twice, then each answer says muted or unmuted once and the view follows the meeting', async () => {
		const { calls, meetings } = engine.services;
		// Amos started his meeting from the client above, so a caller goes straight in.
		const { callId } = calls.dial('+46 8 300 00 02');
		await calls.pressKeys(callId, `${AMOS.conferenceId}#`);
		const joined = await calls.pressKeys(callId, '#');
		expect(joined.phase).toBe('in-meeting');

		const muted = await calls.pressKeys(callId, '*6');
		expect(muted).toMatchObject({ muted: true, prompt: { id: 'muted' } });
		expect(muted.prompts.map((p) => p.id)).toEqual(['muted']);
		expect(
			meetings.state(joined.meetingId!)?.participants.find((p) => p.participantId === callId)?.muted
		).toBe(true);
		const unmuted = await calls.pressKeys(callId, '*6');
		expect(unmuted).toMatchObject({ muted: false, prompts: [{ id: 'unmuted' }] });
		expect(engine.notifier.viewsOf(callId)).toEqual([]);
		await calls.hangUp(callId);
	});
});
