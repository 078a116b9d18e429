import { apiRoute, pathParam } from '$lib/server/api/api-route';
import { declineBody, meetingIdSchema } from '$lib/server/api/schemas';

/** The organizer, in his meeting, declines one waiting caller; the service decides who may. */
export const POST = apiRoute({}, async ({ runtime, actor, event, body }) => {
	const id = pathParam(event, 'id', meetingIdSchema);
	const { participantId } = await body(declineBody);
	await runtime.services.lobby.decline(actor, id, participantId);
	return runtime.services.lobby.explain(id, 'signed-in', runtime.masking.masked());
});
