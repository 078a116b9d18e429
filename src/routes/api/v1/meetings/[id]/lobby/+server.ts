import { apiRoute, pathParam } from '$lib/server/api/api-route';
import { meetingIdSchema } from '$lib/server/api/schemas';

/** Why each caller in a live meeting's lobby waits, and what would let them in (`lobby meeting explain`). */
export const GET = apiRoute({}, async ({ runtime, event }) => {
	const id = pathParam(event, 'id', meetingIdSchema);
	return runtime.services.lobby.explain(id, 'signed-in', runtime.masking.masked());
});
