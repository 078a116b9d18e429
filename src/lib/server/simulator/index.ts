/**
 * The simulator: scenario runs on virtual time (or, later, on the live services), their reports,
 * and the `lobby scenario` command. Server-side: it builds services and opens databases.
 */
export { expandScenarioPaths, loadScenarioFile, SCENARIOS_DIR } from './scenario-files';
export { formatSummary, formatTotals, toJsonReport, toJUnitXml, type JsonReport } from './scenario-reports';
export { runScenario, startVirtualRun } from './virtual-run';
export {
	ScenarioRun,
	type ExpectationResult,
	type RunOptions,
	type RunProgress,
	type ScenarioResult,
	type StepReport
} from './scenario-runner';
export { openVirtualHost, seededDigits, type ScenarioHost } from './scenario-host';
export { setUpWorld, SetupError, type World } from './scenario-world';
export {
	measureSimSpeedup,
	BUSY_MORNING,
	SIM_SETUP_TARGET_MS,
	SIM_SPEEDUP_TARGET,
	type SimSpeedup
} from './sim-speedup';
export { openSimulationDatabase, simulationTemplate } from './simulation-database';
export { createRunIds } from './run-ids';
export { T0, VirtualTime } from './virtual-time';
