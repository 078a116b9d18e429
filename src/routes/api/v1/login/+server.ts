import { apiRoute, created } from '$lib/server/api/api-route';
import { loginBody } from '$lib/server/api/schemas';
import { errorResponse } from '$lib/server/edge-errors';
import { ServiceError } from '$lib/server/service-error';
import { actorFor } from '$lib/server/services/access';

/** `lobby login`: an address and password for an API token of one's own, shown once. */
export const POST = apiRoute({ auth: 'none' }, async ({ runtime, body, event, path }) => {
	const input = await body(loginBody);
	const outcome = await runtime.services.signIn.signIn({
		email: input.email,
		password: input.password,
		clientAddress: event.locals.clientAddress,
		headers: event.request.headers,
		path,
		mode: 'verify'
	});
	if (!outcome.ok && outcome.reason === 'throttled') {
		return errorResponse(
			'too-many-requests',
			`Too many sign-in attempts; try again in ${outcome.retryAfterSeconds} seconds.`,
			{ 'Retry-After': String(outcome.retryAfterSeconds) }
		);
	}
	if (!outcome.ok) throw new ServiceError('unauthenticated', 'That email address and password do not match.');
	const { user } = outcome;
	const issued = await runtime.services.apiTokens.issue(
		actorFor(user),
		{ name: input.tokenName ?? 'lobby login' },
		path
	);
	return created({ token: issued.token, tokenInfo: issued.view, user });
});
