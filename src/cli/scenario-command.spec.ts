import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '$lib/scenario/scenario-json-schema';
import { scenarioCommand } from './scenario-command';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sink(): Writable & { text: () => string } {
	const chunks: string[] = [];
	const stream = new Writable({
		write(chunk, _encoding, done) {
			chunks.push(String(chunk));
			done();
		}
	}) as Writable & { text: () => string };
	stream.text = () => chunks.join('');
	return stream;
}

async function lobby(argv: string[], cwd = ROOT) {
	const out = sink();
	const err = sink();
	const code = await scenarioCommand(argv, { out, err, cwd });
	return { code, out: out.text(), err: err.text() };
}

const GOOD = `# yaml-language-server: $schema=./scenario.schema.json
name: Alice waits
description: Alice waits in Amos's lobby.
actors:
  callers:
    alice: '+46 8 123 45 67'
  organizers:
    amos: { user: amos.marble }
steps:
  - at: 0s
    dial: alice
  - expect: { meeting: amos, state: waiting, lobby: 1 }
`;

describe('lobby scenario', () => {
	let dir: string;

	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), 'lobby-scenarios-'));
		await writeFile(join(dir, 'good.yaml'), GOOD);
		await writeFile(join(dir, 'failing.yaml'), GOOD.replace('state: waiting', 'state: in-progress'));
		await writeFile(join(dir, 'bad.yaml'), GOOD.replace('    dial: alice', '    dail: alice'));
		await writeFile(
			join(dir, 'cut.yaml'),
			GOOD.replace('    dial: alice', '    dial: alice\n    note: she presses # and waits')
		);
	});

	afterAll(async () => {
		await rm(dir, { recursive: true, force: true });
	});

	it('validate: prints file:line:column: message for each error and exits 1; ok files exit 0', async () => {
		const bad = await lobby(['validate', 'bad.yaml', 'good.yaml'], dir);
		expect(bad.code).toBe(1);
		expect(bad.out).toBe(
			'bad.yaml:11:5: Unknown key "dail": did you mean "dial"?\ngood.yaml: ok (2 steps)\n'
		);
		expect((await lobby(['validate', 'scenarios'])).code).toBe(0);
	});

	it('validate: a note cut short by an unquoted " #" is a warning with its place; the file is still ok (exit 0)', async () => {
		const cut = await lobby(['validate', 'cut.yaml'], dir);
		expect(cut.code).toBe(0);
		expect(cut.out).toBe(
			'cut.yaml:12:23: warning: The note stops before "# and waits": in YAML an unquoted " #" starts a comment. ' +
				'Quote the whole note (\'...\' or "...") to keep the rest.\n' +
				'cut.yaml: ok (2 steps, 1 warning(s))\n'
		);
	});

	it('schema: prints the JSON Schema', async () => {
		const { code, out } = await lobby(['schema']);
		expect(code).toBe(0);
		expect(JSON.parse(out)).toEqual(scenarioJsonSchema());
	});

	it('usage errors exit 2 with a clear message: --speed without live support, unknown options, no files', async () => {
		const speed = await lobby(['run', '--speed', '2', 'scenarios/s10-lobby-admitted.yaml']);
		expect(speed.code).toBe(2);
		expect(speed.err).toContain('--speed applies to live runs; this build runs scenarios in virtual time');
		expect((await lobby(['run', '--fast', 'x.yaml'])).err).toContain('Unknown option --fast.');
		expect((await lobby(['run'])).code).toBe(2);
		expect((await lobby(['run', '--seed', 'soon', 'x.yaml'])).err).toContain('--seed takes a whole number');
		const missing = await lobby(['run', 'nowhere.yaml'], dir);
		expect(missing.code).toBe(2);
		expect(missing.err).toContain('No such file or folder');
		expect((await lobby([])).code).toBe(2);
		expect((await lobby(['--help'])).code).toBe(0);
	});

	it('run: shows progress, prints a summary per expectation, writes JUnit and JSON, exits 1 when an expectation fails', async () => {
		const { code, out, err } = await lobby(
			[
				'run',
				'good.yaml',
				'failing.yaml',
				'bad.yaml',
				'--virtual',
				'--seed',
				'5',
				'--junit',
				'reports/junit.xml',
				'--json',
				'reports/run.json'
			],
			dir
		);
		expect(code).toBe(1);
		expect(err).toContain('▶ good.yaml: Alice waits (seed 5, virtual time)');
		expect(err).toMatch(/step 2\/2 at 0:00: expect meeting amos is waiting, has 1 in the lobby \(2\/2\)/);
		expect(err).toContain('bad.yaml:11:5: Unknown key "dail": did you mean "dial"?');
		expect(out).toContain('✓ Alice waits (good.yaml, seed 5)');
		expect(out).toContain('✗ Alice waits (failing.yaml, seed 5)');
		expect(out).toContain(
			'at 0:00 expected meeting amos to be in-progress and to have 1 in the lobby, but meeting amos is waiting with 1 caller in the lobby and 0 participants (failing.yaml:12)'
		);
		expect(out).toContain('3 scenario(s): 1 passed, 2 failed');
		const junit = await readFile(join(dir, 'reports/junit.xml'), 'utf8');
		expect(junit.match(/<testsuite /g)).toHaveLength(3);
		expect(junit).toContain('<testsuite name="bad.yaml" tests="1" failures="1"');
		const json = JSON.parse(await readFile(join(dir, 'reports/run.json'), 'utf8')) as {
			failedScenarios: number;
		};
		expect(json.failedScenarios).toBe(2);
		expect((await lobby(['run', 'good.yaml'], dir)).code).toBe(0);
	}, 120_000);
});
