/**
 * Scenario files: the format, reading them with line numbers, their JSON Schema and their timeline.
 * Pure, shared by the server (the runner, the CLI) and the browser (the Scenarios page).
 */
export * from './scenario-time';
export * from './scenario-format';
export * from './parse-scenario';
export * from './scenario-json-schema';
export * from './scenario-plan';
export * from './seeded-random';
export * from './describe-step';
