import { apiRoute } from '$lib/server/api/api-route';

/** The scenario files the server can run live. */
export const GET = apiRoute({}, async ({ runtime }) => ({ scenarios: await runtime.liveScenarios.list() }));
