import { apiRoute, pathParam } from '$lib/server/api/api-route';
import { meetingIdSchema, meetingOptionsBody } from '$lib/server/api/schemas';

/**
 * The organizer sets his meeting's options (Teams' Meeting options), replacing those set before;
 * `{}` goes back to the meeting policy. Answers why each caller waits now.
 */
export const PUT = apiRoute({}, async ({ runtime, actor, event, body }) => {
	const id = pathParam(event, 'id', meetingIdSchema);
	await runtime.services.lobby.setOptions(actor, id, await body(meetingOptionsBody));
	return runtime.services.lobby.explain(id, 'signed-in', runtime.masking.masked());
});
