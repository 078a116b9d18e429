import { describe, expect, it } from 'vitest';
import { formatLatency, percentile, summarize, Tally } from './load-stats';

describe('percentiles (nearest rank)', () => {
	const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

	it('picks the smallest value with at least p percent at or below it', () => {
		expect(percentile(hundred, 50)).toBe(50);
		expect(percentile(hundred, 95)).toBe(95);
		expect(percentile(hundred, 99)).toBe(99);
		expect(percentile(hundred, 100)).toBe(100);
		expect(percentile([1, 2, 3, 4], 50)).toBe(2);
		expect(percentile([1, 2, 3, 4], 51)).toBe(3);
	});

	it('answers the one value for one value, and null for none', () => {
		expect(percentile([7], 1)).toBe(7);
		expect(percentile([7], 99)).toBe(7);
		expect(percentile([], 50)).toBeNull();
	});

	it('refuses a percentile outside (0, 100]', () => {
		expect(() => percentile(hundred, 0)).toThrow(RangeError);
		expect(() => percentile(hundred, 101)).toThrow(RangeError);
	});

	it('summarizes any order numerically (not as text), with p50 <= p95 <= p99 <= max', () => {
		const values = [100, 9, 20, 3, 1000, 5, 7, 2, 80, 40];
		const s = summarize(values);
		expect(s).toEqual({ count: 10, p50: 9, p90: 100, p95: 1000, p99: 1000, max: 1000, mean: 126.6 });
		for (let trial = 0; trial < 20; trial++) {
			const random = Array.from({ length: 1 + trial * 37 }, () => Math.random() * 500);
			const r = summarize(random);
			expect(r.p50!).toBeLessThanOrEqual(r.p90!);
			expect(r.p90!).toBeLessThanOrEqual(r.p95!);
			expect(r.p95!).toBeLessThanOrEqual(r.p99!);
			expect(r.p99!).toBeLessThanOrEqual(r.max!);
		}
	});

	it('rounds to a tenth of a millisecond and reports nothing measured plainly', () => {
		expect(summarize([1.234, 1.26])).toMatchObject({ p50: 1.2, max: 1.3, mean: 1.2 });
		expect(summarize([])).toEqual({
			count: 0,
			p50: null,
			p90: null,
			p95: null,
			p99: null,
			max: null,
			mean: null
		});
		expect(formatLatency(summarize([]))).toBe('none measured');
		expect(formatLatency(summarize([4, 8]))).toBe('p50 4 ms  p90 8 ms  p95 8 ms  p99 8 ms  (max 8 ms, n=2)');
	});
});

describe('tallies', () => {
	it('count by code, most frequent first, then by name', () => {
		const t = new Tally();
		for (const code of ['meeting-full', 'timeout', 'meeting-full', 'connect-failed']) t.add(code);
		expect(t.total).toBe(4);
		expect(JSON.stringify(t)).toBe('{"meeting-full":2,"connect-failed":1,"timeout":1}');
	});
});
