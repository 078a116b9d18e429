import { z } from 'zod';
import { SCENARIO_LOAD_COPIES_MAX } from '$lib/contract/api';
import { printableText } from '../identifier-schemas';
import { liveSpeed } from '../realtime/schemas';

/** Request shapes of the live scenario API (the same rules as the Scenarios page's socket events). */
export {
	scenarioControlSchema as scenarioControlBody,
	scenarioStartSchema as scenarioStartBody
} from '../realtime/schemas';

const repeatRange = `repeat takes a whole number from 1 to ${SCENARIO_LOAD_COPIES_MAX}.`;

/** `POST /api/v1/scenarios/load`: a listed file, how many copies, and their speed (default 1x). */
export const scenarioLoadBody = z
	.object({
		file: printableText('file', 300, { required: true }),
		repeat: z
			.number({ error: repeatRange })
			.int(repeatRange)
			.min(1, repeatRange)
			.max(SCENARIO_LOAD_COPIES_MAX, repeatRange),
		speed: liveSpeed.optional()
	})
	.strict();
