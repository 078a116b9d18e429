/**
 * The dashboard's list of live meetings: what it can be sorted and filtered by, and the totals
 * across it. Sorting never depends on the clock (a longer wait is an earlier `lobbySince`), so
 * the order changes only when the stream does, not on every tick of the timers.
 */
import type { MeetingSummary } from '$lib/contract/events';

export type SortKey = 'organizer' | 'conferenceId' | 'status' | 'lobby' | 'wait' | 'participants';
export type SortDirection = 'ascending' | 'descending';
export interface Sort {
	key: SortKey;
	direction: SortDirection;
}

/** The admin's first question is "who has waited longest?", so that comes first. */
export const DEFAULT_SORT: Sort = { key: 'wait', direction: 'descending' };

/** The direction a column sorts in when first chosen: numbers biggest first, text A to Z. */
export function firstDirection(key: SortKey): SortDirection {
	switch (key) {
		case 'organizer':
		case 'conferenceId':
		case 'status':
			return 'ascending';
		case 'lobby':
		case 'wait':
		case 'participants':
			return 'descending';
		default: {
			const never: never = key;
			return never;
		}
	}
}

/** Choosing the sorted column again flips it; another column starts in its own first direction. */
export function nextSort(current: Sort, key: SortKey): Sort {
	if (current.key === key) {
		return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
	}
	return { key, direction: firstDirection(key) };
}

/** Meetings waiting for their leader are the ones an admin may need to act on, so they sort first. */
const STATUS_ORDER: Record<MeetingSummary['status'], number> = { waiting: 0, 'in-progress': 1, ended: 2 };

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function compareBy(key: SortKey, a: MeetingSummary, b: MeetingSummary): number {
	switch (key) {
		case 'organizer':
			return collator.compare(a.organizerName, b.organizerName);
		case 'conferenceId':
			return collator.compare(a.conferenceId, b.conferenceId);
		case 'status':
			return STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
		case 'lobby':
			return a.lobbySize - b.lobbySize;
		case 'participants':
			return a.participantCount - b.participantCount;
		case 'wait':
			// A longer wait is an earlier arrival; "ascending" means shortest wait first.
			return (b.lobbySince ?? 0) - (a.lobbySince ?? 0);
		default: {
			const never: never = key;
			return never;
		}
	}
}

/**
 * A new sorted array. Meetings with nobody in the lobby go last when sorting by wait, whichever
 * the direction; ties fall back to organizer and id, so rows never swap places at random.
 */
export function sortMeetings(meetings: readonly MeetingSummary[], sort: Sort): MeetingSummary[] {
	const sign = sort.direction === 'ascending' ? 1 : -1;
	return [...meetings].sort((a, b) => {
		if (sort.key === 'wait' && (a.lobbySince === null) !== (b.lobbySince === null)) {
			return a.lobbySince === null ? 1 : -1;
		}
		return (
			sign * compareBy(sort.key, a, b) ||
			collator.compare(a.organizerName, b.organizerName) ||
			(a.meetingId < b.meetingId ? -1 : a.meetingId > b.meetingId ? 1 : 0)
		);
	});
}

/** Which meetings to show besides the text filter. */
export type Show = 'all' | 'lobby' | 'waiting' | 'in-progress' | 'over';

export interface Filter {
	text: string;
	show: Show;
}

/**
 * Meetings that match the text (organizer name or conference ID, ignoring case, accents and the
 * spaces people type into IDs) and the chosen group. `isOver` says whether a meeting's wait is
 * over the alert threshold.
 */
export function filterMeetings(
	meetings: Iterable<MeetingSummary>,
	filter: Filter,
	isOver: (m: MeetingSummary) => boolean = () => false
): MeetingSummary[] {
	const words = fold(filter.text).split(/\s+/).filter(Boolean);
	const digits = filter.text.replace(/[\s-]/g, '');
	const out: MeetingSummary[] = [];
	for (const m of meetings) {
		if (!inGroup(m, filter.show, isOver)) continue;
		if (words.length > 0) {
			const name = fold(m.organizerName);
			const byName = words.every((w) => name.includes(w));
			const byId = digits.length > 0 && m.conferenceId.replace(/[\s-]/g, '').includes(digits);
			if (!byName && !byId) continue;
		}
		out.push(m);
	}
	return out;
}

function inGroup(m: MeetingSummary, show: Show, isOver: (m: MeetingSummary) => boolean): boolean {
	switch (show) {
		case 'all':
			return true;
		case 'lobby':
			return m.lobbySize > 0;
		case 'waiting':
			return m.status === 'waiting';
		case 'in-progress':
			return m.status === 'in-progress';
		case 'over':
			return isOver(m);
		default: {
			const never: never = show;
			return never;
		}
	}
}

function fold(s: string): string {
	return s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

export interface Totals {
	/** Meetings still waiting for their leader (no one has started them). */
	waiting: number;
	/** Callers in every lobby. */
	lobby: number;
	/** Live meetings: waiting or in progress. */
	live: number;
	participants: number;
	/** The earliest arrival among every lobby's longest waiter: the longest wait runs from here. */
	oldestLobbySince: number | null;
}

export function totals(meetings: Iterable<MeetingSummary>): Totals {
	const t: Totals = { waiting: 0, lobby: 0, live: 0, participants: 0, oldestLobbySince: null };
	for (const m of meetings) {
		if (m.status === 'ended') continue;
		t.live++;
		if (m.status === 'waiting') t.waiting++;
		t.lobby += m.lobbySize;
		t.participants += m.participantCount;
		if (m.lobbySince !== null && (t.oldestLobbySince === null || m.lobbySince < t.oldestLobbySince)) {
			t.oldestLobbySince = m.lobbySince;
		}
	}
	return t;
}

export interface OverThreshold {
	count: number;
	/** The meeting whose caller has waited longest, if any is over. */
	worst: MeetingSummary | null;
}

/** Meetings whose longest-waiting caller has waited longer than `thresholdMs` at `now`. */
export function overThreshold(
	meetings: Iterable<MeetingSummary>,
	now: number,
	thresholdMs: number
): OverThreshold {
	let count = 0;
	let worst: MeetingSummary | null = null;
	for (const m of meetings) {
		if (m.status === 'ended' || m.lobbySince === null || now - m.lobbySince <= thresholdMs) continue;
		count++;
		if (worst === null || m.lobbySince < worst.lobbySince!) worst = m;
	}
	return { count, worst };
}
