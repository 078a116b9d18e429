import { apiRoute } from '$lib/server/api/api-route';
import { scenarioControlBody } from '$lib/server/api/scenario-schemas';

/** Pause, resume, single step, stop, or a new speed for the live run (administrators). */
export const POST = apiRoute({ admin: true }, async ({ runtime, body, actor, path }) => ({
	run: await runtime.liveScenarios.control(await body(scenarioControlBody), { actor, path })
}));
