import { describe, expect, it } from 'vitest';
import { chartPaths, niceMax, summarize, type Sample } from './lobby-chart';

const g = { width: 100, height: 50, spanMs: 10_000, gapMs: 2_500 };

describe('niceMax', () => {
	it('gives the y axis a round top at or above the peak, at least 4', () => {
		expect(niceMax(0)).toBe(4);
		expect(niceMax(3)).toBe(4);
		expect(niceMax(7)).toBe(10);
		expect(niceMax(12)).toBe(20);
		expect(niceMax(21)).toBe(25);
		expect(niceMax(40)).toBe(50);
		expect(niceMax(100)).toBe(100);
		expect(niceMax(101)).toBe(200);
		expect(niceMax(1234)).toBe(2000);
	});
});

describe('chartPaths', () => {
	it('draws the samples from the left edge of the span to now', () => {
		const samples: Sample[] = [
			{ at: 0, value: 0 },
			{ at: 5_000, value: 2 },
			{ at: 10_000, value: 4 }
		];
		const p = chartPaths(samples, 10_000, { ...g, gapMs: 6_000 });
		expect(p.yMax).toBe(4);
		expect(p.line).toBe('M0 50 L50 25 L100 0');
		expect(p.area).toBe('M0 50 L50 25 L100 0 L100 50 L0 50 Z');
	});

	it('leaves out samples older than the span', () => {
		const p = chartPaths(
			[
				{ at: -5_000, value: 40 },
				{ at: 8_000, value: 1 },
				{ at: 10_000, value: 1 }
			],
			10_000,
			g
		);
		expect(p.yMax).toBe(4);
		expect(p.line).toBe('M80 37.5 L100 37.5');
	});

	it('breaks the line across a gap (a lost connection)', () => {
		const p = chartPaths(
			[
				{ at: 1_000, value: 1 },
				{ at: 2_000, value: 1 },
				{ at: 8_000, value: 2 },
				{ at: 9_000, value: 2 }
			],
			10_000,
			g
		);
		expect(p.line).toBe('M10 37.5 L20 37.5 M80 25 L90 25');
		expect(p.area.match(/Z/g)).toHaveLength(2);
	});

	it('draws a lone sample as a short step', () => {
		expect(chartPaths([{ at: 9_000, value: 4 }], 10_000, g).line).toBe('M90 0 L100 0');
	});

	it('draws nothing without samples', () => {
		expect(chartPaths([], 10_000, g)).toEqual({ line: '', area: '', yMax: 4 });
	});
});

describe('summarize', () => {
	it('tells the current value, the peak and the average over the span', () => {
		const samples: Sample[] = [
			{ at: 0, value: 9 },
			{ at: 6_000, value: 1 },
			{ at: 7_000, value: 4 },
			{ at: 8_000, value: 2 }
		];
		expect(summarize(samples, 8_000, 5_000)).toEqual({ current: 2, peak: 4, average: 2.3, coveredMs: 2_000 });
	});

	it('has nothing to say before the first sample', () => {
		expect(summarize([], 8_000, 5_000)).toEqual({ current: null, peak: null, average: null, coveredMs: 0 });
	});
});
