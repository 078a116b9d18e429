/**
 * Named meeting policies in a live run (docs/scenarios.md): the file's policies are made in the
 * live-scenario tenant and granted to its organizers' stand-ins, never in the demo tenant; the next
 * live run removes what an earlier one left, so each starts as its file says.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD } from '../helpers/directory';
import { lobby, loggedIn } from '../helpers/lobby-cli';
import { serverPerSuite } from '../helpers/suite-server';

describe('meeting policies in a live run', () => {
	const suite = serverPerSuite({ directory: {} });
	let home: string;
	let admin: Record<string, string>;

	beforeAll(async () => {
		home = mkdtempSync(join(tmpdir(), 'lobby-live-policies-'));
		admin = await loggedIn(suite.server.url, home, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
	});

	afterAll(() => rmSync(home, { recursive: true, force: true }));

	it('gives each organizer its policy’s lobby, leaves the demo tenant’s policies alone, and the next run removes what it left', async () => {
		const sideBySide = await lobby(
			['scenario', 'run', 'scenarios/lobbies-side-by-side.yaml', '--speed', '60'],
			{
				env: admin
			}
		);
		expect(sideBySide, sideBySide.stdout + sideBySide.stderr).toMatchObject({ code: 0 });
		expect(sideBySide.stdout).toMatch(/✓ .*caller bob is in the lobby, waits because: admission-required/);
		const policies = await lobby(['Get-CsTeamsMeetingPolicy', '--json'], { env: admin });
		expect((JSON.parse(policies.stdout) as { identity: string }[]).map((p) => p.identity)).toEqual([
			'Global'
		]);

		// A run with no policies of its own starts without Training: it was removed, by the system.
		const next = await lobby(['scenario', 'run', 'scenarios/s10-lobby-admitted.yaml', '--speed', '60'], {
			env: admin
		});
		expect(next, next.stdout + next.stderr).toMatchObject({ code: 0 });
		const { token } = JSON.parse(readFileSync(admin.LOBBY_CREDENTIALS!, 'utf8')) as { token: string };
		const audit = await fetch(`${suite.server.url}/api/v1/audit?action=meeting-policy.remove`, {
			headers: { authorization: `Bearer ${token}` }
		});
		const { entries } = (await audit.json()) as {
			entries: { actorEmail: string; details: { policy?: string } }[];
		};
		expect(entries).toEqual([
			expect.objectContaining({
				actorEmail: 'system',
				details: expect.objectContaining({ policy: 'Training' })
			})
		]);
	});
});
