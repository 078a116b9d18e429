/**
 * The one zod schema of the tenant settings an administrator may change, built from the domain's
 * ranges, defaults and choices (`$lib/domain/tenant-settings`). The admin center, the API, the
 * `lobby` cmdlet and the scenario format all parse with it; only the wording of a range differs
 * between the admin's answer and a scenario file's line.
 */
import { z } from 'zod';
import {
	AUTO_ADMITTED_USERS,
	AUTO_ADMITTED_USERS_NOT_MODELLED,
	LOBBY_MODES,
	USERS_CAN_ADMIT_FROM_LOBBY,
	ENTRY_EXIT_ANNOUNCEMENTS_TYPES,
	MASK_PSTN_NUMBERS_TYPES,
	TENANT_SETTING_RANGES,
	tenantSettingRangeMessage,
	tenantSettingWholeNumberMessage,
	type TenantNumberSetting
} from '$lib/domain/tenant-settings';

/** How a schema words a value out of range: the admin's sentence, or the scenario file's. */
export type RangeWording = {
	range: (key: TenantNumberSetting) => string;
	wholeNumber: (key: TenantNumberSetting) => string;
};

/** The admin center's, the API's and the cmdlet's wording: `PinLength must be from 4 to 12`. */
export const ADMIN_RANGE_WORDING: RangeWording = {
	range: tenantSettingRangeMessage,
	wholeNumber: tenantSettingWholeNumberMessage
};

function wholeNumberIn(key: TenantNumberSetting, wording: RangeWording) {
	const { min, max } = TENANT_SETTING_RANGES[key];
	return z.number().int(wording.wholeNumber(key)).min(min, wording.range(key)).max(max, wording.range(key));
}

/** The settings, each optional, no others (`Unknown setting: …`), worded as asked. */
export function tenantSettingsPatchSchemaWorded(wording: RangeWording) {
	return z
		.object({
			pinLength: wholeNumberIn('pinLength', wording),
			automaticallySendEmailsToUsers: z.boolean(),
			allowPstnOnlyMeetingsByDefault: z.boolean(),
			enableEntryExitNotifications: z.boolean(),
			entryExitAnnouncementsType: z.enum(ENTRY_EXIT_ANNOUNCEMENTS_TYPES),
			maskPstnNumbersType: z.enum(MASK_PSTN_NUMBERS_TYPES),
			maxParticipants: wholeNumberIn('maxParticipants', wording),
			lobbyTimeoutMinutes: wholeNumberIn('lobbyTimeoutMinutes', wording),
			pinLockoutThreshold: wholeNumberIn('pinLockoutThreshold', wording),
			/** How long the simulated mailbox shows a PIN in full before `*****`. */
			mailboxPinRetentionHours: wholeNumberIn('mailboxPinRetentionHours', wording),
			/** The Global meeting policy's lobby (docs/rules.md, "The lobby policy"). */
			lobbyMode: z.enum(LOBBY_MODES),
			autoAdmittedUsers: z.enum(AUTO_ADMITTED_USERS, {
				error: (issue) =>
					(AUTO_ADMITTED_USERS_NOT_MODELLED as readonly unknown[]).includes(issue.input)
						? `AutoAdmittedUsers ${String(issue.input)} would keep signed-in users in the lobby, which Lobby does not model yet; use one of ${AUTO_ADMITTED_USERS.join(', ')}.`
						: `AutoAdmittedUsers must be one of ${AUTO_ADMITTED_USERS.join(', ')}.`
			}),
			allowPstnUsersToBypassLobby: z.boolean(),
			allowAnonymousUsersToStartMeeting: z.boolean(),
			usersCanAdmitFromLobby: z.enum(USERS_CAN_ADMIT_FROM_LOBBY),
			/** Lobby's queue position (docs/rules.md, "Queue position"). */
			announceLobbyPosition: z.boolean(),
			lobbyPositionRepeatSeconds: wholeNumberIn('lobbyPositionRepeatSeconds', wording)
		})
		.partial()
		.strict();
}

/** Tenant settings an administrator may change, with their ranges (docs/rules.md defaults). */
export const tenantSettingsSchema = tenantSettingsPatchSchemaWorded(ADMIN_RANGE_WORDING);

/** A change to the tenant settings, as the API and the cmdlet send it. */
export type TenantSettingsPatch = z.infer<typeof tenantSettingsSchema>;

/**
 * A change to a meeting policy (`Set-CsTeamsMeetingPolicy`): its lobby settings, as the tenant
 * settings word them, and for a named policy its description. Each optional, no others.
 */
export const meetingPolicyPatchSchema = tenantSettingsSchema
	.pick({
		lobbyMode: true,
		autoAdmittedUsers: true,
		allowPstnUsersToBypassLobby: true,
		allowAnonymousUsersToStartMeeting: true,
		usersCanAdmitFromLobby: true
	})
	.extend({ description: z.string().max(500, 'Description is at most 500 characters.') })
	.partial()
	.strict();

/**
 * The organizer's meeting options (Teams' Meeting options, docs/rules.md "Meeting options"): the
 * lobby settings he may set for one meeting, over its policy. Each optional; `{}`: the policy.
 */
export const meetingOptionsSchema = tenantSettingsSchema.pick({
	autoAdmittedUsers: true,
	allowPstnUsersToBypassLobby: true
});

/** A change to a meeting policy, as the API and the cmdlets send it. */
export type MeetingPolicyPatch = z.infer<typeof meetingPolicyPatchSchema>;
