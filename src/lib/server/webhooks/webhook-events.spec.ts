import { describe, expect, it } from 'vitest';
import {
	DEFAULT_MEETING_SETTINGS,
	evolveMeeting,
	initialMeetingState,
	type MeetingEvent,
	type OpenedMeeting
} from '$lib/domain';
import { lockedOutOccurrence, occurrencesOf } from './webhook-events';

const T0 = Date.UTC(2026, 10, 30, 8, 0, 0);
const events: MeetingEvent[] = [
	{
		type: 'MeetingOpened',
		at: T0,
		meetingId: 'm-1',
		conferenceId: '4410273',
		organizer: { userId: 'user-amos', displayName: 'Amos Marble' },
		settings: DEFAULT_MEETING_SETTINGS
	},
	{
		type: 'ParticipantJoined',
		at: T0 + 1000,
		participantId: 'web-1',
		via: 'client',
		displayName: 'Amos Marble',
		userId: 'user-amos',
		isLeader: true,
		announcement: 'names'
	},
	{ type: 'MeetingStarted', at: T0 + 1000, startedBy: 'client', participantId: 'web-1' },
	{
		type: 'ParticipantJoined',
		at: T0 + 2000,
		participantId: 'call-1',
		via: 'phone',
		displayName: '+46 8 123 45 67',
		phoneNumber: '+46 8 123 45 67',
		isLeader: false,
		announcement: 'names'
	},
	{ type: 'ParticipantMuteChanged', at: T0 + 2500, participantId: 'call-1', muted: true } as MeetingEvent,
	{ type: 'ParticipantLeft', at: T0 + 3000, participantId: 'call-1', announcement: 'names' },
	{ type: 'MeetingEnded', at: T0 + 4000, reason: 'ended-by-admin', disconnectedParticipantIds: [] }
];

/** The state after `n` events, and the commit of event n (sequence numbers from 1). */
function commitOf(n: number) {
	let state = initialMeetingState;
	for (const e of events.slice(0, n)) state = evolveMeeting(state, e);
	return { meetingId: 'm-1', events: [{ seq: n, event: events[n - 1]! }], state: state as OpenedMeeting };
}

describe('which meeting events become webhook events', () => {
	it('given a client start, a phone participant who joins and leaves, and the end, then each is its event with its meetingId:seq key; a mute is none', () => {
		const all = [2, 3, 4, 5, 6, 7].flatMap((n) => occurrencesOf(commitOf(n), true));
		expect(all.map((o) => [o.event, o.key])).toEqual([
			['participant.joined', 'm-1:2'],
			['meeting.started', 'm-1:3'],
			['participant.joined', 'm-1:4'],
			['participant.left', 'm-1:6'],
			['meeting.ended', 'm-1:7']
		]);
		const [joined] = occurrencesOf(commitOf(4), true);
		expect(joined!.payload).toEqual({
			event: 'participant.joined',
			idempotencyKey: 'm-1:4',
			occurredAt: new Date(T0 + 2000).toISOString(),
			meeting: { id: 'm-1', conferenceId: '4410273', organizer: 'Amos Marble' },
			data: {
				participant: {
					id: 'call-1',
					via: 'phone',
					displayName: '+46 8 ••• •• 67',
					phoneNumber: '+46 8 ••• •• 67'
				},
				isLeader: false
			}
		});
		// A signed-in participant's name is shown; no user id goes out.
		const [organizer] = occurrencesOf(commitOf(2), true);
		expect(organizer!.payload.data).toEqual({
			participant: { id: 'web-1', via: 'client', displayName: 'Amos Marble', phoneNumber: null },
			isLeader: true
		});
		expect(JSON.stringify(all)).not.toContain('user-amos');
		expect(occurrencesOf(commitOf(7), true)[0]!.payload.data).toEqual({ reason: 'ended-by-admin' });
	});

	it('given a tenant that masks nothing, then numbers go out as they are', () => {
		const [joined] = occurrencesOf(commitOf(4), false);
		expect(joined!.payload.data).toMatchObject({
			participant: { displayName: '+46 8 123 45 67', phoneNumber: '+46 8 123 45 67' }
		});
	});

	it('given a lockout, then pin.locked-out names the organizer and his conference, keyed by user and time', () => {
		const o = lockedOutOccurrence(
			{ userId: 'user-amos', displayName: 'Amos Marble', conferenceId: '4410273' },
			T0,
			10
		);
		expect(o).toMatchObject({
			event: 'pin.locked-out',
			key: expect.stringMatching(new RegExp(`^pin-locked:[0-9a-f]{16}:${T0}$`)),
			payload: {
				meeting: null,
				data: { organizer: 'Amos Marble', conferenceId: '4410273', failedAttempts: 10 }
			}
		});
		expect(JSON.stringify(o)).not.toContain('user-amos');
	});
});
