/**
 * `sim_speedup` for `npm run bench`: how much faster than real time the busy morning runs in
 * virtual time. Target: one simulated hour in 1.8 seconds or less, a speed-up of 2,000 or more,
 * with a setup of 2 seconds or less.
 */
import { loadScenarioFile, SCENARIOS_DIR } from './scenario-files';
import { startVirtualRun } from './virtual-run';

/** The scenario the benchmark runs. */
export const BUSY_MORNING = `${SCENARIOS_DIR}/busy-morning.yaml`;

/** The target: 1 simulated hour in 1.8 s of wall time. */
export const SIM_SPEEDUP_TARGET = 2000;

/** The target for the setup outside the timed part (the seeded database's copy, users, PINs). */
export const SIM_SETUP_TARGET_MS = 2000;

/** One measurement. */
export interface SimSpeedup {
	/** Scenario time covered, ms. */
	simulatedMs: number;
	/** Wall time of the timeline, ms (setup excluded). */
	wallMs: number;
	/** Wall time of the setup: copying the seeded database, adding simulated users, PINs. */
	setupMs: number;
	/** simulatedMs / wallMs. */
	speedup: number;
	/**
	 * CPU time of this process during the timeline, ms: close to what the wall time would be on an
	 * idle machine (the run is one thread), so comparable on a shared one.
	 */
	cpuMs: number;
	/** simulatedMs / cpuMs. */
	cpuSpeedup: number;
	/** Plan items run (arrivals, departures, steps). */
	items: number;
	/** Whether the scenario's expectations held (a fast wrong run is no result). */
	passed: boolean;
}

/**
 * Runs the busy morning (or `file`) in virtual time and measures it. Paths are relative to `cwd`
 * (default: the process's), which for the benchmark is the repository root.
 */
export async function measureSimSpeedup(
	options: { file?: string; cwd?: string; seed?: number } = {}
): Promise<SimSpeedup> {
	const file = options.file ?? BUSY_MORNING;
	const parsed = await loadScenarioFile(file, options.cwd);
	if (!parsed.ok) {
		const first = parsed.errors[0];
		throw new Error(`${file}:${first?.line}:${first?.column}: ${first?.message}`);
	}
	const run = await startVirtualRun(parsed.scenario, { seed: options.seed, source: parsed.source });
	let result;
	let cpuMs;
	try {
		const cpu = process.cpuUsage();
		result = await run.runToEnd();
		const used = process.cpuUsage(cpu);
		cpuMs = (used.user + used.system) / 1000;
	} finally {
		await run.close();
	}
	const ratio = (ms: number) => (ms > 0 ? result.simulatedMs / ms : Number.POSITIVE_INFINITY);
	return {
		simulatedMs: result.simulatedMs,
		wallMs: result.wallMs,
		setupMs: result.setupMs,
		speedup: ratio(result.wallMs),
		cpuMs: Math.round(cpuMs),
		cpuSpeedup: ratio(cpuMs),
		items: result.items,
		passed: result.passed
	};
}
