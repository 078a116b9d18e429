import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '$lib/contract/events';
import { DEFAULT_MEETING_SETTINGS } from '$lib/domain';
import type { Translate } from '$lib/client/narrate';
import { CaptionFeed } from './captions';

/** Message key and parameters, so the specs read what was told without depending on wording. */
const t: Translate = (key, params) => `${key}${params ? ` ${JSON.stringify(params)}` : ''}`;

const opened: TimelineEvent = {
	seq: 1,
	event: {
		type: 'MeetingOpened',
		at: 1_000,
		meetingId: 'm1',
		conferenceId: '123456',
		organizer: { userId: 'u-amos', displayName: 'Amos Marble' },
		settings: DEFAULT_MEETING_SETTINGS
	}
};
const callerWaits: TimelineEvent = {
	seq: 2,
	event: {
		type: 'CallerEnteredLobby',
		at: 2_000,
		participantId: 'p1',
		phoneNumber: '+46 8 ••• •• 67',
		music: true
	}
};
const leaderJoins: TimelineEvent = {
	seq: 3,
	event: {
		type: 'ParticipantJoined',
		at: 3_000,
		participantId: 'p2',
		via: 'phone',
		displayName: 'Amos Marble',
		isLeader: true,
		announcement: 'names'
	}
};
const started: TimelineEvent = {
	seq: 4,
	event: { type: 'MeetingStarted', at: 3_000, startedBy: 'leader-pin', participantId: 'p2' }
};
const admitted: TimelineEvent = {
	seq: 5,
	event: {
		type: 'LobbyAdmitted',
		at: 3_000,
		participantIds: ['p1'],
		by: 'meeting-start',
		byParticipantId: 'p2',
		announcement: 'names'
	}
};
const callerLeaves: TimelineEvent = {
	seq: 6,
	event: { type: 'ParticipantLeft', at: 9_000, participantId: 'p1', announcement: 'names' }
};

describe('presenter captions', () => {
	it('given the first snapshot, then the story is told but nothing is fresh (nothing to speak)', () => {
		const feed = new CaptionFeed();
		const update = feed.update([opened, callerWaits], t, 'm1:en');
		expect(update).toEqual({ fresh: [], retold: true });
		expect(feed.recent(2).map((n) => n.tone)).toEqual(['info', 'lobby']);
	});

	it('given live events, then only the new ones are told, the PIN start and admission as one sentence (S10)', () => {
		const feed = new CaptionFeed();
		feed.update([opened, callerWaits], t, 'm1:en');
		const update = feed.update([opened, callerWaits, leaderJoins, started, admitted], t, 'm1:en');
		expect(update.retold).toBe(false);
		expect(update.fresh).toHaveLength(1);
		expect(update.fresh[0]).toMatchObject({ seq: 4, tone: 'start' });
		expect(update.fresh[0]!.text).toContain('meeting.story.startedPin');
		expect(update.fresh[0]!.text).toContain('meeting.story.andAdmitted');
	});

	it('remembers a caller met in an earlier update, so the leaver is named by number', () => {
		const feed = new CaptionFeed();
		feed.update([opened, callerWaits], t, 'm1:en');
		feed.update([opened, callerWaits, leaderJoins, started, admitted], t, 'm1:en');
		const update = feed.update(
			[opened, callerWaits, leaderJoins, started, admitted, callerLeaves],
			t,
			'm1:en'
		);
		expect(update.fresh[0]!.text).toBe('meeting.story.left {"who":"+46 8 ••• •• 67"}');
	});

	it('given the same timeline again, then nothing is fresh', () => {
		const feed = new CaptionFeed();
		feed.update([opened, callerWaits], t, 'm1:en');
		expect(feed.update([opened, callerWaits], t, 'm1:en')).toEqual({ fresh: [], retold: false });
	});

	it('given a new language, then the story is told again in it', () => {
		const feed = new CaptionFeed();
		feed.update([opened, callerWaits], t, 'm1:en');
		const sv: Translate = (key) => `sv:${key}`;
		expect(feed.update([opened, callerWaits], sv, 'm1:sv').retold).toBe(true);
		expect(feed.recent(1)[0]!.text).toBe('sv:meeting.story.lobby');
	});

	it('given another meeting whose timeline also starts at 1, then its story is told afresh', () => {
		const feed = new CaptionFeed();
		feed.update([opened, callerWaits], t, 'm1:en');
		const update = feed.update([opened, callerWaits, leaderJoins], t, 'm2:en');
		expect(update.retold).toBe(true);
		expect(update.fresh).toEqual([]);
	});

	it('shows at most what was asked for, newest last', () => {
		const feed = new CaptionFeed();
		feed.update([opened, callerWaits, leaderJoins, started, admitted, callerLeaves], t, 'm1:en');
		expect(feed.recent(2).map((n) => n.seq)).toEqual([4, 6]);
		expect(feed.recent(0)).toEqual([]);
	});
});
