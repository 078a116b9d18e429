import { apiRoute } from '$lib/server/api/api-route';

/** Stops the scenario load in progress (administrators; audited). */
export const POST = apiRoute({ admin: true }, async ({ runtime, actor, path }) => ({
	load: await runtime.scenarioLoads.stop({ actor, path })
}));
