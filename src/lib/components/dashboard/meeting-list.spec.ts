import { describe, expect, it } from 'vitest';
import type { MeetingSummary } from '$lib/contract/events';
import { DEFAULT_SORT, filterMeetings, nextSort, overThreshold, sortMeetings, totals } from './meeting-list';

function meeting(over: Partial<MeetingSummary> & { meetingId: string }): MeetingSummary {
	return {
		conferenceId: '1000000',
		organizerName: 'Someone',
		status: 'waiting',
		lobbySize: 0,
		participantCount: 0,
		locked: false,
		openedAt: 0,
		startedAt: null,
		lobbySince: null,
		owner: null,
		...over
	};
}

const amos = meeting({
	meetingId: 'a',
	organizerName: 'Amos Marble',
	conferenceId: '4410273',
	lobbySize: 2,
	lobbySince: 5_000
});
const bea = meeting({
	meetingId: 'b',
	organizerName: 'Béatrice Öberg',
	conferenceId: '5520001',
	status: 'in-progress',
	participantCount: 4,
	startedAt: 1_000
});
const carl = meeting({
	meetingId: 'c',
	organizerName: 'Carl Ek',
	conferenceId: '1234567',
	lobbySize: 1,
	lobbySince: 1_000,
	locked: true
});
const dana = meeting({ meetingId: 'd', organizerName: 'Dana Berg', conferenceId: '7654321' });
const all = [amos, bea, carl, dana];

const ids = (ms: MeetingSummary[]) => ms.map((m) => m.meetingId);

describe('sortMeetings', () => {
	it('puts the longest wait first by default, meetings without a lobby last', () => {
		expect(ids(sortMeetings(all, DEFAULT_SORT))).toEqual(['c', 'a', 'b', 'd']);
	});

	it('keeps meetings without a lobby last when the shortest wait comes first', () => {
		expect(ids(sortMeetings(all, { key: 'wait', direction: 'ascending' }))).toEqual(['a', 'c', 'b', 'd']);
	});

	it('sorts organizers alphabetically, ignoring accents and case', () => {
		expect(ids(sortMeetings(all, { key: 'organizer', direction: 'ascending' }))).toEqual([
			'a',
			'b',
			'c',
			'd'
		]);
		expect(ids(sortMeetings(all, { key: 'organizer', direction: 'descending' }))).toEqual([
			'd',
			'c',
			'b',
			'a'
		]);
	});

	it('sorts by lobby size and participants, ties by organizer', () => {
		expect(ids(sortMeetings(all, { key: 'lobby', direction: 'descending' }))).toEqual(['a', 'c', 'b', 'd']);
		expect(ids(sortMeetings(all, { key: 'participants', direction: 'descending' }))).toEqual([
			'b',
			'a',
			'c',
			'd'
		]);
	});

	it('sorts waiting meetings before those in progress', () => {
		expect(ids(sortMeetings(all, { key: 'status', direction: 'ascending' }))).toEqual(['a', 'c', 'd', 'b']);
	});

	it('sorts conference IDs', () => {
		expect(ids(sortMeetings(all, { key: 'conferenceId', direction: 'ascending' }))).toEqual([
			'c',
			'a',
			'b',
			'd'
		]);
	});

	it('leaves the input alone', () => {
		const input = [...all];
		sortMeetings(input, DEFAULT_SORT);
		expect(input).toEqual(all);
	});
});

describe('nextSort', () => {
	it('flips the direction of the sorted column', () => {
		expect(nextSort(DEFAULT_SORT, 'wait')).toEqual({ key: 'wait', direction: 'ascending' });
	});

	it('starts text columns A to Z and number columns biggest first', () => {
		expect(nextSort(DEFAULT_SORT, 'organizer')).toEqual({ key: 'organizer', direction: 'ascending' });
		expect(nextSort(DEFAULT_SORT, 'lobby')).toEqual({ key: 'lobby', direction: 'descending' });
	});
});

describe('filterMeetings', () => {
	it('keeps everything with no filter', () => {
		expect(ids(filterMeetings(all, { text: '', show: 'all' }))).toEqual(['a', 'b', 'c', 'd']);
	});

	it('matches organizer names by every word, ignoring case and accents', () => {
		expect(ids(filterMeetings(all, { text: 'beatrice oberg', show: 'all' }))).toEqual(['b']);
		expect(ids(filterMeetings(all, { text: 'BERG', show: 'all' }))).toEqual(['b', 'd']);
	});

	it('matches conference IDs typed with spaces', () => {
		expect(ids(filterMeetings(all, { text: '441 0273', show: 'all' }))).toEqual(['a']);
	});

	it('shows one group at a time', () => {
		expect(ids(filterMeetings(all, { text: '', show: 'lobby' }))).toEqual(['a', 'c']);
		expect(ids(filterMeetings(all, { text: '', show: 'waiting' }))).toEqual(['a', 'c', 'd']);
		expect(ids(filterMeetings(all, { text: '', show: 'in-progress' }))).toEqual(['b']);
		expect(ids(filterMeetings(all, { text: '', show: 'over' }, (m) => m.meetingId === 'c'))).toEqual(['c']);
	});

	it('combines the text and the group', () => {
		expect(ids(filterMeetings(all, { text: 'a', show: 'lobby' }))).toEqual(['a', 'c']);
		expect(ids(filterMeetings(all, { text: 'dana', show: 'lobby' }))).toEqual([]);
	});
});

describe('totals', () => {
	it('adds up the live meetings', () => {
		expect(totals(all)).toEqual({ waiting: 3, lobby: 3, live: 4, participants: 4, oldestLobbySince: 1_000 });
	});

	it('ignores meetings that have ended', () => {
		const ended = meeting({ meetingId: 'e', status: 'ended', lobbySize: 9, lobbySince: 1 });
		expect(totals([ended])).toEqual({
			waiting: 0,
			lobby: 0,
			live: 0,
			participants: 0,
			oldestLobbySince: null
		});
	});
});

describe('overThreshold', () => {
	it('counts meetings whose longest waiter has waited longer than the threshold and names the worst', () => {
		const r = overThreshold(all, 61_001, 60_000);
		expect(r.count).toBe(1);
		expect(r.worst?.meetingId).toBe('c');
	});

	it('needs strictly longer than the threshold', () => {
		expect(overThreshold(all, 61_000, 60_000).count).toBe(0);
	});

	it('names the longest when several are over', () => {
		const r = overThreshold(all, 100_000, 60_000);
		expect(r.count).toBe(2);
		expect(r.worst?.meetingId).toBe('c');
	});

	it('has no worst when nobody is over', () => {
		expect(overThreshold(all, 2_000, 60_000)).toEqual({ count: 0, worst: null });
	});
});
