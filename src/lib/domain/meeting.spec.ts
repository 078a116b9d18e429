import { describe, expect, it } from 'vitest';
import { deepFreeze, specFor } from './decider-spec';
import {
	admissionWaitsMs,
	DEFAULT_LOBBY_POLICY,
	DEFAULT_MEETING_SETTINGS,
	decideMeeting,
	endTimerDue,
	evolveMeeting,
	explainLobby,
	explainWait,
	KEYPAD_COMMANDS,
	leaderInMeeting,
	initialMeetingState,
	isLive,
	lobbyPolicyOf,
	lobbyPositionsDue,
	lobbySize,
	lobbyTimeoutDue,
	longestWaitMs,
	meetingDecider,
	type MeetingEvent,
	type MeetingSettings,
	type ParticipantJoined,
	type MeetingState
} from './meeting';
import { replay } from './decider';
import { AUTO_ADMITTED_USERS } from './tenant-settings';

const given = specFor(meetingDecider);

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);
const MIN = 60_000;
const organizer = { userId: 'user-amos', displayName: 'Amos Marble' };

function opened(settings: Partial<MeetingSettings> = {}, at = T0): MeetingEvent {
	return {
		type: 'MeetingOpened',
		at,
		meetingId: 'm-1',
		conferenceId: '8675309',
		organizer,
		settings: { ...DEFAULT_MEETING_SETTINGS, ...settings }
	};
}

function inLobby(participantId: string, at: number, phoneNumber = `+46700000${participantId}`): MeetingEvent {
	return { type: 'CallerEnteredLobby', at, participantId, phoneNumber, music: true };
}

function leaderJoinedByPhone(at: number, participantId = 'leader'): MeetingEvent {
	return {
		type: 'ParticipantJoined',
		at,
		participantId,
		via: 'phone',
		displayName: organizer.displayName,
		phoneNumber: '+46701111111',
		userId: organizer.userId,
		isLeader: true,
		announcement: 'names'
	};
}

function callerJoined(participantId: string, at: number): MeetingEvent {
	return {
		type: 'ParticipantJoined',
		at,
		participantId,
		via: 'phone',
		displayName: `+46700000${participantId}`,
		phoneNumber: `+46700000${participantId}`,
		isLeader: false,
		announcement: 'names'
	};
}

function started(at: number, participantId = 'leader'): MeetingEvent {
	return { type: 'MeetingStarted', at, startedBy: 'leader-pin', participantId };
}

/** A meeting in progress, led by `leader` who joined by phone with the PIN. */
/** The organizer joins from the client, signed in: the leader, as by phone but with no number. */
function organizerJoinedFromClient(at: number, participantId = 'web-1'): MeetingEvent {
	const { phoneNumber: _number, ...joined } = leaderJoinedByPhone(at, participantId) as ParticipantJoined;
	return { ...joined, via: 'client', displayName: 'Amos' };
}

function inProgress(settings: Partial<MeetingSettings> = {}): MeetingEvent[] {
	return [opened(settings), leaderJoinedByPhone(T0 + MIN), started(T0 + MIN)];
}

function locked(at: number): MeetingEvent {
	return { type: 'MeetingLockChanged', at, locked: true, byParticipantId: 'leader' };
}

describe('OpenMeeting', () => {
	it('opens a waiting meeting with the real systems’ defaults', () => {
		const state = given([])
			.when({ type: 'OpenMeeting', meetingId: 'm-1', conferenceId: '8675309', organizer }, T0)
			.then([opened()]);
		expect(state).toMatchObject({
			status: 'waiting',
			openedAt: T0,
			locked: false,
			lobby: [],
			participants: [],
			settings: { maxParticipants: 250, lobbyTimeoutMinutes: 0, announcements: 'names', allowPstnOnly: false }
		});
	});

	it('keeps the settings it is given', () => {
		given([])
			.when(
				{
					type: 'OpenMeeting',
					meetingId: 'm-1',
					conferenceId: '8675309',
					organizer,
					settings: { maxParticipants: 10_000, announcements: 'tone', allowPstnOnly: true }
				},
				T0
			)
			.then([opened({ maxParticipants: 10_000, announcements: 'tone', allowPstnOnly: true })]);
	});

	it('refuses to open twice', () => {
		given([opened()])
			.when({ type: 'OpenMeeting', meetingId: 'm-1', conferenceId: '8675309', organizer }, T0)
			.thenRejects('meeting-already-open');
	});

	it.each([0, 10_001, 2.5, Number.NaN])('refuses a capacity of %s', (maxParticipants) => {
		given([])
			.when(
				{
					type: 'OpenMeeting',
					meetingId: 'm-1',
					conferenceId: '1',
					organizer,
					settings: { maxParticipants }
				},
				T0
			)
			.thenRejects('invalid-settings');
	});

	it('fills settings left undefined with the defaults', () => {
		given([])
			.when(
				{
					type: 'OpenMeeting',
					meetingId: 'm-1',
					conferenceId: '8675309',
					organizer,
					settings: { maxParticipants: undefined, announcements: undefined }
				},
				T0
			)
			.then([opened()]);
	});

	it('refuses an unknown announcement setting from an unchecked caller', () => {
		given([])
			.when(
				{
					type: 'OpenMeeting',
					meetingId: 'm-1',
					conferenceId: '1',
					organizer,
					settings: { announcements: 'loud' as MeetingSettings['announcements'] }
				},
				T0
			)
			.thenRejects('invalid-settings');
	});

	it.each([{ maxParticipants: 1 }, { lobbyTimeoutMinutes: 1441 }, { lobbyTimeoutMinutes: 2.5 }])(
		'refuses %j, outside the range the tenant settings allow (2 to 10,000 people; 0 to 1,440 whole minutes)',
		(settings) => {
			given([])
				.when({ type: 'OpenMeeting', meetingId: 'm-1', conferenceId: '1', organizer, settings }, T0)
				.thenRejects('invalid-settings');
		}
	);

	it('refuses a negative lobby timeout', () => {
		given([])
			.when(
				{
					type: 'OpenMeeting',
					meetingId: 'm-1',
					conferenceId: '1',
					organizer,
					settings: { lobbyTimeoutMinutes: -1 }
				},
				T0
			)
			.thenRejects('invalid-settings');
	});

	it('refuses every other command before the meeting is open', () => {
		given([])
			.when({ type: 'JoinByPhone', participantId: 'a', phoneNumber: '+1', asLeader: false }, T0)
			.thenRejects('meeting-not-open');
		given([]).when({ type: 'ExpireLobbyWaits' }, T0).thenRejects('meeting-not-open');
	});
});

describe('S5, S11: anonymous callers wait in the lobby with music and cannot start the meeting', () => {
	it('puts an anonymous caller in the lobby, with music, and the meeting keeps waiting', () => {
		const state = given([opened()])
			.when(
				{ type: 'JoinByPhone', participantId: 'a', phoneNumber: '+46700000a', asLeader: false },
				T0 + 1000
			)
			.then([inLobby('a', T0 + 1000, '+46700000a')]);
		expect(state.status).toBe('waiting');
		expect(lobbySize(state)).toBe(1);
	});

	it('keeps a second anonymous caller waiting too: no number of callers starts the meeting', () => {
		const state = given([opened(), inLobby('a', T0 + 1000)])
			.when(
				{ type: 'JoinByPhone', participantId: 'b', phoneNumber: '+46700000b', asLeader: false },
				T0 + 2000
			)
			.then([inLobby('b', T0 + 2000)]);
		expect(state.status).toBe('waiting');
	});
});

describe('S2, S4, S10: the organizer’s PIN starts the meeting and the lobby is admitted', () => {
	it('two callers wait; the organizer calls in with the PIN; both are admitted in arrival order, in one event', () => {
		const state = given([opened(), inLobby('a', T0 + 1000), inLobby('b', T0 + 2000)])
			.when(
				{ type: 'JoinByPhone', participantId: 'leader', phoneNumber: '+46701111111', asLeader: true },
				T0 + MIN
			)
			.then([
				leaderJoinedByPhone(T0 + MIN),
				started(T0 + MIN),
				{
					type: 'LobbyAdmitted',
					at: T0 + MIN,
					participantIds: ['a', 'b'],
					by: 'meeting-start',
					byParticipantId: 'leader',
					announcement: 'names'
				}
			]);
		expect(state.status).toBe('in-progress');
		if (state.status === 'none') throw new Error('unreachable');
		expect(state.startedAt).toBe(T0 + MIN);
		expect(state.lobby).toEqual([]);
		expect(state.participants.map((p) => [p.participantId, p.isLeader, p.via])).toEqual([
			['leader', true, 'phone'],
			['a', false, 'phone'],
			['b', false, 'phone']
		]);
	});

	it('starts without a LobbyAdmitted when nobody waits', () => {
		given([opened()])
			.when(
				{ type: 'JoinByPhone', participantId: 'leader', phoneNumber: '+46701111111', asLeader: true },
				T0 + MIN
			)
			.then([leaderJoinedByPhone(T0 + MIN), started(T0 + MIN)]);
	});
});

describe('S2, S4: an authenticated user joining from the client starts the meeting, no PIN', () => {
	it('the organizer from the client starts it as leader and admits the lobby', () => {
		given([opened(), inLobby('a', T0 + 1000)])
			.when(
				{ type: 'JoinFromClient', participantId: 'web-1', userId: organizer.userId, displayName: 'Amos' },
				T0 + MIN
			)
			.then([
				{
					type: 'ParticipantJoined',
					at: T0 + MIN,
					participantId: 'web-1',
					via: 'client',
					displayName: 'Amos',
					userId: organizer.userId,
					isLeader: true,
					announcement: 'names'
				},
				{ type: 'MeetingStarted', at: T0 + MIN, startedBy: 'client', participantId: 'web-1' },
				{
					type: 'LobbyAdmitted',
					at: T0 + MIN,
					participantIds: ['a'],
					by: 'meeting-start',
					byParticipantId: 'web-1',
					announcement: 'names'
				}
			]);
	});

	it('another authenticated user starts it too, but is not the leader', () => {
		const state = given([opened()])
			.when(
				{ type: 'JoinFromClient', participantId: 'web-2', userId: 'user-eva', displayName: 'Eva' },
				T0 + MIN
			)
			.then([
				{
					type: 'ParticipantJoined',
					at: T0 + MIN,
					participantId: 'web-2',
					via: 'client',
					displayName: 'Eva',
					userId: 'user-eva',
					isLeader: false,
					announcement: 'names'
				},
				{ type: 'MeetingStarted', at: T0 + MIN, startedBy: 'client', participantId: 'web-2' }
			]);
		expect(isLive(state)).toBe(true);
	});

	it('a client user joins a meeting in progress without starting it again', () => {
		given(inProgress())
			.when(
				{ type: 'JoinFromClient', participantId: 'web-2', userId: 'user-eva', displayName: 'Eva' },
				T0 + 2 * MIN
			)
			.then([
				{
					type: 'ParticipantJoined',
					at: T0 + 2 * MIN,
					participantId: 'web-2',
					via: 'client',
					displayName: 'Eva',
					userId: 'user-eva',
					isLeader: false,
					announcement: 'names'
				}
			]);
	});

	it('a locked meeting refuses client users other than the organizer', () => {
		given([...inProgress(), locked(T0 + 2 * MIN)])
			.when(
				{ type: 'JoinFromClient', participantId: 'web-2', userId: 'user-eva', displayName: 'Eva' },
				T0 + 3 * MIN
			)
			.thenRejects('meeting-locked');
		given([...inProgress(), locked(T0 + 2 * MIN)])
			.when(
				{ type: 'JoinFromClient', participantId: 'web-1', userId: organizer.userId, displayName: 'Amos' },
				T0 + 3 * MIN
			)
			.then([organizerJoinedFromClient(T0 + 3 * MIN)]);
	});
});

describe('S6: where the organizer allows PSTN-only meetings, the first caller starts it', () => {
	it('starts the meeting with the first anonymous caller, who is not the leader', () => {
		const state = given([opened({ allowPstnOnly: true })])
			.when(
				{ type: 'JoinByPhone', participantId: 'a', phoneNumber: '+46700000a', asLeader: false },
				T0 + 1000
			)
			.then([
				callerJoined('a', T0 + 1000),
				{ type: 'MeetingStarted', at: T0 + 1000, startedBy: 'pstn-only', participantId: 'a' }
			]);
		expect(state.status).toBe('in-progress');
		expect(lobbySize(state)).toBe(0);
	});
});

describe('In progress: late callers', () => {
	it('a late caller goes straight in', () => {
		const state = given(inProgress())
			.when(
				{ type: 'JoinByPhone', participantId: 'c', phoneNumber: '+46700000c', asLeader: false },
				T0 + 5 * MIN
			)
			.then([callerJoined('c', T0 + 5 * MIN)]);
		expect(lobbySize(state)).toBe(0);
	});

	it('a locked meeting sends a late caller to the lobby, and *8 admits them', () => {
		const waiting = given([...inProgress(), locked(T0 + 2 * MIN)])
			.when(
				{ type: 'JoinByPhone', participantId: 'c', phoneNumber: '+46700000c', asLeader: false },
				T0 + 5 * MIN
			)
			.then([inLobby('c', T0 + 5 * MIN)]);
		expect(lobbySize(waiting)).toBe(1);

		const admitted = given([...inProgress(), locked(T0 + 2 * MIN), inLobby('c', T0 + 5 * MIN)])
			.when({ type: 'PressKeys', participantId: 'leader', keys: '*8' }, T0 + 6 * MIN)
			.then([
				{
					type: 'LobbyAdmitted',
					at: T0 + 6 * MIN,
					participantIds: ['c'],
					by: 'leader',
					byParticipantId: 'leader',
					announcement: 'names'
				}
			]);
		expect(lobbySize(admitted)).toBe(0);
		if (admitted.status === 'none') throw new Error('unreachable');
		expect(admitted.participants.map((p) => p.participantId)).toEqual(['leader', 'c']);
	});

	it('the organizer’s PIN gets in even when the meeting is locked', () => {
		given([...inProgress(), locked(T0 + 2 * MIN)])
			.when(
				{ type: 'JoinByPhone', participantId: 'leader-2', phoneNumber: '+46701111111', asLeader: true },
				T0 + 3 * MIN
			)
			.then([leaderJoinedByPhone(T0 + 3 * MIN, 'leader-2')]);
	});
});

describe('Capacity: lobby and meeting together hold at most maxParticipants', () => {
	it('refuses a caller once the lobby holds maxParticipants', () => {
		const rejection = given([opened({ maxParticipants: 2 }), inLobby('a', T0 + 1), inLobby('b', T0 + 2)])
			.when({ type: 'JoinByPhone', participantId: 'c', phoneNumber: '+46700000c', asLeader: false }, T0 + 3)
			.thenRejects('meeting-full');
		expect(rejection.message).toMatch(/^This meeting is full\./);
	});

	it('counts the lobby and the meeting together, for every way in', () => {
		const full = [
			...inProgress({ maxParticipants: 3 }),
			callerJoined('a', T0 + 2 * MIN),
			locked(T0 + 3 * MIN),
			inLobby('b', T0 + 4 * MIN)
		];
		given(full)
			.when(
				{ type: 'JoinByPhone', participantId: 'c', phoneNumber: '+46700000c', asLeader: false },
				T0 + 5 * MIN
			)
			.thenRejects('meeting-full');
		given(full)
			.when(
				{ type: 'JoinFromClient', participantId: 'web-1', userId: 'user-astrid', displayName: 'Astrid' },
				T0 + 5 * MIN
			)
			.thenRejects('meeting-full');
	});

	it('given three callers waiting in a meeting for three, when the organizer dials in with his PIN, then he gets in, the meeting starts and the whole lobby is admitted', () => {
		const waiting = [
			opened({ maxParticipants: 3 }),
			inLobby('a', T0 + 1),
			inLobby('b', T0 + 2),
			inLobby('c', T0 + 3)
		];
		given(waiting)
			.when(
				{ type: 'JoinByPhone', participantId: 'leader', phoneNumber: '+46701111111', asLeader: true },
				T0 + 4
			)
			.then([
				leaderJoinedByPhone(T0 + 4),
				{ type: 'MeetingStarted', at: T0 + 4, startedBy: 'leader-pin', participantId: 'leader' },
				{
					type: 'LobbyAdmitted',
					at: T0 + 4,
					participantIds: ['a', 'b', 'c'],
					by: 'meeting-start',
					byParticipantId: 'leader',
					announcement: 'names'
				}
			]);
	});

	it('given a full meeting, when the organizer joins from the client, then he gets in, and counts toward its size once in', () => {
		const full = [...inProgress({ maxParticipants: 2 }), callerJoined('a', T0 + 2 * MIN)];
		given(full)
			.when(
				{ type: 'JoinFromClient', participantId: 'web-1', userId: organizer.userId, displayName: 'Amos' },
				T0 + 3 * MIN
			)
			.then([organizerJoinedFromClient(T0 + 3 * MIN)]);
		given([...full, organizerJoinedFromClient(T0 + 3 * MIN)])
			.when(
				{ type: 'JoinByPhone', participantId: 'b', phoneNumber: '+46700000b', asLeader: false },
				T0 + 4 * MIN
			)
			.thenRejects('meeting-full');
	});

	it('has room again once someone has left', () => {
		given([
			...inProgress({ maxParticipants: 2 }),
			callerJoined('a', T0 + 2 * MIN),
			{ type: 'ParticipantLeft', at: T0 + 3 * MIN, participantId: 'a', announcement: 'names' }
		])
			.when(
				{ type: 'JoinByPhone', participantId: 'b', phoneNumber: '+46700000b', asLeader: false },
				T0 + 4 * MIN
			)
			.then([callerJoined('b', T0 + 4 * MIN)]);
	});
});

describe('Joining twice or after the end', () => {
	it('refuses a participant id already in the lobby or the meeting', () => {
		given([opened(), inLobby('a', T0 + 1)])
			.when({ type: 'JoinByPhone', participantId: 'a', phoneNumber: '+46700000a', asLeader: false }, T0 + 2)
			.thenRejects('already-joined');
		given(inProgress())
			.when(
				{ type: 'JoinFromClient', participantId: 'leader', userId: organizer.userId, displayName: 'Amos' },
				T0 + 2 * MIN
			)
			.thenRejects('already-joined');
	});

	it('refuses joins to an ended meeting', () => {
		const ended: MeetingEvent = {
			type: 'MeetingEnded',
			at: T0 + 9 * MIN,
			reason: 'ended-by-admin',
			disconnectedParticipantIds: ['leader']
		};
		given([...inProgress(), ended])
			.when(
				{ type: 'JoinByPhone', participantId: 'z', phoneNumber: '+46700000z', asLeader: true },
				T0 + 10 * MIN
			)
			.thenRejects('meeting-ended');
		given([...inProgress(), ended])
			.when(
				{ type: 'JoinFromClient', participantId: 'web-1', userId: organizer.userId, displayName: 'Amos' },
				T0 + 10 * MIN
			)
			.thenRejects('meeting-ended');
	});
});

describe('Leave: the meeting ends when the last person is gone', () => {
	it('a lobby caller who hangs up leaves the lobby', () => {
		const state = given([opened(), inLobby('a', T0 + 1), inLobby('b', T0 + 2)])
			.when({ type: 'Leave', participantId: 'a' }, T0 + 3)
			.then([{ type: 'CallerLeftLobby', at: T0 + 3, participantId: 'a', reason: 'hung-up' }]);
		expect(state.status).toBe('waiting');
		expect(lobbySize(state)).toBe(1);
	});

	it('a participant leaves with the configured announcement', () => {
		given([...inProgress({ announcements: 'tone' }), callerJoined('a', T0 + 2 * MIN)])
			.when({ type: 'Leave', participantId: 'a' }, T0 + 3 * MIN)
			.then([{ type: 'ParticipantLeft', at: T0 + 3 * MIN, participantId: 'a', announcement: 'tone' }]);
	});

	it('the leader leaving does not end a meeting others are still in', () => {
		const state = given([...inProgress(), callerJoined('a', T0 + 2 * MIN)])
			.when({ type: 'Leave', participantId: 'leader' }, T0 + 3 * MIN)
			.then([{ type: 'ParticipantLeft', at: T0 + 3 * MIN, participantId: 'leader', announcement: 'names' }]);
		expect(state.status).toBe('in-progress');
	});

	it('the last participant leaving ends the meeting', () => {
		const state = given(inProgress())
			.when({ type: 'Leave', participantId: 'leader' }, T0 + 3 * MIN)
			.then([
				{ type: 'ParticipantLeft', at: T0 + 3 * MIN, participantId: 'leader', announcement: 'names' },
				{
					type: 'MeetingEnded',
					at: T0 + 3 * MIN,
					reason: 'last-participant-left',
					disconnectedParticipantIds: []
				}
			]);
		expect(state.status).toBe('ended');
		expect(isLive(state)).toBe(false);
	});

	it('the last leaver ends the meeting and disconnects callers waiting in the locked lobby with meeting-ended', () => {
		const state = given([
			...inProgress(),
			locked(T0 + 2 * MIN),
			inLobby('c', T0 + 3 * MIN),
			inLobby('d', T0 + 4 * MIN)
		])
			.when({ type: 'Leave', participantId: 'leader' }, T0 + 5 * MIN)
			.then([
				{ type: 'ParticipantLeft', at: T0 + 5 * MIN, participantId: 'leader', announcement: 'names' },
				{
					type: 'LobbyCallersDisconnected',
					at: T0 + 5 * MIN,
					participantIds: ['c', 'd'],
					reason: 'meeting-ended'
				},
				{
					type: 'MeetingEnded',
					at: T0 + 5 * MIN,
					reason: 'last-participant-left',
					disconnectedParticipantIds: []
				}
			]);
		expect(state).toMatchObject({ status: 'ended', endedAt: T0 + 5 * MIN, lobby: [], participants: [] });
	});

	it('the last lobby caller of a waiting meeting hanging up ends it', () => {
		given([opened(), inLobby('a', T0 + 1)])
			.when({ type: 'Leave', participantId: 'a' }, T0 + 2)
			.then([
				{ type: 'CallerLeftLobby', at: T0 + 2, participantId: 'a', reason: 'hung-up' },
				{ type: 'MeetingEnded', at: T0 + 2, reason: 'last-participant-left', disconnectedParticipantIds: [] }
			]);
	});

	it('refuses someone who is not there', () => {
		given(inProgress())
			.when({ type: 'Leave', participantId: 'ghost' }, T0 + 2 * MIN)
			.thenRejects('not-in-meeting');
	});
});

describe('Keypad commands (Teams): *1 help, *6 mute, and for the leader *7 lock, *8 / *21 admit', () => {
	const withCaller = [...inProgress(), callerJoined('a', T0 + 2 * MIN)];

	it('*1 plays only the commands this participant may use', () => {
		given(withCaller)
			.when({ type: 'PressKeys', participantId: 'a', keys: '*1' }, T0 + 3 * MIN)
			.then([
				{ type: 'KeypadHelpPlayed', at: T0 + 3 * MIN, participantId: 'a', commands: ['*1', '*5', '*6'] }
			]);
		given(withCaller)
			.when({ type: 'PressKeys', participantId: 'leader', keys: '*1' }, T0 + 3 * MIN)
			.then([
				{
					type: 'KeypadHelpPlayed',
					at: T0 + 3 * MIN,
					participantId: 'leader',
					commands: ['*1', '*5', '*6', '*7', '*8', '*21', '*22', '*23']
				}
			]);
	});

	it('*6 mutes, and pressed again unmutes', () => {
		const muted = given(withCaller)
			.when({ type: 'PressKeys', participantId: 'a', keys: '*6' }, T0 + 3 * MIN)
			.then([
				{
					type: 'ParticipantMuteChanged',
					at: T0 + 3 * MIN,
					participantId: 'a',
					muted: true,
					byParticipantId: 'a'
				}
			]);
		if (muted.status === 'none') throw new Error('unreachable');
		expect(muted.participants.find((p) => p.participantId === 'a')?.muted).toBe(true);
		given([
			...withCaller,
			{
				type: 'ParticipantMuteChanged',
				at: T0 + 3 * MIN,
				participantId: 'a',
				muted: true,
				byParticipantId: 'a'
			}
		])
			.when({ type: 'PressKeys', participantId: 'a', keys: '*6' }, T0 + 4 * MIN)
			.then([
				{
					type: 'ParticipantMuteChanged',
					at: T0 + 4 * MIN,
					participantId: 'a',
					muted: false,
					byParticipantId: 'a'
				}
			]);
	});

	it('*7 locks, and pressed again unlocks', () => {
		given(withCaller)
			.when({ type: 'PressKeys', participantId: 'leader', keys: '*7' }, T0 + 3 * MIN)
			.then([{ type: 'MeetingLockChanged', at: T0 + 3 * MIN, locked: true, byParticipantId: 'leader' }]);
		given([...withCaller, locked(T0 + 3 * MIN)])
			.when({ type: 'PressKeys', participantId: 'leader', keys: '*7' }, T0 + 4 * MIN)
			.then([{ type: 'MeetingLockChanged', at: T0 + 4 * MIN, locked: false, byParticipantId: 'leader' }]);
	});

	it('*21 admits everyone from the lobby, like *8', () => {
		given([...withCaller, locked(T0 + 3 * MIN), inLobby('c', T0 + 4 * MIN), inLobby('d', T0 + 5 * MIN)])
			.when({ type: 'PressKeys', participantId: 'leader', keys: '*21' }, T0 + 6 * MIN)
			.then([
				{
					type: 'LobbyAdmitted',
					at: T0 + 6 * MIN,
					participantIds: ['c', 'd'],
					by: 'leader',
					byParticipantId: 'leader',
					announcement: 'names'
				}
			]);
	});

	it.each(['*7', '*8', '*21'])('refuses %s to a participant who is not the leader', (keys) => {
		given(withCaller)
			.when({ type: 'PressKeys', participantId: 'a', keys }, T0 + 3 * MIN)
			.thenRejects('not-leader');
	});

	it('refuses an unknown command', () => {
		given(withCaller)
			.when({ type: 'PressKeys', participantId: 'a', keys: '*9' }, T0 + 3 * MIN)
			.thenRejects('unknown-keypad-command');
	});

	it('refuses keypad commands from a caller still in the lobby: they can only hang up', () => {
		const rejection = given([...withCaller, locked(T0 + 3 * MIN), inLobby('c', T0 + 4 * MIN)])
			.when({ type: 'PressKeys', participantId: 'c', keys: '*6' }, T0 + 5 * MIN)
			.thenRejects('not-in-meeting');
		expect(rejection.message).toMatch(/lobby/);
	});

	it('refuses *8 when nobody waits', () => {
		given(withCaller)
			.when({ type: 'PressKeys', participantId: 'leader', keys: '*8' }, T0 + 3 * MIN)
			.thenRejects('lobby-empty');
	});
});

/** In progress, led by `leader`, with `a` in the meeting; locked, then `c` and `d` wait in the lobby. */
function lockedWithTwoWaiting(): MeetingEvent[] {
	return [
		...inProgress(),
		callerJoined('a', T0 + 2 * MIN),
		locked(T0 + 3 * MIN),
		inLobby('c', T0 + 4 * MIN),
		inLobby('d', T0 + 5 * MIN)
	];
}

describe('More of the keypad (Teams): *5 raise hand for everyone, *22 mute all and *23 announcements for the leader', () => {
	const withTwo = [...inProgress(), callerJoined('a', T0 + 2 * MIN), callerJoined('b', T0 + 2 * MIN)];

	it('*5 raises a hand, and pressed again lowers it', () => {
		const raised = given(withTwo)
			.when({ type: 'PressKeys', participantId: 'a', keys: '*5' }, T0 + 3 * MIN)
			.then([{ type: 'HandRaiseChanged', at: T0 + 3 * MIN, participantId: 'a', raised: true }]);
		expect(
			raised.status !== 'none' && raised.participants.find((p) => p.participantId === 'a')?.handRaised
		).toBe(true);
		given([...withTwo, { type: 'HandRaiseChanged', at: T0 + 3 * MIN, participantId: 'a', raised: true }])
			.when({ type: 'PressKeys', participantId: 'a', keys: '*5' }, T0 + 4 * MIN)
			.then([{ type: 'HandRaiseChanged', at: T0 + 4 * MIN, participantId: 'a', raised: false }]);
	});

	it('*22 mutes everyone but the leader who is not muted yet, in join order; they unmute themselves with *6', () => {
		const history = [
			...withTwo,
			{
				type: 'ParticipantMuteChanged',
				at: T0 + 3 * MIN,
				participantId: 'b',
				muted: true,
				byParticipantId: 'b'
			}
		] as MeetingEvent[];
		const state = given(history)
			.when({ type: 'PressKeys', participantId: 'leader', keys: '*22' }, T0 + 4 * MIN)
			.then([{ type: 'AudienceMuted', at: T0 + 4 * MIN, byParticipantId: 'leader', participantIds: ['a'] }]);
		if (state.status === 'none') throw new Error('unreachable');
		expect(state.participants.map((p) => [p.participantId, p.muted])).toEqual([
			['leader', false],
			['a', true],
			['b', true]
		]);
		given([
			...history,
			{ type: 'AudienceMuted', at: T0 + 4 * MIN, byParticipantId: 'leader', participantIds: ['a'] }
		])
			.when({ type: 'PressKeys', participantId: 'a', keys: '*6' }, T0 + 5 * MIN)
			.then([
				{
					type: 'ParticipantMuteChanged',
					at: T0 + 5 * MIN,
					participantId: 'a',
					muted: false,
					byParticipantId: 'a'
				}
			]);
	});

	it('*23 turns announcements off, so the next join is silent, and on again; where the settings have none, on means by name', () => {
		const off = given(withTwo)
			.when({ type: 'PressKeys', participantId: 'leader', keys: '*23' }, T0 + 3 * MIN)
			.then([{ type: 'AnnouncementsChanged', at: T0 + 3 * MIN, byParticipantId: 'leader', enabled: false }]);
		const joined = decideMeeting(
			off,
			{ type: 'JoinByPhone', participantId: 'c', phoneNumber: '+46700000c', asLeader: false },
			T0 + 4 * MIN
		);
		expect(joined.ok && joined.events[0]).toMatchObject({ type: 'ParticipantJoined', announcement: 'off' });
		given([
			...withTwo,
			{ type: 'AnnouncementsChanged', at: T0 + 3 * MIN, byParticipantId: 'leader', enabled: false }
		])
			.when({ type: 'PressKeys', participantId: 'leader', keys: '*23' }, T0 + 5 * MIN)
			.then([{ type: 'AnnouncementsChanged', at: T0 + 5 * MIN, byParticipantId: 'leader', enabled: true }]);

		const silent = [opened({ announcements: 'off' }), leaderJoinedByPhone(T0 + MIN), started(T0 + MIN)];
		const on = given(silent)
			.when({ type: 'PressKeys', participantId: 'leader', keys: '*23' }, T0 + 2 * MIN)
			.then([{ type: 'AnnouncementsChanged', at: T0 + 2 * MIN, byParticipantId: 'leader', enabled: true }]);
		const next = decideMeeting(
			on,
			{ type: 'JoinByPhone', participantId: 'c', phoneNumber: '+46700000c', asLeader: false },
			T0 + 3 * MIN
		);
		expect(next.ok && next.events[0]).toMatchObject({ announcement: 'names' });
	});

	it("*22 and *23 are the leader's; every command carries its name from Set-CsDialInConferencingDtmfConfiguration", () => {
		given(withTwo)
			.when({ type: 'PressKeys', participantId: 'a', keys: '*22' }, T0 + 3 * MIN)
			.thenRejects('not-leader');
		given(withTwo)
			.when({ type: 'PressKeys', participantId: 'a', keys: '*23' }, T0 + 3 * MIN)
			.thenRejects('not-leader');
		expect(KEYPAD_COMMANDS.map((c) => [c.keys, c.name])).toEqual([
			['*1', 'HelpCommand'],
			['*5', 'RaiseHand'],
			['*6', 'MuteUnmuteCommand'],
			['*7', 'LockUnlockConferenceCommand'],
			['*8', 'AdmitAll'],
			['*21', 'AdmitAll'],
			['*22', 'AudienceMuteCommand'],
			['*23', 'EnableDisableAnnouncementsCommand']
		]);
	});
});

describe('Admitting from the client UI: AdmitLobby (admit all) and AdmitCaller (admit one)', () => {
	const waiting = lockedWithTwoWaiting();

	it('AdmitLobby admits everyone in arrival order', () => {
		given(waiting)
			.when({ type: 'AdmitLobby', byParticipantId: 'leader' }, T0 + 6 * MIN)
			.then([
				{
					type: 'LobbyAdmitted',
					at: T0 + 6 * MIN,
					participantIds: ['c', 'd'],
					by: 'leader',
					byParticipantId: 'leader',
					announcement: 'names'
				}
			]);
	});

	it('AdmitLobby is for the leader only, and needs someone waiting', () => {
		given(waiting)
			.when({ type: 'AdmitLobby', byParticipantId: 'a' }, T0 + 6 * MIN)
			.thenRejects('not-leader');
		given(waiting)
			.when({ type: 'AdmitLobby', byParticipantId: 'c' }, T0 + 6 * MIN)
			.thenRejects('not-in-meeting');
		given(inProgress())
			.when({ type: 'AdmitLobby', byParticipantId: 'leader' }, T0 + 6 * MIN)
			.thenRejects('lobby-empty');
	});

	it('AdmitCaller admits one caller and leaves the others waiting', () => {
		const state = given(waiting)
			.when({ type: 'AdmitCaller', byParticipantId: 'leader', participantId: 'd' }, T0 + 6 * MIN)
			.then([
				{
					type: 'CallerAdmitted',
					at: T0 + 6 * MIN,
					participantId: 'd',
					byParticipantId: 'leader',
					announcement: 'names'
				}
			]);
		if (state.status === 'none') throw new Error('unreachable');
		expect(state.lobby.map((c) => c.participantId)).toEqual(['c']);
		expect(state.participants.map((p) => p.participantId)).toEqual(['leader', 'a', 'd']);
		expect(state.participants[2]).toMatchObject({
			via: 'phone',
			isLeader: false,
			muted: false,
			joinedAt: T0 + 6 * MIN
		});
	});

	it('AdmitCaller refuses a caller who is not waiting, and a non-leader', () => {
		given(waiting)
			.when({ type: 'AdmitCaller', byParticipantId: 'leader', participantId: 'a' }, T0 + 6 * MIN)
			.thenRejects('not-in-lobby');
		given(waiting)
			.when({ type: 'AdmitCaller', byParticipantId: 'a', participantId: 'c' }, T0 + 6 * MIN)
			.thenRejects('not-leader');
	});
});

describe('Declining a caller: DeclineCaller', () => {
	const waiting = lockedWithTwoWaiting();

	it('given two callers waiting in a locked meeting, when the leader declines one, then only that caller leaves the lobby', () => {
		const state = given(waiting)
			.when({ type: 'DeclineCaller', byParticipantId: 'leader', participantId: 'c' }, T0 + 6 * MIN)
			.then([{ type: 'CallerDeclined', at: T0 + 6 * MIN, participantId: 'c', byParticipantId: 'leader' }]);
		if (state.status === 'none') throw new Error('unreachable');
		expect(state.lobby.map((c) => c.participantId)).toEqual(['d']);
		expect(state.participants.map((p) => p.participantId)).toEqual(['leader', 'a']);
		// Declined is gone: declining or admitting them again is refused, and they may dial in anew.
		given([
			...waiting,
			{ type: 'CallerDeclined', at: T0 + 6 * MIN, participantId: 'c', byParticipantId: 'leader' }
		])
			.when({ type: 'AdmitCaller', byParticipantId: 'leader', participantId: 'c' }, T0 + 7 * MIN)
			.thenRejects('not-in-lobby');
	});

	it('refuses anyone but the leader, a caller who is not waiting, and a leader who is not in the meeting', () => {
		given(waiting)
			.when({ type: 'DeclineCaller', byParticipantId: 'a', participantId: 'c' }, T0 + 6 * MIN)
			.thenRejects('not-leader');
		given(waiting)
			.when({ type: 'DeclineCaller', byParticipantId: 'leader', participantId: 'a' }, T0 + 6 * MIN)
			.thenRejects('not-in-lobby');
		given(waiting)
			.when({ type: 'DeclineCaller', byParticipantId: 'd', participantId: 'c' }, T0 + 6 * MIN)
			.thenRejects('not-in-meeting');
	});

	it('a declined caller is no longer anywhere, so the same id may join again', () => {
		given([
			...waiting,
			{ type: 'CallerDeclined', at: T0 + 6 * MIN, participantId: 'c', byParticipantId: 'leader' }
		])
			.when(
				{ type: 'JoinByPhone', participantId: 'c', phoneNumber: '+46700000c', asLeader: false },
				T0 + 7 * MIN
			)
			.then([inLobby('c', T0 + 7 * MIN)]);
	});
});

describe('Why is this caller waiting? explainWait and explainLobby', () => {
	it('given a meeting that has not started, then the gate is "not-started" (S5, S11): the organizer\'s PIN or a client join would let them in', () => {
		const state = given([opened(), inLobby('a', T0 + MIN), inLobby('b', T0 + 2 * MIN)]).state();
		expect(explainWait(state, 'b', T0 + 5 * MIN)).toEqual({
			participantId: 'b',
			phoneNumber: '+46700000b',
			position: 2,
			waitedMs: 3 * MIN,
			gate: 'not-started',
			rules: ['S5', 'S11'],
			remedies: ['organizer-pin', 'client-join'],
			timesOutAt: null,
			atStart: 'admitted',
			mode: 'classic'
		});
	});

	it('given a locked meeting in progress, then the gate is "locked": the leader admits', () => {
		const state = given([...inProgress(), locked(T0 + 2 * MIN), inLobby('c', T0 + 3 * MIN)]).state();
		expect(explainWait(state, 'c', T0 + 4 * MIN)).toMatchObject({
			position: 1,
			gate: 'locked',
			rules: [],
			remedies: ['leader-admits']
		});
	});

	it('given the leader unlocked after the caller arrived, then the gate is "not-admitted": unlocking admits nobody', () => {
		const state = given([
			...inProgress(),
			locked(T0 + 2 * MIN),
			inLobby('c', T0 + 3 * MIN),
			{ type: 'MeetingLockChanged', at: T0 + 4 * MIN, locked: false, byParticipantId: 'leader' }
		]).state();
		expect(explainWait(state, 'c', T0 + 5 * MIN)).toMatchObject({
			gate: 'not-admitted',
			remedies: ['leader-admits']
		});
	});

	it('given a lobby timeout, then it says when the caller will be sent away', () => {
		const state = given([opened({ lobbyTimeoutMinutes: 10 }), inLobby('a', T0 + MIN)]).state();
		expect(explainWait(state, 'a', T0 + 2 * MIN)?.timesOutAt).toBe(T0 + 11 * MIN);
	});

	it('answers null for anyone not in the lobby: in the meeting, unknown, or the meeting ended', () => {
		const state = given([...inProgress(), callerJoined('a', T0 + 2 * MIN)]).state();
		expect(explainWait(state, 'a', T0 + 3 * MIN)).toBeNull();
		expect(explainWait(state, 'nobody', T0 + 3 * MIN)).toBeNull();
		expect(explainWait(initialMeetingState, 'a', T0)).toBeNull();
		const ended = given([
			opened(),
			inLobby('a', T0 + MIN),
			{ type: 'MeetingEnded', at: T0 + 2 * MIN, reason: 'ended-by-admin', disconnectedParticipantIds: [] }
		]).state();
		expect(explainLobby(ended, T0 + 3 * MIN)).toEqual([]);
	});

	it('explainLobby explains everyone in arrival order, with positions', () => {
		const state = given([
			opened(),
			inLobby('a', T0 + MIN),
			inLobby('b', T0 + 2 * MIN),
			inLobby('c', T0 + 3 * MIN)
		]).state();
		const all = explainLobby(state, T0 + 4 * MIN);
		expect(all.map((e) => [e.participantId, e.position, e.waitedMs])).toEqual([
			['a', 1, 3 * MIN],
			['b', 2, 2 * MIN],
			['c', 3, MIN]
		]);
		expect(all.every((e) => e.gate === 'not-started')).toBe(true);
	});
});

describe('The lobby policy: classic and teams, every combination for a caller dialing in', () => {
	type Case = {
		mode: 'classic' | 'teams';
		bypass: boolean;
		autoAdmitted: (typeof AUTO_ADMITTED_USERS)[number];
		anonymousStart: boolean;
		started: boolean;
		locked: boolean;
		full: boolean;
	};
	const policyOf = (c: Case) => ({
		...DEFAULT_LOBBY_POLICY,
		mode: c.mode,
		autoAdmittedUsers: c.autoAdmitted,
		allowPstnUsersToBypassLobby: c.bypass,
		allowAnonymousUsersToStartMeeting: c.anonymousStart
	});
	/**
	 * What happens to an anonymous caller, from docs/rules.md, "The lobby policy": where they end up
	 * and, in the lobby, which gate holds them. Written out as the rules say it, not computed the way
	 * the domain computes it.
	 */
	function expected(c: Case): { placed: 'starts' | 'joins' | 'lobby' | 'refused'; gate: string | null } {
		// A full meeting holds nobody in the lobby: the caller is turned away at the door.
		if (c.full) return { placed: 'refused', gate: null };
		if (!c.started) {
			const mayStart = c.mode === 'teams' && c.bypass && c.autoAdmitted === 'Everyone' && c.anonymousStart;
			return mayStart ? { placed: 'starts', gate: null } : { placed: 'lobby', gate: 'not-started' };
		}
		if (c.locked) return { placed: 'lobby', gate: 'locked' };
		if (c.mode === 'teams' && !c.bypass) return { placed: 'lobby', gate: 'admission-required' };
		return { placed: 'joins', gate: null };
	}
	const cases: Case[] = [];
	for (const mode of ['classic', 'teams'] as const)
		for (const bypass of [false, true])
			for (const autoAdmitted of AUTO_ADMITTED_USERS)
				for (const anonymousStart of [false, true])
					for (const started of [false, true])
						for (const locked of started ? [false, true] : [false])
							for (const full of [false, true])
								cases.push({ mode, bypass, autoAdmitted, anonymousStart, started, locked, full });

	it.each(cases)(
		'given %o, when a caller dials in, then they start, join or wait at the expected gate',
		(c) => {
			// Full: two in a meeting for two (the leader and a caller, or two waiting callers).
			const history: MeetingEvent[] = [
				opened({ lobbyPolicy: policyOf(c), ...(c.full ? { maxParticipants: 2 } : {}) })
			];
			if (c.started) history.push(leaderJoinedByPhone(T0 + MIN), started(T0 + MIN));
			if (c.locked) history.push(locked(T0 + 2 * MIN));
			if (c.full)
				history.push(
					...(c.started
						? [callerJoined('f1', T0 + 2 * MIN)]
						: [inLobby('f1', T0 + 2 * MIN), inLobby('f2', T0 + 2 * MIN)])
				);
			const decision = decideMeeting(
				given(history).state(),
				{ type: 'JoinByPhone', participantId: 'x', phoneNumber: '+46700000x', asLeader: false },
				T0 + 3 * MIN
			);
			const want = expected(c);
			if (want.placed === 'refused') {
				expect(!decision.ok && decision.rejection.code).toBe('meeting-full');
				return;
			}
			expect(decision.ok).toBe(true);
			if (!decision.ok) return;
			const types = decision.events.map((e) => e.type);
			if (want.placed === 'starts') expect(types).toEqual(['ParticipantJoined', 'MeetingStarted']);
			if (want.placed === 'joins') expect(types).toEqual(['ParticipantJoined']);
			if (want.placed === 'lobby') {
				expect(types).toEqual(['CallerEnteredLobby']);
				const after = given([...history, ...decision.events]).state();
				expect(explainWait(after, 'x', T0 + 4 * MIN)?.gate).toBe(want.gate);
			}
		}
	);

	it('given teams without PSTN bypass, when the organizer starts the meeting, then the callers stay in the lobby, waiting to be admitted', () => {
		const teams = { ...DEFAULT_LOBBY_POLICY, mode: 'teams' as const };
		const history = [opened({ lobbyPolicy: teams }), inLobby('a', T0 + MIN)];
		expect(explainWait(given(history).state(), 'a', T0 + MIN)).toMatchObject({
			gate: 'not-started',
			atStart: 'waits'
		});
		const state = given(history)
			.when(
				{ type: 'JoinByPhone', participantId: 'leader', phoneNumber: '+46701111111', asLeader: true },
				T0 + 2 * MIN
			)
			.then([leaderJoinedByPhone(T0 + 2 * MIN), started(T0 + 2 * MIN)]);
		expect(explainWait(state, 'a', T0 + 3 * MIN)).toMatchObject({
			gate: 'admission-required',
			remedies: ['leader-admits']
		});
	});

	it('given teams with PSTN bypass, when the organizer starts the meeting, then the lobby is admitted with him ("dial-in bypass" waits for the start)', () => {
		const bypass = { ...DEFAULT_LOBBY_POLICY, mode: 'teams' as const, allowPstnUsersToBypassLobby: true };
		const history = [opened({ lobbyPolicy: bypass }), inLobby('a', T0 + MIN)];
		expect(explainWait(given(history).state(), 'a', T0 + MIN)).toMatchObject({
			gate: 'not-started',
			atStart: 'admitted'
		});
		given(history)
			.when(
				{ type: 'JoinByPhone', participantId: 'leader', phoneNumber: '+46701111111', asLeader: true },
				T0 + 2 * MIN
			)
			.then([
				leaderJoinedByPhone(T0 + 2 * MIN),
				started(T0 + 2 * MIN),
				{
					type: 'LobbyAdmitted',
					at: T0 + 2 * MIN,
					participantIds: ['a'],
					by: 'meeting-start',
					byParticipantId: 'leader',
					announcement: 'names'
				}
			]);
	});

	it('a policy change reaches a live meeting as one event, applies to callers who arrive after, and admits nobody who waits', () => {
		const history = [
			...inProgress({ lobbyPolicy: { ...DEFAULT_LOBBY_POLICY, mode: 'teams' } }),
			inLobby('a', T0 + 2 * MIN)
		];
		const open = { ...DEFAULT_LOBBY_POLICY, mode: 'teams' as const, allowPstnUsersToBypassLobby: true };
		const state = given(history)
			.when({ type: 'ChangeLobbyPolicy', lobbyPolicy: open }, T0 + 3 * MIN)
			.then([{ type: 'LobbyPolicyChanged', at: T0 + 3 * MIN, lobbyPolicy: open }]);
		expect(explainWait(state, 'a', T0 + 4 * MIN)?.gate).toBe('not-admitted');
		const next = decideMeeting(
			state,
			{ type: 'JoinByPhone', participantId: 'b', phoneNumber: '+46700000b', asLeader: false },
			T0 + 4 * MIN
		);
		expect(next.ok && next.events.map((e) => e.type)).toEqual(['ParticipantJoined']);
		// The same policy again changes nothing; a bad one is refused.
		given([...history, { type: 'LobbyPolicyChanged', at: T0 + 3 * MIN, lobbyPolicy: open }])
			.when({ type: 'ChangeLobbyPolicy', lobbyPolicy: open }, T0 + 5 * MIN)
			.then([]);
		given(history)
			.when(
				{ type: 'ChangeLobbyPolicy', lobbyPolicy: { ...open, autoAdmittedUsers: 'OrganizerOnly' as never } },
				T0 + 5 * MIN
			)
			.thenRejects('invalid-settings');
	});

	it('a meeting opened before there was a lobby policy replays as classic', () => {
		const { lobbyPolicy: _none, ...oldSettings } = DEFAULT_MEETING_SETTINGS;
		const old = { ...opened(), settings: oldSettings } as unknown as MeetingEvent;
		const state = given([old]).state();
		expect(state.status !== 'none' && state.settings.lobbyPolicy).toEqual(DEFAULT_LOBBY_POLICY);
	});
});

describe("Meeting end timers: on the meeting's clock, the first to run out ends it", () => {
	const HOUR = 60 * MIN;
	const tick = { type: 'EndDueMeeting' } as const;
	/** Amos starts by PIN at T0 + 1 min; a caller is in; then Amos leaves. */
	const pinStarted = [...inProgress(), callerJoined('a', T0 + 2 * MIN)];
	const leaderLeft: MeetingEvent = {
		type: 'ParticipantLeft',
		at: T0 + 3 * MIN,
		participantId: 'leader',
		announcement: 'names'
	};

	it('given only callers left where a PIN was used, then the meeting ends 24 hours after the leader left, not a minute before', () => {
		const history = [...pinStarted, leaderLeft];
		expect(endTimerDue(given(history).state())).toEqual({
			at: T0 + 3 * MIN + 24 * HOUR,
			reason: 'callers-only'
		});
		given(history)
			.when(tick, T0 + 3 * MIN + 24 * HOUR - 1)
			.then([]);
		given(history)
			.when(tick, T0 + 3 * MIN + 24 * HOUR)
			.then([
				{
					type: 'MeetingEnded',
					at: T0 + 3 * MIN + 24 * HOUR,
					reason: 'callers-only',
					disconnectedParticipantIds: ['a']
				}
			]);
	});

	it('given a meeting callers may start (PSTN-only), started by a caller, then it ends 4 hours after its start', () => {
		const history: MeetingEvent[] = [
			opened({ allowPstnOnly: true }),
			callerJoined('a', T0 + MIN),
			{ type: 'MeetingStarted', at: T0 + MIN, startedBy: 'pstn-only', participantId: 'a' }
		];
		expect(endTimerDue(given(history).state())).toEqual({ at: T0 + MIN + 4 * HOUR, reason: 'callers-only' });
	});

	it('given callers may not start it and the signed-in organizer left, then it ends 90 minutes after he left, unless he comes back', () => {
		const history: MeetingEvent[] = [
			opened(),
			organizerJoinedFromClient(T0 + MIN),
			{ type: 'MeetingStarted', at: T0 + MIN, startedBy: 'client', participantId: 'web-1' },
			callerJoined('a', T0 + 2 * MIN),
			{ type: 'ParticipantLeft', at: T0 + 10 * MIN, participantId: 'web-1', announcement: 'names' }
		];
		expect(endTimerDue(given(history).state())).toEqual({ at: T0 + 100 * MIN, reason: 'verified-left' });
		given(history)
			.when(tick, T0 + 100 * MIN)
			.then([
				{
					type: 'MeetingEnded',
					at: T0 + 100 * MIN,
					reason: 'verified-left',
					disconnectedParticipantIds: ['a']
				}
			]);
		const back = [...history, organizerJoinedFromClient(T0 + 20 * MIN, 'web-2')];
		expect(endTimerDue(given(back).state())?.reason).toBe('roster-unchanged');
		given(back)
			.when(tick, T0 + 100 * MIN)
			.then([]);
	});

	it('given someone verified in the meeting, then it ends when nobody joined or left for 24 hours; a join resets that', () => {
		expect(endTimerDue(given(pinStarted).state())).toEqual({
			at: T0 + 2 * MIN + 24 * HOUR,
			reason: 'roster-unchanged'
		});
		const later = [...pinStarted, callerJoined('b', T0 + 5 * HOUR)];
		expect(endTimerDue(given(later).state())).toEqual({
			at: T0 + 5 * HOUR + 24 * HOUR,
			reason: 'roster-unchanged'
		});
	});

	it('every meeting ends at 30 hours, however busy', () => {
		let history: MeetingEvent[] = [...pinStarted];
		for (let h = 1; h <= 29; h++) history = [...history, callerJoined(`c${h}`, T0 + h * HOUR)];
		expect(endTimerDue(given(history).state())).toEqual({ at: T0 + MIN + 30 * HOUR, reason: 'max-length' });
	});

	it('given callers waiting in the lobby when a timer ends the meeting, then they hear why too', () => {
		const history = [...pinStarted, leaderLeft, locked(T0 + 3 * MIN), inLobby('w', T0 + 4 * MIN)];
		const decision = decideMeeting(given(history).state(), tick, T0 + 3 * MIN + 24 * HOUR);
		expect(decision.ok && decision.events[0]).toMatchObject({
			type: 'LobbyCallersDisconnected',
			participantIds: ['w'],
			reason: 'meeting-ended',
			endReason: 'callers-only'
		});
	});

	it('given a meeting a caller started where callers may no longer start one, then it ends 90 minutes after its start', () => {
		const history: MeetingEvent[] = [
			opened({ allowPstnOnly: true }),
			callerJoined('a', T0 + MIN),
			{ type: 'MeetingStarted', at: T0 + MIN, startedBy: 'pstn-only', participantId: 'a' },
			{
				type: 'LobbyPolicyChanged',
				at: T0 + 2 * MIN,
				lobbyPolicy: { ...DEFAULT_LOBBY_POLICY, mode: 'teams' }
			}
		];
		// allowPstnOnly still lets callers start it (S6): 4 hours; without it, 90 minutes from the start.
		expect(endTimerDue(given(history).state())?.reason).toBe('callers-only');
		const strict = [
			{ ...(history[0] as MeetingEvent), settings: { ...DEFAULT_MEETING_SETTINGS } } as MeetingEvent,
			...history.slice(1)
		];
		expect(endTimerDue(given(strict).state())).toEqual({ at: T0 + MIN + 90 * MIN, reason: 'verified-left' });
	});

	it('no timer runs before the start or after the end', () => {
		expect(endTimerDue(given([opened(), inLobby('a', T0 + MIN)]).state())).toBeNull();
		given([opened(), inLobby('a', T0 + MIN)])
			.when(tick, T0 + 40 * HOUR)
			.then([]);
		expect(endTimerDue(initialMeetingState)).toBeNull();
	});
});

describe("Meeting options: the organizer's lobby choice for one meeting, over its policy", () => {
	const teams = { ...DEFAULT_LOBBY_POLICY, mode: 'teams' as const };
	const join = (participantId: string) =>
		({
			type: 'JoinByPhone',
			participantId,
			phoneNumber: `+46700000${participantId}`,
			asLeader: false
		}) as const;
	const bypass = (on: boolean, byUserId = organizer.userId) =>
		({ type: 'SetMeetingOptions', byUserId, options: { allowPstnUsersToBypassLobby: on } }) as const;
	const changed = (at: number, options: object): MeetingEvent => ({
		type: 'MeetingOptionsChanged',
		at,
		byUserId: organizer.userId,
		options
	});

	it('given a Teams lobby without bypass, when the organizer lets people dialing in bypass it, then the next caller joins at once', () => {
		const history = inProgress({ lobbyPolicy: teams });
		given(history)
			.when(join('a'), T0 + 2 * MIN)
			.then([inLobby('a', T0 + 2 * MIN)]);
		const after = given(history)
			.when(bypass(true), T0 + 2 * MIN)
			.then([changed(T0 + 2 * MIN, { allowPstnUsersToBypassLobby: true })]);
		expect(after.status !== 'none' && lobbyPolicyOf(after).allowPstnUsersToBypassLobby).toBe(true);
		const decision = given([...history, changed(T0 + 2 * MIN, { allowPstnUsersToBypassLobby: true })]).when(
			join('a'),
			T0 + 3 * MIN
		).decision;
		expect(decision.ok && decision.events.map((e) => e.type)).toEqual(['ParticipantJoined']);
	});

	it('given options set, then a later policy change keeps them, the same options again change nothing, and {} goes back to the policy', () => {
		const history = [
			...inProgress({ lobbyPolicy: teams }),
			changed(T0 + 2 * MIN, { allowPstnUsersToBypassLobby: true })
		];
		const later = [
			...history,
			{
				type: 'LobbyPolicyChanged',
				at: T0 + 3 * MIN,
				lobbyPolicy: { ...teams, usersCanAdmitFromLobby: 'OrganizerAndCoOrganizersOnly' }
			} as MeetingEvent
		];
		const state = given(later).state();
		expect(state.status !== 'none' && lobbyPolicyOf(state)).toMatchObject({
			allowPstnUsersToBypassLobby: true,
			usersCanAdmitFromLobby: 'OrganizerAndCoOrganizersOnly'
		});
		given(later)
			.when(bypass(true), T0 + 4 * MIN)
			.then([]);
		const reset = given(later)
			.when({ type: 'SetMeetingOptions', byUserId: organizer.userId, options: {} }, T0 + 4 * MIN)
			.then([changed(T0 + 4 * MIN, {})]);
		expect(reset.status !== 'none' && reset.lobbyOptions).toBeUndefined();
		expect(reset.status !== 'none' && lobbyPolicyOf(reset).allowPstnUsersToBypassLobby).toBe(false);
	});

	it('given a waiting meeting, then options with bypass decide whether the start admits the lobby, and anonymous start follows Everyone', () => {
		const waiting = [
			opened({ lobbyPolicy: { ...teams, allowAnonymousUsersToStartMeeting: true } }),
			inLobby('a', T0 + MIN)
		];
		const withOptions = [
			...waiting,
			changed(T0 + 2 * MIN, { allowPstnUsersToBypassLobby: true, autoAdmittedUsers: 'Everyone' })
		];
		// Everyone, anonymous start and bypass: the next caller starts the meeting.
		const decision = given(withOptions).when(join('b'), T0 + 3 * MIN).decision;
		expect(decision.ok && decision.events.map((e) => e.type)).toEqual([
			'ParticipantJoined',
			'MeetingStarted',
			'LobbyAdmitted'
		]);
		expect(explainWait(given(waiting).state(), 'a', T0 + 2 * MIN)?.atStart).toBe('waits');
		expect(explainWait(given(withOptions).state(), 'a', T0 + 2 * MIN)?.atStart).toBe('admitted');
	});

	it('given anyone but the organizer, or the classic lobby, or a value Teams does not have, then the options are refused, saying why', () => {
		given(inProgress({ lobbyPolicy: teams }))
			.when(bypass(true, 'user-astrid'), T0 + 2 * MIN)
			.thenRejects('not-organizer');
		const classic = given(inProgress())
			.when(bypass(true), T0 + 2 * MIN)
			.thenRejects('invalid-settings');
		expect(classic.message).toContain('The classic lobby has no meeting options');
		given(inProgress({ lobbyPolicy: teams }))
			.when(
				{
					type: 'SetMeetingOptions',
					byUserId: organizer.userId,
					options: { autoAdmittedUsers: 'OrganizerOnly' as never }
				},
				T0 + 2 * MIN
			)
			.thenRejects('invalid-settings');
	});
});

describe("Queue position: waiting callers hear their place in the lobby, Lobby's own", () => {
	const announced = { announceLobbyPosition: true, lobbyPositionRepeatSeconds: 60 };
	const join = (participantId: string) =>
		({
			type: 'JoinByPhone',
			participantId,
			phoneNumber: `+46700000${participantId}`,
			asLeader: false
		}) as const;
	const tick = { type: 'TellLobbyPositions' } as const;
	const told = (at: number, positions: Record<string, number>): MeetingEvent => ({
		type: 'LobbyPositionsTold',
		at,
		participantIds: Object.keys(positions),
		positions: Object.values(positions)
	});

	it('given the position off (the default), then a caller enters the lobby without one, and the tick tells nobody', () => {
		const history = [opened(), inLobby('a', T0 + MIN)];
		given([opened()])
			.when(join('a'), T0 + MIN)
			.then([inLobby('a', T0 + MIN)]);
		given(history)
			.when(tick, T0 + 60 * MIN)
			.then([]);
		expect(lobbyPositionsDue(given(history).state())).toBeNull();
	});

	it('given the position on, then a caller entering the lobby is told its place, last in line', () => {
		given([opened(announced), inLobby('a', T0 + MIN)])
			.when(join('b'), T0 + 2 * MIN)
			.then([{ ...inLobby('b', T0 + 2 * MIN), position: 2 } as MeetingEvent]);
	});

	it('given a place told at entry, then the caller hears it again a repeat later, not a moment before, at its place then', () => {
		const history: MeetingEvent[] = [
			opened(announced),
			{ ...inLobby('a', T0 + 10_000), position: 1 } as MeetingEvent,
			{ ...inLobby('b', T0 + 20_000), position: 2 } as MeetingEvent,
			{ type: 'CallerLeftLobby', at: T0 + 30_000, participantId: 'a', reason: 'hung-up' }
		];
		expect(lobbyPositionsDue(given(history).state())).toBe(T0 + 80_000);
		given(history)
			.when(tick, T0 + 79_999)
			.then([]);
		given(history)
			.when(tick, T0 + 80_000)
			.then([told(T0 + 80_000, { b: 1 })]);
	});

	it('given callers told at different times, then one tick tells only those whose turn has come, each at its own place', () => {
		const history: MeetingEvent[] = [
			opened(announced),
			{ ...inLobby('a', T0), position: 1 } as MeetingEvent,
			{ ...inLobby('b', T0 + 30_000), position: 2 } as MeetingEvent,
			{ ...inLobby('c', T0 + 50_000), position: 3 } as MeetingEvent,
			told(T0 + 60_000, { a: 1 })
		];
		const state = given(history).state();
		expect(state.status !== 'none' && state.lobby.map((c) => c.positionToldAt)).toEqual([
			T0 + 60_000,
			T0 + 30_000,
			T0 + 50_000
		]);
		given(history)
			.when(tick, T0 + 110_000)
			.then([told(T0 + 110_000, { b: 2, c: 3 })]);
	});

	it('given a repeat of 0, then the place is told on entering only', () => {
		const history: MeetingEvent[] = [
			opened({ announceLobbyPosition: true, lobbyPositionRepeatSeconds: 0 }),
			{ ...inLobby('a', T0), position: 1 } as MeetingEvent
		];
		expect(lobbyPositionsDue(given(history).state())).toBeNull();
		given(history)
			.when(tick, T0 + 24 * 60 * MIN)
			.then([]);
	});

	it('given an ended meeting, then the tick has nothing to do', () => {
		given([
			...inProgress(),
			{ type: 'MeetingEnded', at: T0 + 5 * MIN, reason: 'ended-by-admin', disconnectedParticipantIds: [] }
		])
			.when(tick, T0 + 60 * MIN)
			.then([]);
	});

	it('given a repeat out of range, then the meeting does not open', () => {
		given([])
			.when(
				{
					type: 'OpenMeeting',
					meetingId: 'm-1',
					conferenceId: '8675309',
					organizer,
					settings: { announceLobbyPosition: true, lobbyPositionRepeatSeconds: 3601 }
				},
				T0
			)
			.thenRejects('invalid-settings');
	});

	it('given a meeting opened before there were queue positions, then its callers are told nothing', () => {
		const { announceLobbyPosition: _a, lobbyPositionRepeatSeconds: _r, ...older } = DEFAULT_MEETING_SETTINGS;
		const oldOpened = { ...opened(), settings: older } as unknown as MeetingEvent;
		const state = given([oldOpened]).state();
		expect(state.status !== 'none' && state.settings.announceLobbyPosition).toBe(false);
		given([oldOpened])
			.when(join('a'), T0 + MIN)
			.then([inLobby('a', T0 + MIN)]);
	});
});

describe('leaderInMeeting: the organizer acting as the leader in his meeting', () => {
	it("finds the leader by the organizer's user id, by PIN or from the client, and nobody else", () => {
		const byPhone = given(inProgress()).state();
		expect(leaderInMeeting(byPhone, organizer.userId)?.participantId).toBe('leader');
		expect(leaderInMeeting(byPhone, 'user-astrid')).toBeUndefined();
		expect(leaderInMeeting(byPhone, '')).toBeUndefined();
		const fromClient = given([
			opened(),
			organizerJoinedFromClient(T0 + MIN),
			{ type: 'MeetingStarted', at: T0 + MIN, startedBy: 'client', participantId: 'web-1' }
		]).state();
		expect(leaderInMeeting(fromClient, organizer.userId)?.participantId).toBe('web-1');
	});

	it('finds nobody before the meeting starts, or once the leader has left', () => {
		expect(
			leaderInMeeting(given([opened(), inLobby('a', T0 + MIN)]).state(), organizer.userId)
		).toBeUndefined();
		const left = given([
			...inProgress(),
			callerJoined('a', T0 + 2 * MIN),
			{ type: 'ParticipantLeft', at: T0 + 3 * MIN, participantId: 'leader', announcement: 'names' }
		]).state();
		expect(leaderInMeeting(left, organizer.userId)).toBeUndefined();
	});
});

describe('Lobby timeout: callers who waited lobbyTimeoutMinutes are disconnected', () => {
	it('disconnects everyone who waited at least the timeout, in arrival order, in one event', () => {
		const state = given([
			...inProgress({ lobbyTimeoutMinutes: 5 }),
			locked(T0 + 2 * MIN),
			inLobby('c', T0 + 2 * MIN),
			inLobby('d', T0 + 3 * MIN),
			inLobby('e', T0 + 6 * MIN)
		])
			.when({ type: 'ExpireLobbyWaits' }, T0 + 8 * MIN)
			.then([
				{
					type: 'LobbyCallersDisconnected',
					at: T0 + 8 * MIN,
					participantIds: ['c', 'd'],
					reason: 'lobby-timeout'
				}
			]);
		expect(state.status).toBe('in-progress');
		if (state.status === 'none') throw new Error('unreachable');
		expect(state.lobby.map((c) => c.participantId)).toEqual(['e']);
	});

	it('has nothing to do when nobody has waited long enough, or there is no timeout', () => {
		given([opened({ lobbyTimeoutMinutes: 5 }), inLobby('a', T0 + MIN)])
			.when({ type: 'ExpireLobbyWaits' }, T0 + 5 * MIN)
			.then([]);
		given([opened(), inLobby('a', T0 + MIN)])
			.when({ type: 'ExpireLobbyWaits' }, T0 + 600 * MIN)
			.then([]);
	});

	it('says when the next caller is due to be sent away: the instant ExpireLobbyWaits first has someone to send', () => {
		const state = given([
			opened({ lobbyTimeoutMinutes: 5 }),
			inLobby('a', T0 + MIN),
			inLobby('b', T0 + 2 * MIN)
		]).state();
		const due = lobbyTimeoutDue(state);
		expect(due).toBe(T0 + 6 * MIN);
		expect(decideMeeting(state, { type: 'ExpireLobbyWaits' }, due! - 1)).toEqual({ ok: true, events: [] });
		const atDue = decideMeeting(state, { type: 'ExpireLobbyWaits' }, due!);
		expect(atDue.ok && atDue.events.map((e) => e.type)).toEqual(['LobbyCallersDisconnected']);
		expect(longestWaitMs(state, due!)).toBe(5 * MIN);
		// Nobody waiting, no timeout, no meeting: never due.
		expect(lobbyTimeoutDue(given([opened({ lobbyTimeoutMinutes: 5 })]).state())).toBeNull();
		expect(lobbyTimeoutDue(given([opened(), inLobby('a', T0)]).state())).toBeNull();
		expect(lobbyTimeoutDue(initialMeetingState)).toBeNull();
	});

	it('ends a waiting meeting whose whole lobby timed out', () => {
		given([opened({ lobbyTimeoutMinutes: 5 }), inLobby('a', T0), inLobby('b', T0 + MIN)])
			.when({ type: 'ExpireLobbyWaits' }, T0 + 6 * MIN)
			.then([
				{
					type: 'LobbyCallersDisconnected',
					at: T0 + 6 * MIN,
					participantIds: ['a', 'b'],
					reason: 'lobby-timeout'
				},
				{ type: 'MeetingEnded', at: T0 + 6 * MIN, reason: 'lobby-timeout', disconnectedParticipantIds: [] }
			]);
	});

	it('is a harmless tick after the meeting ended', () => {
		given([
			...inProgress(),
			{
				type: 'MeetingEnded',
				at: T0 + 2 * MIN,
				reason: 'ended-by-admin',
				disconnectedParticipantIds: ['leader']
			}
		])
			.when({ type: 'ExpireLobbyWaits' }, T0 + 3 * MIN)
			.then([]);
	});
});

describe('EndMeeting: an administrator or the simulator ends the meeting', () => {
	it('disconnects the lobby and everyone in the meeting', () => {
		const state = given([
			...inProgress(),
			callerJoined('a', T0 + 2 * MIN),
			locked(T0 + 3 * MIN),
			inLobby('c', T0 + 4 * MIN)
		])
			.when({ type: 'EndMeeting', reason: 'ended-by-admin' }, T0 + 5 * MIN)
			.then([
				{
					type: 'LobbyCallersDisconnected',
					at: T0 + 5 * MIN,
					participantIds: ['c'],
					reason: 'meeting-ended'
				},
				{
					type: 'MeetingEnded',
					at: T0 + 5 * MIN,
					reason: 'ended-by-admin',
					disconnectedParticipantIds: ['leader', 'a']
				}
			]);
		expect(state).toMatchObject({ status: 'ended', lobby: [], participants: [] });
	});

	it('ends a waiting meeting too, and refuses to end it twice', () => {
		given([opened()])
			.when({ type: 'EndMeeting', reason: 'ended-by-simulator' }, T0 + 1)
			.then([
				{ type: 'MeetingEnded', at: T0 + 1, reason: 'ended-by-simulator', disconnectedParticipantIds: [] }
			]);
		given([
			opened(),
			{ type: 'MeetingEnded', at: T0 + 1, reason: 'ended-by-simulator', disconnectedParticipantIds: [] }
		])
			.when({ type: 'EndMeeting', reason: 'ended-by-admin' }, T0 + 2)
			.thenRejects('meeting-ended');
	});
});

describe('Read helpers: lobbySize, longestWaitMs, isLive', () => {
	it('reads the dashboard figures', () => {
		const state = replay(meetingDecider, [opened(), inLobby('a', T0 + MIN), inLobby('b', T0 + 3 * MIN)]);
		expect(lobbySize(state)).toBe(2);
		expect(longestWaitMs(state, T0 + 10 * MIN)).toBe(9 * MIN);
		expect(isLive(state)).toBe(true);
	});

	it('reads zero for a meeting that is not open or has nobody waiting', () => {
		expect(lobbySize(initialMeetingState)).toBe(0);
		expect(longestWaitMs(initialMeetingState, T0)).toBe(0);
		expect(isLive(initialMeetingState)).toBe(false);
		expect(longestWaitMs(replay(meetingDecider, inProgress()), T0 + 5 * MIN)).toBe(0);
	});
});

describe('Read helpers: admissionWaitsMs', () => {
	const admitted = (at: number, participantIds: string[]): MeetingEvent => ({
		type: 'LobbyAdmitted',
		at,
		participantIds,
		by: 'meeting-start',
		byParticipantId: 'leader',
		announcement: 'names'
	});

	it('given two callers waiting, when the meeting starts, then each waited from their own arrival', () => {
		const before = replay(meetingDecider, [opened(), inLobby('a', T0 + MIN), inLobby('b', T0 + 3 * MIN)]);
		const events = [
			leaderJoinedByPhone(T0 + 10 * MIN),
			started(T0 + 10 * MIN),
			admitted(T0 + 10 * MIN, ['a', 'b'])
		];
		expect(admissionWaitsMs(before, events)).toEqual([9 * MIN, 7 * MIN]);
	});

	it('given a locked meeting, when the leader admits one caller, then only that wait is counted', () => {
		const before = replay(meetingDecider, [
			...inProgress(),
			locked(T0 + 2 * MIN),
			inLobby('c', T0 + 4 * MIN)
		]);
		const events: MeetingEvent[] = [
			{
				type: 'CallerAdmitted',
				at: T0 + 6 * MIN,
				participantId: 'c',
				byParticipantId: 'leader',
				announcement: 'names'
			}
		];
		expect(admissionWaitsMs(before, events)).toEqual([2 * MIN]);
	});

	it('counts a caller who arrives and is admitted in the same events, and nobody who left or joined directly', () => {
		const events = [inLobby('d', T0 + MIN), callerJoined('e', T0 + MIN), admitted(T0 + 2 * MIN, ['d', 'e'])];
		expect(admissionWaitsMs(replay(meetingDecider, [opened()]), events)).toEqual([MIN]);
		expect(admissionWaitsMs(initialMeetingState, [])).toEqual([]);
	});
});

describe('evolve never mutates its input', () => {
	const history: MeetingEvent[] = [
		opened(),
		inLobby('a', T0 + 1),
		inLobby('b', T0 + 2),
		leaderJoinedByPhone(T0 + 3),
		started(T0 + 3),
		{
			type: 'LobbyAdmitted',
			at: T0 + 3,
			participantIds: ['a', 'b'],
			by: 'meeting-start',
			byParticipantId: 'leader',
			announcement: 'names'
		},
		{ type: 'ParticipantMuteChanged', at: T0 + 4, participantId: 'a', muted: true, byParticipantId: 'a' },
		locked(T0 + 5),
		inLobby('c', T0 + 6),
		inLobby('d', T0 + 7),
		inLobby('e', T0 + 8),
		{
			type: 'CallerAdmitted',
			at: T0 + 9,
			participantId: 'c',
			byParticipantId: 'leader',
			announcement: 'names'
		},
		{ type: 'CallerLeftLobby', at: T0 + 10, participantId: 'd', reason: 'hung-up' },
		{ type: 'KeypadHelpPlayed', at: T0 + 11, participantId: 'a', commands: ['*1', '*6'] },
		{ type: 'ParticipantLeft', at: T0 + 12, participantId: 'b', announcement: 'names' },
		{ type: 'LobbyCallersDisconnected', at: T0 + 13, participantIds: ['e'], reason: 'lobby-timeout' },
		{
			type: 'MeetingEnded',
			at: T0 + 14,
			reason: 'ended-by-admin',
			disconnectedParticipantIds: ['leader', 'a', 'c']
		}
	];

	it('folds every kind of event over frozen states and leaves each one as it was', () => {
		let state: MeetingState = initialMeetingState;
		for (const event of history) {
			const before = deepFreeze(state);
			const snapshot = structuredClone(before);
			state = evolveMeeting(before, deepFreeze(event));
			expect(before).toEqual(snapshot);
		}
		expect(state).toMatchObject({ status: 'ended', lobby: [], participants: [] });
	});

	it('decide leaves a frozen state untouched too', () => {
		const state = deepFreeze(replay(meetingDecider, [opened(), inLobby('a', T0 + 1)]));
		const decision = decideMeeting(
			state,
			{ type: 'JoinByPhone', participantId: 'leader', phoneNumber: '+1', asLeader: true },
			T0 + 2
		);
		expect(decision.ok).toBe(true);
		expect(lobbySize(state)).toBe(1);
	});
});

describe('Scale: 5,000 callers in one lobby', () => {
	it('admits 5,000 waiting callers in arrival order in one event', () => {
		const events: MeetingEvent[] = [opened({ maxParticipants: 10_000 })];
		for (let i = 0; i < 5_000; i++) events.push(inLobby(`c${i}`, T0 + i));
		let state = replay(meetingDecider, events);
		const decision = decideMeeting(
			state,
			{ type: 'JoinByPhone', participantId: 'leader', phoneNumber: '+1', asLeader: true },
			T0 + MIN
		);
		if (!decision.ok) throw new Error(decision.rejection.message);
		const admitted = decision.events.find((e) => e.type === 'LobbyAdmitted');
		expect(admitted?.type === 'LobbyAdmitted' && admitted.participantIds.length).toBe(5_000);
		expect(admitted?.type === 'LobbyAdmitted' && admitted.participantIds[4_999]).toBe('c4999');
		for (const event of decision.events) state = evolveMeeting(state, event);
		expect(lobbySize(state)).toBe(0);
		if (state.status === 'none') throw new Error('unreachable');
		expect(state.participants).toHaveLength(5_001);
	});
});

describe('Who is where, carried from state to state', () => {
	const joinByPhone = (participantId: string) =>
		({ type: 'JoinByPhone', participantId, phoneNumber: '+1', asLeader: false }) as const;

	it('given one state evolved along two branches, when each branch and the state itself are asked, then each answers from its own history', () => {
		const start = replay(meetingDecider, [opened(), inLobby('a', T0 + 1)]);
		const hungUp = evolveMeeting(start, {
			type: 'CallerLeftLobby',
			at: T0 + 2,
			participantId: 'a',
			reason: 'hung-up'
		});
		const stillThere = evolveMeeting(start, inLobby('b', T0 + 2));

		expect(decideMeeting(hungUp, joinByPhone('a'), T0 + 3).ok).toBe(true);
		for (const state of [start, stillThere]) {
			const again = decideMeeting(state, joinByPhone('a'), T0 + 3);
			expect(again.ok ? null : again.rejection.code).toBe('already-joined');
			const left = decideMeeting(state, { type: 'Leave', participantId: 'a' }, T0 + 3);
			expect(left.ok && left.events[0]?.type).toBe('CallerLeftLobby');
		}
		const gone = decideMeeting(hungUp, { type: 'Leave', participantId: 'a' }, T0 + 3);
		expect(gone.ok ? null : gone.rejection.code).toBe('not-in-meeting');
	});

	it('given 2,000 random commands, when every state along the way is asked who may join, then it answers as its lobby and participant lists say', () => {
		// A small linear congruential generator: the same sequence on every run.
		let seed = 7;
		const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
		let state = replay(meetingDecider, [opened({ maxParticipants: 10_000, allowPstnOnly: false })]);
		const ids = Array.from({ length: 40 }, (_, i) => `p${i}`);
		for (let step = 0; step < 2_000; step++) {
			const id = ids[next(ids.length)]!;
			const roll = next(10);
			const command =
				roll < 4
					? joinByPhone(id)
					: roll < 5
						? ({ type: 'JoinByPhone', participantId: id, phoneNumber: '+1', asLeader: true } as const)
						: roll < 8
							? ({ type: 'Leave', participantId: id } as const)
							: roll < 9
								? ({ type: 'PressKeys', participantId: id, keys: next(2) ? '*7' : '*8' } as const)
								: ({ type: 'AdmitCaller', byParticipantId: 'p0', participantId: id } as const);
			const decision = decideMeeting(state, command, T0 + step);
			if (decision.ok) for (const event of decision.events) state = evolveMeeting(state, event);
			if (state.status === 'ended') state = replay(meetingDecider, [opened({ maxParticipants: 10_000 })]);
			if (state.status === 'none') throw new Error('unreachable');
			const probe = ids[next(ids.length)]!;
			const listed =
				state.lobby.some((c) => c.participantId === probe) ||
				state.participants.some((p) => p.participantId === probe);
			const asked = decideMeeting(state, joinByPhone(probe), T0 + step);
			expect(!asked.ok && asked.rejection.code === 'already-joined', `step ${step}, ${probe}`).toBe(listed);
		}
	});
});
