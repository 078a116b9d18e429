import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { SERVER_ENTRY } from '../helpers/server';
import { FULL, SEED } from './profile';
import { PARTS_FILE, RESULTS_DIR, type ScenarioResult } from './results';

/** Formats the scenarios' results as a table for the terminal. */
export function table(results: readonly ScenarioResult[]): string {
	const rows = results.map((r) => [
		r.scenario,
		r.database,
		r.skipped ? 'skipped' : String(r.lost),
		r.skipped ? '' : String(r.doubled),
		r.skipped ? '' : String(r.outOfOrder),
		r.skipped ??
			Object.entries(r.figures)
				.map(([k, v]) => `${k}=${v}`)
				.join(' ')
	]);
	const head = ['scenario', 'database', 'lost', 'doubled', 'out of order', 'figures'];
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
	const line = (cells: string[]) =>
		cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
	return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The fault suite drives the production build; its results are gathered here and written at the end. */
export default function setup(): () => void {
	if (!existsSync(SERVER_ENTRY)) {
		throw new Error('build/server.js is missing: run "npm run build" (npm run faults does it for you).');
	}
	rmSync(PARTS_FILE, { force: true });
	const startedAt = new Date();
	console.log(
		`[faults] ${FULL ? 'full suite' : 'short form'}, seed ${SEED} (repeat with LOBBY_FAULTS_SEED=${SEED})`
	);
	return () => {
		const results: ScenarioResult[] = existsSync(PARTS_FILE)
			? readFileSync(PARTS_FILE, 'utf8')
					.split('\n')
					.filter(Boolean)
					.map((l) => JSON.parse(l) as ScenarioResult)
			: [];
		rmSync(PARTS_FILE, { force: true });
		if (results.length === 0) return;
		const file = join(RESULTS_DIR, 'results.json');
		writeFileSync(
			file,
			`${JSON.stringify(
				{
					suite: FULL ? 'full' : 'short',
					seed: SEED,
					startedAt: startedAt.toISOString(),
					finishedAt: new Date().toISOString(),
					machine: { node: process.version, cpus: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30) },
					results
				},
				null,
				2
			)}\n`
		);
		console.log(`\n${table(results)}\n\n[faults] written to ${file}`);
	};
}
