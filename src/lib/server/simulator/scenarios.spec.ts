/**
 * Every scenario shipped in scenarios/ passes in virtual time (issue 7: "every shipped scenario
 * passes"), one test each, and together they show each rule that can be seen happening. Each runs
 * twice, its meeting events kept in memory (as runs in virtual time keep them) and in its database
 * (as a server keeps them), and the two runs must report the same, event log byte for byte.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from './scenario-files';
import type { ScenarioResult } from './scenario-runner';
import { runScenario } from './virtual-run';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FILES = readdirSync(`${ROOT}scenarios`)
	.filter((name) => name.endsWith('.yaml'))
	.sort();

/** A result as JSON, without the wall-clock times that differ from run to run. */
function reported(result: ScenarioResult): string {
	const { wallMs: _wall, setupMs: _setup, ...rest } = result;
	return JSON.stringify(rest);
}

describe('the shipped scenarios', () => {
	it.each(FILES)(
		'%s passes in virtual time',
		async (name) => {
			const parsed = await loadScenarioFile(`scenarios/${name}`, ROOT);
			if (!parsed.ok)
				throw new Error(parsed.errors.map((e) => `${name}:${e.line}:${e.column}: ${e.message}`).join('\n'));
			const result = await runScenario(parsed.scenario, { source: parsed.source });
			expect(result.expectations.filter((e) => !e.passed).map((e) => `${e.name}: ${e.message}`)).toEqual([]);
			expect(result.expectations.length).toBeGreaterThan(0);
			expect(result.passed).toBe(true);

			const onDatabase = await runScenario(parsed.scenario, { source: parsed.source, events: 'database' });
			expect(onDatabase.log.length).toBeGreaterThan(0);
			expect(onDatabase.log.join('\n')).toBe(result.log.join('\n'));
			expect(reported(onDatabase)).toBe(reported(result));
		},
		240_000
	);

	it('each starts with the schema line editors read', () => {
		for (const name of FILES) {
			expect(readFileSync(`${ROOT}scenarios/${name}`, 'utf8').split('\n')[0], name).toBe(
				'# yaml-language-server: $schema=./scenario.schema.json'
			);
		}
	});

	it('show every rule that can be seen happening (S2, S4, S5, S6, S10, S11, S13 and the forgotten PIN, S3, S8, S9)', async () => {
		const rules = new Set<string>();
		for (const name of FILES) {
			const parsed = await loadScenarioFile(`scenarios/${name}`, ROOT);
			if (parsed.ok) for (const rule of parsed.scenario.rules) rules.add(rule);
		}
		for (const rule of ['S2', 'S3', 'S4', 'S5', 'S6', 'S8', 'S9', 'S10', 'S11', 'S13'])
			expect(rules).toContain(rule);
		expect(FILES).toContain('busy-morning.yaml');
	});
});
