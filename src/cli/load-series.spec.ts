import { describe, expect, it } from 'vitest';
import { SeriesRecorder, seriesCsv, seriesJson } from './load-series';

describe('the series, second by second', () => {
	it('given counts, latencies and readings, then each second has its own, readings carried into quiet seconds', () => {
		const series = new SeriesRecorder(10_000);
		series.count('arrivals', 10_100);
		series.count('arrivals', 10_900);
		series.count('joins', 11_200);
		series.latency('join', 40, 11_200);
		series.latency('join', 60, 11_300);
		series.gauge(12_000, 2, 1);
		series.count('errors', 13_500);
		series.latency('admission', 120, 13_600);
		const points = series.points(13_700);
		expect(points.map((p) => p.second)).toEqual([0, 1, 2, 3]);
		expect(points[0]).toMatchObject({ arrivals: 2, joins: 0, connected: 0, lobby: 0, joinMs: null });
		expect(points[1]).toMatchObject({
			joins: 1,
			connected: 2,
			lobby: 1,
			joinMs: { p50: 40, p95: 60, p99: 60, count: 2 }
		});
		// No reading in seconds 2 and 3: the last one holds.
		expect(points[3]).toMatchObject({
			errors: 1,
			connected: 2,
			lobby: 1,
			admissionMs: { p50: 120, count: 1 }
		});
	});

	it('given points, then CSV has a header and a row a second with empty cells for nothing measured, and JSON the same figures', () => {
		const series = new SeriesRecorder(0);
		series.count('arrivals', 10);
		series.latency('join', 12.34, 1500);
		const points = series.points(1500);
		expect(seriesCsv(points).split('\n')).toEqual([
			'second,arrivals,joins,admitted,abandoned,resumed,errors,connected,lobby,join_p50_ms,join_p95_ms,join_p99_ms,admission_p50_ms,admission_p95_ms,admission_p99_ms',
			'0,1,0,0,0,0,0,0,0,,,,,,',
			'1,0,0,0,0,0,0,0,0,12.3,12.3,12.3,,,',
			''
		]);
		expect(JSON.parse(seriesJson(points))).toEqual({ series: points });
	});
});
