/**
 * Times in scenario files: offsets from the start of a run, written the way people say them (`0s`,
 * `1.5s`, `250ms`, `2m`, `1h`, `1m30s`) and printed back as a clock would show them (`0:12`,
 * `1:02:03`, `0:01.5`). Pure: the browser's Scenarios page reads the same files.
 */
import { formatDuration } from '$lib/format/duration';

/** A time as scenario files write it: one or more number-and-unit parts, largest first. */
export const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

/** A time, or a range of times `20m..40m` from which a run draws one with its seed. */
export const DURATION_RANGE_PATTERN =
	/^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+(?:\.\.(?:\d+(?:\.\d+)?(?:ms|s|m|h))+)?$/;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Milliseconds in a scenario time such as `1m30s` (90,000) or `1.5s` (1,500), rounded to whole
 * milliseconds so that virtual time never holds fractions. Throws RangeError for anything else.
 */
export function parseDuration(text: string): number {
	if (!DURATION_PATTERN.test(text)) {
		throw new RangeError(`"${text}" is not a time: write it like 0s, 1.5s, 250ms, 2m, 1h or 1m30s.`);
	}
	let total = 0;
	for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
		total += Number(amount) * (UNIT_MS[unit ?? 's'] ?? 1000);
	}
	return Math.round(total);
}

/** The bounds of `20m..40m` (or `30m`, both bounds alike) in milliseconds. */
export function parseDurationRange(text: string): { min: number; max: number } {
	const [low = '', high] = text.split('..');
	const min = parseDuration(low);
	const max = high === undefined ? min : parseDuration(high);
	if (max < min) throw new RangeError(`"${text}" ends before it starts: write the shorter time first.`);
	return { min, max };
}

/**
 * An offset as a clock shows it, for messages people read: `0:12`, `12:00`, `1:02:03`, with tenths
 * or milliseconds only when there are any (`0:01.5`, `0:00.250`).
 */
export function formatOffset(ms: number): string {
	const sign = ms < 0 ? '-' : '';
	const abs = Math.abs(Math.round(ms));
	const millis = abs % 1000;
	const fraction = millis === 0 ? '' : `.${String(millis).padStart(3, '0').replace(/0+$/, '')}`;
	return `${sign}${formatDuration(abs)}${fraction}`;
}

/**
 * An offset at fixed width for the event log, `00:00:12.000`, so that logs line up and compare
 * byte for byte.
 */
export function formatLogTime(ms: number): string {
	const abs = Math.max(0, Math.round(ms));
	const hours = Math.floor(abs / 3_600_000);
	const minutes = Math.floor(abs / 60_000) % 60;
	const seconds = Math.floor(abs / 1000) % 60;
	const millis = abs % 1000;
	const two = (n: number) => String(n).padStart(2, '0');
	return `${two(hours)}:${two(minutes)}:${two(seconds)}.${String(millis).padStart(3, '0')}`;
}
