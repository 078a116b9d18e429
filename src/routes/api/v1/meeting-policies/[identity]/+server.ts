import { apiRoute, pathParam } from '$lib/server/api/api-route';
import { identitySchema, meetingPolicyPatchBody } from '$lib/server/api/schemas';

/** `Get-CsTeamsMeetingPolicy -Identity NAME` (Global, or a named policy; any case). */
export const GET = apiRoute({ admin: true }, async ({ runtime, actor, event }) => ({
	policy: await runtime.services.meetingPolicies.get(actor, pathParam(event, 'identity', identitySchema))
}));

/**
 * `Set-CsTeamsMeetingPolicy -Identity NAME [settings]`: live meetings of the users who have the
 * policy follow at once, as an event in their log (docs/rules.md, "The lobby policy").
 */
export const PATCH = apiRoute({}, async ({ runtime, actor, body, event, path }) => {
	const identity = pathParam(event, 'identity', identitySchema);
	const patch = await body(meetingPolicyPatchBody);
	return { policy: await runtime.services.meetingPolicies.update(actor, identity, patch, path) };
});

/** `Remove-CsTeamsMeetingPolicy -Identity NAME`: its users have the Global policy again. */
export const DELETE = apiRoute({}, async ({ runtime, actor, event, path }) => ({
	removed: await runtime.services.meetingPolicies.remove(
		actor,
		pathParam(event, 'identity', identitySchema),
		path
	)
}));
