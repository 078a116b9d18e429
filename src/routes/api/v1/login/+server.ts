import { ApiError, apiRoute, created } from '$lib/server/api/api-route';
import { loginBody } from '$lib/server/api/schemas';
import { signInAllowed } from '$lib/server/security/sign-in-throttle';

/** `lobby login`: an address and password for an API token of one's own, shown once. */
export const POST = apiRoute({ auth: 'none' }, async ({ runtime, body, event, path }) => {
	const input = await body(loginBody);
	if (!signInAllowed(input.email)) {
		throw new ApiError(
			'too-many-requests',
			'Too many sign-in attempts for this address; wait a minute and try again.'
		);
	}
	const user = await runtime.auth.verifyPassword(input.email, input.password, event.request.headers);
	if (!user) throw new ApiError('unauthorized', 'That email address and password do not match.');
	const issued = await runtime.services.apiTokens.issue(
		{ userId: user.id, email: user.email, role: user.role },
		{ name: input.tokenName ?? 'lobby login' },
		path
	);
	return created({ token: issued.token, tokenInfo: issued.view, user });
});
