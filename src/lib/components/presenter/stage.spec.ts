import { describe, expect, it } from 'vitest';
import { DEFAULT_MEETING_SETTINGS, type OpenedMeeting } from '$lib/domain';
import { lobbyMusicPlays, phaseOf, stageOf } from './stage';

const opened: OpenedMeeting = {
	status: 'waiting',
	meetingId: 'm1',
	conferenceId: '123456',
	organizer: { userId: 'u-amos', displayName: 'Amos Marble' },
	settings: DEFAULT_MEETING_SETTINGS,
	openedAt: 1_000,
	locked: false,
	lobby: [],
	participants: []
};

const twoCallersWaiting: OpenedMeeting = {
	...opened,
	lobby: [
		{ participantId: 'p1', phoneNumber: '+46 8 ••• •• 67', arrivedAt: 2_000 },
		{ participantId: 'p2', phoneNumber: '+46 70 ••• •• 12', arrivedAt: 3_000 }
	]
};

describe('the diagram of a meeting', () => {
	it('given two callers before the start, then both stand in the lobby in arrival order (S5)', () => {
		const stage = stageOf(twoCallersWaiting);
		expect(stage.phase).toBe('waiting-for-leader');
		expect(stage.lobby.map((t) => [t.id, t.label, t.via, t.since])).toEqual([
			['p1', '+46 8 ••• •• 67', 'phone', 2_000],
			['p2', '+46 70 ••• •• 12', 'phone', 3_000]
		]);
		expect(stage.meeting).toEqual([]);
		expect(stage.lobbyMusic).toBe(true);
	});

	it('given the leader started by PIN, then the admitted callers keep their ids and labels in the meeting (S10)', () => {
		const started: OpenedMeeting = {
			...opened,
			status: 'in-progress',
			startedAt: 4_000,
			participants: [
				{
					participantId: 'p3',
					via: 'phone',
					displayName: 'Amos Marble',
					phoneNumber: '+46 8 ••• •• 99',
					isLeader: true,
					muted: false,
					joinedAt: 4_000
				},
				{
					participantId: 'p1',
					via: 'phone',
					displayName: '+46 8 ••• •• 67',
					phoneNumber: '+46 8 ••• •• 67',
					isLeader: false,
					muted: true,
					joinedAt: 4_000
				}
			]
		};
		const stage = stageOf(started);
		expect(stage.phase).toBe('in-progress');
		expect(stage.lobby).toEqual([]);
		expect(stage.meeting).toEqual([
			{ id: 'p3', label: 'Amos Marble', via: 'phone', isLeader: true, muted: false, since: 4_000 },
			{ id: 'p1', label: '+46 8 ••• •• 67', via: 'phone', isLeader: false, muted: true, since: 4_000 }
		]);
		expect(stage.lobbyMusic).toBe(false);
	});

	it('given a client join, then the token shows the name and the client', () => {
		const stage = stageOf({
			...opened,
			status: 'in-progress',
			participants: [
				{
					participantId: 'c1',
					via: 'client',
					displayName: 'Bea Client',
					userId: 'u-bea',
					isLeader: false,
					muted: false,
					joinedAt: 5_000
				}
			]
		});
		expect(stage.meeting[0]).toMatchObject({ label: 'Bea Client', via: 'client' });
	});
});

describe('the phase', () => {
	it('waits for the leader by default (S5, S11)', () => {
		expect(phaseOf(opened)).toBe('waiting-for-leader');
	});

	it('waits for the first caller where PSTN-only meetings are allowed (S6)', () => {
		expect(phaseOf({ ...opened, settings: { ...DEFAULT_MEETING_SETTINGS, allowPstnOnly: true } })).toBe(
			'waiting-for-first-caller'
		);
	});

	it('follows the status once started or ended', () => {
		expect(phaseOf({ ...opened, status: 'in-progress' })).toBe('in-progress');
		expect(phaseOf({ ...opened, status: 'ended' })).toBe('ended');
	});
});

describe('lobby music (S5)', () => {
	it('is silent with nobody waiting, or without a meeting', () => {
		expect(lobbyMusicPlays(opened)).toBe(false);
		expect(lobbyMusicPlays(null)).toBe(false);
	});

	it('plays while callers wait, also for late callers of a locked meeting', () => {
		expect(lobbyMusicPlays(twoCallersWaiting)).toBe(true);
		expect(lobbyMusicPlays({ ...twoCallersWaiting, status: 'in-progress', locked: true })).toBe(true);
	});

	it('stops when the meeting ends', () => {
		expect(lobbyMusicPlays({ ...twoCallersWaiting, status: 'ended' })).toBe(false);
	});
});
