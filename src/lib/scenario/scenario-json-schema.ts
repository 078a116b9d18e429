/**
 * The JSON Schema of scenario files, generated from the zod schema so that the two never disagree.
 * `scenarios/scenario.schema.json` holds it for editors (each file starts with
 * `# yaml-language-server: $schema=./scenario.schema.json`); a spec fails when it is out of date.
 */
import { z } from 'zod';
import { STEP_ACTIONS, scenarioSchema } from './scenario-format';

/** Where the generated schema is kept, from the repository root. */
export const SCENARIO_SCHEMA_PATH = 'scenarios/scenario.schema.json';

/** The command that rewrites it. */
export const SCENARIO_SCHEMA_COMMAND =
	'node build/cli.js scenario schema > scenarios/scenario.schema.json && npx prettier --write scenarios/scenario.schema.json';

/**
 * The JSON Schema (draft 2020-12) of a scenario file, as accepted on input (defaults are optional).
 * Adds what zod's refinements say in code and JSON Schema can say too: a step has exactly one action.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
	const schema = z.toJSONSchema(scenarioSchema, {
		io: 'input',
		target: 'draft-7',
		unrepresentable: 'any',
		override: (ctx) => {
			const json = ctx.jsonSchema as Record<string, unknown>;
			const properties = json.properties as Record<string, unknown> | undefined;
			if (json.type === 'object' && properties && STEP_ACTIONS.every((key) => key in properties)) {
				json.oneOf = STEP_ACTIONS.map((key) => ({ required: [key] }));
			}
		}
	}) as Record<string, unknown>;
	return {
		...schema,
		$id: 'https://lobby.example/scenario.schema.json',
		title: 'Lobby scenario'
	};
}

/** The schema as the file holds it: JSON with a final newline. */
export function scenarioJsonSchemaText(): string {
	return `${JSON.stringify(scenarioJsonSchema(), null, '\t')}\n`;
}
