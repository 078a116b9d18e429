import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/server';

/** Where each scenario's result is appended (one JSON line each) while the suite runs. */
export const RESULTS_DIR = join(ROOT, 'faults');
export const PARTS_FILE = join(RESULTS_DIR, '.results.jsonl');

/** What one fault scenario did and what it found. */
export interface ScenarioResult {
	/** e.g. "kill -9 under load". */
	scenario: string;
	database: 'pglite' | 'postgres' | 'none';
	/** One sentence: what was done. */
	did: string;
	/** Its measured figures, by name (counts, milliseconds, megabytes). */
	figures: Record<string, number | string>;
	/** Acknowledged by the server, missing from the event log. */
	lost: number;
	/** Acknowledged once, in the event log more than once. */
	doubled: number;
	/** In the event log in another order than acknowledged. */
	outOfOrder: number;
	/** Set when the scenario could not run here, with the reason. */
	skipped?: string;
}

/** Records one scenario's result for the table and `faults/results.json`. */
export function report(result: ScenarioResult): void {
	mkdirSync(RESULTS_DIR, { recursive: true });
	appendFileSync(PARTS_FILE, `${JSON.stringify({ ...result, at: new Date().toISOString() })}\n`);
	const verdict = result.skipped
		? `skipped: ${result.skipped}`
		: `lost ${result.lost}, doubled ${result.doubled}, out of order ${result.outOfOrder}`;
	console.log(`[faults] ${result.scenario} (${result.database}): ${verdict}`);
}
