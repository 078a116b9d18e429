/**
 * The times `lobby load` draws, as SIPp draws its pauses: from a named distribution with a seed, so
 * that a run can be repeated draw for draw. Written `name:arguments`, times as `--duration` takes
 * them (`500ms`, `2s`, `1m`):
 *
 * | written                | drawn                                                        |
 * |------------------------|--------------------------------------------------------------|
 * | `fixed:2s`             | always 2 s                                                   |
 * | `uniform:1s..5s`       | evenly between 1 and 5 s                                     |
 * | `exponential:20s`      | exponentially, mean 20 s (the gaps of a Poisson process)     |
 * | `normal:10s,2s`        | normally, mean 10 s, standard deviation 2 s (never below 0)  |
 * | `lognormal:10s,5s`     | log-normally, with this mean and standard deviation          |
 * | `pareto:2,5s`          | Pareto, shape 2, from 5 s up (a long tail)                   |
 *
 * The gaps between arrivals take a shape only (`--arrival exponential`): its mean comes from the
 * rate, so the rate stays what was asked for.
 */
import type { SeededRandom } from '$lib/scenario/seeded-random';
import { UsageError } from './cmdlets';
import { parseDuration } from './load-time';

export const DISTRIBUTION_NAMES = [
	'fixed',
	'uniform',
	'exponential',
	'normal',
	'lognormal',
	'pareto'
] as const;
export type DistributionName = (typeof DISTRIBUTION_NAMES)[number];

/** A distribution of times in milliseconds. */
export interface Distribution {
	/** As written, for the report: `exponential:20s`. */
	readonly text: string;
	readonly name: DistributionName;
	/** The mean in milliseconds (infinite for a Pareto shape of 1 or less). */
	readonly mean: number;
	/** One draw, in milliseconds, never negative. */
	sample(random: SeededRandom): number;
}

/** A standard normal draw (Box-Muller), from two uniform draws. */
function standardNormal(random: SeededRandom): number {
	const u = 1 - random.next();
	const v = random.next();
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** The distribution `name` with these parameters (milliseconds; `shape` for Pareto). */
export function distribution(
	name: DistributionName,
	params: { a: number; b?: number },
	text: string = name
): Distribution {
	const { a, b = 0 } = params;
	switch (name) {
		case 'fixed':
			return { text, name, mean: a, sample: () => a };
		case 'uniform':
			return { text, name, mean: (a + b) / 2, sample: (r) => a + (b - a) * r.next() };
		case 'exponential':
			return { text, name, mean: a, sample: (r) => r.exponential(a) };
		case 'normal':
			return { text, name, mean: a, sample: (r) => Math.max(0, a + b * standardNormal(r)) };
		case 'lognormal': {
			// The underlying normal's parameters from the mean and deviation of the times themselves.
			const sigma2 = Math.log(1 + (b * b) / (a * a));
			const mu = Math.log(a) - sigma2 / 2;
			const sigma = Math.sqrt(sigma2);
			return { text, name, mean: a, sample: (r) => Math.exp(mu + sigma * standardNormal(r)) };
		}
		case 'pareto': {
			// a is the shape k, b the scale (the smallest time).
			const mean = a > 1 ? (a * b) / (a - 1) : Infinity;
			return { text, name, mean, sample: (r) => b / Math.pow(1 - r.next(), 1 / a) };
		}
		default: {
			const _exhaustive: never = name;
			return _exhaustive;
		}
	}
}

const FORMS = 'fixed:2s, uniform:1s..5s, exponential:20s, normal:10s,2s, lognormal:10s,5s or pareto:2,5s';

/** Parses `name:arguments` for the option `--option`; throws a UsageError that shows the forms. */
export function parseDistribution(option: string, text: string): Distribution {
	const bad = (why: string) => new UsageError(`--${option} ${why} (got "${text}"); write ${FORMS}.`);
	const match = /^([a-z]+):(.+)$/i.exec(text.trim());
	if (!match) throw bad('needs a distribution and its times');
	const name = match[1]!.toLowerCase() as DistributionName;
	if (!(DISTRIBUTION_NAMES as readonly string[]).includes(name)) {
		throw bad(`does not know the distribution "${match[1]}"`);
	}
	const args = match[2]!;
	const time = (t: string | undefined) => {
		const ms = t === undefined ? null : parseDuration(t);
		if (ms === null || ms < 0 || ms > 24 * 3600_000) throw bad(`needs times like 500ms, 2s or 1m`);
		return ms;
	};
	const parts = (separator: string, n: number) => {
		const list = args.split(separator).map((p) => p.trim());
		if (list.length !== n) throw bad(`takes ${n} value(s) for ${name}`);
		return list;
	};
	switch (name) {
		case 'fixed':
		case 'exponential': {
			const a = time(parts(',', 1)[0]);
			if (name === 'exponential' && a === 0) throw bad('needs a mean above 0');
			return distribution(name, { a }, `${name}:${args}`);
		}
		case 'uniform': {
			const [from, to] = parts('..', 2);
			const a = time(from);
			const b = time(to);
			if (b < a) throw bad('needs the smaller time first');
			return distribution(name, { a, b }, `${name}:${args}`);
		}
		case 'normal':
		case 'lognormal': {
			const [mean, deviation] = parts(',', 2);
			const a = time(mean);
			const b = time(deviation);
			if (name === 'lognormal' && a === 0) throw bad('needs a mean above 0');
			return distribution(name, { a, b }, `${name}:${args}`);
		}
		case 'pareto': {
			const [shape, scale] = parts(',', 2);
			const k = /^\d+(\.\d+)?$/.test(shape!) ? Number(shape) : NaN;
			if (!(k > 0 && k <= 100)) throw bad('needs a shape above 0, like 2');
			const b = time(scale);
			if (b === 0) throw bad('needs a scale (the smallest time) above 0');
			return distribution(name, { a: k, b }, `${name}:${args}`);
		}
	}
}

/**
 * The gaps between arrivals in the shape `name`, with mean 1 (in units of the mean gap): the rate
 * scales them. `normal` has a deviation of a quarter of the mean, `lognormal` one mean, `pareto` a
 * shape of 2.
 */
export function unitGaps(name: DistributionName): Distribution {
	switch (name) {
		case 'fixed':
		case 'exponential':
			return distribution(name, { a: 1 });
		case 'uniform':
			return distribution(name, { a: 0, b: 2 });
		case 'normal':
			return distribution(name, { a: 1, b: 0.25 });
		case 'lognormal':
			return distribution(name, { a: 1, b: 1 });
		case 'pareto':
			return distribution(name, { a: 2, b: 0.5 });
	}
}
