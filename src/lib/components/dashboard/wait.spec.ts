import { describe, expect, it } from 'vitest';
import { formatWait, isoDuration, longestWait } from './wait';

describe('formatWait', () => {
	it('shows minutes and seconds below an hour', () => {
		expect(formatWait(0)).toBe('00:00');
		expect(formatWait(5_000)).toBe('00:05');
		expect(formatWait(65_000)).toBe('01:05');
		expect(formatWait(59 * 60_000 + 59_999)).toBe('59:59');
	});

	it('adds hours from an hour on', () => {
		expect(formatWait(3_600_000)).toBe('1:00:00');
		expect(formatWait(3_600_000 * 12 + 61_000)).toBe('12:01:01');
	});

	it('never shows a second that has not passed, nor a negative wait', () => {
		expect(formatWait(999)).toBe('00:00');
		expect(formatWait(-4_000)).toBe('00:00');
	});
});

describe('isoDuration', () => {
	it('writes an ISO 8601 duration', () => {
		expect(isoDuration(0)).toBe('PT0S');
		expect(isoDuration(65_000)).toBe('PT1M5S');
		expect(isoDuration(3_600_000)).toBe('PT1H');
		expect(isoDuration(3_723_000)).toBe('PT1H2M3S');
	});
});

describe('longestWait', () => {
	it('runs from the longest waiter’s arrival', () => {
		expect(longestWait({ lobbySince: 1_000 }, 31_000)).toBe(30_000);
	});

	it('is null with nobody in the lobby', () => {
		expect(longestWait({ lobbySince: null }, 31_000)).toBeNull();
	});

	it('is never negative when the clocks disagree a little', () => {
		expect(longestWait({ lobbySince: 32_000 }, 31_000)).toBe(0);
	});
});
