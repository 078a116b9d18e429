/**
 * `lobby load`'s figures second by second: what happened in each second of the run (arrivals,
 * joins, admissions, errors, the latencies that ended in it) and how many connections and lobby
 * callers there were at its end. Written with `--series FILE` (CSV, or JSON when FILE ends in
 * `.json`) and charted by `--html`.
 */
import type { SecondLatency, SeriesPoint } from './load-report';
import { summarize } from './load-stats';

/** What a second counts. */
export type SeriesCount = 'arrivals' | 'joins' | 'admitted' | 'abandoned' | 'resumed' | 'errors';

interface Second {
	counts: Record<SeriesCount, number>;
	join: number[];
	admission: number[];
	gauge: { connected: number; lobby: number } | null;
}

function emptySecond(): Second {
	return {
		counts: { arrivals: 0, joins: 0, admitted: 0, abandoned: 0, resumed: 0, errors: 0 },
		join: [],
		admission: [],
		gauge: null
	};
}

function secondLatency(values: number[]): SecondLatency | null {
	const { count, p50, p95, p99 } = summarize(values);
	return count === 0 ? null : { p50: p50!, p95: p95!, p99: p99!, count };
}

/** Collects the run's figures by second, from `start` (a `performance.now()` time). */
export class SeriesRecorder {
	private readonly seconds: Second[] = [];

	constructor(private readonly start: number) {}

	private at(time: number, index = Math.floor((time - this.start) / 1000)): Second {
		index = Math.max(0, index);
		while (this.seconds.length <= index) this.seconds.push(emptySecond());
		return this.seconds[index]!;
	}

	/** One more of `kind` at `time`. */
	count(kind: SeriesCount, time: number): void {
		this.at(time).counts[kind] += 1;
	}

	/** A latency of `ms` that ended at `time`. */
	latency(kind: 'join' | 'admission', ms: number, time: number): void {
		this.at(time)[kind].push(ms);
	}

	/**
	 * The connections open and callers waiting at `time`, as the reading that ends its second (one
	 * taken exactly at 2.000 s ends second 1); the last reading of a second is kept.
	 */
	gauge(time: number, connected: number, lobby: number): void {
		this.at(time, Math.ceil((time - this.start) / 1000) - 1).gauge = { connected, lobby };
	}

	/** Every second from the start to `end`, readings carried forward where a second had none. */
	points(end: number): SeriesPoint[] {
		this.at(end);
		let last = { connected: 0, lobby: 0 };
		return this.seconds.map((s, second) => {
			last = s.gauge ?? last;
			return {
				second,
				...s.counts,
				connected: last.connected,
				lobby: last.lobby,
				joinMs: secondLatency(s.join),
				admissionMs: secondLatency(s.admission)
			};
		});
	}
}

const CSV_COLUMNS = [
	'second',
	'arrivals',
	'joins',
	'admitted',
	'abandoned',
	'resumed',
	'errors',
	'connected',
	'lobby',
	'join_p50_ms',
	'join_p95_ms',
	'join_p99_ms',
	'admission_p50_ms',
	'admission_p95_ms',
	'admission_p99_ms'
] as const;

/** The series as CSV: a header, then a row a second; an empty cell where nothing was measured. */
export function seriesCsv(points: readonly SeriesPoint[]): string {
	const cell = (v: number | undefined) => (v === undefined ? '' : String(v));
	const rows = points.map((p) =>
		[
			p.second,
			p.arrivals,
			p.joins,
			p.admitted,
			p.abandoned,
			p.resumed,
			p.errors,
			p.connected,
			p.lobby,
			p.joinMs?.p50,
			p.joinMs?.p95,
			p.joinMs?.p99,
			p.admissionMs?.p50,
			p.admissionMs?.p95,
			p.admissionMs?.p99
		]
			.map(cell)
			.join(',')
	);
	return `${[CSV_COLUMNS.join(','), ...rows].join('\n')}\n`;
}

/** The series as JSON: `{ "series": [ ... ] }`, one object a second. */
export function seriesJson(points: readonly SeriesPoint[]): string {
	return `${JSON.stringify({ series: points }, null, 2)}\n`;
}
