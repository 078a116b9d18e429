import { describe, expect, it } from 'vitest';
import { SeededRandom } from '$lib/scenario/seeded-random';
import { parseDistribution, unitGaps } from './load-distributions';

/** Mean and standard deviation of `n` draws. */
function moments(text: string, n = 20_000, seed = 3): { mean: number; sd: number; min: number } {
	const d = parseDistribution('hold', text);
	const random = new SeededRandom(seed, 'spec');
	let sum = 0;
	let squares = 0;
	let min = Infinity;
	for (let i = 0; i < n; i++) {
		const x = d.sample(random);
		sum += x;
		squares += x * x;
		min = Math.min(min, x);
	}
	const mean = sum / n;
	return { mean, sd: Math.sqrt(squares / n - mean * mean), min };
}

describe('distributions of times', () => {
	it.each([
		['fixed:2s', 2000, 0],
		['uniform:1s..5s', 3000, 4000 / Math.sqrt(12)],
		['exponential:20s', 20_000, 20_000],
		['normal:10s,2s', 10_000, 2000],
		['lognormal:10s,5s', 10_000, 5000]
	])('given %s, then many draws have its mean %d ms and deviation %d ms', (text, mean, sd) => {
		const m = moments(text);
		expect(m.mean).toBeGreaterThan(mean * 0.97);
		expect(m.mean).toBeLessThan(mean * 1.03 + 1e-9);
		expect(m.sd).toBeGreaterThanOrEqual(sd * 0.9 - 1e-9);
		expect(m.sd).toBeLessThanOrEqual(sd * 1.1 + 1e-9);
		expect(m.min).toBeGreaterThanOrEqual(0);
	});

	it('given a Pareto shape and least time, then no draw is below it and the mean is k·xm/(k-1)', () => {
		const m = moments('pareto:3,2s', 50_000);
		expect(m.min).toBeGreaterThanOrEqual(2000);
		expect(m.mean).toBeGreaterThan(3000 * 0.95);
		expect(m.mean).toBeLessThan(3000 * 1.05);
		expect(parseDistribution('hold', 'pareto:1,2s').mean).toBe(Infinity);
	});

	it('given the same seed, then the same draws; another seed, others', () => {
		const d = parseDistribution('patience', 'exponential:20s');
		const draws = (seed: number) => {
			const random = new SeededRandom(seed, 'patience');
			return Array.from({ length: 5 }, () => d.sample(random));
		};
		expect(draws(1)).toEqual(draws(1));
		expect(draws(2)).not.toEqual(draws(1));
	});

	it('given a shape for arrival gaps, then its mean is one gap', () => {
		for (const name of ['fixed', 'uniform', 'exponential', 'normal', 'lognormal', 'pareto'] as const) {
			expect(unitGaps(name).mean).toBeCloseTo(1, 9);
		}
	});
});
