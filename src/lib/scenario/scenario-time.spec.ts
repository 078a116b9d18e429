import { describe, expect, it } from 'vitest';
import { formatLogTime, formatOffset, parseDuration, parseDurationRange } from './scenario-time';

describe('scenario times', () => {
	it('reads times the way people write them', () => {
		expect(parseDuration('0s')).toBe(0);
		expect(parseDuration('1.5s')).toBe(1500);
		expect(parseDuration('250ms')).toBe(250);
		expect(parseDuration('2m')).toBe(120_000);
		expect(parseDuration('1h')).toBe(3_600_000);
		expect(parseDuration('1m30s')).toBe(90_000);
		expect(parseDurationRange('20m..40m')).toEqual({ min: 1_200_000, max: 2_400_000 });
		expect(parseDurationRange('30m')).toEqual({ min: 1_800_000, max: 1_800_000 });
	});

	it('refuses anything else, saying how to write it', () => {
		expect(() => parseDuration('5')).toThrow(/0s, 1.5s, 250ms, 2m, 1h or 1m30s/);
		expect(() => parseDuration('-1s')).toThrow(RangeError);
		expect(() => parseDurationRange('40m..20m')).toThrow(/shorter time first/);
	});

	it('prints offsets as a clock shows them, and at fixed width in the log', () => {
		expect(formatOffset(12_000)).toBe('0:12');
		expect(formatOffset(1500)).toBe('0:01.5');
		expect(formatOffset(720_000)).toBe('12:00');
		expect(formatOffset(3_723_000)).toBe('1:02:03');
		expect(formatLogTime(12_000)).toBe('00:00:12.000');
		expect(formatLogTime(3_723_250)).toBe('01:02:03.250');
	});
});
