import { apiRoute } from '$lib/server/api/api-route';
import { summaryOf } from '$lib/server/services/views';

/** Every live meeting, as the dashboard lists them. */
export const GET = apiRoute({}, async ({ runtime }) => ({
	meetings: runtime.services.meetings.liveMeetings().map(summaryOf),
	at: Date.now()
}));
