import { apiRoute, pathParam } from '$lib/server/api/api-route';
import { identitySchema, resetBody } from '$lib/server/api/schemas';

/**
 * `Set-CsOnlineDialInConferencingUser -Identity ID -ResetLeaderPIN [-SendEmail] [-SendEmailToAddress A]`
 * (S7, S15, S16). The new PIN is in this answer and nowhere else (S8). Authorized and audited by the
 * service: a user's token is refused, even for their own PIN (S3).
 */
export const POST = apiRoute({}, async ({ runtime, actor, body, event, path }) => {
	const identity = pathParam(event, 'identity', identitySchema);
	const input = await body(resetBody);
	const issued = await runtime.services.dialIn.resetLeaderPin(actor, identity, input, path);
	return { user: issued.user, leaderPin: issued.pin.reveal(), email: issued.email };
});
