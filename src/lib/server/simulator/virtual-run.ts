/**
 * Scenario runs in virtual time (`lobby scenario run`, the specs, the benchmark): an isolated
 * in-memory database, the production services on a virtual clock, an hour of scenario in seconds.
 * Kept apart from the driver (scenario-runner.ts) so that the live server, which drives scenarios
 * on its own services, never loads the machinery that builds a second set of them.
 */
import type { Scenario } from '$lib/scenario/scenario-format';
import { ScenarioRun, type RunOptions, type ScenarioResult } from './scenario-runner';
import { openVirtualHost, type EventStoreKind } from './scenario-host';
import { SetupError, setUpWorld } from './scenario-world';

/** A run in virtual time: the runner's options, and where its meeting events are kept (memory by default). */
export interface VirtualRunOptions extends RunOptions {
	events?: EventStoreKind;
}

/**
 * Prepares a run in virtual time: an isolated in-memory database with the demo tenant, the
 * production services on a virtual clock, the scenario's tenant settings and actors.
 * Throws SetupError when an actor cannot be found or set up.
 */
export async function startVirtualRun(
	scenario: Scenario,
	options: VirtualRunOptions = {}
): Promise<ScenarioRun> {
	const started = performance.now();
	const seed = options.seed ?? scenario.seed;
	const host = await openVirtualHost({
		seed,
		events: options.events,
		// A scenario that fails mail needs a delivery to fail: its mail goes to a simulated SMTP server.
		smtp: scenario.steps.some((step) => step.failMail !== undefined),
		pauses: scenario.steps.some((step) => step.pauseDatabase !== undefined)
	});
	try {
		const world = await setUpWorld(host, scenario, seed);
		await host.settle();
		const run = ScenarioRun.attach(scenario, host, world, options, performance.now() - started);
		await run.ignoreEarlierMail();
		return run;
	} catch (error) {
		await host.close();
		throw error;
	}
}

/**
 * Runs `scenario` in virtual time on an isolated database and returns its result. A setup that
 * cannot go ahead (an actor missing from the directory) is a failed result, not an exception.
 */
export async function runScenario(
	scenario: Scenario,
	options: VirtualRunOptions = {}
): Promise<ScenarioResult> {
	const started = performance.now();
	let run: ScenarioRun;
	try {
		run = await startVirtualRun(scenario, options);
	} catch (error) {
		if (!(error instanceof SetupError)) throw error;
		return {
			name: scenario.name,
			description: scenario.description,
			rules: scenario.rules,
			file: options.source?.file ?? null,
			seed: options.seed ?? scenario.seed,
			passed: false,
			expectations: [
				{
					step: 0,
					line: null,
					at: 0,
					name: 'setup',
					passed: false,
					message: `setup failed: ${error.message}`
				}
			],
			log: [],
			simulatedMs: 0,
			wallMs: 0,
			setupMs: Math.round(performance.now() - started),
			steps: scenario.steps.length,
			items: 0
		};
	}
	try {
		return await run.runToEnd();
	} finally {
		await run.close();
	}
}
