import { apiRoute } from '$lib/server/api/api-route';

/** Lifts a leader-PIN lockout; the PIN stays as it was. */
export const POST = apiRoute({}, async ({ runtime, actor, event, path }) => {
	await runtime.services.dialIn.unlockLeaderPin(actor, event.params.identity!, path);
	return { unlocked: true };
});
