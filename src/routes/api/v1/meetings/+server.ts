import { apiRoute } from '$lib/server/api/api-route';

/** Every live meeting of the cluster, as the dashboard lists them, with the server that owns each. */
export const GET = apiRoute({}, async ({ runtime }) => ({
	meetings: runtime.services.meetings.summaries(),
	at: Date.now()
}));
