import { apiRoute, pathParam } from '$lib/server/api/api-route';
import { ServiceError } from '$lib/server/service-error';
import { dialInUserJson } from '$lib/server/api/views';
import { identitySchema, userPatchBody } from '$lib/server/api/schemas';

/** `Get-CsOnlineDialInConferencingUser -Identity ID`: by id, address or alias. */
export const GET = apiRoute({ admin: true }, async ({ runtime, actor, event }) => {
	const identity = pathParam(event, 'identity', identitySchema);
	const found = await runtime.services.dialInUsers.find(actor, identity);
	if (!found) throw new ServiceError('not-found', `No user "${identity}" in the directory.`);
	return { user: dialInUserJson(found) };
});

/** `Set-CsOnlineDialInConferencingUser -Identity ID -AllowPSTNOnlyMeetings $true|$false` (S6). */
export const PATCH = apiRoute({}, async ({ runtime, actor, body, event, path }) => {
	const identity = pathParam(event, 'identity', identitySchema);
	const input = await body(userPatchBody);
	await runtime.services.dialIn.setAllowPstnOnlyMeetings(actor, identity, input.allowPstnOnlyMeetings, path);
	const found = await runtime.services.dialInUsers.find(actor, identity);
	return { user: found ? dialInUserJson(found) : null };
});
