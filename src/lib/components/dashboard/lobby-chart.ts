/**
 * The "callers in lobbies" chart: one sample a second, drawn as a line over an area in an SVG of
 * fixed size that the page stretches. Samples taken while disconnected are missing, and the line
 * breaks there rather than drawing a guess across the gap.
 */

export interface Sample {
	/** Server time of the sample (ms). */
	at: number;
	value: number;
}

export interface ChartGeometry {
	width: number;
	height: number;
	/** Time span shown, ending at `now`. */
	spanMs: number;
	/** Samples further apart than this are not joined. */
	gapMs: number;
}

export interface ChartPaths {
	/** `d` of the line, one `M…L…` run per unbroken stretch. */
	line: string;
	/** `d` of the filled area under the line, closed to the baseline per stretch. */
	area: string;
	/** Top of the y axis: a round number at or above the peak, at least 4. */
	yMax: number;
}

/** A round top for the y axis, so the gridline labels read well: 4, 5, 10, 20, 25, 50, 100… */
export function niceMax(peak: number): number {
	if (peak <= 4) return 4;
	const magnitude = 10 ** Math.floor(Math.log10(peak));
	for (const step of [1, 2, 2.5, 5, 10]) {
		const candidate = step * magnitude;
		if (candidate >= peak) return candidate;
	}
	return 10 * magnitude;
}

const round = (n: number) => Math.round(n * 10) / 10;

export function chartPaths(samples: readonly Sample[], now: number, g: ChartGeometry): ChartPaths {
	const from = now - g.spanMs;
	const shown = samples.filter((s) => s.at >= from && s.at <= now);
	const yMax = niceMax(shown.reduce((max, s) => Math.max(max, s.value), 0));
	const x = (at: number) => round(((at - from) / g.spanMs) * g.width);
	const y = (v: number) => round(g.height - (v / yMax) * g.height);

	const runs: Sample[][] = [];
	let run: Sample[] = [];
	for (const s of shown) {
		const prev = run[run.length - 1];
		if (prev && s.at - prev.at > g.gapMs) {
			runs.push(run);
			run = [];
		}
		run.push(s);
	}
	if (run.length > 0) runs.push(run);

	let line = '';
	let area = '';
	for (const r of runs) {
		const first = r[0]!;
		// A lone sample still shows, as a short flat step up to now.
		const pts =
			r.length === 1 ? [first, { at: first.at + Math.min(1000, now - first.at), value: first.value }] : r;
		const d = pts.map((s, i) => `${i === 0 ? 'M' : 'L'}${x(s.at)} ${y(s.value)}`).join(' ');
		const lastX = x(pts[pts.length - 1]!.at);
		line += (line ? ' ' : '') + d;
		area += (area ? ' ' : '') + `${d} L${lastX} ${g.height} L${x(first.at)} ${g.height} Z`;
	}
	return { line, area, yMax };
}

export interface ChartSummary {
	current: number | null;
	peak: number | null;
	/** Mean over the samples shown, to one decimal. */
	average: number | null;
	/** How much history there is, at most the span (ms). */
	coveredMs: number;
}

export function summarize(samples: readonly Sample[], now: number, spanMs: number): ChartSummary {
	const shown = samples.filter((s) => s.at >= now - spanMs && s.at <= now);
	if (shown.length === 0) return { current: null, peak: null, average: null, coveredMs: 0 };
	let peak = 0;
	let sum = 0;
	for (const s of shown) {
		peak = Math.max(peak, s.value);
		sum += s.value;
	}
	return {
		current: shown[shown.length - 1]!.value,
		peak,
		average: Math.round((sum / shown.length) * 10) / 10,
		coveredMs: Math.min(spanMs, now - shown[0]!.at)
	};
}
