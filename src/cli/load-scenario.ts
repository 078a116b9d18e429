/**
 * `lobby load --scenario FILE --repeat N [--speed X] [--junit FILE] [--json FILE]`: runs one of the
 * server's scenario files as N copies at once on the running server (`POST /api/v1/scenarios/load`),
 * each copy with its own tenant, stand-ins and conference IDs, and checks every copy's expectations.
 * Progress shows the copies running and done; the summary names each copy that failed, with its
 * first failed expectation. Ctrl-C stops the load on the server. Exit codes: 0 every copy passed,
 * 1 a copy failed or the server refused, 2 usage error, 130 interrupted.
 */
import { writeFileSync } from 'node:fs';
import {
	SCENARIO_LOAD_COPIES_MAX,
	type ScenarioLoadCopyJson,
	type ScenarioLoadJson
} from '$lib/contract/api';
import { formatDuration } from '$lib/format/duration';
import type { ScenarioResult } from '$lib/server/simulator/scenario-runner';
import { toJsonReport, toJUnitXml } from '$lib/server/simulator/scenario-reports';
import type { ApiClient } from './api-client';
import { isLoadOption, wholeNumber } from './load-options';
import { followedResult, parseLiveSpeed } from './scenario-live';
import { UsageError } from './cmdlets';

export interface ScenarioLoadOptions {
	file: string;
	repeat: number;
	speed: number;
	junit: string | null;
	json: string | null;
}

export const SCENARIO_LOAD_USAGE = `Usage: lobby load --scenario FILE --repeat N [--speed X] [--junit FILE] [--json FILE]

Runs a scenario's story N times at once on the running server (LOBBY_URL, signed in as an
administrator): each copy in a tenant of its own, with stand-ins of the users it names, simulated
organizers and conference IDs of its own, so copies never share a meeting or touch the demo users.
Every copy's expectations are checked.

  --scenario FILE    one of the server's scenario files, by path (scenarios/s10-lobby-admitted.yaml)
  --repeat N         copies, 1 to ${SCENARIO_LOAD_COPIES_MAX}
  --speed X          scenario time against real time, 0.25x to 100x (default 1x); the engine's own
                     timers (lobby timeouts) keep real time
  --junit FILE       one test case per copy and expectation, as JUnit XML
  --json FILE        the copies' results as JSON

Exit codes: 0 every copy passed, 1 a copy failed or the server refused, 2 usage error,
130 interrupted (Ctrl-C stops the load on the server).
`;

/** Whether `lobby load`'s arguments ask for a scenario load. */
export function isScenarioLoad(argv: readonly string[]): boolean {
	return argv.some((arg) => arg === '--scenario' || arg.startsWith('--scenario='));
}

/** Parses a scenario load's arguments (after the word `load`); throws UsageError on any mistake. */
export function parseScenarioLoadOptions(argv: readonly string[]): ScenarioLoadOptions {
	const values = new Map<string, string>();
	const known = ['scenario', 'repeat', 'speed', 'junit', 'json'];
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (!arg.startsWith('--'))
			throw new UsageError(`lobby load takes no argument "${arg}"; options start with --.`);
		const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
		if (!known.includes(name)) {
			const takes = `a scenario load takes ${known.map((k) => `--${k}`).join(', ')}`;
			throw new UsageError(
				isLoadOption(name)
					? `--${name} does not go with --scenario: ${takes}.`
					: `Unknown option --${name}; ${takes}.`
			);
		}
		if (values.has(name)) throw new UsageError(`--${name} is given twice.`);
		const value = inline ?? argv[++i];
		if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) {
			throw new UsageError(`--${name} needs a value.`);
		}
		values.set(name, value);
	}
	const repeatText = values.get('repeat');
	if (repeatText === undefined)
		throw new UsageError('--scenario needs --repeat N: how many copies to run at once.');
	const repeat = wholeNumber('repeat', repeatText, 1, SCENARIO_LOAD_COPIES_MAX);
	const speed = parseLiveSpeed(values.get('speed') ?? '1');
	return {
		file: values.get('scenario')!,
		repeat,
		speed,
		junit: values.get('junit') ?? null,
		json: values.get('json') ?? null
	};
}

const FINISHED = new Set<ScenarioLoadJson['status']>(['passed', 'failed', 'stopped', 'error']);

/** One copy's outcome as a scenario result, for the same JUnit and JSON reports as other runs. */
function resultOf(load: ScenarioLoadJson, copy: ScenarioLoadCopyJson): ScenarioResult {
	return followedResult(
		{
			...copy,
			name: `${load.name} (copy ${copy.copy} of ${load.repeat})`,
			description: '',
			rules: [],
			file: load.file,
			steps: copy.items,
			ended: copy.status === 'passed' || copy.status === 'failed'
		},
		load.wallMs
	);
}

/** One line of progress: copies running, passed and failed, and how far the slowest has come. */
function progressLine(load: ScenarioLoadJson): string {
	const count = (status: ScenarioLoadCopyJson['status']) =>
		load.copies.filter((c) => c.status === status).length;
	const running = load.copies.filter((c) => c.status === 'running');
	const slowest = running.length ? Math.min(...running.map((c) => c.at)) : null;
	return `  ${formatDuration(load.wallMs)}: ${count('preparing')} preparing, ${running.length} running${
		slowest === null ? '' : ` (slowest at ${formatDuration(slowest)})`
	}, ${count('passed')} passed, ${count('failed') + count('error')} failed [${load.status}]\n`;
}

/** Runs the load and follows it to its end; answers the exit code. */
export async function runScenarioLoad(
	options: ScenarioLoadOptions,
	api: ApiClient,
	io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream }
): Promise<number> {
	let running = false;
	let interrupted = false;
	const stopOnServer = () => void api.post('/scenarios/load/stop', {}).catch(() => undefined);
	// Kept for the whole load: a second Ctrl-C must not leave the load running on the server.
	const onInterrupt = () => {
		interrupted = true;
		if (running) stopOnServer();
	};
	process.on('SIGINT', onInterrupt);
	let load: ScenarioLoadJson;
	try {
		({ load } = await api.post<{ load: ScenarioLoadJson }>('/scenarios/load', {
			file: options.file,
			repeat: options.repeat,
			speed: options.speed
		}));
		running = true;
		// Ctrl-C while the server was starting it: stop it now that there is a load to stop.
		if (interrupted) stopOnServer();
		io.err.write(
			`▶ ${options.file}: ${load.name}, ${options.repeat} cop${options.repeat === 1 ? 'y' : 'ies'} at once (live on ${api.url}, ${options.speed}x)\n`
		);
		let shown = '';
		while (!FINISHED.has(load.status)) {
			await new Promise((resolve) => setTimeout(resolve, 500));
			const { load: now } = await api.get<{ load: ScenarioLoadJson | null }>('/scenarios/load');
			if (!now || now.loadId !== load.loadId) throw new Error('The server no longer has this load.');
			load = now;
			const line = progressLine(load);
			if (line !== shown) io.err.write((shown = line));
		}
	} finally {
		running = false;
		process.off('SIGINT', onInterrupt);
	}
	const results = load.copies.map((copy) => resultOf(load, copy));
	if (options.junit) writeFileSync(options.junit, toJUnitXml(results));
	if (options.json) writeFileSync(options.json, `${JSON.stringify(toJsonReport(results), null, 2)}\n`);
	const failed = load.copies.filter((c) => c.status !== 'passed');
	for (const copy of failed) {
		const first = copy.expectations.find((e) => !e.passed);
		io.out.write(
			`✗ copy ${copy.copy}: ${copy.status}${first ? `: ${first.name}: ${first.message}` : copy.problem ? `: ${copy.problem}` : ''}\n`
		);
	}
	const expectations = load.copies.reduce((n, c) => n + c.expectations.length, 0);
	io.out.write(
		`${load.name}: ${load.copies.length - failed.length} of ${load.repeat} copies passed (${expectations} expectation(s) checked) in ${formatDuration(load.wallMs)}${load.problem ? `; ${load.problem}` : ''}\n`
	);
	if (interrupted) return 130;
	return failed.length > 0 || load.status !== 'passed' ? 1 : 0;
}
