import { describe, expect, it } from 'vitest';
import { ClientLimiter, TokenBucket, KeyedBuckets } from './rate-limit';

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

describe('ClientLimiter', () => {
	const limits = { maxConnections: 2, dialBurst: 3, dialsPerMinute: 60 };

	it('given an address at its connection limit, it refuses one more until one closes', () => {
		const limiter = new ClientLimiter(limits, () => 0);
		expect([limiter.connect('10.0.0.1'), limiter.connect('10.0.0.1'), limiter.connect('10.0.0.1')]).toEqual([
			true,
			true,
			false
		]);
		expect(limiter.connect('10.0.0.2')).toBe(true);
		limiter.disconnect('10.0.0.1');
		expect(limiter.connect('10.0.0.1')).toBe(true);
	});

	it('shares one dial bucket among the address’s connections, refilled at the rate per minute', () => {
		let now = 0;
		const limiter = new ClientLimiter(limits, () => now);
		expect([1, 2, 3, 4].map(() => limiter.dial('10.0.0.1'))).toEqual([true, true, true, false]);
		expect(limiter.dial('10.0.0.2')).toBe(true);
		now += 1000; // 60 a minute: one a second
		expect([limiter.dial('10.0.0.1'), limiter.dial('10.0.0.1')]).toEqual([true, false]);
	});

	it('keeps a spent dial bucket when the address disconnects, and forgets it once refilled', () => {
		let now = 0;
		const limiter = new ClientLimiter(limits, () => now);
		limiter.connect('10.0.0.1');
		limiter.dial('10.0.0.1');
		limiter.disconnect('10.0.0.1');
		expect(limiter.size()).toEqual({ connections: 0, dials: 1 });
		limiter.sweep();
		expect(limiter.size()).toEqual({ connections: 0, dials: 1 });
		now += 1000;
		limiter.sweep();
		expect(limiter.size()).toEqual({ connections: 0, dials: 0 });
	});

	it('forgets an address at once when its last connection closes with a full bucket', () => {
		const limiter = new ClientLimiter(limits, () => 0);
		limiter.connect('10.0.0.1');
		limiter.disconnect('10.0.0.1');
		expect(limiter.size()).toEqual({ connections: 0, dials: 0 });
	});

	it('given 0, a limit is off', () => {
		const limiter = new ClientLimiter({ maxConnections: 0, dialBurst: 0, dialsPerMinute: 60 }, () => 0);
		for (let i = 0; i < 1000; i++) {
			expect(limiter.connect('10.0.0.1')).toBe(true);
			expect(limiter.dial('10.0.0.1')).toBe(true);
		}
		expect(limiter.size().dials).toBe(0);
	});
});

describe('KeyedBuckets', () => {
	it('given a burst of 3 and 60 a minute, then each key has its own 3, refilled one a second', () => {
		let now = 0;
		const buckets = new KeyedBuckets(3, 60, () => now);
		expect([1, 2, 3, 4].map(() => buckets.take('10.0.0.1'))).toEqual([true, true, true, false]);
		expect(buckets.take('10.0.0.2')).toBe(true);
		now += 1000;
		expect([buckets.take('10.0.0.1'), buckets.take('10.0.0.1')]).toEqual([true, false]);
	});

	it('forgets keys whose bucket has refilled, so the map holds only recent clients', () => {
		let now = 0;
		const buckets = new KeyedBuckets(2, 60, () => now, 60_000);
		for (let i = 0; i < 500; i++) buckets.take(`10.0.${i >> 8}.${i & 255}`);
		expect(buckets.size).toBe(500);
		now += 61_000;
		buckets.take('10.9.9.9');
		expect(buckets.size).toBe(1);
	});
});
