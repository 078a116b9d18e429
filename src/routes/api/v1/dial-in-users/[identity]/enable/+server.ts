import { apiRoute, pathParam } from '$lib/server/api/api-route';
import { identitySchema } from '$lib/server/api/schemas';

/** Enables dial-in conferencing (S1): a conference ID and a leader PIN, shown once (S8). */
export const POST = apiRoute({}, async ({ runtime, actor, event, path }) => {
	const identity = pathParam(event, 'identity', identitySchema);
	const issued = await runtime.services.dialIn.enableDialIn(actor, identity, path);
	return { user: issued.user, leaderPin: issued.pin.reveal(), email: issued.email };
});
