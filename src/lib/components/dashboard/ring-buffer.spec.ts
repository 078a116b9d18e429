import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
	it('keeps items oldest first while there is room', () => {
		const ring = new RingBuffer<number>(3);
		ring.push(1);
		ring.push(2);
		expect(ring.toArray()).toEqual([1, 2]);
		expect(ring.size).toBe(2);
		expect(ring.last()).toBe(2);
	});

	it('drops the oldest once full', () => {
		const ring = new RingBuffer<number>(3);
		for (let i = 1; i <= 7; i++) ring.push(i);
		expect(ring.toArray()).toEqual([5, 6, 7]);
		expect(ring.size).toBe(3);
		expect(ring.last()).toBe(7);
	});

	it('starts over when cleared', () => {
		const ring = new RingBuffer<number>(2);
		ring.push(1);
		ring.push(2);
		ring.push(3);
		ring.clear();
		expect(ring.toArray()).toEqual([]);
		expect(ring.last()).toBeUndefined();
		ring.push(4);
		expect(ring.toArray()).toEqual([4]);
	});

	it('refuses a capacity that holds nothing', () => {
		expect(() => new RingBuffer(0)).toThrow(RangeError);
	});
});
