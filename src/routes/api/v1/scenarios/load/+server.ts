import { apiRoute, created } from '$lib/server/api/api-route';
import { scenarioLoadBody } from '$lib/server/api/scenario-schemas';

/** The scenario load in progress, or the last one, or null (administrators). */
export const GET = apiRoute({ admin: true }, async ({ runtime, actor, path }) => ({
	load: runtime.scenarioLoads.view({ actor, path })
}));

/** Starts N copies of a listed scenario file at once (administrators; audited under the token's owner). */
export const POST = apiRoute({ admin: true }, async ({ runtime, body, actor, path }) => {
	const { file, repeat, speed } = await body(scenarioLoadBody);
	return created({
		load: await runtime.scenarioLoads.start(file, { repeat, speed: speed ?? 1 }, { actor, path })
	});
});
