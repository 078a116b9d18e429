/**
 * `lobby scenario ...`: run scenario files in virtual time, validate them, print their JSON Schema.
 *
 *     lobby scenario run FILE... [--virtual] [--seed N] [--junit FILE] [--json FILE]
 *     lobby scenario validate FILE...
 *     lobby scenario schema
 *
 * A folder stands for its YAML files. Progress goes to stderr, the summary to stdout. Exit codes:
 * 0 every expectation held (or every file is valid), 1 one failed (or a file is invalid), 2 the
 * command was used wrongly.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { scenarioJsonSchemaText } from '$lib/scenario/scenario-json-schema';
import type { ScenarioError } from '$lib/scenario/parse-scenario';
import { formatOffset } from '$lib/scenario/scenario-time';
import { expandScenarioPaths, loadScenarioFile } from '$lib/server/simulator/scenario-files';
import {
	formatSummary,
	formatTotals,
	toJsonReport,
	toJUnitXml
} from '$lib/server/simulator/scenario-reports';
import type { RunProgress, ScenarioResult } from '$lib/server/simulator/scenario-runner';

/** Where the command writes and which folder relative paths start from. */
export interface ScenarioCommandIo {
	out: NodeJS.WritableStream;
	err: NodeJS.WritableStream;
	cwd: string;
}

/** The help text. */
export const SCENARIO_USAGE = `Usage: lobby scenario <command> [options]

Commands:
  run FILE...        run scenario files (or folders of them) in virtual time and check their expectations
  validate FILE...   check scenario files against the format; prints file:line:column: message
  schema             print the JSON Schema of scenario files (scenarios/scenario.schema.json)

Options for run:
  --virtual          run in virtual time on an isolated in-memory database (the default)
  --seed N           seed for everything random, instead of each file's own seed
  --junit FILE       write a JUnit XML report (one testsuite per file, one testcase per expectation)
  --json FILE        write a JSON report with every expectation and the event logs

Exit status: 0 all passed, 1 an expectation failed or a file is invalid, 2 wrong usage.
`;

class UsageError extends Error {}

interface RunArgs {
	files: string[];
	seed?: number;
	junit?: string;
	json?: string;
}

function parseRunArgs(args: readonly string[]): RunArgs {
	const parsed: RunArgs = { files: [] };
	for (let i = 0; i < args.length; i++) {
		const arg = args[i] ?? '';
		const value = () => {
			const next = args[++i];
			if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value.`);
			return next;
		};
		switch (arg) {
			case '--virtual':
				break;
			case '--seed': {
				const text = value();
				const seed = Number(text);
				if (!/^\d+$/.test(text) || !Number.isSafeInteger(seed) || seed > 0xffff_ffff) {
					throw new UsageError(`--seed takes a whole number from 0 to 4294967295; got "${text}".`);
				}
				parsed.seed = seed;
				break;
			}
			case '--junit':
				parsed.junit = value();
				break;
			case '--json':
				parsed.json = value();
				break;
			case '--speed':
				throw new UsageError(
					'--speed applies to live runs; this build runs scenarios in virtual time (--virtual).'
				);
			case '--url':
				throw new UsageError(
					'--url runs a scenario live against a running server; this build runs scenarios in virtual time (--virtual).'
				);
			default:
				if (arg.startsWith('-')) throw new UsageError(`Unknown option ${arg}.`);
				parsed.files.push(arg);
		}
	}
	if (parsed.files.length === 0) throw new UsageError('Name at least one scenario file or folder.');
	return parsed;
}

function write(stream: NodeJS.WritableStream, text: string): void {
	stream.write(text);
}

/** Files to run or validate; a missing one is a usage error. */
async function filesOf(paths: readonly string[], cwd: string): Promise<string[]> {
	try {
		const files = await expandScenarioPaths(paths, cwd);
		if (files.length === 0) throw new UsageError(`No scenario files (*.yaml) in ${paths.join(', ')}.`);
		return files;
	} catch (error) {
		if (error instanceof UsageError) throw error;
		const code = (error as { code?: string }).code;
		throw new UsageError(
			code === 'ENOENT'
				? `No such file or folder: ${(error as { path?: string }).path ?? paths.join(', ')}.`
				: String(error)
		);
	}
}

/** A file that could not be read or parsed, as a failed result, so reports and the exit code show it. */
function invalidResult(file: string, message: string): ScenarioResult {
	return {
		name: file,
		description: '',
		rules: [],
		file,
		seed: 0,
		passed: false,
		expectations: [
			{ step: 0, line: null, at: 0, name: 'the file is a valid scenario', passed: false, message }
		],
		log: [],
		simulatedMs: 0,
		wallMs: 0,
		setupMs: 0,
		steps: 0,
		items: 0
	};
}

/** Progress lines: each new step, and every second on long steps (arrivals). */
function progressPrinter(err: NodeJS.WritableStream): (p: RunProgress) => void {
	let lastStep = 0;
	let lastAt = performance.now();
	return (p) => {
		const now = performance.now();
		if (p.step <= lastStep && now - lastAt < 1000 && p.item !== p.items) return;
		lastStep = Math.max(lastStep, p.step);
		lastAt = now;
		write(err, `  step ${p.step}/${p.steps} at ${formatOffset(p.at)}: ${p.label} (${p.item}/${p.items})\n`);
	};
}

async function runCommand(args: readonly string[], io: ScenarioCommandIo): Promise<number> {
	const options = parseRunArgs(args);
	const files = await filesOf(options.files, io.cwd);
	const results: ScenarioResult[] = [];
	for (const file of files) {
		let parsed;
		try {
			parsed = await loadScenarioFile(file, io.cwd);
		} catch (error) {
			write(io.err, `${file}: cannot read: ${(error as Error).message}\n`);
			results.push(invalidResult(file, `cannot read: ${(error as Error).message}`));
			continue;
		}
		if (!parsed.ok) {
			for (const e of parsed.errors) write(io.err, `${file}:${e.line}:${e.column}: ${e.message}\n`);
			const first = parsed.errors[0];
			results.push(
				invalidResult(
					file,
					`${parsed.errors.length} error(s); first: ${file}:${first?.line}:${first?.column}: ${first?.message}`
				)
			);
			continue;
		}
		const seed = options.seed ?? parsed.scenario.seed;
		printWarnings(io.err, file, parsed.warnings);
		write(io.err, `▶ ${file}: ${parsed.scenario.name} (seed ${seed}, virtual time)\n`);
		// Loaded on demand: only virtual runs need the simulator's own database and services.
		const { runScenario } = await import('$lib/server/simulator/virtual-run');
		// The run's own log says what its services did (a refused mail attempt, say); their server
		// log lines would only repeat it between the progress lines. LOG_LEVEL still decides.
		const { parseLogLevel, setLogLevel } = await import('$lib/server/log');
		setLogLevel(parseLogLevel(process.env.LOG_LEVEL) ?? 'error');
		const result = await runScenario(parsed.scenario, {
			seed,
			source: parsed.source,
			onProgress: progressPrinter(io.err)
		});
		results.push(result);
		write(io.out, formatSummary(result));
	}
	if (files.length > 1) write(io.out, formatTotals(results));
	if (options.junit) {
		const path = resolve(io.cwd, options.junit);
		await mkdir(dirname(path), { recursive: true });
		await writeFile(path, toJUnitXml(results));
		write(io.err, `JUnit report: ${options.junit}\n`);
	}
	if (options.json) {
		const path = resolve(io.cwd, options.json);
		await mkdir(dirname(path), { recursive: true });
		await writeFile(path, `${JSON.stringify(toJsonReport(results), null, 2)}\n`);
		write(io.err, `JSON report: ${options.json}\n`);
	}
	return results.every((r) => r.passed) ? 0 : 1;
}

/** `file:line:column: warning: message`, one a line: the file runs, but may not say what was meant. */
function printWarnings(to: NodeJS.WritableStream, file: string, warnings: readonly ScenarioError[]): void {
	for (const w of warnings) write(to, `${file}:${w.line}:${w.column}: warning: ${w.message}\n`);
}

async function validateCommand(args: readonly string[], io: ScenarioCommandIo): Promise<number> {
	const unknown = args.find((a) => a.startsWith('-'));
	if (unknown) throw new UsageError(`Unknown option ${unknown}.`);
	if (args.length === 0) throw new UsageError('Name at least one scenario file or folder.');
	const files = await filesOf(args, io.cwd);
	let invalid = 0;
	for (const file of files) {
		let parsed;
		try {
			parsed = await loadScenarioFile(file, io.cwd);
		} catch (error) {
			write(io.out, `${file}: cannot read: ${(error as Error).message}\n`);
			invalid += 1;
			continue;
		}
		if (parsed.ok) {
			printWarnings(io.out, file, parsed.warnings);
			const warned = parsed.warnings.length > 0 ? `, ${parsed.warnings.length} warning(s)` : '';
			write(io.out, `${file}: ok (${parsed.scenario.steps.length} steps${warned})\n`);
		} else {
			invalid += 1;
			for (const e of parsed.errors) write(io.out, `${file}:${e.line}:${e.column}: ${e.message}\n`);
		}
	}
	return invalid > 0 ? 1 : 0;
}

/**
 * Runs `lobby scenario` with `argv` (after the word `scenario`) and answers the exit code. Never
 * throws for anything a user can type: usage errors print the help and answer 2.
 */
export async function scenarioCommand(argv: string[], io: ScenarioCommandIo): Promise<number> {
	const [command, ...args] = argv;
	try {
		switch (command) {
			case 'run':
				return await runCommand(args, io);
			case 'validate':
				return await validateCommand(args, io);
			case 'schema':
				if (args.length > 0) throw new UsageError('schema takes no arguments.');
				write(io.out, scenarioJsonSchemaText());
				return 0;
			case undefined:
			case 'help':
			case '-h':
			case '--help':
				write(io.out, SCENARIO_USAGE);
				return command === undefined ? 2 : 0;
			default:
				throw new UsageError(`Unknown scenario command "${command}".`);
		}
	} catch (error) {
		if (error instanceof UsageError) {
			write(io.err, `lobby scenario: ${error.message}\n\n${SCENARIO_USAGE}`);
			return 2;
		}
		throw error;
	}
}
