import { apiRoute, pathParam } from '$lib/server/api/api-route';
import { ServiceError } from '$lib/server/service-error';
import { meetingIdSchema } from '$lib/server/api/schemas';

/** One meeting, live or past: its state and its timeline, caller numbers masked as the tenant says. */
export const GET = apiRoute({}, async ({ runtime, event }) => {
	const id = pathParam(event, 'id', meetingIdSchema);
	const view = await runtime.services.meetings.view(id, 'signed-in', runtime.masking.masked());
	if (!view) throw new ServiceError('not-found', `There is no meeting ${id}.`);
	return view;
});
