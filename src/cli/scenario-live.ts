/**
 * `lobby scenario run FILE... --speed X [--url URL] [--paused] [--junit FILE] [--json FILE]`: runs
 * scenarios live on a running server (the files the server lists, by path), one after the other,
 * at 0.25x to 100x, following each run's progress and expectations as the Scenarios page does.
 * Ctrl-C stops the run on the server. Exit codes: 0 every expectation met, 1 one failed or the
 * server refused, 2 usage error.
 */
import { writeFileSync } from 'node:fs';
import type { LiveRunView } from '$lib/contract/events';
import { formatDuration } from '$lib/format/duration';
import { isLiveSpeed, liveSpeedRangeMessage } from '$lib/scenario/live-speed';
import type { ScenarioResult } from '$lib/server/simulator/scenario-runner';
import { formatSummary, toJsonReport, toJUnitXml } from '$lib/server/simulator/scenario-reports';
import type { ApiClient } from './api-client';
import { UsageError } from './cmdlets';

export interface LiveOptions {
	files: string[];
	speed: number;
	paused: boolean;
	junit: string | null;
	json: string | null;
	url: string | null;
}

/** `--speed X` (`5` or `5x`) as a live speed, 0.25x to 100x; throws UsageError outside it. */
export function parseLiveSpeed(text: string): number {
	const speed = Number(text.replace(/x$/i, ''));
	if (!isLiveSpeed(speed)) throw new UsageError(`${liveSpeedRangeMessage('--speed')} (got "${text}").`);
	return speed;
}

/** Parses the options after `run`; throws UsageError with the rule broken. */
export function parseLiveOptions(argv: readonly string[]): LiveOptions {
	const options: LiveOptions = { files: [], speed: 1, paused: false, junit: null, json: null, url: null };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		const value = () => {
			const next = argv[++i];
			if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value.`);
			return next;
		};
		switch (arg) {
			case '--speed':
				options.speed = parseLiveSpeed(value());
				break;
			case '--url':
				options.url = value();
				break;
			case '--paused':
				options.paused = true;
				break;
			case '--junit':
				options.junit = value();
				break;
			case '--json':
				options.json = value();
				break;
			case '--virtual':
				throw new UsageError(
					'--virtual and --speed do not go together: virtual time runs as fast as it can.'
				);
			case '--seed':
				throw new UsageError('--seed applies to virtual runs; a live run uses the file’s own seed.');
			default:
				if (arg.startsWith('-')) throw new UsageError(`Unknown option ${arg}.`);
				options.files.push(arg);
		}
	}
	if (options.files.length === 0)
		throw new UsageError('Name at least one scenario file, e.g. scenarios/s10-lobby-admitted.yaml.');
	return options;
}

const FINISHED = new Set<LiveRunView['status']>(['passed', 'failed', 'stopped', 'error']);

/** What a run followed over the API reports, as the result the summary and reports take. */
export interface FollowedRun {
	name: string;
	description: string;
	rules: string[];
	file: string;
	/** Scenario time reached, ms. */
	at: number;
	item: number;
	items: number;
	steps: number;
	expectations: { name: string; passed: boolean; message: string; at: number }[];
	/** Whether it ran to its end (passed or failed), and if not, why, as the extra failed check. */
	ended: boolean;
	status: string;
	problem: string | null;
}

/** A finished run followed over the API as a result, for the same summary and reports as virtual runs. */
export function followedResult(run: FollowedRun, wallMs: number): ScenarioResult {
	const expectations = run.expectations.map((e, i) => ({
		step: i + 1,
		line: null,
		at: e.at,
		name: e.name,
		passed: e.passed,
		message: e.message
	}));
	if (!run.ended) {
		expectations.push({
			step: 0,
			line: null,
			at: run.at,
			name: 'the run finished',
			passed: false,
			message: run.problem ?? `The run was ${run.status} before its end.`
		});
	}
	return {
		name: run.name,
		description: run.description,
		rules: run.rules,
		file: run.file,
		seed: 0,
		passed: run.status === 'passed',
		expectations,
		log: [],
		simulatedMs: run.at,
		wallMs,
		setupMs: 0,
		steps: run.steps,
		items: run.item
	};
}

/** A finished live run as a result. */
function resultOf(run: LiveRunView, wallMs: number): ScenarioResult {
	return followedResult({ ...run, ended: run.status !== 'stopped' && run.status !== 'error' }, wallMs);
}

/** Runs the files live, one after another; answers the exit code. */
export async function runLive(
	options: LiveOptions,
	api: ApiClient,
	io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream }
): Promise<number> {
	const results: ScenarioResult[] = [];
	let current: string | null = null;
	const onInterrupt = () => {
		if (current) void api.post('/scenarios/live/control', { action: 'stop' }).catch(() => undefined);
	};
	process.once('SIGINT', onInterrupt);
	try {
		for (const file of options.files) {
			const started = Date.now();
			const { run: first } = await api.post<{ run: LiveRunView }>('/scenarios/live', {
				file,
				speed: options.speed,
				...(options.paused ? { paused: true } : {})
			});
			current = first.runId;
			io.err.write(`▶ ${file}: ${first.name} (live on ${api.url}, ${options.speed}x)\n`);
			let run = first;
			let shown = -1;
			while (!FINISHED.has(run.status)) {
				await new Promise((resolve) => setTimeout(resolve, 500));
				const { run: now } = await api.get<{ run: LiveRunView | null }>('/scenarios/live');
				if (!now || now.runId !== current) {
					throw new Error('Another run replaced this one on the server (someone started a scenario).');
				}
				run = now;
				if (run.item !== shown) {
					shown = run.item;
					io.err.write(
						`  item ${run.item}/${run.items} at ${formatDuration(run.at)}${run.last ? `: ${run.last}` : ''} [${run.status}]\n`
					);
				}
			}
			current = null;
			const result = resultOf(run, Date.now() - started);
			results.push(result);
			io.out.write(`${formatSummary(result)}\n`);
		}
	} finally {
		process.off('SIGINT', onInterrupt);
	}
	if (options.junit) writeFileSync(options.junit, toJUnitXml(results));
	if (options.json) writeFileSync(options.json, `${JSON.stringify(toJsonReport(results), null, 2)}\n`);
	const failed = results.filter((r) => !r.passed).length;
	io.out.write(`${results.length} scenario(s) live: ${results.length - failed} passed, ${failed} failed\n`);
	return failed > 0 ? 1 : 0;
}
