/**
 * The tenant's dial-in conferencing settings (docs/rules.md, "Defaults taken from the real systems"):
 * their names as Teams' `Set-CsOnlineDialInConferencingTenantSettings` spells them, their ranges,
 * defaults and choices, and the one wording of a range. The domain, the contract's zod schema, the
 * services, the scenario format, the CLI, the admin page and the database checks all read this
 * module, so a range cannot drift apart between them.
 */

/** S13: the shortest PIN length a tenant may set. */
export const PIN_LENGTH_MIN = 4;
/** S13: the longest PIN length a tenant may set. */
export const PIN_LENGTH_MAX = 12;
/** S13: Teams' default PIN length. */
export const PIN_LENGTH_DEFAULT = 5;

/** `EntryExitAnnouncementsType`: callers announced by name or by a tone. */
export const ENTRY_EXIT_ANNOUNCEMENTS_TYPES = ['UseNames', 'ToneOnly'] as const;
export type EntryExitAnnouncementsType = (typeof ENTRY_EXIT_ANNOUNCEMENTS_TYPES)[number];

/** `MaskPstnNumbersType`: who sees callers' phone numbers masked. */
export const MASK_PSTN_NUMBERS_TYPES = ['MaskedForExternalUsers', 'MaskedForAllUsers', 'NoMasking'] as const;
export type MaskPstnNumbersType = (typeof MASK_PSTN_NUMBERS_TYPES)[number];

/**
 * Which lobby a meeting has (Lobby's own setting, docs/rules.md "The lobby policy"): `classic`, the
 * article's Skype for Business lobby, admitted whole when the meeting starts; or `teams`, today's
 * Teams lobby, where starting the meeting and admitting callers are two gates.
 */
export const LOBBY_MODES = ['Classic', 'Teams'] as const;
export type LobbyModeName = (typeof LOBBY_MODES)[number];

/**
 * `AutoAdmittedUsers` of `Set-CsTeamsMeetingPolicy`: who bypasses the lobby. Lobby has no guests,
 * federated or invited users: its signed-in directory users are "people in your org", and callers
 * are dial-in users, whom this setting does not govern (AllowPSTNUsersToBypassLobby does). So the
 * four values below all let signed-in users in, and `Everyone` also opens the way for anonymous
 * callers to start the meeting (AllowAnonymousUsersToStartMeeting). `OrganizerOnly` and
 * `InvitedUsers` would keep signed-in users in the lobby, which Lobby does not model yet: refused.
 */
export const AUTO_ADMITTED_USERS = [
	'EveryoneInCompany',
	'EveryoneInCompanyExcludingGuests',
	'EveryoneInSameAndFederatedCompany',
	'Everyone'
] as const;
export type AutoAdmittedUsers = (typeof AUTO_ADMITTED_USERS)[number];

/** `AutoAdmittedUsers` values Teams has and Lobby refuses, with the reason (above). */
export const AUTO_ADMITTED_USERS_NOT_MODELLED = ['OrganizerOnly', 'InvitedUsers'] as const;

/**
 * `UsersCanAdmitFromLobby`: who may admit. Lobby has no presenters or co-organizers, so both
 * values mean the organizer, in his meeting.
 */
export const USERS_CAN_ADMIT_FROM_LOBBY = [
	'OrganizersAndPresentersOnly',
	'OrganizerAndCoOrganizersOnly'
] as const;
export type UsersCanAdmitFromLobby = (typeof USERS_CAN_ADMIT_FROM_LOBBY)[number];

/** The settings a meeting policy holds (`Set-CsTeamsMeetingPolicy`), Global or named. */
export const MEETING_POLICY_SETTINGS = [
	'lobbyMode',
	'autoAdmittedUsers',
	'allowPstnUsersToBypassLobby',
	'allowAnonymousUsersToStartMeeting',
	'usersCanAdmitFromLobby'
] as const;

/** The policy every user has unless granted another; it cannot be created, renamed or removed. */
export const GLOBAL_MEETING_POLICY = 'Global';

/**
 * What is wrong with a name for a new meeting policy (`New-CsTeamsMeetingPolicy -Identity`), or
 * null: 1 to 64 letters, digits, spaces, dots, dashes or underscores, starting with a letter or a
 * digit, and not `Global`, whatever the case.
 */
export function meetingPolicyNameProblem(name: string): string | null {
	if (name.trim().toLowerCase() === GLOBAL_MEETING_POLICY.toLowerCase())
		return 'Global is the policy every user has; change it with Set-CsTeamsMeetingPolicy -Identity Global.';
	if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(name))
		return `A meeting policy's name is 1 to 64 letters, digits, spaces, dots, dashes or underscores, starting with a letter or a digit; got "${name}".`;
	return null;
}

/** A whole-number setting: its Teams name, its inclusive range, its default. */
export type TenantSettingRange = {
	/** The name as the cmdlet and the messages spell it. */
	readonly name: string;
	readonly min: number;
	readonly max: number;
	readonly default: number;
	/** What 0 means, where it is special (`LobbyTimeoutMinutes`: no timeout). */
	readonly zero?: string;
	/** The rule in docs/rules.md that sets the range. */
	readonly rule?: string;
};

/**
 * The whole-number settings and their ranges. S13: PIN length 4 to 12, 5 by default. Teams allows
 * 250 callers; the simulator's load runs go up to 10,000, and a meeting needs room for at least the
 * organizer and one caller. A lobby wait of up to a day (0: none); 10 wrong PINs before lockout
 * (NIST SP 800-63B); the simulated mailbox shows a PIN for up to 30 days (SECURITY.md); a waiting
 * caller hears its place again at most hourly.
 */
export const TENANT_SETTING_RANGES = {
	pinLength: {
		name: 'PinLength',
		min: PIN_LENGTH_MIN,
		max: PIN_LENGTH_MAX,
		default: PIN_LENGTH_DEFAULT,
		rule: 'S13'
	},
	maxParticipants: { name: 'MaxParticipants', min: 2, max: 10_000, default: 250 },
	lobbyTimeoutMinutes: { name: 'LobbyTimeoutMinutes', min: 0, max: 1440, default: 0, zero: 'no timeout' },
	lobbyPositionRepeatSeconds: {
		name: 'LobbyPositionRepeatSeconds',
		min: 0,
		max: 3600,
		default: 0,
		zero: 'only on entering the lobby'
	},
	pinLockoutThreshold: { name: 'PinLockoutThreshold', min: 1, max: 100, default: 10 },
	mailboxPinRetentionHours: { name: 'MailboxPinRetentionHours', min: 0, max: 720, default: 24 }
} as const satisfies Record<string, TenantSettingRange>;

/** The keys of the whole-number settings. */
export type TenantNumberSetting = keyof typeof TENANT_SETTING_RANGES;

/** Every whole-number setting, in the order the admin center lists them. */
export const TENANT_NUMBER_SETTINGS = Object.keys(TENANT_SETTING_RANGES) as readonly TenantNumberSetting[];

/** The settings an administrator may change, with their types. */
export type TenantSettings = { readonly [K in TenantNumberSetting]: number } & {
	/** S9: mail on enable, disable and PIN reset. */
	readonly automaticallySendEmailsToUsers: boolean;
	/** S6: PSTN-only meetings for users enabled afterwards. */
	readonly allowPstnOnlyMeetingsByDefault: boolean;
	readonly enableEntryExitNotifications: boolean;
	readonly entryExitAnnouncementsType: EntryExitAnnouncementsType;
	readonly maskPstnNumbersType: MaskPstnNumbersType;
	/** The Global meeting policy (`Set-CsTeamsMeetingPolicy -Identity Global`), docs/rules.md. */
	readonly lobbyMode: LobbyModeName;
	readonly autoAdmittedUsers: AutoAdmittedUsers;
	readonly allowPstnUsersToBypassLobby: boolean;
	readonly allowAnonymousUsersToStartMeeting: boolean;
	readonly usersCanAdmitFromLobby: UsersCanAdmitFromLobby;
	/** Lobby's own: callers hear their place in the lobby (docs/rules.md, "Queue position"). */
	readonly announceLobbyPosition: boolean;
};

/** Teams' defaults (docs/rules.md), and Lobby's for the settings it adds. */
export const DEFAULT_TENANT_SETTINGS: TenantSettings = Object.freeze({
	pinLength: TENANT_SETTING_RANGES.pinLength.default,
	automaticallySendEmailsToUsers: true,
	allowPstnOnlyMeetingsByDefault: false,
	enableEntryExitNotifications: true,
	entryExitAnnouncementsType: 'UseNames',
	maskPstnNumbersType: 'MaskedForExternalUsers',
	// Lobby's default is the article's lobby; Teams' own defaults for the rest (who-can-bypass-meeting-lobby).
	lobbyMode: 'Classic',
	autoAdmittedUsers: 'EveryoneInCompany',
	allowPstnUsersToBypassLobby: false,
	allowAnonymousUsersToStartMeeting: false,
	usersCanAdmitFromLobby: 'OrganizersAndPresentersOnly',
	// Teams does not announce a place in the lobby: off unless an administrator turns it on.
	announceLobbyPosition: false,
	lobbyPositionRepeatSeconds: TENANT_SETTING_RANGES.lobbyPositionRepeatSeconds.default,
	maxParticipants: TENANT_SETTING_RANGES.maxParticipants.default,
	lobbyTimeoutMinutes: TENANT_SETTING_RANGES.lobbyTimeoutMinutes.default,
	pinLockoutThreshold: TENANT_SETTING_RANGES.pinLockoutThreshold.default,
	mailboxPinRetentionHours: TENANT_SETTING_RANGES.mailboxPinRetentionHours.default
});

/** Whether `value` is a whole number in the setting's range. */
export function isTenantSettingInRange(key: TenantNumberSetting, value: number): boolean {
	const { min, max } = TENANT_SETTING_RANGES[key];
	return Number.isInteger(value) && value >= min && value <= max;
}

function zeroNote(range: TenantSettingRange): string {
	return range.zero ? ` (0: ${range.zero})` : '';
}

/** The one wording of a setting's range: `PinLength must be from 4 to 12`. */
export function tenantSettingRangeMessage(key: TenantNumberSetting): string {
	const range: TenantSettingRange = TENANT_SETTING_RANGES[key];
	return `${range.name} must be from ${range.min} to ${range.max}${zeroNote(range)}`;
}

/** The same, for a value that is not a whole number: `PinLength must be a whole number from 4 to 12`. */
export function tenantSettingWholeNumberMessage(key: TenantNumberSetting): string {
	const range: TenantSettingRange = TENANT_SETTING_RANGES[key];
	return `${range.name} must be a whole number from ${range.min} to ${range.max}${zeroNote(range)}`;
}

/**
 * The range as a scenario file's author reads it next to the line, with the rule it comes from:
 * `PinLength is 4 to 12 (S13).`
 */
export function tenantSettingScenarioMessage(key: TenantNumberSetting): string {
	const range: TenantSettingRange = TENANT_SETTING_RANGES[key];
	const rule = range.rule ? ` (${range.rule})` : '';
	return `${range.name} is ${range.min} to ${range.max}${zeroNote(range)}${rule}.`;
}

/** What is wrong with `value` for the setting, or null when it is in range. */
export function tenantSettingProblem(key: TenantNumberSetting, value: number): string | null {
	if (isTenantSettingInRange(key, value)) return null;
	return `${tenantSettingWholeNumberMessage(key)}; got ${value}.`;
}
