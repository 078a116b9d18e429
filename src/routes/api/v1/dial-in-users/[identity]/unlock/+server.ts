import { apiRoute, pathParam } from '$lib/server/api/api-route';
import { identitySchema } from '$lib/server/api/schemas';

/** Lifts a leader-PIN lockout; the PIN stays as it was. */
export const POST = apiRoute({}, async ({ runtime, actor, event, path }) => {
	const identity = pathParam(event, 'identity', identitySchema);
	await runtime.services.dialIn.unlockLeaderPin(actor, identity, path);
	return { unlocked: true };
});
