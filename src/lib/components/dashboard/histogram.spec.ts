import { describe, expect, it } from 'vitest';
import { BUCKET_COUNT, bucketOf, histogram } from './histogram';

describe('bucketOf', () => {
	it('puts each wait in its bucket, an edge going to the bucket above', () => {
		expect(bucketOf(0)).toBe(0);
		expect(bucketOf(29_999)).toBe(0);
		expect(bucketOf(30_000)).toBe(1);
		expect(bucketOf(59_999)).toBe(1);
		expect(bucketOf(60_000)).toBe(2);
		expect(bucketOf(119_000)).toBe(2);
		expect(bucketOf(120_000)).toBe(3);
		expect(bucketOf(299_000)).toBe(3);
		expect(bucketOf(300_000)).toBe(4);
		expect(bucketOf(599_999)).toBe(4);
		expect(bucketOf(600_000)).toBe(5);
		expect(bucketOf(86_400_000)).toBe(5);
	});
});

describe('histogram', () => {
	it('counts one wait per meeting with a lobby and skips the rest', () => {
		expect(histogram([5_000, null, 10_000, 45_000, 400_000, null, 3_600_000])).toEqual([2, 1, 0, 0, 1, 1]);
	});

	it('has every bucket even when nobody waits', () => {
		expect(histogram([])).toEqual(new Array(BUCKET_COUNT).fill(0));
	});
});
