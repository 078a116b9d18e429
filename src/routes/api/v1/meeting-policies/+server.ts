import { apiRoute, created } from '$lib/server/api/api-route';
import { newMeetingPolicyBody } from '$lib/server/api/schemas';

/** `Get-CsTeamsMeetingPolicy`: Global first, then the named policies, with how many users have each. */
export const GET = apiRoute({ admin: true }, async ({ runtime, actor }) => ({
	policies: await runtime.services.meetingPolicies.list(actor)
}));

/** `New-CsTeamsMeetingPolicy -Identity NAME [settings]`: Teams' defaults for what is not given. */
export const POST = apiRoute({}, async ({ runtime, actor, body, path }) => {
	const { identity, ...settings } = await body(newMeetingPolicyBody);
	return created({ policy: await runtime.services.meetingPolicies.create(actor, identity, settings, path) });
});
