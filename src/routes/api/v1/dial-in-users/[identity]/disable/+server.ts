import { apiRoute, pathParam } from '$lib/server/api/api-route';
import { identitySchema } from '$lib/server/api/schemas';

/** Turns dial-in conferencing off: no conference ID, no PIN. */
export const POST = apiRoute({}, async ({ runtime, actor, event, path }) => {
	const identity = pathParam(event, 'identity', identitySchema);
	const result = await runtime.services.dialIn.disableDialIn(actor, identity, path);
	return { email: result.email };
});
