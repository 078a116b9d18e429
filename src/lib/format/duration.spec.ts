import { describe, expect, it } from 'vitest';
import { formatDuration, isoDuration } from './duration';

describe('durations', () => {
	it('reads like a clock', () => {
		expect(formatDuration(0)).toBe('0:00');
		expect(formatDuration(7_900)).toBe('0:07');
		expect(formatDuration(750_000)).toBe('12:30');
		expect(formatDuration(3_723_000)).toBe('1:02:03');
	});

	it('never goes negative', () => {
		expect(formatDuration(-5_000)).toBe('0:00');
	});

	it('shows minutes and seconds below an hour, the same on the dashboard as everywhere', () => {
		expect(formatDuration(0)).toBe('0:00');
		expect(formatDuration(5_000)).toBe('0:05');
		expect(formatDuration(65_000)).toBe('1:05');
		expect(formatDuration(59 * 60_000 + 59_999)).toBe('59:59');
	});

	it('adds hours from an hour on', () => {
		expect(formatDuration(3_600_000)).toBe('1:00:00');
		expect(formatDuration(3_600_000 * 12 + 61_000)).toBe('12:01:01');
	});

	it('never shows a second that has not passed, nor a negative wait', () => {
		expect(formatDuration(999)).toBe('0:00');
		expect(formatDuration(-4_000)).toBe('0:00');
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
