import { apiRoute, pathParam } from '$lib/server/api/api-route';
import { ServiceError } from '$lib/server/service-error';
import { meetingIdSchema } from '$lib/server/api/schemas';
import { maskEvent, maskMeeting } from '$lib/server/services/views';

/** One meeting, live or past: its state and its timeline, caller numbers masked as the tenant says. */
export const GET = apiRoute({}, async ({ runtime, event }) => {
	const id = pathParam(event, 'id', meetingIdSchema);
	const { meetings } = runtime.services;
	const history = await meetings.history(id);
	const current = meetings.snapshot(id) ?? meetings.replay(history);
	if (!current) throw new ServiceError('not-found', `There is no meeting ${id}.`);
	const mask = runtime.masking.masked();
	return {
		meeting: mask ? maskMeeting(current.state) : current.state,
		seq: current.seq,
		timeline: history
			.filter((e) => e.seq <= current.seq)
			.map((e) => ({ seq: e.seq, event: mask ? maskEvent(e.event) : e.event }))
	};
});
