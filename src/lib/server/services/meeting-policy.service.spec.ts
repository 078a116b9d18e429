/**
 * Named meeting policies, through the services a server builds, on PGlite (docs/rules.md, "The
 * lobby policy"): an administrator creates one, grants it, changes it and removes it, and the
 * organizer's meetings, new and live, get its lobby; nobody else may touch them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainWait } from '$lib/domain';
import type { DatabaseHandle } from '../db/index';
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
const ASTRID = 'astrid.lindqvist@contoso.com';

describe('MeetingPolicyService: New-, Set-, Grant- and Remove-CsTeamsMeetingPolicy', () => {
	let database: DatabaseHandle;
	let engine: Engine;
	let admin: Actor;
	let amos: Actor;
	let amosConference: string;
	let astridConference: string;

	beforeAll(async () => {
		database = await openSeededDatabase();
		engine = await startEngine(database);
		admin = actorFor(await userByEmail(database.db, 'admin@contoso.com'));
		const amosUser = await userByEmail(database.db, AMOS);
		amos = actorFor(amosUser);
		amosConference = amosUser.conferenceId!;
		astridConference = (await userByEmail(database.db, ASTRID)).conferenceId!;
	});

	afterAll(async () => {
		await engine.stop();
		await database.close();
	});

	it('lists Global first, held by every user, and creates a named policy with the defaults for what is not given', async () => {
		const { meetingPolicies } = engine.services;
		const [global, ...named] = await meetingPolicies.list(admin);
		expect(global).toMatchObject({ identity: 'Global', lobbyMode: 'Classic' });
		expect(global!.users).toBeGreaterThan(3);
		expect(named).toEqual([]);

		const training = await meetingPolicies.create(admin, 'Training', { lobbyMode: 'Teams' }, 'api');
		expect(training).toEqual({
			identity: 'Training',
			description: '',
			lobbyMode: 'Teams',
			autoAdmittedUsers: 'EveryoneInCompany',
			allowPstnUsersToBypassLobby: false,
			allowAnonymousUsersToStartMeeting: false,
			usersCanAdmitFromLobby: 'OrganizersAndPresentersOnly',
			users: 0
		});
		expect((await meetingPolicies.get(admin, 'tRAINING')).identity).toBe('Training');
	});

	it('refuses a second policy of the same name in any case, Global as a name, bad names and bad values, each saying why', async () => {
		const { meetingPolicies } = engine.services;
		expect(await refusal(meetingPolicies.create(admin, 'training', {}, 'api'))).toBe('conflict');
		expect(await refusal(meetingPolicies.create(admin, 'global', {}, 'api'))).toBe('bad-request');
		expect(await refusal(meetingPolicies.create(admin, '<script>', {}, 'api'))).toBe('bad-request');
		expect(await refusal(meetingPolicies.create(admin, 'Other', { lobbyMode: 'Lounge' }, 'api'))).toBe(
			'bad-request'
		);
		await expect(meetingPolicies.create(admin, 'Other', { pinLength: 6 }, 'api')).rejects.toThrow(
			/pinLength/
		);
		await expect(meetingPolicies.remove(admin, 'Global', 'api')).rejects.toThrow(
			/Global policy cannot be removed/
		);
		await expect(meetingPolicies.get(admin, 'Nope')).rejects.toThrow(/There are: Global, Training/);
	});

	it('refuses users and anonymous callers whatever they ask, and audits each refusal', async () => {
		const { meetingPolicies, audit } = engine.services;
		expect(await refusal(meetingPolicies.list(amos))).toBe('forbidden');
		expect(await refusal(meetingPolicies.create(amos, 'Mine', {}, 'api'))).toBe('forbidden');
		expect(
			await refusal(meetingPolicies.update(ANONYMOUS_ACTOR, 'Training', { lobbyMode: 'Classic' }, 'api'))
		).toBe('forbidden');
		expect(await refusal(meetingPolicies.grant(amos, AMOS, 'Training', 'cli'))).toBe('forbidden');
		expect(await refusal(meetingPolicies.remove(amos, 'Training', 'api'))).toBe('forbidden');
		const denied = await audit.list(admin, { actorEmail: AMOS });
		expect(
			denied.filter((e) => e.action.startsWith('meeting-policy.') && e.outcome === 'denied')
		).toHaveLength(3);
	});

	it('a granted policy gives the organizer’s next meeting its lobby; his live one follows a change at once, others keep Global', async () => {
		const { meetingPolicies, meetings, audit } = engine.services;
		// Astrid's meeting is live under Global, and stays so throughout.
		const astridCaller = await callerInLobby(engine, astridConference, '+46 8 401 00 01');
		const astridMeeting = astridCaller.view.meetingId!;

		await meetingPolicies.grant(admin, AMOS, 'training', 'page');
		expect((await engine.services.dialInUsers.find(admin, AMOS))?.meetingPolicy).toBe('Training');
		const [grant] = await audit.list(admin, { action: 'meeting-policy.grant' });
		expect(grant).toMatchObject({ targetEmail: AMOS, outcome: 'ok', details: { policy: 'Training' } });

		const caller = await callerInLobby(engine, amosConference, '+46 8 401 00 02');
		const amosMeeting = caller.view.meetingId!;
		expect(meetings.state(amosMeeting)?.settings.lobbyPolicy.mode).toBe('teams');
		expect(meetings.state(astridMeeting)?.settings.lobbyPolicy.mode).toBe('classic');

		// Set-CsTeamsMeetingPolicy -Identity Training reaches Amos's live meeting as an event, not Astrid's.
		const changed = await meetingPolicies.update(
			admin,
			'Training',
			{ allowPstnUsersToBypassLobby: true, description: 'For the Tuesday course' },
			'cli'
		);
		expect(changed).toMatchObject({ description: 'For the Tuesday course', users: 1 });
		const amosState = meetings.state(amosMeeting)!;
		expect(amosState.settings.lobbyPolicy).toMatchObject({
			mode: 'teams',
			allowPstnUsersToBypassLobby: true
		});
		const history = await meetings.history(amosMeeting);
		expect(history.map((e) => e.event.type)).toContain('LobbyPolicyChanged');
		expect(meetings.state(astridMeeting)?.settings.lobbyPolicy.mode).toBe('classic');
		expect((await meetings.history(astridMeeting)).map((e) => e.event.type)).not.toContain(
			'LobbyPolicyChanged'
		);
		expect(explainWait(amosState, caller.callId, engine.time.now())?.mode).toBe('teams');
	});

	it('removing the policy hands its users back to Global, and their live meetings follow', async () => {
		const { meetingPolicies, meetings } = engine.services;
		const live = meetings.liveMeetings().find((m) => m.conferenceId === amosConference)!;
		const removed = await meetingPolicies.remove(admin, 'TRAINING', 'api');
		expect(removed).toEqual({ identity: 'Training', users: 1 });
		expect((await engine.services.dialInUsers.find(admin, AMOS))?.meetingPolicy).toBeNull();
		expect(meetings.state(live.meetingId)?.settings.lobbyPolicy.mode).toBe('classic');
		expect((await meetingPolicies.list(admin)).map((p) => p.identity)).toEqual(['Global']);
	});

	it('Set- on Global goes through the tenant settings, and grant back to Global with null', async () => {
		const { meetingPolicies } = engine.services;
		const global = await meetingPolicies.update(admin, 'global', { lobbyMode: 'Teams' }, 'api');
		expect(global).toMatchObject({ identity: 'Global', lobbyMode: 'Teams' });
		expect(await refusal(meetingPolicies.update(admin, 'Global', { description: 'x' }, 'api'))).toBe(
			'bad-request'
		);
		await meetingPolicies.update(admin, 'Global', { lobbyMode: 'Classic' }, 'api');
		await meetingPolicies.grant(admin, AMOS, null, 'api');
		expect((await engine.services.dialInUsers.find(admin, AMOS))?.meetingPolicy).toBeNull();
		expect(await refusal(meetingPolicies.grant(admin, AMOS, 'Nope', 'api'))).toBe('not-found');
		expect(await refusal(meetingPolicies.grant(admin, 'nobody@contoso.com', null, 'api'))).toBe('not-found');
	});
});
