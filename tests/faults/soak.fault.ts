/**
 * Soak: ten minutes of steady churn, about 500 callers at once. In each of the meetings, callers
 * dial into the lobby and wait, the organizer dials in with the PIN and the lobby is admitted, then
 * everyone hangs up and the meeting ends; and again. Sampled every few seconds from outside the
 * server: its resident memory (growth between minute 2 and the end below 5 %), its event-loop lag
 * (p99 from its own metrics, below 50 ms), its open file descriptors and database connections (no
 * growth). Everything acknowledged must be in the event log at the end.
 *
 * Full suite only (`npm run faults`); `LOBBY_FAULTS_SOAK_MINUTES` shortens or lengthens it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScrape, type Scrape } from '../helpers/prometheus';
import { Crowd, now } from './crowd';
import { Stage } from './harness';
import { Ledger, verifyLedger } from './ledger';
import { FULL } from './profile';
import { report } from './results';

const MINUTES = Number(process.env.LOBBY_FAULTS_SOAK_MINUTES ?? 10);
const MEETINGS = 10;
const CALLERS_PER_MEETING = 50;
const SAMPLE_MS = 5000;
const METRICS_TOKEN = 'fault-suite-metrics-token-0123456789';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sample {
	atMs: number;
	rssMb: number;
	fds: number;
	dbConnections: number | null;
	lagP99Ms: number | null;
	inCalls: number;
}

function rssMb(pid: number): number {
	const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
	return kb / 1024;
}

/** The server's own Prometheus metrics, parsed. */
async function scrape(url: string): Promise<Scrape | null> {
	const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
	return response.ok ? parseScrape(await response.text()) : null;
}

/** The p99 of the event loop's lag in the last scrape window, in ms (prom-client restarts it at every scrape). */
function windowLagP99(scraped: Scrape | null): number | null {
	return scraped ? scraped.value('nodejs_eventloop_lag_p99_seconds') * 1000 : null;
}

/** The cumulative loop-delay histogram's buckets: observations at or under each bound (seconds). */
function loopDelayBuckets(scraped: Scrape): Map<number, number> {
	const buckets = new Map<number, number>();
	for (const sample of scraped.family('lobby_event_loop_delay_seconds').samples) {
		if (sample.name.endsWith('_bucket')) {
			buckets.set(sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le), sample.value);
		}
	}
	return buckets;
}

function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

describe.skipIf(!FULL)('soak: steady churn', () => {
	let stage: Stage | undefined;
	afterAll(async () => {
		await stage?.remove();
	});

	it(`keeps memory, lag, handles and connections flat for ${MINUTES} minutes`, async () => {
		stage = await Stage.create({ env: { LOBBY_METRICS_TOKEN: METRICS_TOKEN } });
		const server = await stage.start();
		const pid = server.process.pid!;
		const token = await stage.adminToken();
		const organizers = await stage.organizers(token, MEETINGS);
		const ledger = new Ledger();
		const crowd = new Crowd(stage.url, organizers, { ledger, token, timeoutMs: 15_000 });
		const pg = stage.postgres ? postgres(stage.postgres.url, { max: 1, onnotice: () => {} }) : null;
		const startedAt = now();
		const endAt = startedAt + MINUTES * 60_000;
		let cycles = 0;

		const churn = organizers.map(async (_, m) => {
			while (now() < endAt) {
				const joins: Promise<void>[] = [];
				for (let i = 0; i < CALLERS_PER_MEETING; i++) {
					joins.push(crowd.dial(m));
					await sleep(40);
				}
				await Promise.all(joins);
				await sleep(1000);
				await crowd.organize(m);
				await sleep(1500);
				await crowd.endMeeting(m);
				cycles++;
			}
		});

		const samples: Sample[] = [];
		// The loop-delay histogram at minute 1 and at the end: the p99 over what lies between.
		let delayAtMinute1: Map<number, number> | null = null;
		let delayAtEnd: Map<number, number> | null = null;
		const sampling = (async () => {
			while (now() < endAt) {
				await sleep(SAMPLE_MS);
				const [row] = pg
					? await pg`select count(*)::int as n from pg_stat_activity where datname = 'lobby'`
					: [null];
				samples.push({
					atMs: now() - startedAt,
					rssMb: rssMb(pid),
					fds: readdirSync(`/proc/${pid}/fd`).length,
					dbConnections: row ? (row as { n: number }).n : null,
					lagP99Ms: windowLagP99(await scrape(stage!.url)),
					inCalls: crowd.count('lobby') + crowd.count('in-meeting')
				});
			}
		})();
		const firstMinute = (async () => {
			await sleep(60_000);
			const scraped = await scrape(stage!.url);
			if (scraped) delayAtMinute1 = loopDelayBuckets(scraped);
		})();
		await Promise.all([...churn, sampling, firstMinute]);
		const lastScrape = await scrape(stage.url);
		if (lastScrape) delayAtEnd = loopDelayBuckets(lastScrape);
		await pg?.end();
		const meetingIds = crowd.meetingIds();
		crowd.close();
		await stage.server!.stop('SIGTERM');
		stage.server = null;
		const verdict = verifyLedger(ledger.entries, await stage.events(meetingIds));

		const window = (fromMin: number, toMin: number) =>
			samples.filter((s) => s.atMs >= fromMin * 60_000 && s.atMs < toMin * 60_000);
		const early = window(2, 4);
		const late = window(MINUTES - 2, MINUTES + 1);
		const rssEarly = median(early.map((s) => s.rssMb));
		const rssLate = median(late.map((s) => s.rssMb));
		const rssGrowthPct = ((rssLate - rssEarly) / rssEarly) * 100;
		const lags = window(1, MINUTES + 1).flatMap((s) => (s.lagP99Ms === null ? [] : [s.lagP99Ms]));
		const lagP99MaxMs = Math.max(...lags);
		// Share of the loop's ticks from minute 1 on that were 50 ms or more late: under 1 % is a p99 under 50 ms.
		const bucket = (at: Map<number, number> | null, le: number) => at?.get(le) ?? 0;
		const ticks = bucket(delayAtEnd, Infinity) - bucket(delayAtMinute1, Infinity);
		const lateTicks = ticks - (bucket(delayAtEnd, 0.05) - bucket(delayAtMinute1, 0.05));
		const latePct = ticks > 0 ? (lateTicks / ticks) * 100 : NaN;
		const sortedLags = [...lags].sort((a, b) => a - b);
		console.log(
			`[faults] soak: event-loop p99 per ${SAMPLE_MS / 1000} s window: median ${median(lags).toFixed(1)} ms, ` +
				`p90 ${(sortedLags[Math.floor(sortedLags.length * 0.9)] ?? 0).toFixed(1)} ms, worst ${lagP99MaxMs.toFixed(1)} ms; ` +
				`windows over 50 ms: ${lags.filter((l) => l >= 50).length} of ${lags.length}`
		);
		const fdsEarly = median(early.map((s) => s.fds));
		const fdsLate = median(late.map((s) => s.fds));
		const dbEarly = pg ? median(early.map((s) => s.dbConnections ?? 0)) : 0;
		const dbLate = pg ? median(late.map((s) => s.dbConnections ?? 0)) : 0;
		report({
			scenario: 'soak',
			database: stage.kind,
			did: `${MINUTES} minutes of churn: ${MEETINGS} meetings of ${CALLERS_PER_MEETING} callers joining, waiting, admitted, hanging up, ${cycles} meetings in all`,
			figures: {
				acknowledged: verdict.acknowledged,
				cycles,
				rssMinute2Mb: Math.round(rssEarly),
				rssEndMb: Math.round(rssLate),
				rssGrowthPct: Number(rssGrowthPct.toFixed(1)),
				loopTicksLate50msPct: Number(latePct.toFixed(2)),
				lagP99WorstWindowMs: Number(lagP99MaxMs.toFixed(1)),
				lagP99MedianMs: Number(median(lags).toFixed(1)),
				fdsMinute2: fdsEarly,
				fdsEnd: fdsLate,
				dbConnectionsMinute2: dbEarly,
				dbConnectionsEnd: dbLate,
				failed: crowd.count('failed')
			},
			lost: verdict.lost,
			doubled: verdict.doubled,
			outOfOrder: verdict.outOfOrder
		});
		expect(early.length, 'samples between minute 2 and 4').toBeGreaterThan(0);
		expect(verdict).toMatchObject({ lost: 0, doubled: 0, outOfOrder: 0, seqGaps: 0 });
		expect(crowd.count('failed')).toBe(0);
		expect(lags.length, 'event-loop lag read from /metrics').toBeGreaterThan(0);
		expect(rssGrowthPct).toBeLessThan(5);
		expect(ticks, 'loop-delay ticks read from /metrics').toBeGreaterThan(0);
		// The p99 of the event loop's lag from minute 1 to the end is under 50 ms.
		expect(latePct).toBeLessThan(1);
		// Connections come and go with the churn: the late median may not exceed the early one by more than 10 %.
		expect(fdsLate).toBeLessThanOrEqual(fdsEarly * 1.1);
		expect(dbLate).toBeLessThanOrEqual(dbEarly);
	});
});
