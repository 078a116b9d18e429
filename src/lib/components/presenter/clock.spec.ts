import { describe, expect, it } from 'vitest';
import { ServerClock } from './clock';

describe('the server clock', () => {
	it('given no events yet, reads the browser clock', () => {
		expect(new ServerClock().now(5_000)).toBe(5_000);
	});

	it('given a server a minute ahead, takes the least delayed event as the offset', () => {
		const clock = new ServerClock();
		clock.observe(61_000, 1_200); // 200 ms on the way
		clock.observe(62_000, 2_050); // 50 ms on the way
		expect(clock.now(3_000)).toBe(62_950);
	});

	it('forgets the offset on reset', () => {
		const clock = new ServerClock();
		clock.observe(61_000, 1_000);
		clock.reset();
		expect(clock.now(3_000)).toBe(3_000);
	});
});
