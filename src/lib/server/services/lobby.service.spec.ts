/**
 * The organizer's hand on his lobby, through the services a server builds, on PGlite: admit one,
 * admit all, decline, and why each caller waits (docs/rules.md). Who may act is decided by the
 * service from the actor, whichever door the request came through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/index';
import { lobbyPolicyOf } from '$lib/domain';
import { isServiceError } from '../service-error';
import { actorFor, ANONYMOUS_ACTOR } from './access';
import type { Actor } from './audit.service';
import {
	callerInLobby,
	openSeededDatabase,
	refusal,
	startEngine,
	userByEmail,
	type Engine
} from './engine-test-kit';

const AMOS = 'amos.marble@contoso.com';

/** The last view a call was sent, alone or on leaving the lobby. */
function lastTold(engine: Engine, callId: string) {
	return engine.notifier.notices
		.flatMap((n) =>
			(n.kind === 'callUpdated' || n.kind === 'callLeftLobby') && n.callId === callId ? [n.view] : []
		)
		.at(-1);
}

describe('LobbyService: admit one, admit all, decline, and why each caller waits', () => {
	let database: DatabaseHandle;
	let engine: Engine;
	let amos: Actor;
	let astrid: Actor;
	let admin: Actor;
	let meetingId: string;
	let conferenceId: string;
	const waiting: string[] = [];

	beforeAll(async () => {
		database = await openSeededDatabase();
		engine = await startEngine(database);
		const amosUser = await userByEmail(database.db, AMOS);
		amos = actorFor(amosUser);
		astrid = actorFor(await userByEmail(database.db, 'astrid.lindqvist@contoso.com'));
		admin = actorFor(await userByEmail(database.db, 'admin@contoso.com'));
		conferenceId = amosUser.conferenceId!;
		const { meetings, lobby } = engine.services;

		// Before the meeting starts, a caller waits at the first gate (S5, S11).
		const early = await callerInLobby(engine, conferenceId, '+46 8 400 00 01');
		meetingId = early.view.meetingId!;
		const before = lobby.explain(meetingId, 'signed-in', false);
		expect(before.lobby).toMatchObject([
			{
				participantId: early.callId,
				position: 1,
				gate: 'not-started',
				rules: ['S5', 'S11'],
				why: 'The meeting has not started, and a caller cannot start it (S5, S11).',
				letsIn:
					'Lets them in: the organizer dials in with the leader PIN (S2) or a signed-in user joins from the client (S4).',
				timesOut: null
			}
		]);

		// Amos starts it from the client (the early caller is admitted, S10) and locks it (*7).
		const joined = await meetings.joinFromClient(
			{ id: amosUser.id, displayName: amosUser.displayName },
			conferenceId
		);
		if (!joined.ok) throw new Error(joined.message);
		const locked = await meetings.execute(meetingId, {
			type: 'PressKeys',
			participantId: joined.participantId,
			keys: '*7'
		});
		expect(locked.ok).toBe(true);
		for (const number of ['+46 8 400 00 02', '+46 8 400 00 03', '+46 8 400 00 04']) {
			const { callId, view } = await callerInLobby(engine, conferenceId, number);
			expect(view.phase).toBe('lobby');
			waiting.push(callId);
		}
	});

	afterAll(async () => {
		await engine?.stop();
		await database?.close();
	});

	it('given a locked meeting, then every waiting caller is explained in arrival order: the leader locked it, and the leader admits', () => {
		const explained = engine.services.lobby.explain(meetingId, 'signed-in', false);
		expect(explained).toMatchObject({ meetingId, conferenceId, status: 'in-progress' });
		expect(explained.lobby.map((e) => [e.participantId, e.position, e.gate, e.phoneNumber])).toEqual([
			[waiting[0], 1, 'locked', '+46 8 400 00 02'],
			[waiting[1], 2, 'locked', '+46 8 400 00 03'],
			[waiting[2], 3, 'locked', '+46 8 400 00 04']
		]);
		expect(explained.lobby[0]).toMatchObject({
			why: 'The meeting is in progress, but the leader locked it (*7), so late callers wait.',
			letsIn: 'Lets them in: the leader admits them (*8, *21, or Admit).'
		});
	});

	it('an anonymous viewer, or a tenant that masks numbers, sees the numbers masked', () => {
		const { lobby } = engine.services;
		expect(lobby.explain(meetingId, 'anonymous', false).lobby[0]?.phoneNumber).toBe('+46 8 ••• •• 02');
		expect(lobby.explain(meetingId, 'signed-in', true).lobby[0]?.phoneNumber).toBe('+46 8 ••• •• 02');
	});

	it('refuses everyone but the organizer in his meeting: anonymous, an administrator, another user, and says what is missing', async () => {
		const { lobby } = engine.services;
		const one = { participantId: waiting[0]! };
		expect(await refusal(lobby.admit(ANONYMOUS_ACTOR, meetingId, one))).toBe('unauthenticated');
		expect(await refusal(lobby.admit(admin, meetingId, 'all'))).toBe('forbidden');
		expect(await refusal(lobby.decline(astrid, meetingId, waiting[0]!))).toBe('forbidden');
		expect(await refusal(lobby.admit(amos, 'no-such-meeting', 'all'))).toBe('not-found');
		expect(await refusal(lobby.decline(amos, meetingId, 'call_nobody'))).toBe('not-in-lobby');
		// Nothing moved.
		expect(lobby.explain(meetingId, 'signed-in', false).lobby).toHaveLength(3);
	});

	it('given three waiting, when Amos admits the first, then that caller is in the meeting and hears it, and the others still wait', async () => {
		const { lobby, calls } = engine.services;
		await lobby.admit(amos, meetingId, { participantId: waiting[0]! });
		expect(calls.current(waiting[0]!)).toMatchObject({ phase: 'in-meeting', music: 'none' });
		expect(lastTold(engine, waiting[0]!)?.prompts.map((p) => p.id)).toEqual(['admitted']);
		expect(
			lobby.explain(meetingId, 'signed-in', false).lobby.map((e) => [e.participantId, e.position])
		).toEqual([
			[waiting[1], 1],
			[waiting[2], 2]
		]);
	});

	it('when Amos declines the next, then that call ends with "The organizer did not let you in", and admitting all takes the last', async () => {
		const { lobby, calls } = engine.services;
		await lobby.decline(amos, meetingId, waiting[1]!);
		expect(lastTold(engine, waiting[1]!)).toMatchObject({
			phase: 'disconnected',
			reason: 'declined',
			music: 'none',
			prompt: { id: 'declined', text: 'The organizer did not let you in to the meeting. Goodbye.' }
		});
		expect(engine.notifier.ended(waiting[1]!)).toBe(true);
		expect(await refusal(lobby.admit(amos, meetingId, { participantId: waiting[1]! }))).toBe('not-in-lobby');

		await lobby.admit(amos, meetingId, 'all');
		expect(calls.current(waiting[2]!)).toMatchObject({ phase: 'in-meeting' });
		expect(lobby.explain(meetingId, 'signed-in', false).lobby).toEqual([]);
		expect(await refusal(lobby.admit(amos, meetingId, 'all'))).toBe('lobby-empty');

		const types = (await engine.services.meetings.history(meetingId)).map((e) => e.event.type);
		expect(
			types.filter((t) => t === 'CallerAdmitted' || t === 'CallerDeclined' || t === 'LobbyAdmitted')
		).toEqual(['LobbyAdmitted', 'CallerAdmitted', 'CallerDeclined', 'LobbyAdmitted']);
	});

	it('an organizer who is not in his meeting is told to join it first', async () => {
		const { lobby, meetings } = engine.services;
		const astridUser = await userByEmail(database.db, 'astrid.lindqvist@contoso.com');
		const caller = await callerInLobby(engine, astridUser.conferenceId!, '+46 8 400 00 05');
		const astridMeeting = caller.view.meetingId!;
		const error = await lobby.admit(astrid, astridMeeting, 'all').catch((e: unknown) => e);
		expect(isServiceError(error) && error.code).toBe('not-in-meeting');
		expect((error as Error).message).toMatch(/Join your meeting first/);
		await meetings.leave(astridMeeting, caller.callId);
	});

	it('meeting options: only the signed-in organizer sets them, only under the Teams lobby, and the meeting follows them as an event', async () => {
		const { lobby, meetings, dialIn } = engine.services;
		const bypass = { allowPstnUsersToBypassLobby: true };
		expect(await refusal(lobby.setOptions(amos, meetingId, bypass))).toBe('invalid-settings');
		await dialIn.updateTenantSettings(admin, { lobbyMode: 'Teams' }, 'api');
		expect(await refusal(lobby.setOptions(ANONYMOUS_ACTOR, meetingId, bypass))).toBe('unauthenticated');
		expect(await refusal(lobby.setOptions(admin, meetingId, bypass))).toBe('forbidden');
		expect(await refusal(lobby.setOptions(astrid, meetingId, bypass))).toBe('forbidden');
		expect(await refusal(lobby.setOptions(amos, 'no-such-meeting', bypass))).toBe('not-found');

		await lobby.setOptions(amos, meetingId, bypass);
		const state = meetings.state(meetingId)!;
		expect(lobbyPolicyOf(state)).toMatchObject({ mode: 'teams', allowPstnUsersToBypassLobby: true });
		expect(state.settings.lobbyPolicy.allowPstnUsersToBypassLobby).toBe(false);
		await lobby.setOptions(amos, meetingId, {});
		expect(meetings.state(meetingId)?.lobbyOptions).toBeUndefined();
		const types = (await meetings.history(meetingId)).map((e) => e.event.type);
		expect(types.filter((t) => t === 'MeetingOptionsChanged')).toHaveLength(2);
		await dialIn.updateTenantSettings(admin, { lobbyMode: 'Classic' }, 'api');
	});
});
