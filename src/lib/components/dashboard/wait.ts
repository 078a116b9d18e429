/**
 * Wait timers on the dashboard. Every timer is computed from an instant the server gave
 * (`lobbySince`) and one estimate of the server's clock, so all timers on the page agree.
 */
import type { MeetingSummary } from '$lib/contract/events';

/** How long the meeting's longest-waiting lobby caller has waited at `now`, or null with no lobby. */
export function longestWait(meeting: Pick<MeetingSummary, 'lobbySince'>, now: number): number | null {
	return meeting.lobbySince === null ? null : Math.max(0, now - meeting.lobbySince);
}
