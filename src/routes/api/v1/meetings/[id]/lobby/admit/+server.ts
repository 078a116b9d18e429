import { apiRoute, pathParam } from '$lib/server/api/api-route';
import { admitBody, meetingIdSchema } from '$lib/server/api/schemas';

/**
 * The organizer, in his meeting, admits one waiting caller or (no `participantId`) the whole lobby.
 * The service decides who may, from the token's owner.
 */
export const POST = apiRoute({}, async ({ runtime, actor, event, body }) => {
	const id = pathParam(event, 'id', meetingIdSchema);
	const { participantId } = await body(admitBody);
	await runtime.services.lobby.admit(actor, id, participantId ? { participantId } : 'all');
	return runtime.services.lobby.explain(id, 'signed-in', runtime.masking.masked());
});
