import { describe, expect, it } from 'vitest';
import { SeededRandom } from '$lib/scenario/seeded-random';
import { arrivalOffsets, arrivedBy, timeOfArrival, type RateProfile } from './load-arrivals';
import { unitGaps } from './load-distributions';

const RAMP: RateProfile = { from: 10, to: 200, rampMs: 60_000 };

describe('arrivals over time', () => {
	it('given a steady rate, then fixed gaps are evenly spaced from 0', () => {
		const offsets = arrivalOffsets(4, { from: 4, to: 4, rampMs: 0 }, unitGaps('fixed'), new SeededRandom(1));
		expect(Array.from(offsets)).toEqual([0, 250, 500, 750]);
		expect(Array.from(arrivalOffsets(3, null, unitGaps('fixed'), new SeededRandom(1)))).toEqual([0, 0, 0]);
	});

	it('given a ramp, then the arrivals by a time are the rate’s integral, and the time of an arrival its inverse', () => {
		// 10/s rising to 200/s over a minute: (10 + 200) / 2 * 60 = 6,300 callers in the ramp.
		expect(arrivedBy(RAMP, 60_000)).toBeCloseTo(6300, 6);
		expect(arrivedBy(RAMP, 70_000)).toBeCloseTo(8300, 6);
		for (const n of [0, 1, 10, 500, 6300, 7000, 20_000]) {
			expect(arrivedBy(RAMP, timeOfArrival(RAMP, n))).toBeCloseTo(n, 6);
		}
		// A ramp down, and one from a standstill, invert too.
		for (const profile of [
			{ from: 200, to: 10, rampMs: 60_000 },
			{ from: 0.001, to: 50, rampMs: 10_000 }
		]) {
			for (const n of [1, 100, 300]) expect(arrivedBy(profile, timeOfArrival(profile, n))).toBeCloseTo(n, 6);
		}
	});

	it('given a ramp, then arrivals grow denser over it: the last ten seconds hold far more than the first ten', () => {
		const offsets = arrivalOffsets(6300, RAMP, unitGaps('fixed'), new SeededRandom(1));
		const inWindow = (from: number, to: number) => offsets.filter((t) => t >= from && t < to).length;
		const first = inWindow(0, 10_000);
		const last = inWindow(50_000, 60_000);
		expect(first).toBeGreaterThan(100);
		expect(first).toBeLessThan(300);
		expect(last).toBeGreaterThan(1700);
		expect(offsets[6299]).toBeLessThanOrEqual(60_000);
	});

	it('given exponential gaps, then the rate is kept on average but the gaps vary, the same for the same seed', () => {
		const steady = { from: 100, to: 100, rampMs: 0 };
		const a = arrivalOffsets(5000, steady, unitGaps('exponential'), new SeededRandom(9, 'arrivals'));
		const b = arrivalOffsets(5000, steady, unitGaps('exponential'), new SeededRandom(9, 'arrivals'));
		expect(Array.from(a)).toEqual(Array.from(b));
		// 4,999 gaps of 10 ms on average.
		expect(a[4999]! / 4999).toBeGreaterThan(9.5);
		expect(a[4999]! / 4999).toBeLessThan(10.5);
		const gaps = Array.from(a.slice(1), (t, i) => t - a[i]!);
		expect(Math.max(...gaps)).toBeGreaterThan(40);
		for (let i = 1; i < a.length; i++) expect(a[i]!).toBeGreaterThanOrEqual(a[i - 1]!);
	});
});
