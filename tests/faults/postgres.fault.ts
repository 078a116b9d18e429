/**
 * PostgreSQL goes away under load: stopped and started again (`pg_ctl -m fast`, then
 * `-m immediate`), and frozen (its postmaster and backends stopped with SIGSTOP, then continued).
 * Meanwhile `/readyz` answers 503, callers hear `unavailable` within 5 s instead of waiting, the
 * server's memory stays bounded, and once PostgreSQL answers again the server serves within 5 s.
 * Nothing acknowledged is lost: the ledger is checked against the event log at the end.
 *
 * PostgreSQL only: the suite's own durable cluster (not the fast one of `npm run test:postgres`).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Crowd, now } from './crowd';
import { findPgBin } from './durable-postgres';
import { Stage } from './harness';
import { Ledger, verifyLedger } from './ledger';
import { FULL, sized } from './profile';
import { report } from './results';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** `unavailable` must come within this, measured at the client (the server's deadline is 5 s). */
const ANSWER_LIMIT_MS = 5000 + 1000;

/** The server's resident memory now, in MB (0 once it is gone). */
function rssMb(pid: number): number {
	let status: string;
	try {
		status = readFileSync(`/proc/${pid}/status`, 'utf8');
	} catch {
		return 0;
	}
	const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
	return Math.round(kb / 1024);
}

/** Polls `/readyz` until `stop()`: the statuses seen, and when it was last not ready. */
function watchReadiness(url: string) {
	const seen = new Map<number, number>();
	let lastNotReadyAt = 0;
	let running = true;
	const done = (async () => {
		while (running) {
			const status = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3000) })
				.then((r) => r.status)
				.catch(() => 0);
			seen.set(status, (seen.get(status) ?? 0) + 1);
			if (status !== 200) lastNotReadyAt = now();
			await sleep(200);
		}
	})();
	return {
		seen,
		get lastNotReadyAt() {
			return lastNotReadyAt;
		},
		async stop() {
			running = false;
			await done;
		}
	};
}

type Outage = 'restart -m fast' | 'restart -m immediate' | 'frozen';

const OUTAGES: readonly Outage[] = FULL
	? ['restart -m fast', 'restart -m immediate', 'frozen']
	: ['restart -m fast', 'restart -m immediate'];
const CALLERS_PER_OUTAGE = sized(40, 300);
const MEETINGS = sized(4, 10);
/** How long PostgreSQL stays down or frozen. */
const DOWN_MS = { 'restart -m fast': 3000, 'restart -m immediate': 3000, frozen: sized(8000, 30_000) };

describe.skipIf(!findPgBin() || !process.env.DATABASE_URL)('PostgreSQL goes away under load', () => {
	let stage: Stage | undefined;
	afterAll(async () => {
		if (process.env.LOBBY_FAULTS_SHOW_SERVER) console.log(stage?.server?.output().slice(-6000));
		await stage?.remove();
	});

	it('answers unavailable in time, is not ready while down, serves again within 5 s, and loses nothing acknowledged', async () => {
		stage = await Stage.create({ kind: 'postgres' });
		const server = await stage.start();
		const pg = stage.postgres!;
		const token = await stage.adminToken();
		const organizers = await stage.organizers(token, MEETINGS);
		const ledger = new Ledger();
		const crowd = new Crowd(stage.url, organizers, { ledger, token, timeoutMs: 15_000 });
		const readiness = watchReadiness(stage.url);
		const rows: Record<string, number | string>[] = [];
		let dialed = 0;
		const joins: Promise<void>[] = [];

		for (const outage of OUTAGES) {
			// Callers keep arriving, about 20 a second, across the outage.
			const arrivals = (async () => {
				for (let i = 0; i < CALLERS_PER_OUTAGE; i++) {
					joins.push(crowd.dial(dialed++ % MEETINGS));
					await sleep(50);
				}
			})();
			await sleep(500);
			const unavailableBefore = crowd.figures.unavailableMs.length;
			const rssBefore = rssMb(server.process.pid!);
			let rssMax = rssBefore;
			const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssMb(server.process.pid!))), 250);
			const downAt = now();
			let frozen: number[] = [];
			if (outage === 'frozen') frozen = pg.freeze();
			else await pg.stop(outage === 'restart -m fast' ? 'fast' : 'immediate');
			await sleep(DOWN_MS[outage]);
			if (outage === 'frozen') pg.thaw(frozen);
			else await pg.start();
			const upAt = now();
			await arrivals;
			if (server.process.exitCode !== null || server.process.signalCode !== null) {
				throw new Error(`The server stopped during "${outage}":\n${server.output().slice(-4000)}`);
			}
			// Serving again: a dial answered with a place after PostgreSQL answered again.
			await crowd.until(
				() => crowd.figures.answeredAt.some((t) => t > upAt),
				15_000,
				'a dial answered after the outage'
			);
			const servedAt = crowd.figures.answeredAt.find((t) => t > upAt)!;
			clearInterval(sampler);
			const unavailable = crowd.figures.unavailableMs.slice(unavailableBefore);
			rows.push({
				outage,
				downMs: Math.round(upAt - downAt),
				unavailableAnswers: unavailable.length,
				unavailableMaxMs: Math.round(Math.max(0, ...unavailable)),
				servedAgainMs: Math.round(servedAt - upAt),
				readyAgainMs: Math.round(Math.max(0, readiness.lastNotReadyAt - upAt)),
				rssGrowthMb: rssMax - rssBefore
			});
		}
		await Promise.all(joins);
		await Promise.all(organizers.map((_, m) => crowd.organize(m)));
		await crowd.until(() => crowd.count('lobby') === 0, 30_000, 'every caller in the meeting');
		await readiness.stop();
		const meetingIds = crowd.meetingIds();
		crowd.close();
		await stage.server!.stop('SIGTERM');
		stage.server = null;
		const verdict = verifyLedger(ledger.entries, await stage.events(meetingIds));
		const worst = (key: string) => Math.max(...rows.map((r) => Number(r[key])));
		report({
			scenario: FULL ? 'PostgreSQL restarted and frozen' : 'PostgreSQL restarted',
			database: 'postgres',
			did: `${OUTAGES.join(', ')} while ${dialed} callers joined ${MEETINGS} meetings`,
			figures: {
				acknowledged: verdict.acknowledged,
				joined: crowd.figures.joined,
				unavailableAnswers: rows.reduce((n, r) => n + Number(r.unavailableAnswers), 0),
				unavailableMaxMs: worst('unavailableMaxMs'),
				unanswered: crowd.figures.unanswered,
				servedAgainMsMax: worst('servedAgainMs'),
				readyAgainMsMax: worst('readyAgainMs'),
				rssGrowthMbMax: worst('rssGrowthMb'),
				readyz503: readiness.seen.get(503) ?? 0
			},
			lost: verdict.lost,
			doubled: verdict.doubled,
			outOfOrder: verdict.outOfOrder
		});
		console.log(rows, crowd.figures.errors);
		expect(verdict.examples, verdict.examples.join('\n')).toEqual([]);
		expect(verdict).toMatchObject({ lost: 0, doubled: 0, outOfOrder: 0, seqGaps: 0 });
		expect(crowd.figures.joined).toBe(dialed);
		expect(crowd.figures.unanswered).toBe(0);
		expect(readiness.seen.get(503) ?? 0).toBeGreaterThan(0);
		for (const row of rows) {
			expect(row.unavailableMaxMs, `${row.outage}`).toBeLessThanOrEqual(ANSWER_LIMIT_MS);
			expect(row.servedAgainMs, `${row.outage}`).toBeLessThanOrEqual(5000);
			expect(row.readyAgainMs, `${row.outage}`).toBeLessThanOrEqual(5000);
		}
	});
});
