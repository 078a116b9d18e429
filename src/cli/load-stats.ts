/**
 * The load generator's arithmetic: latency percentiles and counts by code, kept apart from the
 * sockets so they can be checked on their own.
 */

/** A latency distribution in milliseconds; the figures are null when nothing was measured. */
export interface LatencySummary {
	count: number;
	p50: number | null;
	p90: number | null;
	p95: number | null;
	p99: number | null;
	max: number | null;
	mean: number | null;
}

/**
 * The nearest-rank percentile of ascending `sorted` values: the smallest value with at least `p`
 * percent of the values at or below it. Always a measured value, and p50 <= p95 <= p99 by
 * construction. Null for no values.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
	if (!(p > 0 && p <= 100)) throw new RangeError(`A percentile is above 0 and up to 100 (got ${p}).`);
	if (sorted.length === 0) return null;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1]!;
}

/** Rounds to a tenth of a millisecond for the report. */
function tenth(ms: number): number {
	return Math.round(ms * 10) / 10;
}

/** p50, p90, p95, p99, max and mean of `values` (milliseconds, any order). */
export function summarize(values: readonly number[]): LatencySummary {
	const sorted = Float64Array.from(values).sort();
	const list = Array.from(sorted);
	const at = (p: number) => {
		const v = percentile(list, p);
		return v === null ? null : tenth(v);
	};
	let sum = 0;
	for (const v of list) sum += v;
	return {
		count: list.length,
		p50: at(50),
		p90: at(90),
		p95: at(95),
		p99: at(99),
		max: list.length ? tenth(list[list.length - 1]!) : null,
		mean: list.length ? tenth(sum / list.length) : null
	};
}

/** Counts by code (errors) or reason (disconnects). */
export class Tally {
	private readonly counts = new Map<string, number>();

	add(key: string): void {
		this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
	}

	get total(): number {
		let n = 0;
		for (const v of this.counts.values()) n += v;
		return n;
	}

	/** Most frequent first, then by name: a stable order for the report. */
	toJSON(): Record<string, number> {
		return Object.fromEntries(
			[...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
		);
	}
}

/** `p50 12.3 ms  p90 25 ms  p95 30 ms  p99 41 ms  (max 50 ms, n=9)`, or `none measured`. */
export function formatLatency(s: LatencySummary): string {
	if (s.count === 0) return 'none measured';
	const ms = (v: number | null) => (v === null ? '-' : `${v} ms`);
	return `p50 ${ms(s.p50)}  p90 ${ms(s.p90)}  p95 ${ms(s.p95)}  p99 ${ms(s.p99)}  (max ${ms(s.max)}, n=${s.count})`;
}
