/**
 * Wait timers on the dashboard. Every timer is computed from an instant the server gave
 * (`lobbySince`) and one estimate of the server's clock, so all timers on the page agree.
 */
import type { MeetingSummary } from '$lib/contract/events';

/** How long the meeting's longest-waiting lobby caller has waited at `now`, or null with no lobby. */
export function longestWait(meeting: Pick<MeetingSummary, 'lobbySince'>, now: number): number | null {
	return meeting.lobbySince === null ? null : Math.max(0, now - meeting.lobbySince);
}

/**
 * A wait as a clock: `mm:ss` below an hour, `h:mm:ss` from then on. Whole seconds, rounded down,
 * so a timer never shows a second that has not passed yet.
 */
export function formatWait(ms: number): string {
	const total = Math.max(0, Math.floor(ms / 1000));
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = total % 60;
	const ss = String(s).padStart(2, '0');
	const mm = String(m).padStart(2, '0');
	return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** The same wait as an ISO 8601 duration, for `<time datetime>`. */
export function isoDuration(ms: number): string {
	const total = Math.max(0, Math.floor(ms / 1000));
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = total % 60;
	return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s || total === 0 ? `${s}S` : ''}`;
}
