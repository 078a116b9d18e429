import { apiRoute } from '$lib/server/api/api-route';

/** Enables dial-in conferencing (S1): a conference ID and a leader PIN, shown once (S8). */
export const POST = apiRoute({}, async ({ runtime, actor, event, path }) => {
	const issued = await runtime.services.dialIn.enableDialIn(actor, event.params.identity!, path);
	return { user: issued.user, leaderPin: issued.pin, email: issued.email };
});
