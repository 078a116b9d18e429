import { describe, expect, it } from 'vitest';
import { longestWait } from './wait';

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
