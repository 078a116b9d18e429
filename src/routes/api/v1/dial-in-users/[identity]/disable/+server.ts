import { apiRoute } from '$lib/server/api/api-route';

/** Turns dial-in conferencing off: no conference ID, no PIN. */
export const POST = apiRoute({}, async ({ runtime, actor, event, path }) => {
	const result = await runtime.services.dialIn.disableDialIn(actor, event.params.identity!, path);
	return { email: result.email };
});
