import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate-limit';

describe('TokenBucket', () => {
	it('allows a burst, then refuses until time refills it', () => {
		let now = 0;
		const bucket = new TokenBucket(3, 2, () => now);
		expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
		expect(bucket.refusedInARow).toBe(1);
		now += 500; // half a second at 2 per second: one token
		expect(bucket.take()).toBe(true);
		expect(bucket.refusedInARow).toBe(0);
		expect(bucket.take()).toBe(false);
	});

	it('never holds more than the burst', () => {
		let now = 0;
		const bucket = new TokenBucket(2, 100, () => now);
		now += 60_000;
		expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false]);
	});
});
