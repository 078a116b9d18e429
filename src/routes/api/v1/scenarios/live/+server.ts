import { apiRoute, created } from '$lib/server/api/api-route';
import { scenarioStartBody } from '$lib/server/api/scenario-schemas';

/** The live run now, or null. */
export const GET = apiRoute({}, async ({ runtime }) => ({ run: runtime.liveScenarios.view() }));

/** Starts a listed scenario file live at 0.25x to 100x (administrators; audited under the token's owner). */
export const POST = apiRoute({ admin: true }, async ({ runtime, body, actor, path }) => {
	const { file, speed, paused } = await body(scenarioStartBody);
	return created({ run: await runtime.liveScenarios.start(file, { speed, paused }, { actor, path }) });
});
