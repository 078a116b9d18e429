import { describe, expect, it } from 'vitest';
import { renderLoadHtml } from './load-html';
import type { LoadReport, SeriesPoint } from './load-report';
import type { LatencySummary } from './load-stats';

const NONE: LatencySummary = { count: 0, p50: null, p90: null, p95: null, p99: null, max: null, mean: null };

function latency(count: number, p50: number): LatencySummary {
	return { count, p50, p90: p50 * 2, p95: p50 * 3, p99: p50 * 5, max: p50 * 9, mean: p50 * 1.4 };
}

/** A realistic run: 5,000 callers over 100 meetings, one admission threshold breached. */
function report(overrides: Partial<LoadReport> = {}): LoadReport {
	return {
		url: 'https://lobby.example.test',
		meetings: 100,
		callers: 5000,
		plan: {
			model: 'open',
			rate: 10,
			rateTo: 200,
			rampMs: 60_000,
			durationMs: null,
			arrival: 'exponential',
			concurrency: 500,
			mix: { stay: 80, abandon: 10, 'wrong-pin': 5, resume: 5 },
			patience: 'exponential:20s',
			hold: 'fixed:30s',
			dropAfter: 'uniform:5s-15s',
			seed: 42
		},
		arrival: { rate: 10, durationMs: null, concurrency: 500 },
		startedAt: '2025-03-14T09:30:00.000Z',
		elapsedMs: 72_450,
		joins: 4990,
		joinsPerSecond: 82.3,
		joinLatencyMs: latency(4990, 41.25),
		meetingsStarted: 100,
		admitted: 4400,
		admissionLatencyMs: { ...latency(4400, 310), p99: 1234.56 },
		pinAcceptedMs: latency(100, 22),
		abandoned: 500,
		wrongPins: 250,
		resumed: 240,
		resumeLatencyMs: latency(240, 55),
		hungUp: 4400,
		errors: { total: 12, byCode: { TIMEOUT: 9, MEETING_FULL: 3 } },
		disconnects: { total: 4, byReason: { 'transport close': 4 } },
		thresholds: [
			{
				option: '--max-admit-p95',
				figure: 'admission p95',
				unit: 'ms',
				limit: 800,
				actual: 930,
				breached: true,
				text: 'admission p95 930 ms is over 800 ms by 130 ms (16 %)'
			},
			{
				option: '--max-errors',
				figure: 'errors',
				unit: '%',
				limit: 1,
				actual: 0.2,
				breached: false,
				text: 'errors 0.2 % is within 1 %'
			}
		],
		interrupted: false,
		ok: false,
		exitCode: 3,
		...overrides
	};
}

/** Sixty seconds of a ramp; second 30 measured no join latency, the first three no admission. */
function series(length = 60): SeriesPoint[] {
	return Array.from({ length }, (_, second) => ({
		second,
		arrivals: 10 + second * 3,
		joins: 9 + second * 3,
		admitted: second < 3 ? 0 : 8 + second * 3,
		abandoned: second % 7,
		resumed: second % 5,
		errors: second % 13 === 0 ? 2 : 0,
		connected: 50 + second * 20,
		lobby: 20 + (second % 10),
		joinMs: second === 30 ? null : { p50: 40 + second, p95: 90 + second, p99: 150 + second, count: 9 },
		admissionMs: second < 3 ? null : { p50: 300, p95: 700 + second, p99: 900, count: 8 }
	}));
}

/** The `<svg>...</svg>` elements of the page. */
function svgs(html: string): string[] {
	return html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
}

/** The table row whose header cell is `name`. */
function row(html: string, name: string): string {
	const found = html.match(new RegExp(`<tr[^>]*><th scope="row">${name}</th>.*?</tr>`));
	if (!found) throw new Error(`No row ${name}`);
	return found[0];
}

describe('the HTML load report', () => {
	it('given a run, then it is a complete document titled by callers and meetings', () => {
		const html = renderLoadHtml(report(), series());
		expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
		expect(html).toContain('<meta charset="utf-8">');
		expect(html).toContain('<title>Lobby load report: 5,000 callers over 100 meetings</title>');
		expect(html).toContain('2025-03-14T09:30:00.000Z');
		expect(html).toContain('1 min 12.5 s');
		expect(html).toContain('prefers-color-scheme:dark');
		expect(html.trimEnd().endsWith('</html>')).toBe(true);
		expect(html).toContain('<footer>Made by lobby load</footer>');
	});

	it('given a run, then the page loads nothing: no script, no src, no link, no URL but the run’s own', () => {
		const html = renderLoadHtml(report(), series());
		expect(html).not.toMatch(/<script/i);
		expect(html).not.toMatch(/src=/i);
		expect(html).not.toMatch(/href=/i);
		expect(html).not.toMatch(/<link/i);
		expect(html).not.toMatch(/url\(/i);
		const withoutOwnUrl = html.split('https://lobby.example.test').join('');
		expect(withoutOwnUrl).not.toMatch(/https?:\/\//);
	});

	it('given hostile text in the report, then it appears only escaped', () => {
		const hostile = '<script>alert(1)</script>';
		const html = renderLoadHtml(
			report({
				url: `https://evil.test/?a="1"&b='2'<b>`,
				errors: { total: 1, byCode: { [hostile]: 1 } },
				disconnects: { total: 1, byReason: { '<img onerror=x>': 1 } },
				plan: { ...report().plan, mix: { '<i>stay</i>': 100 }, patience: '<u>20s</u>' },
				thresholds: [{ ...report().thresholds[0]!, text: '<b>over</b> & out' }]
			}),
			series()
		);
		expect(html).not.toContain(hostile);
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(html).toContain('https://evil.test/?a=&quot;1&quot;&amp;b=&#39;2&#39;&lt;b&gt;');
		expect(html).not.toContain('<img');
		expect(html).toContain('&lt;img onerror=x&gt;');
		expect(html).toContain('&lt;i&gt;stay&lt;/i&gt; 100 %');
		expect(html).toContain('&lt;u&gt;20s&lt;/u&gt;');
		expect(html).toContain('&lt;b&gt;over&lt;/b&gt; &amp; out');
	});

	it.each([
		[0, 'pass', 'Passed'],
		[1, 'fail', 'Callers failed or the server refused'],
		[3, 'fail', 'Thresholds breached'],
		[130, 'warn', 'Interrupted']
	])('given exit code %i, then the %s banner says so with the code', (exitCode, tone, text) => {
		const html = renderLoadHtml(report({ exitCode }), series());
		expect(html).toContain(`<p class="verdict ${tone}"><strong>${text}</strong> (exit code ${exitCode})</p>`);
	});

	it('given one threshold breached and one within, then each row says which in words', () => {
		const html = renderLoadHtml(report(), series());
		const breached = row(html, '--max-admit-p95');
		expect(breached).toMatch(/^<tr class="breached">/);
		expect(breached).toContain('<strong>breached</strong>');
		expect(breached).toContain('930 ms');
		expect(breached).toContain('admission p95 930 ms is over 800 ms by 130 ms (16 %)');
		const within = row(html, '--max-errors');
		expect(within).toMatch(/^<tr class="within">/);
		expect(within).toContain('<td>within</td>');
		expect(within).not.toContain('breached');
	});

	it('given no thresholds, then there is no thresholds table', () => {
		const html = renderLoadHtml(report({ thresholds: [] }), series());
		expect(html).not.toContain('<h2>Thresholds</h2>');
		expect(html).not.toContain('--max-admit-p95');
	});

	it('given a run, then the summary and plan read in thousands and words', () => {
		const html = renderLoadHtml(report(), series());
		expect(row(html, 'Joins')).toContain('4,990 of 5,000');
		expect(row(html, 'Admitted')).toContain('4,400 of 5,000');
		expect(row(html, 'Wrong PINs')).toContain('250');
		expect(row(html, 'Rate')).toContain('10/s to 200/s over 60 s');
		expect(row(html, 'Mix')).toContain('stay 80 %, abandon 10 %, wrong-pin 5 %, resume 5 %');
		expect(row(html, 'Seed')).toContain('42');
		expect(row(html, 'admission')).toContain('<td>1,234.6</td>');
		expect(row(html, 'join')).toContain('<td>41.3</td>');
	});

	it('given a latency with nothing measured, then its row shows dashes, not zeros', () => {
		const html = renderLoadHtml(report({ resumeLatencyMs: NONE }), series());
		const resume = row(html, 'resume');
		expect(resume).toBe(
			'<tr><th scope="row">resume</th><td>0</td><td>–</td><td>–</td><td>–</td><td>–</td><td>–</td><td>–</td></tr>'
		);
	});

	it('given a series, then there are four SVG charts, each named by its title and without script', () => {
		const charts = svgs(renderLoadHtml(report(), series()));
		expect(charts).toHaveLength(4);
		for (const svg of charts) {
			expect(svg).toMatch(/^<svg role="img" aria-labelledby="([\w-]+)-title \1-desc"/);
			expect(svg).toMatch(/<title id="[\w-]+-title">[^<]+<\/title>/);
			expect(svg).toMatch(/<desc id="[\w-]+-desc">[^<]+<\/desc>/);
			expect(svg).toContain('viewBox="0 0 720 240"');
		}
	});

	it('given sixty seconds, then the arrivals line has sixty points', () => {
		const arrivals = svgs(renderLoadHtml(report(), series()))[0]!;
		expect(arrivals).toContain('Arrivals and joins per second');
		const line = arrivals.match(/<polyline [^>]*data-series="arrivals"[^>]*points="([^"]+)"/);
		expect(line).not.toBeNull();
		expect(line![1]!.trim().split(/\s+/)).toHaveLength(60);
	});

	it('given a second without join latency, then the join lines break there', () => {
		const latency = svgs(renderLoadHtml(report(), series()))[2]!;
		const p95 = [...latency.matchAll(/<polyline [^>]*data-series="join p95"[^>]*points="([^"]+)"/g)];
		expect(p95.map((m) => m[1]!.split(' ').length)).toEqual([30, 29]);
		const admission = [
			...latency.matchAll(/<polyline [^>]*data-series="admission p95"[^>]*points="([^"]+)"/g)
		];
		expect(admission.map((m) => m[1]!.split(' ').length)).toEqual([57]);
	});

	it('given a series, then the y axis has round tick labels', () => {
		const arrivals = svgs(renderLoadHtml(report(), series()))[0]!;
		// Arrivals peak at 187 a second: ticks every 50 up to 200.
		for (const tick of ['0', '50', '100', '150', '200'])
			expect(arrivals).toContain(`text-anchor="end">${tick}</text>`);
	});

	it.each([
		['no seconds', 0],
		['one second', 1]
	])('given %s, then each chart draws its axes and says there is not enough data', (_, length) => {
		const html = renderLoadHtml(report(), series(length));
		const charts = svgs(html);
		expect(charts).toHaveLength(4);
		for (const svg of charts) {
			expect(svg).toContain('Not enough data for a chart');
			expect(svg).toContain('class="axis"');
			expect(svg).not.toMatch(/<(polyline|rect|circle) /);
		}
	});

	it('given no errors or disconnects, then those sections say None', () => {
		const html = renderLoadHtml(
			report({ errors: { total: 0, byCode: {} }, disconnects: { total: 0, byReason: {} } }),
			series()
		);
		expect(html).toContain('<h3>Errors by code</h3>\n<p>None</p>');
		expect(html).toContain('<h3>Disconnects by reason</h3>\n<p>None</p>');
	});

	it('given the same run twice, then the page is the same string', () => {
		expect(renderLoadHtml(report(), series())).toBe(renderLoadHtml(report(), series()));
	});
});
