import { z } from 'zod';
import { SCENARIO_LOAD_COPIES_MAX, SCENARIO_LOAD_REPEAT_RULE } from '$lib/contract/api';
import { printableText } from '../identifier-schemas';
import { liveSpeed } from '../realtime/schemas';

/** Request shapes of the live scenario API (the same rules as the Scenarios page's socket events). */
export {
	scenarioControlSchema as scenarioControlBody,
	scenarioStartSchema as scenarioStartBody
} from '../realtime/schemas';

const REPEAT_RULE = `${SCENARIO_LOAD_REPEAT_RULE}.`;

/** `POST /api/v1/scenarios/load`: a listed file, how many copies, and their speed (default 1x). */
export const scenarioLoadBody = z
	.object({
		file: printableText('file', 300, { required: true }),
		// Bounds the OpenAPI document shows; the service checks the same rule (isScenarioLoadRepeat).
		repeat: z
			.number({ error: REPEAT_RULE })
			.int(REPEAT_RULE)
			.min(1, REPEAT_RULE)
			.max(SCENARIO_LOAD_COPIES_MAX, REPEAT_RULE),
		speed: liveSpeed.optional()
	})
	.strict();
