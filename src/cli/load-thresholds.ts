/**
 * `lobby load`'s thresholds, which decide its exit code as SIPp's do: `--max-admit-p95 2s`,
 * `--max-join-p99 1s`, `--max-errors 0.1%` (or a count: `--max-errors 5`). A run that breaches one
 * exits 3, and the report says which, by how much.
 */
import { UsageError } from './cmdlets';
import type { ThresholdResult } from './load-report';
import type { LatencySummary } from './load-stats';
import { parseDuration } from './load-time';

/** The latencies a threshold may limit, by the word in the option. */
const LATENCIES = { join: 'join', admit: 'admission', resume: 'resume', pin: 'PIN accepted' } as const;
type LatencyName = keyof typeof LATENCIES;
const STATS = ['p50', 'p90', 'p95', 'p99', 'max'] as const;
type Stat = (typeof STATS)[number];

/** One threshold as given. */
export type Threshold =
	| { option: string; kind: 'latency'; latency: LatencyName; stat: Stat; limitMs: number }
	| { option: string; kind: 'errors'; percent: number | null; count: number | null };

/** The options a threshold is written as, for the usage text. */
export const THRESHOLD_FORMS = `--max-{${Object.keys(LATENCIES).join(',')}}-{${STATS.join(',')}} D, --max-errors P% | N`;

/** Whether `--name` is a threshold option. */
export function isThresholdOption(name: string): boolean {
	return name === 'max-errors' || /^max-[a-z]+-[a-z0-9]+$/.test(name);
}

/** Parses `--name value` as a threshold; throws a UsageError that says how to write one. */
export function parseThreshold(name: string, value: string): Threshold {
	const option = `--${name}`;
	if (name === 'max-errors') {
		const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(value.trim());
		if (percent) {
			const p = Number(percent[1]);
			if (!(p >= 0 && p <= 100))
				throw new UsageError(`${option} takes a share from 0% to 100% (got "${value}").`);
			return { option, kind: 'errors', percent: p, count: null };
		}
		if (/^\d+$/.test(value.trim())) return { option, kind: 'errors', percent: null, count: Number(value) };
		throw new UsageError(`${option} takes a share like 0.1% or a count like 5 (got "${value}").`);
	}
	const match = /^max-([a-z]+)-([a-z0-9]+)$/.exec(name);
	const latency = match?.[1] as LatencyName | undefined;
	const stat = match?.[2] as Stat | undefined;
	if (!latency || !(latency in LATENCIES) || !stat || !(STATS as readonly string[]).includes(stat)) {
		throw new UsageError(`Unknown threshold ${option}: thresholds are ${THRESHOLD_FORMS}.`);
	}
	const limitMs = parseDuration(value);
	if (limitMs === null || limitMs <= 0 || limitMs > 3600_000) {
		throw new UsageError(`${option} takes a time above 0 and up to 1h, like 500ms or 2s (got "${value}").`);
	}
	return { option, kind: 'latency', latency, stat, limitMs };
}

/** What the thresholds are judged on. */
export interface MeasuredRun {
	latencies: Record<LatencyName, LatencySummary>;
	errors: number;
	callers: number;
}

function figure(n: number): string {
	return n.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** Each threshold against the run: breached or within, and a sentence that says by how much. */
export function judgeThresholds(thresholds: readonly Threshold[], run: MeasuredRun): ThresholdResult[] {
	return thresholds.map((t) => {
		if (t.kind === 'latency') {
			const what = `${LATENCIES[t.latency]} ${t.stat}`;
			const actual = run.latencies[t.latency][t.stat];
			const limit = t.limitMs;
			const base = { option: t.option, figure: what, unit: 'ms' as const, limit, actual };
			if (actual === null) {
				return {
					...base,
					breached: true,
					text: `${what}: nothing was measured, so it cannot be within ${figure(limit)} ms`
				};
			}
			if (actual <= limit)
				return {
					...base,
					breached: false,
					text: `${what} ${figure(actual)} ms is within ${figure(limit)} ms`
				};
			const over = actual - limit;
			return {
				...base,
				breached: true,
				text: `${what} ${figure(actual)} ms is over ${figure(limit)} ms by ${figure(over)} ms (${Math.round((over / limit) * 100)} %)`
			};
		}
		if (t.percent !== null) {
			const actual = run.callers === 0 ? 0 : Math.round((run.errors / run.callers) * 100_000) / 1000;
			const of = `${figure(run.errors)} of ${figure(run.callers)} callers`;
			const base = { option: t.option, figure: 'errors', unit: '%' as const, limit: t.percent, actual };
			return actual <= t.percent
				? {
						...base,
						breached: false,
						text: `errors ${figure(actual)} % (${of}) are within ${figure(t.percent)} %`
					}
				: {
						...base,
						breached: true,
						text: `errors ${figure(actual)} % (${of}) are over ${figure(t.percent)} % by ${figure(actual - t.percent)} points`
					};
		}
		const limit = t.count ?? 0;
		const base = { option: t.option, figure: 'errors', unit: 'errors' as const, limit, actual: run.errors };
		return run.errors <= limit
			? { ...base, breached: false, text: `errors ${figure(run.errors)} are within ${figure(limit)}` }
			: {
					...base,
					breached: true,
					text: `errors ${figure(run.errors)} are over ${figure(limit)} by ${figure(run.errors - limit)}`
				};
	});
}
