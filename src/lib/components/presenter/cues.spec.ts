import { describe, expect, it } from 'vitest';
import type { MeetingEvent } from '$lib/domain';
import { cueFor, CueThrottle } from './cues';

const at = 1_000;

describe('which tone an event plays', () => {
	it('plays the join tone when someone joins or is admitted', () => {
		const joined: MeetingEvent = {
			type: 'ParticipantJoined',
			at,
			participantId: 'p1',
			via: 'client',
			displayName: 'Bea',
			isLeader: false,
			announcement: 'names'
		};
		expect(cueFor(joined)).toBe('join');
		expect(
			cueFor({
				type: 'LobbyAdmitted',
				at,
				participantIds: ['p2'],
				by: 'meeting-start',
				byParticipantId: 'p1',
				announcement: 'tone'
			})
		).toBe('join');
		expect(
			cueFor({
				type: 'CallerAdmitted',
				at,
				participantId: 'p2',
				byParticipantId: 'p1',
				announcement: 'names'
			})
		).toBe('join');
	});

	it('plays nothing for joins and leaves when announcements are off', () => {
		expect(
			cueFor({ type: 'CallerAdmitted', at, participantId: 'p2', byParticipantId: 'p1', announcement: 'off' })
		).toBeNull();
		expect(cueFor({ type: 'ParticipantLeft', at, participantId: 'p2', announcement: 'off' })).toBeNull();
	});

	it('plays the leave tone when someone leaves the meeting or gives up in the lobby', () => {
		expect(cueFor({ type: 'ParticipantLeft', at, participantId: 'p2', announcement: 'names' })).toBe('leave');
		expect(cueFor({ type: 'CallerLeftLobby', at, participantId: 'p2', reason: 'hung-up' })).toBe('leave');
		expect(
			cueFor({ type: 'LobbyCallersDisconnected', at, participantIds: ['p2'], reason: 'lobby-timeout' })
		).toBe('leave');
	});

	it('plays the leave tone for an ending only when someone was disconnected', () => {
		expect(
			cueFor({ type: 'MeetingEnded', at, reason: 'ended-by-admin', disconnectedParticipantIds: ['p1'] })
		).toBe('leave');
		expect(
			cueFor({ type: 'MeetingEnded', at, reason: 'last-participant-left', disconnectedParticipantIds: [] })
		).toBeNull();
	});

	it('plays nothing when a caller enters the lobby: the music is the cue (S5)', () => {
		expect(
			cueFor({ type: 'CallerEnteredLobby', at, participantId: 'p1', phoneNumber: '+46', music: true })
		).toBeNull();
		expect(cueFor({ type: 'MeetingStarted', at, startedBy: 'leader-pin', participantId: 'p1' })).toBeNull();
	});
});

describe('the tone throttle', () => {
	it('given a join tone just played, when another join comes within the gap, then it is skipped', () => {
		const throttle = new CueThrottle(400);
		expect(throttle.admit('join', 1_000)).toBe(true);
		expect(throttle.admit('join', 1_100)).toBe(false);
		expect(throttle.admit('leave', 1_100)).toBe(true);
		expect(throttle.admit('join', 1_400)).toBe(true);
	});
});
