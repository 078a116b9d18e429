/**
 * Scenario files on disk: reading one with its line numbers, and finding the ones in a folder. The
 * CLI, the benchmark and (later) the Scenarios page read them through here.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import {
	MAX_SCENARIO_BYTES,
	parseScenario,
	scenarioTooLarge,
	type ParseScenarioResult
} from '$lib/scenario/parse-scenario';

/** Where the shipped scenarios live, from the repository root. */
export const SCENARIOS_DIR = 'scenarios';

/** Reads and parses one file; `file` in the result is the path as given. */
export async function loadScenarioFile(path: string, cwd = process.cwd()): Promise<ParseScenarioResult> {
	const { size } = await stat(resolve(cwd, path));
	// Refused without reading it whole; parseScenario refuses the same for text from elsewhere.
	if (size > MAX_SCENARIO_BYTES) return { ok: false, errors: [scenarioTooLarge(size)] };
	const text = await readFile(resolve(cwd, path), 'utf8');
	return parseScenario(text, path);
}

/**
 * The scenario files `paths` name, in order: a file as given, a folder as its `*.yaml` and `*.yml`
 * files sorted by name. Paths come back relative to `cwd` when they were relative.
 */
export async function expandScenarioPaths(paths: readonly string[], cwd = process.cwd()): Promise<string[]> {
	const out: string[] = [];
	for (const path of paths) {
		const absolute = resolve(cwd, path);
		const info = await stat(absolute);
		if (!info.isDirectory()) {
			out.push(path);
			continue;
		}
		const names = (await readdir(absolute)).filter((n) => /\.ya?ml$/i.test(n)).sort();
		for (const name of names) {
			const file = join(absolute, name);
			out.push(path.startsWith('/') ? file : relative(cwd, file));
		}
	}
	return out;
}
