/**
 * Replay: a meeting as it stood at any instant of its history, rebuilt from its events with the
 * domain's own `evolveMeeting`. Pure, so scrubbing back and forth always shows what was true then.
 */
import type { TimelineEvent } from '$lib/contract/events';
import { evolveMeeting, type MeetingState, type OpenedMeeting } from '$lib/domain';

/** The meeting after every event at or before `at` (null before it opened). */
export function meetingAt(timeline: readonly TimelineEvent[], at: number): OpenedMeeting | null {
	let state: MeetingState = { status: 'none' };
	for (const { event } of timeline) {
		if (event.at > at) break;
		state = evolveMeeting(state, event);
	}
	return state.status === 'none' ? null : state;
}

/** The events at or before `at`. */
export function eventsUntil(timeline: readonly TimelineEvent[], at: number): TimelineEvent[] {
	const until = timeline.findIndex((e) => e.event.at > at);
	return until === -1 ? [...timeline] : timeline.slice(0, until);
}

/** First and last instants of the history (equal for a single event; zeros when empty). */
export function span(timeline: readonly TimelineEvent[]): { start: number; end: number } {
	if (timeline.length === 0) return { start: 0, end: 0 };
	return { start: timeline[0]!.event.at, end: timeline.at(-1)!.event.at };
}

/** Speeds a replay can run at. */
export const REPLAY_SPEEDS = [0.5, 1, 2, 5, 10, 60] as const;

/** Moves the cursor by `elapsedMs` of wall time at `speed`, stopping at the end. */
export function advance(cursor: number, elapsedMs: number, speed: number, end: number): number {
	return Math.min(end, cursor + elapsedMs * speed);
}

/** The instant of the first event after `at` (or `at` at the end): "next event" while scrubbing. */
export function nextEventAt(timeline: readonly TimelineEvent[], at: number): number {
	return timeline.find((e) => e.event.at > at)?.event.at ?? at;
}

/** The instant of the last event before `at` (or the start): "previous event" while scrubbing. */
export function previousEventAt(timeline: readonly TimelineEvent[], at: number): number {
	const before = timeline.filter((e) => e.event.at < at);
	return before.at(-1)?.event.at ?? timeline[0]?.event.at ?? at;
}
