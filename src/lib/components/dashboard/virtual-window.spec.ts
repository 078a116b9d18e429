import { describe, expect, it } from 'vitest';
import { virtualWindow } from './virtual-window';

const base = { rowHeight: 40, viewportHeight: 400, overscan: 5 };

describe('virtualWindow', () => {
	it('renders the screenful at the top plus the overscan below', () => {
		const w = virtualWindow({ ...base, scrollTop: 0, count: 1000 });
		expect(w).toEqual({ start: 0, end: 15, padTop: 0, padBottom: 985 * 40 });
	});

	it('follows the scroll with overscan on both sides', () => {
		const w = virtualWindow({ ...base, scrollTop: 4000, count: 1000 });
		expect(w.start).toBe(95);
		expect(w.end).toBe(115);
		expect(w.padTop).toBe(95 * 40);
		expect(w.padBottom).toBe(885 * 40);
	});

	it('keeps the total height equal to every row', () => {
		for (const scrollTop of [0, 123, 4000, 39_600, 50_000]) {
			const w = virtualWindow({ ...base, scrollTop, count: 1000 });
			expect(w.padTop + (w.end - w.start) * 40 + w.padBottom).toBe(1000 * 40);
		}
	});

	it('ends at the last row when scrolled to the bottom', () => {
		const w = virtualWindow({ ...base, scrollTop: 1000 * 40 - 400, count: 1000 });
		expect(w.end).toBe(1000);
		expect(w.padBottom).toBe(0);
	});

	it('renders everything when the list is short', () => {
		expect(virtualWindow({ ...base, scrollTop: 0, count: 3 })).toEqual({
			start: 0,
			end: 3,
			padTop: 0,
			padBottom: 0
		});
	});

	it('still shows rows when the list shrank under a scrolled view', () => {
		const w = virtualWindow({ ...base, scrollTop: 30_000, count: 10 });
		expect(w.start).toBeLessThan(10);
		expect(w.end).toBe(10);
	});

	it('renders nothing for an empty list or before the row is measured', () => {
		expect(virtualWindow({ ...base, scrollTop: 0, count: 0 })).toEqual({
			start: 0,
			end: 0,
			padTop: 0,
			padBottom: 0
		});
		expect(virtualWindow({ ...base, rowHeight: 0, scrollTop: 0, count: 5 }).end).toBe(0);
	});
});
