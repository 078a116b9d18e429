import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '$lib/contract/events';
import { DEFAULT_MEETING_SETTINGS } from '$lib/domain';
import { advance, eventsUntil, meetingAt, nextEventAt, previousEventAt, span } from './replay';

const T = 1_700_000_000_000;
const timeline: TimelineEvent[] = [
	{
		seq: 1,
		event: {
			type: 'MeetingOpened',
			at: T,
			meetingId: 'm1',
			conferenceId: '4410273',
			organizer: { userId: 'u1', displayName: 'Amos Marble' },
			settings: DEFAULT_MEETING_SETTINGS
		}
	},
	{
		seq: 2,
		event: {
			type: 'CallerEnteredLobby',
			at: T + 1000,
			participantId: 'c1',
			phoneNumber: '+46 8 ••• •• 67',
			music: true
		}
	},
	{
		seq: 3,
		event: {
			type: 'CallerEnteredLobby',
			at: T + 2000,
			participantId: 'c2',
			phoneNumber: '+46 8 ••• •• 21',
			music: true
		}
	},
	{
		seq: 4,
		event: {
			type: 'ParticipantJoined',
			at: T + 5000,
			participantId: 'o1',
			via: 'phone',
			displayName: 'Amos Marble',
			userId: 'u1',
			isLeader: true,
			announcement: 'names'
		}
	},
	{ seq: 5, event: { type: 'MeetingStarted', at: T + 5000, startedBy: 'leader-pin', participantId: 'o1' } },
	{
		seq: 6,
		event: {
			type: 'LobbyAdmitted',
			at: T + 5000,
			participantIds: ['c1', 'c2'],
			by: 'meeting-start',
			byParticipantId: 'o1',
			announcement: 'names'
		}
	}
];

describe('replaying a meeting from its events', () => {
	it('given a scrub to before the leader, then the callers wait in the lobby of a waiting meeting', () => {
		const before = meetingAt(timeline, T + 3000)!;
		expect(before.status).toBe('waiting');
		expect(before.lobby.map((c) => c.participantId)).toEqual(['c1', 'c2']);
		expect(before.participants).toEqual([]);
	});

	it('given a scrub to the start, then the lobby is admitted in arrival order (S10)', () => {
		const after = meetingAt(timeline, T + 5000)!;
		expect(after.status).toBe('in-progress');
		expect(after.lobby).toEqual([]);
		expect(after.participants.map((p) => p.participantId)).toEqual(['o1', 'c1', 'c2']);
	});

	it('given a scrub back again, then the earlier state returns (nothing is mutated)', () => {
		meetingAt(timeline, T + 5000);
		expect(meetingAt(timeline, T + 1500)!.lobby.map((c) => c.participantId)).toEqual(['c1']);
		expect(meetingAt(timeline, T - 1)).toBeNull();
	});

	it('tells the events up to an instant, the span, and advances at speed without passing the end', () => {
		expect(eventsUntil(timeline, T + 2000).map((e) => e.seq)).toEqual([1, 2, 3]);
		expect(span(timeline)).toEqual({ start: T, end: T + 5000 });
		expect(span([])).toEqual({ start: 0, end: 0 });
		expect(advance(T, 100, 10, T + 5000)).toBe(T + 1000);
		expect(advance(T + 4900, 100, 10, T + 5000)).toBe(T + 5000);
	});

	it('steps from event to event, events of one instant together', () => {
		expect(nextEventAt(timeline, T)).toBe(T + 1000);
		expect(nextEventAt(timeline, T + 2000)).toBe(T + 5000);
		expect(nextEventAt(timeline, T + 5000)).toBe(T + 5000);
		expect(previousEventAt(timeline, T + 5000)).toBe(T + 2000);
		expect(previousEventAt(timeline, T)).toBe(T);
	});
});
