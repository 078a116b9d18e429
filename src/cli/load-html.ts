/**
 * The page `lobby load --html` writes: one self-contained HTML document (inline CSS and SVG, no
 * script, no external resource) that a QA lead opens in a browser after a run. Pure: the same
 * report and series give the same string, so the page can be checked as text.
 */
import type { LoadReport, SeriesPoint, ThresholdResult } from './load-report';
import type { LatencySummary } from './load-stats';

const ENTITIES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;'
};

/** Escapes text for HTML text and attribute values alike. Everything from the report goes through it. */
function esc(text: string): string {
	return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** `12,345.6`: thousands separators and at most one decimal. */
function num(n: number): string {
	return n.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** A latency in milliseconds, or an en dash when nothing was measured. */
function ms(v: number | null): string {
	return v === null ? '–' : num(v);
}

/** `42.5 s` or `3 min 7.2 s`. */
function duration(totalMs: number): string {
	const seconds = Math.round(totalMs / 100) / 10;
	if (seconds < 60) return `${num(seconds)} s`;
	const minutes = Math.floor(seconds / 60);
	return `${num(minutes)} min ${num(Math.round((seconds - minutes * 60) * 10) / 10)} s`;
}

/** The banner for each exit code `lobby load` answers (see `LoadReport.exitCode`). */
const VERDICTS: Record<number, { text: string; tone: 'pass' | 'warn' | 'fail' }> = {
	0: { text: 'Passed', tone: 'pass' },
	1: { text: 'Callers failed or the server refused', tone: 'fail' },
	3: { text: 'Thresholds breached', tone: 'fail' },
	130: { text: 'Interrupted', tone: 'warn' }
};

function verdict(exitCode: number): { text: string; tone: 'pass' | 'warn' | 'fail' } {
	return VERDICTS[exitCode] ?? { text: 'Ended with an unexpected exit code', tone: 'fail' };
}

/** A table whose cells are already HTML; `rowClass` marks whole rows (a breached threshold). */
function table(
	head: readonly string[],
	rows: readonly string[][],
	rowClass: (i: number) => string = () => ''
): string {
	const th = head.map((h) => `<th scope="col">${h}</th>`).join('');
	const body = rows
		.map((cells, i) => {
			const cls = rowClass(i);
			const tds = cells.map((c, j) => (j === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join('');
			return `<tr${cls ? ` class="${cls}"` : ''}>${tds}</tr>`;
		})
		.join('\n');
	return `<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** Counts by code or reason, most frequent first as the report keeps them, or "None". */
function tally(heading: string, counts: Record<string, number>): string {
	const entries = Object.entries(counts);
	if (entries.length === 0) return `<h3>${heading}</h3>\n<p>None</p>`;
	return `<h3>${heading}</h3>\n${table(
		[heading === 'Errors by code' ? 'Code' : 'Reason', 'Count'],
		entries.map(([k, v]) => [esc(k), num(v)])
	)}`;
}

function withUnit(v: number | null, unit: ThresholdResult['unit']): string {
	return v === null ? '–' : `${num(v)} ${unit}`;
}

function thresholds(list: readonly ThresholdResult[]): string {
	if (list.length === 0) return '';
	const rows = list.map((t) => [
		esc(t.option),
		esc(t.figure),
		esc(withUnit(t.limit, t.unit)),
		esc(withUnit(t.actual, t.unit)),
		t.breached ? '<strong>breached</strong>' : 'within',
		esc(t.text)
	]);
	const head = ['Option', 'Figure', 'Limit', 'Measured', 'Verdict', 'Detail'];
	return `<h2>Thresholds</h2>\n${table(head, rows, (i) => (list[i]?.breached ? 'breached' : 'within'))}`;
}

function summary(r: LoadReport): string {
	const rows = [
		['Joins', `${num(r.joins)} of ${num(r.callers)}`],
		['Joins per second', num(r.joinsPerSecond)],
		['Meetings started', `${num(r.meetingsStarted)} of ${num(r.meetings)}`],
		['Admitted', `${num(r.admitted)} of ${num(r.callers)}`],
		['Abandoned', num(r.abandoned)],
		['Wrong PINs', num(r.wrongPins)],
		['Resumed', num(r.resumed)],
		['Hung up', num(r.hungUp)],
		['Errors', num(r.errors.total)],
		['Disconnects', num(r.disconnects.total)]
	];
	return `<h2>Summary</h2>\n${table(['Figure', 'Value'], rows)}`;
}

function latencies(r: LoadReport): string {
	const line = (name: string, s: LatencySummary) => [
		name,
		num(s.count),
		...[s.p50, s.p90, s.p95, s.p99, s.max, s.mean].map(ms)
	];
	const rows = [
		line('join', r.joinLatencyMs),
		line('admission', r.admissionLatencyMs),
		line('PIN accepted', r.pinAcceptedMs),
		line('resume', r.resumeLatencyMs)
	];
	const head = ['Latency (ms)', 'n', 'p50', 'p90', 'p95', 'p99', 'max', 'mean'];
	return `<h2>Latency</h2>\n${table(head, rows)}`;
}

/** `10/s`, or `10/s to 200/s over 60 s` with a ramp; a dash for the closed model. */
function rateText(p: LoadReport['plan']): string {
	if (p.rate === null) return '–';
	if (p.rampMs > 0 && p.rateTo !== null)
		return `${num(p.rate)}/s to ${num(p.rateTo)}/s over ${num(p.rampMs / 1000)} s`;
	return `${num(p.rate)}/s`;
}

function plan(r: LoadReport): string {
	const p = r.plan;
	const mix = Object.entries(p.mix)
		.map(([k, v]) => `${esc(k)} ${num(v)} %`)
		.join(', ');
	const rows = [
		['Model', p.model === 'open' ? 'open (arrivals at a rate)' : 'closed (at most the concurrency dialing)'],
		['Rate', esc(rateText(p))],
		['Arrival window', p.durationMs === null ? '–' : duration(p.durationMs)],
		['Arrival distribution', esc(p.arrival)],
		['Concurrency', num(p.concurrency)],
		['Mix', mix || '–'],
		['Patience', esc(p.patience)],
		['Hold', esc(p.hold)],
		['Drop after', esc(p.dropAfter)],
		['Seed', String(p.seed)]
	];
	return `<h2>Plan</h2>\n${table(['Setting', 'Value'], rows)}`;
}

/** One series of a chart: a value per second, null where nothing was measured. */
interface ChartLine {
	name: string;
	values: readonly (number | null)[];
}

interface ChartSpec {
	/** A fixed name; the ids of the SVG's title and description derive from it. */
	id: string;
	title: string;
	desc: string;
	unit: string;
	kind: 'lines' | 'bars';
	seconds: readonly number[];
	lines: readonly ChartLine[];
}

const W = 720;
const H = 240;
const LEFT = 56;
const RIGHT = 16;
const TOP = 40;
const BOTTOM = 36;
/** Dash patterns by series, so the lines read apart in greyscale too. */
const DASHES = ['', '8 4', '2 3', '10 3 2 3'];

/** Rounds coordinates and tick values so the text stays short and stable. */
function round(v: number): number {
	return Number(v.toPrecision(12));
}

/** A round step (1, 2 or 5 times a power of ten) that cuts `span` into about four. */
function niceStep(span: number): number {
	const raw = (span > 0 ? span : 1) / 4;
	const magnitude = 10 ** Math.floor(Math.log10(raw));
	const norm = raw / magnitude;
	return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
}

/** Multiples of `step` from `from` to `to`, both included when they fall on the step. */
function ticks(from: number, to: number, step: number): number[] {
	const out: number[] = [];
	for (let i = Math.ceil(from / step - 1e-9); i * step <= to + step * 1e-9; i++) out.push(round(i * step));
	return out;
}

/** Consecutive measured points, so a line breaks where a second has no value. */
function runs(seconds: readonly number[], values: readonly (number | null)[]): [number, number][][] {
	const out: [number, number][][] = [];
	let run: [number, number][] = [];
	values.forEach((v, i) => {
		if (v === null) {
			if (run.length) out.push(run);
			run = [];
		} else run.push([seconds[i] ?? i, v]);
	});
	if (run.length) out.push(run);
	return out;
}

function peak(values: readonly (number | null)[]): number | null {
	const measured = values.filter((v): v is number => v !== null);
	return measured.length ? Math.max(...measured) : null;
}

/** An inline SVG chart with axes, round tick labels and a legend in text; no script. */
function chart(c: ChartSpec): string {
	const n = c.seconds.length;
	const enough = n >= 2;
	const x0 = enough ? (c.seconds[0] ?? 0) : 0;
	const x1 = enough ? (c.seconds[n - 1] ?? 1) : 1;
	const xSpan = x1 - x0 || 1;
	const yMax = Math.max(0, ...c.lines.map((l) => peak(l.values) ?? 0)) || 1;
	const yStep = niceStep(yMax);
	const yTop = round(Math.ceil(yMax / yStep - 1e-9) * yStep);
	const plotW = W - LEFT - RIGHT;
	const plotH = H - TOP - BOTTOM;
	const px = (s: number) => round(Math.round((LEFT + ((s - x0) / xSpan) * plotW) * 10) / 10);
	const py = (v: number) => round(Math.round((TOP + (1 - v / yTop) * plotH) * 10) / 10);

	const parts: string[] = [];
	for (const t of ticks(0, yTop, yStep)) {
		parts.push(`<line class="grid" x1="${LEFT}" x2="${W - RIGHT}" y1="${py(t)}" y2="${py(t)}"/>`);
		parts.push(`<text x="${LEFT - 6}" y="${py(t) + 4}" text-anchor="end">${num(t)}</text>`);
	}
	for (const t of ticks(x0, x1, Math.max(1, niceStep(xSpan)))) {
		parts.push(`<text x="${px(t)}" y="${H - BOTTOM + 16}" text-anchor="middle">${num(t)}</text>`);
	}
	parts.push(`<line class="axis" x1="${LEFT}" x2="${LEFT}" y1="${TOP}" y2="${H - BOTTOM}"/>`);
	parts.push(`<line class="axis" x1="${LEFT}" x2="${W - RIGHT}" y1="${H - BOTTOM}" y2="${H - BOTTOM}"/>`);
	parts.push(`<text x="${LEFT + plotW / 2}" y="${H - 4}" text-anchor="middle">second of the run</text>`);
	parts.push(`<text x="4" y="${TOP - 10}">${esc(c.unit)}</text>`);

	c.lines.forEach((line, k) => {
		const lx = LEFT + k * 165;
		const dash = DASHES[k] ? ` stroke-dasharray="${DASHES[k]}"` : '';
		parts.push(`<line class="line k${k}"${dash} x1="${lx}" x2="${lx + 28}" y1="12" y2="12"/>`);
		parts.push(`<text x="${lx + 34}" y="16">${esc(line.name)}</text>`);
		if (!enough) return;
		const attrs = `class="${c.kind === 'bars' ? 'bar' : 'line'} k${k}" data-series="${esc(line.name)}"`;
		if (c.kind === 'bars') {
			const width = Math.max(1, Math.min(12, (plotW / n) * 0.7));
			line.values.forEach((v, i) => {
				if (v === null || v === 0) return;
				const x = round(px(c.seconds[i] ?? i) - width / 2);
				parts.push(
					`<rect ${attrs} x="${x}" y="${py(v)}" width="${round(width)}" height="${round(H - BOTTOM - py(v))}"/>`
				);
			});
			return;
		}
		for (const run of runs(c.seconds, line.values)) {
			if (run.length === 1) {
				const [s, v] = run[0]!;
				parts.push(`<circle ${attrs} cx="${px(s)}" cy="${py(v)}" r="2.5"/>`);
			} else {
				const points = run.map(([s, v]) => `${px(s)},${py(v)}`).join(' ');
				parts.push(`<polyline ${attrs}${dash} points="${points}"/>`);
			}
		}
	});
	if (!enough) {
		parts.push(`<text class="empty" x="${LEFT + plotW / 2}" y="${TOP + plotH / 2}" text-anchor="middle">`);
		parts.push('Not enough data for a chart</text>');
	}

	const peaks = c.lines.map((l) => `${l.name} peaks at ${ms(peak(l.values))}`).join('; ');
	const desc = enough
		? `${c.desc} Seconds ${num(x0)} to ${num(x1)}; ${peaks}.`
		: `${c.desc} Not enough data for a chart.`;
	return `<figure>
<figcaption>${esc(c.title)}</figcaption>
<svg role="img" aria-labelledby="${c.id}-title ${c.id}-desc" viewBox="0 0 ${W} ${H}" width="100%" preserveAspectRatio="xMidYMid meet">
<title id="${c.id}-title">${esc(c.title)}</title>
<desc id="${c.id}-desc">${esc(desc)}</desc>
${parts.join('\n')}
</svg>
</figure>`;
}

function charts(series: readonly SeriesPoint[]): string {
	const points = [...series].sort((a, b) => a.second - b.second);
	const seconds = points.map((p) => p.second);
	const specs: ChartSpec[] = [
		{
			id: 'chart-arrivals',
			title: 'Arrivals and joins per second',
			desc: 'Callers who began to dial, and callers answered in the lobby, in each second.',
			unit: 'callers/s',
			kind: 'lines',
			seconds,
			lines: [
				{ name: 'arrivals', values: points.map((p) => p.arrivals) },
				{ name: 'joins', values: points.map((p) => p.joins) }
			]
		},
		{
			id: 'chart-waiting',
			title: 'Callers waiting and connections open',
			desc: 'Callers waiting in lobbies, and connections open, at the end of each second.',
			unit: 'count',
			kind: 'lines',
			seconds,
			lines: [
				{ name: 'waiting in lobbies', values: points.map((p) => p.lobby) },
				{ name: 'connections open', values: points.map((p) => p.connected) }
			]
		},
		{
			id: 'chart-latency',
			title: 'Latency percentiles per second',
			desc: 'Join and admission latency percentiles in milliseconds; a line breaks where a second measured none.',
			unit: 'ms',
			kind: 'lines',
			seconds,
			lines: [
				{ name: 'join p50', values: points.map((p) => p.joinMs?.p50 ?? null) },
				{ name: 'join p95', values: points.map((p) => p.joinMs?.p95 ?? null) },
				{ name: 'join p99', values: points.map((p) => p.joinMs?.p99 ?? null) },
				{ name: 'admission p95', values: points.map((p) => p.admissionMs?.p95 ?? null) }
			]
		},
		{
			id: 'chart-errors',
			title: 'Errors per second',
			desc: 'Errors counted in each second.',
			unit: 'errors/s',
			kind: 'bars',
			seconds,
			lines: [{ name: 'errors', values: points.map((p) => p.errors) }]
		}
	];
	return `<h2>Over time</h2>\n${specs.map(chart).join('\n')}`;
}

const LIGHT =
	'--fg:#1b1f24;--bg:#fff;--muted:#5b636e;--rule:#d5d9de;--pass:#17663a;--pass-bg:#e3f3e8;--warn:#7a4a00;' +
	'--warn-bg:#fcf0d9;--fail:#a3161a;--fail-bg:#fbe7e7;--k0:#1f5fbf;--k1:#c2410c;--k2:#15803d;--k3:#7e22ce';
const DARK =
	'--fg:#e6e8eb;--bg:#15181c;--muted:#9aa3ad;--rule:#3a4048;--pass:#8fdcaa;--pass-bg:#16301f;--warn:#f3c27a;' +
	'--warn-bg:#3a2a10;--fail:#ff9a9a;--fail-bg:#3b1618;--k0:#82b1ff;--k1:#ff9e6b;--k2:#72d595;--k3:#cfa5ff';

const CSS = `:root{color-scheme:light dark;${LIGHT}}
@media screen and (prefers-color-scheme:dark){:root{${DARK}}}
body{font:14px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg);max-width:980px;margin:0 auto;padding:16px}
h1{font-size:1.4em;margin:0 0 4px}h2{font-size:1.15em;margin:24px 0 6px}h3{font-size:1em;margin:12px 0 4px}
.meta{color:var(--muted);margin:0}.meta span{margin-right:16px}
.verdict{margin:12px 0;padding:8px 12px;border-left:6px solid;font-size:1.1em}
.pass{color:var(--pass);background:var(--pass-bg)}.warn{color:var(--warn);background:var(--warn-bg)}
.fail{color:var(--fail);background:var(--fail-bg)}
table{border-collapse:collapse;margin:4px 0 12px}
th,td{padding:3px 10px;border-bottom:1px solid var(--rule);text-align:left;font-variant-numeric:tabular-nums}
thead th{border-bottom:2px solid var(--fg)}
tr.breached th,tr.breached td{color:var(--fail);background:var(--fail-bg)}
figure{margin:8px 0 16px}figcaption{font-weight:600}
svg{width:100%;height:auto;color:var(--fg)}svg text{font-size:11px;fill:currentColor}
.axis{stroke:currentColor}.grid{stroke:var(--rule)}.empty{fill:var(--muted);font-size:14px}
.k0{--k:var(--k0)}.k1{--k:var(--k1)}.k2{--k:var(--k2)}.k3{--k:var(--k3)}
.line{fill:none;stroke:var(--k);stroke-width:2}circle.line,.bar{fill:var(--k);stroke:none}
footer{margin-top:24px;color:var(--muted)}
@media print{body{max-width:none;padding:0;font-size:11pt}figure,table{break-inside:avoid}}`;

/**
 * The whole page for one run: header and verdict, thresholds, summary and latency tables, the
 * plan, four charts over `series` (one point a second), errors and disconnects. Every text from the
 * report is escaped; the only URL in the page is the report's own, as text.
 */
export function renderLoadHtml(report: LoadReport, series: readonly SeriesPoint[]): string {
	const title = `Lobby load report: ${num(report.callers)} callers over ${num(report.meetings)} meetings`;
	const v = verdict(report.exitCode);
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
${CSS}
</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
<p class="meta"><span>URL: ${esc(report.url)}</span><span>Started: ${esc(report.startedAt)}</span><span>Took: ${duration(report.elapsedMs)}</span></p>
<p class="verdict ${v.tone}"><strong>${v.text}</strong> (exit code ${report.exitCode})</p>
</header>
<main>
${thresholds(report.thresholds)}
${summary(report)}
${latencies(report)}
${plan(report)}
${charts(series)}
<h2>Errors and disconnects</h2>
${tally('Errors by code', report.errors.byCode)}
${tally('Disconnects by reason', report.disconnects.byReason)}
</main>
<footer>Made by lobby load</footer>
</body>
</html>
`;
}
