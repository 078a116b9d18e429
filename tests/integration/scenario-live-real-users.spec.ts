/**
 * A live scenario run never touches real users. Before stand-ins, running s02 live gave Amos Marble
 * and Astrid Lindqvist the PINs its public seed draws: anyone with the file could compute them and
 * start both meetings as leader. Here the run happens on a real server, through the command line,
 * and then an anonymous caller tries exactly those PINs on the real conference IDs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLeaderPin } from '$lib/domain';
import { SeededRandom } from '$lib/scenario/seeded-random';
import { connect, must, type Client } from '../helpers/clients';
import { TEST_ADMIN_PASSWORD } from '../helpers/directory';
import { lobby, loggedIn } from '../helpers/lobby-cli';
import { serverPerSuite } from '../helpers/suite-server';

const S02 = 'scenarios/s02-organizer-pin.yaml';
const S02_SEED = 2;
const REAL = {
	amos: { email: 'amos.marble@contoso.com', conferenceId: '4410273' },
	astrid: { email: 'astrid.lindqvist@contoso.com', conferenceId: '6390518' }
};

/**
 * The PINs the old live setup gave s02's organizers, in the order it drew them (amos, then astrid):
 * `SeededRandom(seed, 'setup-pins')` and `generateLeaderPin` at the default length of 5.
 */
function seededPins(): { amos: string; astrid: string } {
	const rng = new SeededRandom(S02_SEED, 'setup-pins');
	const draw = () => generateLeaderPin(5, () => rng.digit());
	const amos = draw();
	return { amos, astrid: draw() };
}

/** Real PINs the administrator gave before the run, surely not the seeded ones. */
function realPins(): { amos: string; astrid: string } {
	const seeded = seededPins();
	const differ = (candidate: string, avoid: string) => (candidate === avoid ? '86420' : candidate);
	return { amos: differ('13579', seeded.amos), astrid: differ('24680', seeded.astrid) };
}

describe('a live scenario run and the real directory users', () => {
	const pins = realPins();
	const suite = serverPerSuite({
		directory: { pins: { [REAL.amos.email]: pins.amos, [REAL.astrid.email]: pins.astrid } }
	});
	const sockets: Client[] = [];
	let home: string;
	let admin: Record<string, string>;
	let token: string;

	const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
		const response = await fetch(`${suite.server.url}/api/v1${path}`, {
			...init,
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers }
		});
		const body = (await response.json()) as T;
		if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
		return body;
	};
	const realUser = (email: string) => api<{ user: Record<string, unknown> }>(`/dial-in-users/${email}`);
	const tenantSettings = () => api<{ settings: Record<string, unknown> }>('/tenant-settings');
	const auditOf = (action: string) =>
		api<{
			entries: { actorEmail: string; path: string; outcome: string; details: Record<string, unknown> }[];
		}>(`/audit?action=${action}`);

	/** An anonymous caller dials `conferenceId`, answers "I am the leader" and enters `pin`. */
	async function tryLeaderPin(conferenceId: string, pin: string) {
		const socket = await connect(suite.server.url);
		sockets.push(socket);
		const dialed = await must(socket.emitWithAck('call:dial', { keys: `${conferenceId}#` }));
		expect(dialed.call).toMatchObject({ phase: 'ivr', step: 'leader-choice' });
		const asked = await must(socket.emitWithAck('call:keys', { keys: '*' }));
		expect(asked.call).toMatchObject({ step: 'pin' });
		const { call } = await must(socket.emitWithAck('call:keys', { keys: `${pin}#` }));
		await socket.emitWithAck('call:hangup');
		return call;
	}

	beforeAll(async () => {
		home = mkdtempSync(join(tmpdir(), 'lobby-live-real-'));
		admin = await loggedIn(suite.server.url, home, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
		token = (JSON.parse(readFileSync(admin.LOBBY_CREDENTIALS!, 'utf8')) as { token: string }).token;
	});

	afterAll(() => {
		for (const socket of sockets) socket.disconnect();
		rmSync(home, { recursive: true, force: true });
	});

	it('given s02 ran live, then the PINs its seed draws do not make an anonymous caller leader of the real meetings, and nothing of the real users or the tenant changed', async () => {
		const before = {
			amos: await realUser(REAL.amos.email),
			astrid: await realUser(REAL.astrid.email),
			tenant: await tenantSettings()
		};

		const result = await lobby(['scenario', 'run', S02, '--speed', '50'], { env: admin });
		expect(result, result.stderr).toMatchObject({ code: 0 });
		expect(result.stdout).toContain('1 scenario(s) live: 1 passed, 0 failed');

		// The run played stand-ins: its meetings are on conference IDs of their own.
		const { run } = await api<{
			run: {
				status: string;
				runId: string;
				meetings: { organizer: string; displayName: string; conferenceId: string }[];
			};
		}>('/scenarios/live');
		expect(run.status).toBe('passed');
		expect(run.meetings.map((m) => m.displayName)).toEqual(['Amos Marble', 'Astrid Lindqvist']);
		for (const meeting of run.meetings) {
			expect([REAL.amos.conferenceId, REAL.astrid.conferenceId]).not.toContain(meeting.conferenceId);
		}

		// Nothing of the real users or the demo tenant changed: no new PIN, no setting.
		expect(await realUser(REAL.amos.email)).toEqual(before.amos);
		expect(await realUser(REAL.astrid.email)).toEqual(before.astrid);
		expect(await tenantSettings()).toEqual(before.tenant);

		// The attack: the PINs anyone can compute from the file's seed.
		const seeded = seededPins();
		for (const who of ['amos', 'astrid'] as const) {
			const call = await tryLeaderPin(REAL[who].conferenceId, seeded[who]);
			expect(call, `${who}'s seeded PIN`).toMatchObject({ isLeader: false, prompt: { id: 'pin-wrong' } });
			expect(call.phase).not.toBe('in-meeting');
		}
		// While the real PIN, set by the administrator before the run, still starts the real meeting.
		const owner = await tryLeaderPin(REAL.amos.conferenceId, pins.amos);
		expect(owner).toMatchObject({ phase: 'in-meeting', isLeader: true });

		// Started and finished under the administrator, from the command line, with the file and run id.
		const started = (await auditOf('scenario.start')).entries;
		expect(started).toEqual([
			expect.objectContaining({
				actorEmail: 'admin@contoso.com',
				path: 'cli',
				outcome: 'ok',
				details: expect.objectContaining({ file: S02, runId: run.runId })
			})
		]);
		const finished = (await auditOf('scenario.finish')).entries;
		expect(finished).toEqual([
			expect.objectContaining({
				actorEmail: 'admin@contoso.com',
				path: 'cli',
				outcome: 'ok',
				details: expect.objectContaining({ file: S02, runId: run.runId, status: 'passed' })
			})
		]);
	}, 60_000);

	it('given a run started paused through the API, when the administrator stops it, then the stop is audited under them', async () => {
		const started = await api<{ run: { runId: string; status: string } }>('/scenarios/live', {
			method: 'POST',
			body: JSON.stringify({ file: 'scenarios/s10-lobby-admitted.yaml', speed: 1, paused: true })
		});
		const stopped = await api<{ run: { status: string } }>('/scenarios/live/control', {
			method: 'POST',
			body: JSON.stringify({ action: 'stop' })
		});
		expect(stopped.run.status).toBe('stopped');

		const stops = (await auditOf('scenario.stop')).entries;
		expect(stops).toEqual([
			expect.objectContaining({
				actorEmail: 'admin@contoso.com',
				path: 'api',
				outcome: 'ok',
				details: expect.objectContaining({
					file: 'scenarios/s10-lobby-admitted.yaml',
					runId: started.run.runId
				})
			})
		]);
	});
});
