import { apiRoute, pathParam } from '$lib/server/api/api-route';
import { dialInUserJson } from '$lib/server/api/views';
import { grantMeetingPolicyBody, identitySchema } from '$lib/server/api/schemas';

/**
 * `Grant-CsTeamsMeetingPolicy -Identity USER -PolicyName NAME`: the user's meetings get that policy;
 * `policyName: null` hands him back to the Global one. His live meeting follows at once.
 */
export const PUT = apiRoute({}, async ({ runtime, actor, body, event, path }) => {
	const identity = pathParam(event, 'identity', identitySchema);
	const { policyName } = await body(grantMeetingPolicyBody);
	await runtime.services.meetingPolicies.grant(actor, identity, policyName, path);
	const found = await runtime.services.dialInUsers.find(actor, identity);
	return { user: found ? dialInUserJson(found) : null };
});
