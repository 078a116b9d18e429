/**
 * `lobby scenario run --speed` against a real server: the scenario runs live on the server's own
 * services, at a speed, and the command follows it to its end with the same summary and JUnit
 * report as a virtual run. Only administrators may run one live.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, TEST_USER_PASSWORD } from '../helpers/directory';
import { lobby, loggedIn } from '../helpers/lobby-cli';
import { serverPerSuite } from '../helpers/suite-server';

describe('scenarios run live from the command line', () => {
	const suite = serverPerSuite({ directory: {} });
	let home: string;
	let admin: Record<string, string>;

	beforeAll(async () => {
		home = mkdtempSync(join(tmpdir(), 'lobby-live-'));
		admin = await loggedIn(suite.server.url, home, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
	});

	afterAll(async () => {
		rmSync(home, { recursive: true, force: true });
	});

	it('S10 runs live at 20x on the server, is followed to its end, and writes JUnit', async () => {
		const junit = join(home, 'live.xml');
		const result = await lobby(
			['scenario', 'run', 'scenarios/s10-lobby-admitted.yaml', '--speed', '20', '--junit', junit],
			{
				env: admin
			}
		);
		expect(result, result.stderr).toMatchObject({ code: 0 });
		expect(result.stderr).toContain('live on');
		expect(result.stdout).toContain('✓ Lobby callers are admitted when the meeting starts');
		expect(result.stdout).toMatch(/✓ .*meeting amos is in-progress/);
		expect(result.stdout).toContain('1 scenario(s) live: 1 passed, 0 failed');
		const xml = readFileSync(junit, 'utf8');
		expect(xml).toMatch(/<testsuites[^>]* failures="0"/);
		expect(xml).toContain('meeting amos is in-progress');

		// The run really happened on the server: its meeting is in the server's event log.
		const token = (JSON.parse(readFileSync(admin.LOBBY_CREDENTIALS!, 'utf8')) as { token: string }).token;
		const live = await fetch(`${suite.server.url}/api/v1/scenarios/live`, {
			headers: { authorization: `Bearer ${token}` }
		});
		const { run } = (await live.json()) as {
			run: { status: string; meetings: { meetingId: string | null }[] };
		};
		expect(run.status).toBe('passed');
		const meetingId = run.meetings[0]!.meetingId!;
		const meeting = await fetch(`${suite.server.url}/api/v1/meetings/${meetingId}`, {
			headers: { authorization: `Bearer ${token}` }
		});
		const { timeline } = (await meeting.json()) as { timeline: { event: { type: string } }[] };
		expect(timeline.map((e) => e.event.type)).toEqual(
			expect.arrayContaining(['CallerEnteredLobby', 'MeetingStarted', 'LobbyAdmitted'])
		);
	});

	it('lobby load --scenario runs S10 as three copies at once on the server, checks each, and writes JUnit', async () => {
		const junit = join(home, 'load.xml');
		const result = await lobby(
			[
				'load',
				'--scenario',
				'scenarios/s10-lobby-admitted.yaml',
				'--repeat',
				'3',
				'--speed',
				'20',
				'--junit',
				junit
			],
			{ env: admin }
		);
		expect(result, result.stderr).toMatchObject({ code: 0 });
		expect(result.stderr).toContain('3 copies at once (live on');
		expect(result.stdout).toMatch(
			/Lobby callers are admitted when the meeting starts: 3 of 3 copies passed \(\d+ expectation\(s\) checked\)/
		);
		const xml = readFileSync(junit, 'utf8');
		expect(xml).toMatch(/<testsuites[^>]* failures="0"/);
		for (const n of [1, 2, 3]) expect(xml).toContain(`(copy ${n} of 3)`);

		const usage = await lobby(['load', '--scenario', 'scenarios/s10-lobby-admitted.yaml'], { env: admin });
		expect(usage.code).toBe(2);
		expect(usage.stderr).toContain('--scenario needs --repeat N');
		const mixed = await lobby(
			['load', '--scenario', 'scenarios/s10-lobby-admitted.yaml', '--repeat', '2', '--callers', '5'],
			{
				env: admin
			}
		);
		expect(mixed.code).toBe(2);
		expect(mixed.stderr).toContain('--callers does not go with --scenario');
	});

	it('refuses a user, an unknown file and a speed out of range', async () => {
		const user = { LOBBY_URL: suite.server.url, LOBBY_CREDENTIALS: join(home, 'user.json') };
		await lobby(['login', '--user', 'amos.marble@contoso.com', '--password-stdin'], {
			env: user,
			input: TEST_USER_PASSWORD
		});
		const refused = await lobby(['scenario', 'run', 'scenarios/s10-lobby-admitted.yaml', '--speed', '5'], {
			env: user
		});
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain('Only administrators');

		const unknown = await lobby(['scenario', 'run', 'scenarios/nope.yaml', '--speed', '5'], { env: admin });
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toContain('There is no scenario file scenarios/nope.yaml');

		const fast = await lobby(['scenario', 'run', 'scenarios/s10-lobby-admitted.yaml', '--speed', '500'], {
			env: admin
		});
		expect(fast.code).toBe(2);
		expect(fast.stderr).toContain('--speed must be from 0.25 to 100');
	});
});
