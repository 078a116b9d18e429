/**
 * How fast a live scenario run's time goes: from a quarter of real time to a hundred times it. The
 * Scenarios page, the socket and API schemas, the live host and `lobby scenario live --speed` all
 * read this range, and say it in the same words.
 */

/** The slowest a live run goes: a quarter of real time. */
export const LIVE_SPEED_MIN = 0.25;
/** The fastest a live run goes: a hundred times real time. */
export const LIVE_SPEED_MAX = 100;

/** The speeds the Scenarios page offers, from the slowest to the fastest. */
export const LIVE_SPEEDS: readonly number[] = [LIVE_SPEED_MIN, 0.5, 1, 2, 5, 10, 25, 50, LIVE_SPEED_MAX];

/** The range as help texts say it: `0.25x to 100x`. */
export const LIVE_SPEED_RANGE_TEXT = `${LIVE_SPEED_MIN}x to ${LIVE_SPEED_MAX}x`;

/** What a speed out of range is told, prefixed by what names it (`speed`, `--speed`). */
export function liveSpeedRangeMessage(name: string): string {
	return `${name} must be from ${LIVE_SPEED_MIN} to ${LIVE_SPEED_MAX}`;
}

/** Whether `speed` is a speed a live run may go at. */
export function isLiveSpeed(speed: number): boolean {
	return Number.isFinite(speed) && speed >= LIVE_SPEED_MIN && speed <= LIVE_SPEED_MAX;
}
