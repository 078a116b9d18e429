/**
 * The request shapes of the HTTP API, validated at the edge. The same schemas describe the API in
 * its OpenAPI document, so the description cannot drift from what the server accepts.
 */
import { z } from 'zod';
import { participantIdSchema, printableText } from '../identifier-schemas';
import {
	meetingOptionsSchema,
	meetingPolicyPatchSchema,
	tenantSettingsSchema
} from '$lib/contract/tenant-settings';
import {
	TOKEN_EXPIRY_DAYS_DEFAULT,
	TOKEN_EXPIRY_DAYS_MAX,
	TOKEN_EXPIRY_RULE
} from '$lib/contract/token-policy';

/** The path parameters' formats, shared with the Socket.IO handlers. */
export { conferenceIdSchema, identitySchema, meetingIdSchema } from '../identifier-schemas';

/** `POST /meetings/{id}/lobby/admit`: one waiting caller, or, with no `participantId`, the whole lobby. */
export const admitBody = z.object({ participantId: participantIdSchema.optional() }).strict();

/** `PUT /meetings/{id}/lobby/options`: the organizer's meeting options, all of them; `{}`: the policy. */
export const meetingOptionsBody = meetingOptionsSchema;

/** `POST /meetings/{id}/lobby/decline`: the waiting caller to decline. */
export const declineBody = z.object({ participantId: participantIdSchema }).strict();

const email = z.email('must be an email address').max(254);
const limit = (max: number) =>
	z.coerce
		.number()
		.int('must be a whole number')
		.min(1, `must be from 1 to ${max}`)
		.max(max, `must be from 1 to ${max}`);

export const loginBody = z
	.object({
		email: email,
		password: z.string().min(1, 'is required').max(1024),
		tokenName: printableText('tokenName', 100, { required: true }).optional()
	})
	.strict();

export const tokenBody = z
	.object({
		name: printableText('name', 100, { required: true }),
		expiresInDays: z
			.number()
			.int(TOKEN_EXPIRY_RULE)
			.min(1, TOKEN_EXPIRY_RULE)
			.max(TOKEN_EXPIRY_DAYS_MAX, TOKEN_EXPIRY_RULE)
			.nullable()
			.optional()
			.describe(`Days until the token expires; null or absent: ${TOKEN_EXPIRY_DAYS_DEFAULT}.`)
	})
	.strict();

export const usersQuery = z
	.object({ search: printableText('search', 200).optional(), limit: limit(1000).optional() })
	.strict();

export const userPatchBody = z.object({ allowPstnOnlyMeetings: z.boolean() }).strict();

/** `-ResetLeaderPIN [-SendEmail] [-SendEmailToAddress A]` (S15, S16). */
export const resetBody = z
	.object({ sendEmail: z.boolean().optional(), sendEmailToAddress: email.optional() })
	.strict();

export const tenantSettingsBody = tenantSettingsSchema;

/** `Set-CsTeamsMeetingPolicy -Identity NAME`: the lobby settings to change, and a description. */
export const meetingPolicyPatchBody = meetingPolicyPatchSchema;

/** `New-CsTeamsMeetingPolicy -Identity NAME`: its name, and the settings that differ from the defaults. */
export const newMeetingPolicyBody = meetingPolicyPatchSchema.extend({
	identity: printableText('identity', 64, { required: true })
});

/** `Grant-CsTeamsMeetingPolicy -Identity USER -PolicyName NAME`; null (or Global): the Global policy. */
export const grantMeetingPolicyBody = z
	.object({ policyName: printableText('policyName', 64).nullable() })
	.strict();

export const mailQuery = z.object({ limit: limit(500).optional() }).strict();

/** `Get-LobbyWebhookDelivery`: how many of the newest deliveries. */
export const webhookDeliveriesQuery = z.object({ limit: limit(200).optional() }).strict();

/** `New-LobbyWebhook` and `Set-LobbyWebhook` (one source with the service and the admin center). */
export {
	webhookCreateSchema as newWebhookBody,
	webhookUpdateSchema as webhookPatchBody
} from '$lib/contract/webhooks';

export const auditQuery = z
	.object({
		action: printableText('action', 100).optional(),
		actor: printableText('actor', 254).optional(),
		target: printableText('target', 100).optional(),
		limit: limit(1000).optional()
	})
	.strict();
