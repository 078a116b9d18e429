import { describe, expect, it } from 'vitest';
import {
	DEFAULT_MEETING_SETTINGS,
	evolveMeeting,
	initialMeetingState,
	type MeetingEvent,
	type OpenedMeeting
} from '$lib/domain';
import { eventFor, meetingFor } from './views';

const opened: MeetingEvent = {
	type: 'MeetingOpened',
	at: 0,
	meetingId: 'm1',
	conferenceId: '4410273',
	organizer: { userId: 'u-amos', displayName: 'Amos Marble' },
	settings: DEFAULT_MEETING_SETTINGS
};
const lobbyCaller: MeetingEvent = {
	type: 'CallerEnteredLobby',
	at: 1,
	participantId: 'c1',
	phoneNumber: '+46 8 555 12 34',
	music: true
};
const clientJoined: MeetingEvent = {
	type: 'ParticipantJoined',
	at: 2,
	participantId: 'p1',
	via: 'client',
	displayName: 'Amos Marble',
	userId: 'u-amos',
	isLeader: true,
	announcement: 'names'
};
const meeting = [opened, lobbyCaller, clientJoined].reduce(
	evolveMeeting,
	initialMeetingState
) as OpenedMeeting;

describe('what a viewer sees of a meeting', () => {
	it('given a signed-in viewer and NoMasking, the meeting is shown as it is', () => {
		expect(meetingFor(meeting, 'signed-in', false)).toEqual(meeting);
		expect(eventFor(clientJoined, 'signed-in', false)).toEqual(clientJoined);
	});

	it('given a signed-in viewer and masking, numbers are masked and user ids kept', () => {
		const shown = meetingFor(meeting, 'signed-in', true);
		expect(shown.lobby[0]?.phoneNumber).toBe('+46 8 ••• •• 34');
		expect(shown.organizer.userId).toBe('u-amos');
	});

	it('given an anonymous viewer, numbers are masked even with NoMasking, and no user id is shown', () => {
		const shown = meetingFor(meeting, 'anonymous', false);
		expect(shown.conferenceId).toBe('4410273');
		expect(shown.organizer).toEqual({ userId: '', displayName: 'Amos Marble' });
		expect(shown.lobby[0]?.phoneNumber).toBe('+46 8 ••• •• 34');
		expect(shown.participants[0]).not.toHaveProperty('userId');
		expect(shown.participants[0]?.displayName).toBe('Amos Marble');
		expect(eventFor(opened, 'anonymous', false)).toMatchObject({ organizer: { userId: '' } });
		expect(eventFor(clientJoined, 'anonymous', false)).not.toHaveProperty('userId');
		expect(eventFor(lobbyCaller, 'anonymous', false)).toMatchObject({ phoneNumber: '+46 8 ••• •• 34' });
		expect(JSON.stringify(shown)).not.toContain('u-amos');
	});

	it('never changes the state it was given', () => {
		const before = JSON.stringify(meeting);
		meetingFor(meeting, 'anonymous', false);
		eventFor(clientJoined, 'anonymous', false);
		expect(JSON.stringify(meeting)).toBe(before);
	});
});
