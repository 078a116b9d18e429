/**
 * `lobby load` as a process against a real server: simulated organizers with fresh PINs, real
 * Socket.IO callers waiting in the lobbies, each organizer admitting its lobby by PIN (S10), and a
 * report that adds up; usage errors exit 2 and refusals exit 1 before a single call is made.
 */
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, TEST_USER_PASSWORD } from '../helpers/directory';
import { lobby, loggedIn } from '../helpers/lobby-cli';
import type { LoadReport } from '../../src/cli/load-command';
import type { LatencySummary } from '../../src/cli/load-stats';
import { serverPerSuite } from '../helpers/suite-server';

/** The percentiles are measured values, so they come in order (load-stats.ts). */
function expectOrdered(latency: LatencySummary, count: number): void {
	const { p50, p95, p99, max } = latency;
	expect(latency.count).toBe(count);
	if (p50 === null || p95 === null || p99 === null || max === null)
		throw new Error('no latency was measured');
	expect(p50).toBeGreaterThan(0);
	expect(p50).toBeLessThanOrEqual(p95);
	expect(p95).toBeLessThanOrEqual(p99);
	expect(p99).toBeLessThanOrEqual(max);
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

describe('lobby load against a running server', () => {
	const suite = serverPerSuite({ directory: {} });
	let home: string;
	let admin: Record<string, string>;
	let user: Record<string, string>;

	beforeAll(async () => {
		home = mkdtempSync(join(tmpdir(), 'lobby-load-'));
		admin = await loggedIn(suite.server.url, home, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
		user = await loggedIn(suite.server.url, home, 'amos.marble@contoso.com', TEST_USER_PASSWORD);
	});

	afterAll(async () => {
		if (home) rmSync(home, { recursive: true, force: true });
	});

	it('S10: 60 callers wait in 3 lobbies, each organizer dials in with its PIN and admits its lobby, and the report adds up', async () => {
		const result = await lobby(['load', '--meetings', '3', '--callers', '60', '--json'], { env: admin });
		// On failure, the report's errors by code say what went wrong.
		expect(result, `${result.stderr}\n${result.stdout}`).toMatchObject({ code: 0 });
		const report = JSON.parse(result.stdout) as LoadReport;
		expect(report).toMatchObject({
			meetings: 3,
			callers: 60,
			joins: 60,
			meetingsStarted: 3,
			admitted: 60,
			hungUp: 63,
			errors: { total: 0, byCode: {} },
			disconnects: { total: 0, byReason: {} },
			ok: true
		});
		expect(report.joinsPerSecond).toBeGreaterThan(0);
		expectOrdered(report.joinLatencyMs, 60);
		expectOrdered(report.admissionLatencyMs, 60);
		expectOrdered(report.pinAcceptedMs, 3);
		// Progress went to stderr, so stdout is the JSON alone.
		expect(result.stderr).toMatch(
			/connected \d+\/60 {2}dialed \d+ {2}in lobby \d+ {2}admitted \d+ {2}errors 0/
		);
	}, 60_000);

	it('S8, S12: the simulated organizers are dial-in users without a mailbox; their PINs are masked and never mailed', async () => {
		const shown = await lobby(['Get-CsOnlineDialInConferencingUser', 'load-organizer-003', '--json'], {
			env: admin
		});
		expect(shown, shown.stderr).toMatchObject({ code: 0 });
		expect(JSON.parse(shown.stdout)).toMatchObject({
			email: 'load-organizer-003@contoso.com',
			displayName: 'Load organizer 003',
			role: 'user',
			hasMailbox: false,
			dialInEnabled: true,
			allowPstnOnlyMeetings: false,
			leaderPin: '*****'
		});
		const { token } = JSON.parse(readFileSync(admin.LOBBY_CREDENTIALS!, 'utf8')) as { token: string };
		const mail = (await (
			await fetch(`${suite.server.url}/api/v1/mail?limit=500`, {
				headers: { authorization: `Bearer ${token}` }
			})
		).json()) as { messages: { toAddress: string }[] };
		expect(mail.messages.filter((m) => m.toAddress.startsWith('load-organizer-'))).toEqual([]);
	});

	it('runs again on the same organizers with fresh PINs, at a given rate', async () => {
		const started = Date.now();
		const result = await lobby(['load', '--meetings', '2', '--callers', '10', '--rate', '20', '--json'], {
			env: admin
		});
		expect(result, result.stderr).toMatchObject({ code: 0 });
		expect(JSON.parse(result.stdout)).toMatchObject({ joins: 10, admitted: 10, errors: { total: 0 } });
		// Ten arrivals at 20 a second take at least 450 ms.
		expect(Date.now() - started).toBeGreaterThanOrEqual(450);
		const list = await lobby(['Get-CsOnlineDialInConferencingUser', '--json'], { env: admin });
		const users = JSON.parse(list.stdout) as { email: string }[];
		expect(users.filter((u) => u.email.startsWith('load-organizer-'))).toHaveLength(3);
	}, 60_000);

	it('a morning with a ramp and a mix of callers: abandons, wrong PINs and resumes are counted, a breached threshold exits 3 and says by how much, and the series and HTML report are written', async () => {
		const series = join(home, 'morning.csv');
		const html = join(home, 'morning.html');
		const args = [
			'load',
			'--meetings',
			'2',
			'--callers',
			'40',
			'--rate',
			'20/s..80/s',
			'--ramp',
			'1s',
			'--arrival',
			'exponential',
			'--mix',
			'abandon=10,wrong-pin=10,resume=10',
			'--patience',
			'fixed:1ms',
			'--drop-after',
			'fixed:1ms',
			'--hold',
			'uniform:50ms..150ms',
			'--seed',
			'5',
			// No admission takes under a millisecond (it includes the PIN check): breached.
			'--max-admit-p95',
			'1ms',
			'--max-errors',
			'50%',
			'--series',
			series,
			'--html',
			html,
			'--json'
		];
		const result = await lobby(args, { env: admin });
		expect(result, `${result.stderr}\n${result.stdout}`).toMatchObject({ code: 3 });
		const report = JSON.parse(result.stdout) as LoadReport;
		expect(report).toMatchObject({
			callers: 40,
			joins: 40,
			meetingsStarted: 2,
			// Exactly the mix's shares: 4 of 40 each.
			wrongPins: 4,
			resumed: 4,
			errors: { total: 0 },
			plan: { model: 'open', rate: 20, rateTo: 80, rampMs: 1000, arrival: 'exponential', seed: 5 },
			exitCode: 3,
			ok: true
		});
		// An abandoning caller leaves after its patience unless its meeting starts first.
		expect(report.abandoned).toBeGreaterThanOrEqual(1);
		expect(report.abandoned).toBeLessThanOrEqual(4);
		expect(report.admitted + report.abandoned).toBe(40);
		expectOrdered(report.resumeLatencyMs, 4);
		expect(report.thresholds).toEqual([
			expect.objectContaining({ option: '--max-admit-p95', breached: true, limit: 1 }),
			expect.objectContaining({ option: '--max-errors', breached: false, actual: 0 })
		]);
		expect(report.thresholds[0]!.text).toMatch(
			/^admission p95 [\d.,]+ ms is over 1 ms by [\d.,]+ ms \(\d+ %\)$/
		);
		expect(result.stderr).toContain('lobby load: threshold breached: --max-admit-p95: admission p95');

		const rows = readFileSync(series, 'utf8').trim().split('\n');
		expect(rows[0]).toMatch(/^second,arrivals,joins,admitted,abandoned,resumed,errors,connected,lobby,/);
		const column = (name: string) => {
			const index = rows[0]!.split(',').indexOf(name);
			return rows.slice(1).reduce((sum, row) => sum + Number(row.split(',')[index]), 0);
		};
		expect(column('arrivals')).toBe(40);
		expect(column('joins')).toBe(40);
		expect(column('resumed')).toBe(4);
		expect(column('admitted') + column('abandoned')).toBe(40);

		const page = readFileSync(html, 'utf8');
		expect(page).toMatch(/^<!doctype html>/i);
		expect(page).toContain('Thresholds breached');
		expect(page.match(/<svg/g)).toHaveLength(4);
		expect(page).not.toMatch(/<script/i);
	}, 60_000);

	it('refuses a threshold it does not know, and a report file it cannot write, before a call is made (exit 2)', async () => {
		const unknown = await lobby(['load', '--meetings', '1', '--callers', '1', '--max-wait-p95', '1s'], {
			env: admin
		});
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toContain('Unknown threshold --max-wait-p95');
		const unwritable = await lobby(
			['load', '--meetings', '1', '--callers', '1', '--html', join(home, 'no', 'such', 'dir', 'r.html')],
			{ env: admin }
		);
		expect(unwritable.code).toBe(2);
		expect(unwritable.stderr).toMatch(/cannot write the HTML report to .*r\.html/);
		expect(unwritable.stderr).not.toContain('preparing');
	});

	it.each([
		[['--meetings', '0', '--callers', '5'], '--meetings must be a whole number from 1 to 1000'],
		[['--meetings', '3'], '--callers N is required'],
		[['--meetings', '3', '--callers', '2'], '--callers (2) must be at least --meetings (3)'],
		[['--meetings', '3', '--callers', '9', '--rate', 'fast'], '--rate must be a number'],
		[['--meetings', '3', '--callers', '9', '--rate', '5', '--duration', '1m'], 'not both'],
		[['--meetings', '3', '--callers', '9', '--duration', '10 minutes'], '--duration must be a time'],
		[['--meetings', '3', '--callers', '9', '--speed', '2'], 'Unknown option --speed']
	])('refuses %j with exit 2 and says why', async (args, message) => {
		const result = await lobby(['load', ...args], { env: admin });
		expect(result.code).toBe(2);
		expect(result.stderr).toContain(message);
		expect(result.stderr).toContain('lobby load --help');
		expect(result.stdout).toBe('');
	});

	it('explains itself with --help', async () => {
		const result = await lobby(['load', '--help'], { env: admin });
		expect(result).toMatchObject({ code: 0 });
		expect(result.stdout).toContain('Usage: lobby load --meetings M --callers N');
	});

	it('S3: a user’s token is refused (exit 1), since simulated organizers get PINs reset', async () => {
		const result = await lobby(['load', '--meetings', '1', '--callers', '1'], { env: user });
		expect(result.code).toBe(1);
		expect(result.stderr).toContain('403 forbidden');
		expect(result.stderr).toContain('administrator');
	});

	it('exits 1 when the server is not reachable', async () => {
		const result = await lobby(['load', '--meetings', '1', '--callers', '1'], {
			env: {
				LOBBY_URL: `http://127.0.0.1:${await closedPort()}`,
				LOBBY_TOKEN: 'not-used',
				LOBBY_CREDENTIALS: join(home, 'none.json')
			}
		});
		expect(result.code).toBe(1);
		expect(result.stderr).toContain('not reachable');
	});
});
