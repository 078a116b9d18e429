/**
 * The article's cmdlets (S8, S15, S16 in docs/rules.md), with the names and parameters of Microsoft's
 * documentation, run against a Lobby server's HTTP API. Output is PowerShell's list style
 * (`Name : Value`) with the leader PIN always masked; `--json` gives the API's JSON for scripts.
 */
import type {
	DialInUserJson,
	EmailOutcomeJson,
	MeetingPolicyJson,
	PinIssuedJson,
	TenantSettingsJson
} from '$lib/contract/api';
import { WEBHOOK_EVENTS, type WebhookDeliveryJson, type WebhookJson } from '$lib/contract/webhooks';
import type { ApiClient } from './api-client';
import {
	AUTO_ADMITTED_USERS,
	AUTO_ADMITTED_USERS_NOT_MODELLED,
	LOBBY_MODES,
	USERS_CAN_ADMIT_FROM_LOBBY,
	ENTRY_EXIT_ANNOUNCEMENTS_TYPES,
	MASK_PSTN_NUMBERS_TYPES,
	TENANT_NUMBER_SETTINGS,
	TENANT_SETTING_RANGES,
	type TenantNumberSetting
} from '$lib/domain/tenant-settings';
import type { CmdletSpec, ParamSpec, ParamValue } from './powershell-args';

/** What a cmdlet writes to: out for results, err for notes; `json` asks for machine output. */
export interface CmdletIo {
	out: (text: string) => void;
	err: (text: string) => void;
	json: boolean;
}

/** A rule broken before anything was sent (exit code 2). */
export class UsageError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UsageError';
	}
}

const ANNOUNCEMENTS = ENTRY_EXIT_ANNOUNCEMENTS_TYPES;
const MASKING = MASK_PSTN_NUMBERS_TYPES;

/** A whole-number tenant setting as a cmdlet parameter: its name and range from the domain. */
function settingParam(key: TenantNumberSetting, help: string): ParamSpec {
	const { name, min, max } = TENANT_SETTING_RANGES[key];
	return { name, kind: 'int', min, max, valueName: 'N', help };
}

/** `-Identity` of the meeting policy cmdlets: Global, or a named policy (`Tag:` in front is allowed). */
const POLICY_IDENTITY: ParamSpec = {
	name: 'Identity',
	kind: 'string',
	valueName: 'Global|NAME',
	help: 'The policy: Global, or a named one.'
};

/** A named policy's description. */
const POLICY_DESCRIPTION: ParamSpec = {
	name: 'Description',
	kind: 'string',
	valueName: 'TEXT',
	help: 'What the policy is for (named policies).'
};

/** The lobby settings a meeting policy holds, as `Set-` and `New-CsTeamsMeetingPolicy` take them. */
const POLICY_SETTINGS: readonly ParamSpec[] = [
	{
		name: 'LobbyMode',
		kind: 'string',
		valueName: LOBBY_MODES.join('|'),
		help: 'Lobby’s own: Classic, the article’s lobby admitted at the start, or Teams, two gates.'
	},
	{
		name: 'AutoAdmittedUsers',
		kind: 'string',
		valueName: AUTO_ADMITTED_USERS.join('|'),
		help: 'Who bypasses the lobby; Everyone also lets callers start the meeting (with the two below).'
	},
	{
		name: 'AllowPSTNUsersToBypassLobby',
		kind: 'bool',
		help: 'Teams: callers join a started meeting without waiting to be admitted.'
	},
	{
		name: 'AllowAnonymousUsersToStartMeeting',
		kind: 'bool',
		help: 'Teams: callers may start the meeting (with AutoAdmittedUsers Everyone and PSTN bypass).'
	},
	{
		name: 'UsersCanAdmitFromLobby',
		kind: 'string',
		valueName: USERS_CAN_ADMIT_FROM_LOBBY.join('|'),
		help: 'Who may admit: both mean the organizer, in his meeting (Lobby has no presenters).'
	}
];

/** `-Identity` of the webhook cmdlets: the id Get-LobbyWebhook shows. */
const WEBHOOK_IDENTITY: ParamSpec = {
	name: 'Identity',
	kind: 'string',
	valueName: 'ID',
	help: 'The webhook’s id.'
};
const WEBHOOK_URL: ParamSpec = {
	name: 'Url',
	kind: 'string',
	valueName: 'URL',
	help: 'https:// (or http://) on a public address, unless LOBBY_WEBHOOK_ALLOWED_NETWORKS allows others.'
};
const WEBHOOK_EVENTS_PARAM: ParamSpec = {
	name: 'Events',
	kind: 'string',
	valueName: 'E1,E2',
	help: `Events, separated by commas: ${WEBHOOK_EVENTS.join(', ')}.`
};
const WEBHOOK_DESCRIPTION: ParamSpec = {
	name: 'Description',
	kind: 'string',
	valueName: 'TEXT',
	help: 'What the endpoint is for.'
};

export const CMDLETS: readonly CmdletSpec[] = [
	{
		name: 'Get-CsOnlineDialInConferencingUser',
		synopsis:
			'Shows dial-in users: conference ID, whether a leader PIN is set (always masked), PSTN-only meetings.',
		positional: 'Identity',
		params: [
			{
				name: 'Identity',
				kind: 'string',
				valueName: 'ID',
				help: 'The sign-in address (amos.marble@contoso.com) or the alias before the @ (amos.marble).'
			},
			{
				name: 'ResultSize',
				kind: 'int',
				min: 1,
				max: 1000,
				valueName: 'N',
				help: 'At most N users (default 200).'
			}
		],
		examples: [
			{
				command: 'lobby Get-CsOnlineDialInConferencingUser -Identity amos.marble',
				says: 'One user; LeaderPin reads *****.'
			},
			{
				command: 'lobby Get-CsOnlineDialInConferencingUser -ResultSize 10',
				says: 'The first ten users by name.'
			}
		]
	},
	{
		name: 'Set-CsOnlineDialInConferencingUser',
		synopsis:
			'Resets a leader PIN (shown once, emailed as asked) or changes whether callers may start the meeting alone.',
		positional: 'Identity',
		params: [
			{
				name: 'Identity',
				kind: 'string',
				valueName: 'ID',
				help: 'The sign-in address or the alias before the @.'
			},
			{
				name: 'ResetLeaderPIN',
				kind: 'switch',
				help: 'Makes a new leader PIN at the tenant length (S7, S16); the old one stops working at once.'
			},
			{
				name: 'SendEmail',
				kind: 'switch',
				help: 'Emails the new PIN (default: the tenant setting AutomaticallySendEmailsToUsers, S9).'
			},
			{
				name: 'SendEmailToAddress',
				kind: 'string',
				valueName: 'ADDRESS',
				help: 'Sends that email to this address instead; only together with -SendEmail (S14, S15).'
			},
			{
				name: 'AllowPSTNOnlyMeetings',
				kind: 'bool',
				help: 'Whether callers may start this organizer’s meetings without the organizer (S6).'
			}
		],
		examples: [
			{
				command: 'lobby Set-CsOnlineDialInConferencingUser -Identity amos.marble@contoso.com -ResetLeaderPIN',
				says: 'The article’s command (S16): a new PIN, printed once; emailed if the tenant sends emails.'
			},
			{
				command:
					'lobby Set-CsOnlineDialInConferencingUser -Identity amos.marble -ResetLeaderPIN -SendEmail -SendEmailToAddress amos@contoso.com',
				says: 'The article’s command (S15): the PIN email goes to another address.'
			},
			{
				command:
					"lobby Set-CsOnlineDialInConferencingUser -Identity megan.bowen -AllowPSTNOnlyMeetings '$true'",
				says: 'Callers may start Megan’s meetings without her (S6). Quote $true in a POSIX shell.'
			}
		]
	},
	{
		name: 'Get-CsOnlineDialInConferencingTenantSettings',
		synopsis: 'Shows the tenant’s dial-in settings: PIN length, automatic email, PSTN-only default, masking.',
		params: [],
		examples: [
			{ command: 'lobby Get-CsOnlineDialInConferencingTenantSettings', says: 'Every setting, one per line.' }
		]
	},
	{
		name: 'Set-CsOnlineDialInConferencingTenantSettings',
		synopsis: 'Changes the tenant’s dial-in settings; a new PIN length applies to new PINs only (S13).',
		params: [
			settingParam(
				'pinLength',
				`Digits in new leader PINs, ${TENANT_SETTING_RANGES.pinLength.min} to ${TENANT_SETTING_RANGES.pinLength.max} (S13).`
			),
			{
				name: 'AutomaticallySendEmailsToUsers',
				kind: 'bool',
				help: 'Whether enabling, disabling and resets email the user by default (S9).'
			},
			{
				name: 'AllowPSTNOnlyMeetingsByDefault',
				kind: 'bool',
				help: 'PSTN-only meetings for users enabled from now on (S6).'
			},
			{ name: 'EnableEntryExitNotifications', kind: 'bool', help: 'Announce callers joining and leaving.' },
			{
				name: 'EntryExitAnnouncementsType',
				kind: 'string',
				valueName: ANNOUNCEMENTS.join('|'),
				help: 'Names or a tone when callers join and leave.'
			},
			{
				name: 'MaskPstnNumbersType',
				kind: 'string',
				valueName: MASKING.join('|'),
				help: 'Who sees callers’ phone numbers masked.'
			},
			settingParam('maxParticipants', 'People per meeting.'),
			settingParam('lobbyTimeoutMinutes', 'Callers leave the lobby after this wait; 0 waits forever.'),
			settingParam('pinLockoutThreshold', 'Wrong PIN entries before the PIN is locked.'),
			settingParam(
				'mailboxPinRetentionHours',
				'Hours the simulated mailbox shows a PIN in full; ***** after.'
			),
			{
				name: 'AnnounceLobbyPosition',
				kind: 'bool',
				help: 'Lobby’s own: callers hear their place in the lobby on entering ("Queue position").'
			},
			settingParam(
				'lobbyPositionRepeatSeconds',
				'With AnnounceLobbyPosition, waiting callers hear their place again this often; 0: only on entering.'
			)
		],
		examples: [
			{
				command: 'lobby Set-CsOnlineDialInConferencingTenantSettings -PinLength 6',
				says: 'New PINs get six digits; existing PINs keep working (S13).'
			},
			{
				command: 'lobby Set-CsOnlineDialInConferencingTenantSettings -AutomaticallySendEmailsToUsers false',
				says: 'No automatic emails; -SendEmail still sends one (S9).'
			}
		]
	},
	{
		name: 'Get-CsTeamsMeetingPolicy',
		synopsis:
			'Shows the meeting policies’ lobby settings: Global and the named ones, or one (docs/rules.md, "The lobby policy").',
		positional: 'Identity',
		params: [{ ...POLICY_IDENTITY, help: 'One policy: Global or a name; all when left out.' }],
		examples: [
			{
				command: 'lobby Get-CsTeamsMeetingPolicy',
				says: 'Every policy, Global first, with how many users have it.'
			},
			{
				command: 'lobby Get-CsTeamsMeetingPolicy -Identity Global',
				says: 'The Global policy, one setting per line.'
			}
		]
	},
	{
		name: 'Set-CsTeamsMeetingPolicy',
		synopsis:
			'Changes a meeting policy’s lobby (Global, or a named one); live meetings of the users who have it follow at once, as an event in their log.',
		positional: 'Identity',
		params: [POLICY_IDENTITY, ...POLICY_SETTINGS, POLICY_DESCRIPTION],
		examples: [
			{
				command: 'lobby Set-CsTeamsMeetingPolicy -Identity Global -LobbyMode Teams',
				says: 'Today’s Teams lobby: callers wait to be admitted even after the start.'
			},
			{
				command:
					"lobby Set-CsTeamsMeetingPolicy -Identity Global -LobbyMode Teams -AllowPSTNUsersToBypassLobby '$true'",
				says: 'Callers join a started meeting directly, but still wait for it to start.'
			}
		]
	},
	{
		name: 'New-CsTeamsMeetingPolicy',
		synopsis:
			'Creates a named meeting policy, with Teams’ defaults for the settings not given; grant it with Grant-CsTeamsMeetingPolicy.',
		positional: 'Identity',
		params: [
			{ ...POLICY_IDENTITY, valueName: 'NAME', help: 'The new policy’s name, such as Training.' },
			...POLICY_SETTINGS,
			POLICY_DESCRIPTION
		],
		examples: [
			{
				command: 'lobby New-CsTeamsMeetingPolicy -Identity Training -LobbyMode Teams',
				says: 'A Teams lobby for the organizers granted Training; everyone else keeps Global.'
			}
		]
	},
	{
		name: 'Remove-CsTeamsMeetingPolicy',
		synopsis:
			'Removes a named meeting policy; the users who had it have the Global policy again, and their live meetings follow.',
		positional: 'Identity',
		params: [{ ...POLICY_IDENTITY, valueName: 'NAME', help: 'The policy to remove (not Global).' }],
		examples: [{ command: 'lobby Remove-CsTeamsMeetingPolicy -Identity Training', says: 'Training is gone.' }]
	},
	{
		name: 'Grant-CsTeamsMeetingPolicy',
		synopsis:
			'Grants a user a meeting policy: his meetings get its lobby, the live one at once. -PolicyName $null gives him Global again.',
		positional: 'Identity',
		params: [
			{ name: 'Identity', kind: 'string', valueName: 'ID', help: 'The user: sign-in address or alias.' },
			{
				name: 'PolicyName',
				kind: 'string',
				valueName: 'NAME|$null',
				help: 'The policy to grant; $null or Global: the Global policy.'
			}
		],
		examples: [
			{
				command: 'lobby Grant-CsTeamsMeetingPolicy -Identity amos.marble -PolicyName Training',
				says: 'Amos’s meetings get the Training lobby.'
			},
			{
				command: "lobby Grant-CsTeamsMeetingPolicy -Identity amos.marble -PolicyName '$null'",
				says: 'Amos has the Global policy again.'
			}
		]
	},
	{
		name: 'Get-LobbyWebhook',
		synopsis: 'Shows the webhooks (status callbacks): where, which events, and their deliveries by status.',
		positional: 'Identity',
		params: [{ ...WEBHOOK_IDENTITY, help: 'One webhook; all when left out.' }],
		examples: [{ command: 'lobby Get-LobbyWebhook', says: 'Every registered endpoint.' }]
	},
	{
		name: 'New-LobbyWebhook',
		synopsis:
			'Registers an endpoint for meeting and lobby events; prints its signing secret once (docs/webhooks.md).',
		params: [
			{ ...WEBHOOK_URL, required: true },
			{ ...WEBHOOK_EVENTS_PARAM, required: true },
			WEBHOOK_DESCRIPTION
		],
		examples: [
			{
				command:
					'lobby New-LobbyWebhook -Url https://qa.example/hooks -Events lobby.entered,lobby.admitted,meeting.started',
				says: 'Those events go to qa.example, signed with the secret printed once.'
			}
		]
	},
	{
		name: 'Set-LobbyWebhook',
		synopsis: 'Changes a webhook: its URL, events or description, or turns it off and on.',
		positional: 'Identity',
		params: [
			{ ...WEBHOOK_IDENTITY, required: true },
			WEBHOOK_URL,
			WEBHOOK_EVENTS_PARAM,
			WEBHOOK_DESCRIPTION,
			{ name: 'Enabled', kind: 'bool', help: '$false: nothing is queued for it until $true again.' }
		],
		examples: [
			{
				command: "lobby Set-LobbyWebhook -Identity 3f2a… -Enabled '$false'",
				says: 'The endpoint gets nothing until enabled again.'
			}
		]
	},
	{
		name: 'Remove-LobbyWebhook',
		synopsis: 'Removes a webhook and its delivery log.',
		positional: 'Identity',
		params: [{ ...WEBHOOK_IDENTITY, required: true }],
		examples: [{ command: 'lobby Remove-LobbyWebhook -Identity 3f2a…', says: 'It is gone.' }]
	},
	{
		name: 'Test-LobbyWebhook',
		synopsis: 'Sends a webhook.test event to one endpoint now, and says how it answered.',
		positional: 'Identity',
		params: [{ ...WEBHOOK_IDENTITY, required: true }],
		examples: [{ command: 'lobby Test-LobbyWebhook -Identity 3f2a…', says: 'Delivered (200), or why not.' }]
	},
	{
		name: 'Get-LobbyWebhookDelivery',
		synopsis: 'Shows a webhook’s delivery log, newest first: each event, its attempts and the last answer.',
		positional: 'Identity',
		params: [
			{ ...WEBHOOK_IDENTITY, required: true },
			{ name: 'ResultSize', kind: 'int', min: 1, max: 200, valueName: 'N', help: 'How many (default 50).' }
		],
		examples: [{ command: 'lobby Get-LobbyWebhookDelivery -Identity 3f2a…', says: 'The newest 50.' }]
	},
	{
		name: 'Enable-CsOnlineDialInConferencingUser',
		synopsis: 'Enables a user for dial-in: a conference ID and a leader PIN, shown once and emailed (S1).',
		positional: 'Identity',
		params: [
			{ name: 'Identity', kind: 'string', valueName: 'ID', help: 'The sign-in address or the alias.' }
		],
		examples: [
			{
				command: 'lobby Enable-CsOnlineDialInConferencingUser -Identity diego.siciliani',
				says: 'Diego can now dial in.'
			}
		]
	},
	{
		name: 'Disable-CsOnlineDialInConferencingUser',
		synopsis: 'Turns dial-in off for a user: no conference ID and no leader PIN.',
		positional: 'Identity',
		params: [
			{ name: 'Identity', kind: 'string', valueName: 'ID', help: 'The sign-in address or the alias.' }
		],
		examples: [
			{
				command: 'lobby Disable-CsOnlineDialInConferencingUser -Identity lee.gu',
				says: 'Lee can no longer dial in.'
			}
		]
	}
];

/** PowerShell's `True`/`False`, an empty value for null. */
function show(value: unknown): string {
	if (value === true) return 'True';
	if (value === false) return 'False';
	if (value === null || value === undefined) return '';
	return String(value);
}

/** PowerShell's list view: one `Name : Value` per line, names padded to the longest. */
export function formatList(rows: readonly (readonly [string, unknown])[]): string {
	const width = Math.max(...rows.map(([name]) => name.length));
	return rows.map(([name, value]) => `${name.padEnd(width)} : ${show(value)}`.trimEnd()).join('\n') + '\n';
}

function userRows(user: DialInUserJson, serviceNumber: string | null): [string, unknown][] {
	return [
		['Identity', user.email],
		['DisplayName', user.displayName],
		['SipAddress', `sip:${user.email}`],
		['Provider', user.dialInEnabled ? 'Lobby' : ''],
		['DialInEnabled', user.dialInEnabled],
		['ServiceNumber', user.dialInEnabled ? serviceNumber : null],
		['ConferenceId', user.conferenceId],
		// Never the PIN (S8): masked when one is set, whatever the server sent.
		['LeaderPin', user.leaderPin ? '*****' : ''],
		['LeaderPinLockedOut', user.leaderPinLockedOut],
		['AllowPstnOnlyMeetings', user.allowPstnOnlyMeetings],
		['TeamsMeetingPolicy', user.meetingPolicy ?? 'Global']
	];
}

function settingsRows(s: TenantSettingsJson): [string, unknown][] {
	return [
		['Identity', s.tenantId],
		['ServiceNumber', s.serviceNumber],
		['PinLength', s.pinLength],
		['AutomaticallySendEmailsToUsers', s.automaticallySendEmailsToUsers],
		['AllowPSTNOnlyMeetingsByDefault', s.allowPstnOnlyMeetingsByDefault],
		['EnableEntryExitNotifications', s.enableEntryExitNotifications],
		['EntryExitAnnouncementsType', s.entryExitAnnouncementsType],
		['MaskPstnNumbersType', s.maskPstnNumbersType],
		['MaxParticipants', s.maxParticipants],
		['LobbyTimeoutMinutes', s.lobbyTimeoutMinutes],
		['PinLockoutThreshold', s.pinLockoutThreshold],
		['MailboxPinRetentionHours', s.mailboxPinRetentionHours],
		['AnnounceLobbyPosition', s.announceLobbyPosition],
		['LobbyPositionRepeatSeconds', s.lobbyPositionRepeatSeconds]
	];
}

/** A policy as Teams lists it: `Global`, or `Tag:NAME` for a named one. */
function policyRows(p: MeetingPolicyJson): [string, unknown][] {
	return [
		['Identity', p.identity === 'Global' ? 'Global' : `Tag:${p.identity}`],
		['Description', p.description],
		['LobbyMode', p.lobbyMode],
		['AutoAdmittedUsers', p.autoAdmittedUsers],
		['AllowPSTNUsersToBypassLobby', p.allowPstnUsersToBypassLobby],
		['AllowAnonymousUsersToStartMeeting', p.allowAnonymousUsersToStartMeeting],
		['UsersCanAdmitFromLobby', p.usersCanAdmitFromLobby],
		['Users', p.users]
	];
}

/** A policy's name as the API takes it: `Tag:Training` is `Training`, as Teams reads it. */
function policyName(value: ParamValue | undefined): string {
	const name = value === undefined ? 'Global' : String(value).trim();
	return name.replace(/^tag:/i, '');
}

/** The path of one policy. */
function policyPath(value: ParamValue | undefined): string {
	return `/meeting-policies/${encodeURIComponent(policyName(value))}`;
}

/** The lobby settings given on the command line, as the API names them. */
function policyPatch(values: Record<string, ParamValue>): Record<string, unknown> {
	const patch: Record<string, unknown> = {};
	const mode = oneOf('LobbyMode', values.LobbyMode, LOBBY_MODES);
	if (mode) patch.lobbyMode = mode;
	if (values.AutoAdmittedUsers !== undefined) {
		const known = [...AUTO_ADMITTED_USERS, ...AUTO_ADMITTED_USERS_NOT_MODELLED];
		// The server explains why OrganizerOnly and InvitedUsers are refused; send them on.
		patch.autoAdmittedUsers = oneOf('AutoAdmittedUsers', values.AutoAdmittedUsers, known);
	}
	if (values.AllowPSTNUsersToBypassLobby !== undefined)
		patch.allowPstnUsersToBypassLobby = values.AllowPSTNUsersToBypassLobby;
	if (values.AllowAnonymousUsersToStartMeeting !== undefined)
		patch.allowAnonymousUsersToStartMeeting = values.AllowAnonymousUsersToStartMeeting;
	const admit = oneOf('UsersCanAdmitFromLobby', values.UsersCanAdmitFromLobby, USERS_CAN_ADMIT_FROM_LOBBY);
	if (admit) patch.usersCanAdmitFromLobby = admit;
	if (values.Description !== undefined) patch.description = String(values.Description);
	return patch;
}

function emailLine(email: EmailOutcomeJson): string {
	if (email.sent)
		return email.status === 'mailbox'
			? `Email: in ${email.to}'s simulated mailbox.`
			: `Email: sent to ${email.to}.`;
	return email.reason === 'no-mailbox'
		? 'Email: none (the user has no mailbox).'
		: 'Email: none (email is off).';
}

const identityPath = (values: Record<string, ParamValue>) =>
	`/dial-in-users/${encodeURIComponent(String(values.Identity))}`;

function needIdentity(cmdlet: string, values: Record<string, ParamValue>): void {
	if (values.Identity === undefined)
		throw new UsageError(`${cmdlet} needs -Identity, e.g. -Identity amos.marble.`);
}

/** One of `allowed`, matched case-insensitively as PowerShell does for enum values. */
function oneOf<T extends string>(
	param: string,
	value: ParamValue | undefined,
	allowed: readonly T[]
): T | undefined {
	if (value === undefined) return undefined;
	const found = allowed.find((a) => a.toLowerCase() === String(value).toLowerCase());
	if (!found)
		throw new UsageError(`-${param} must be one of ${allowed.join(', ')} (got "${String(value)}").`);
	return found;
}

const webhookPath = (values: Record<string, ParamValue>) =>
	`/webhooks/${encodeURIComponent(String(values.Identity))}`;

/** `-Events lobby.entered,meeting.started` as a list; the server says which names it knows. */
function eventList(value: ParamValue | undefined): string[] {
	return String(value ?? '')
		.split(/[\s,]+/)
		.filter((e) => e !== '');
}

function webhookRows(w: WebhookJson): [string, unknown][] {
	return [
		['Identity', w.id],
		['Url', w.url],
		['Events', w.events.join(', ')],
		['Description', w.description],
		['Enabled', w.enabled],
		['Secret', w.secretHint],
		[
			'Deliveries',
			`${w.deliveries.delivered} delivered, ${w.deliveries.queued} queued, ${w.deliveries.failed} failed`
		],
		['Created', w.createdAt]
	];
}

function deliveryRows(d: WebhookDeliveryJson): [string, unknown][] {
	return [
		['Event', d.event],
		['IdempotencyKey', d.idempotencyKey],
		['Status', d.status],
		['Attempts', d.attempts],
		['LastStatus', d.lastStatus],
		['LastError', d.lastError],
		['Created', d.createdAt],
		['NextAttempt', d.nextAttemptAt],
		['Delivered', d.deliveredAt]
	];
}

/** Runs one cmdlet; throws UsageError for rules broken before sending, ApiRequestError for refusals. */
export async function runCmdlet(
	cmdlet: CmdletSpec,
	values: Record<string, ParamValue>,
	api: ApiClient,
	io: CmdletIo
): Promise<void> {
	const print = (value: unknown, text: () => string) =>
		io.out(io.json ? `${JSON.stringify(value, null, 2)}\n` : text());
	switch (cmdlet.name) {
		case 'Get-CsOnlineDialInConferencingUser': {
			const { settings } = await api.get<{ settings: TenantSettingsJson }>('/tenant-settings');
			if (values.Identity !== undefined) {
				const { user } = await api.get<{ user: DialInUserJson }>(identityPath(values));
				print(user, () => formatList(userRows(user, settings.serviceNumber)));
				return;
			}
			const size = values.ResultSize ?? 200;
			const { users } = await api.get<{ users: DialInUserJson[] }>(`/dial-in-users?limit=${String(size)}`);
			print(users, () => users.map((u) => formatList(userRows(u, settings.serviceNumber))).join('\n'));
			return;
		}
		case 'Set-CsOnlineDialInConferencingUser': {
			needIdentity(cmdlet.name, values);
			const reset = values.ResetLeaderPIN === true;
			if (values.SendEmailToAddress !== undefined && values.SendEmail !== true) {
				throw new UsageError(
					'-SendEmailToAddress is only valid together with -SendEmail (S15): add -SendEmail, or leave the address out.'
				);
			}
			if (!reset && (values.SendEmail !== undefined || values.SendEmailToAddress !== undefined)) {
				throw new UsageError(
					'-SendEmail and -SendEmailToAddress go with -ResetLeaderPIN: add -ResetLeaderPIN.'
				);
			}
			if (!reset && values.AllowPSTNOnlyMeetings === undefined) {
				throw new UsageError(
					'Nothing to change: add -ResetLeaderPIN or -AllowPSTNOnlyMeetings $true|$false.'
				);
			}
			const results: Record<string, unknown> = {};
			if (values.AllowPSTNOnlyMeetings !== undefined) {
				const { user } = await api.patch<{ user: DialInUserJson }>(identityPath(values), {
					allowPstnOnlyMeetings: values.AllowPSTNOnlyMeetings
				});
				results.user = user;
				if (!io.json)
					io.out(
						`AllowPstnOnlyMeetings is now ${show(user.allowPstnOnlyMeetings)} for ${user.displayName}.\n`
					);
			}
			if (reset) {
				const issued = await api.post<PinIssuedJson>(`${identityPath(values)}/reset-leader-pin`, {
					...(values.SendEmail === true ? { sendEmail: true } : {}),
					...(values.SendEmailToAddress !== undefined
						? { sendEmailToAddress: values.SendEmailToAddress }
						: {})
				});
				results.reset = issued;
				if (!io.json) {
					io.out(
						`Leader PIN reset for ${issued.user.displayName} (${issued.user.email}); the old PIN no longer works.\n` +
							`New leader PIN (shown once): ${issued.leaderPin}\n` +
							`${emailLine(issued.email)}\n`
					);
				}
			}
			if (io.json) io.out(`${JSON.stringify(results, null, 2)}\n`);
			return;
		}
		case 'Get-CsOnlineDialInConferencingTenantSettings': {
			const { settings } = await api.get<{ settings: TenantSettingsJson }>('/tenant-settings');
			print(settings, () => formatList(settingsRows(settings)));
			return;
		}
		case 'Set-CsOnlineDialInConferencingTenantSettings': {
			const patch: Record<string, unknown> = {};
			const map: Record<string, string> = {
				AutomaticallySendEmailsToUsers: 'automaticallySendEmailsToUsers',
				AllowPSTNOnlyMeetingsByDefault: 'allowPstnOnlyMeetingsByDefault',
				EnableEntryExitNotifications: 'enableEntryExitNotifications',
				AnnounceLobbyPosition: 'announceLobbyPosition'
			};
			for (const key of TENANT_NUMBER_SETTINGS) map[TENANT_SETTING_RANGES[key].name] = key;
			for (const [param, field] of Object.entries(map))
				if (values[param] !== undefined) patch[field] = values[param];
			const announcements = oneOf(
				'EntryExitAnnouncementsType',
				values.EntryExitAnnouncementsType,
				ANNOUNCEMENTS
			);
			if (announcements) patch.entryExitAnnouncementsType = announcements;
			const masking = oneOf('MaskPstnNumbersType', values.MaskPstnNumbersType, MASKING);
			if (masking) patch.maskPstnNumbersType = masking;
			if (Object.keys(patch).length === 0) {
				throw new UsageError(
					`Nothing to change: give at least one setting, e.g. -PinLength 6. See "lobby ${cmdlet.name} -?".`
				);
			}
			const { settings } = await api.patch<{ settings: TenantSettingsJson }>('/tenant-settings', patch);
			print(settings, () => formatList(settingsRows(settings)));
			return;
		}
		case 'Get-CsTeamsMeetingPolicy': {
			if (values.Identity !== undefined) {
				const { policy } = await api.get<{ policy: MeetingPolicyJson }>(policyPath(values.Identity));
				print(Object.fromEntries(policyRows(policy)), () => formatList(policyRows(policy)));
				return;
			}
			const { policies } = await api.get<{ policies: MeetingPolicyJson[] }>('/meeting-policies');
			print(policies, () => policies.map((p) => formatList(policyRows(p))).join('\n'));
			return;
		}
		case 'Set-CsTeamsMeetingPolicy': {
			const patch = policyPatch(values);
			if (Object.keys(patch).length === 0) {
				throw new UsageError(
					`Nothing to change: give at least one setting, e.g. -LobbyMode Teams. See "lobby ${cmdlet.name} -?".`
				);
			}
			const { policy } = await api.patch<{ policy: MeetingPolicyJson }>(policyPath(values.Identity), patch);
			print(Object.fromEntries(policyRows(policy)), () => formatList(policyRows(policy)));
			return;
		}
		case 'New-CsTeamsMeetingPolicy': {
			if (values.Identity === undefined)
				throw new UsageError(
					`${cmdlet.name} needs -Identity, the new policy's name, e.g. -Identity Training.`
				);
			const { policy } = await api.post<{ policy: MeetingPolicyJson }>('/meeting-policies', {
				identity: policyName(values.Identity),
				...policyPatch(values)
			});
			print(Object.fromEntries(policyRows(policy)), () => formatList(policyRows(policy)));
			return;
		}
		case 'Remove-CsTeamsMeetingPolicy': {
			if (values.Identity === undefined)
				throw new UsageError(
					`${cmdlet.name} needs -Identity, the policy to remove, e.g. -Identity Training.`
				);
			const { removed } = await api.delete<{ removed: { identity: string; users: number } }>(
				policyPath(values.Identity)
			);
			print(
				removed,
				() =>
					`Meeting policy ${removed.identity} removed; ${removed.users === 1 ? '1 user has' : `${removed.users} users have`} the Global policy again.\n`
			);
			return;
		}
		case 'Grant-CsTeamsMeetingPolicy': {
			needIdentity(cmdlet.name, values);
			if (values.PolicyName === undefined)
				throw new UsageError(`${cmdlet.name} needs -PolicyName, a policy's name or $null for Global.`);
			const raw = String(values.PolicyName).trim();
			const name = raw.toLowerCase() === '$null' || raw === '' ? null : policyName(raw);
			const { user } = await api.put<{ user: DialInUserJson | null }>(
				`${identityPath(values)}/meeting-policy`,
				{
					policyName: name
				}
			);
			print(
				user,
				() =>
					`${user?.displayName ?? String(values.Identity)} has the ${user?.meetingPolicy ?? 'Global'} meeting policy.\n`
			);
			return;
		}
		case 'Enable-CsOnlineDialInConferencingUser': {
			needIdentity(cmdlet.name, values);
			const issued = await api.post<PinIssuedJson>(`${identityPath(values)}/enable`);
			print(
				issued,
				() =>
					`Dial-in enabled for ${issued.user.displayName}; conference ID ${issued.user.conferenceId}.\n` +
					`New leader PIN (shown once): ${issued.leaderPin}\n${emailLine(issued.email)}\n`
			);
			return;
		}
		case 'Disable-CsOnlineDialInConferencingUser': {
			needIdentity(cmdlet.name, values);
			const result = await api.post<{ email: EmailOutcomeJson }>(`${identityPath(values)}/disable`);
			print(result, () => `Dial-in is off for ${String(values.Identity)}.\n${emailLine(result.email)}\n`);
			return;
		}
		case 'Get-LobbyWebhook': {
			if (values.Identity !== undefined) {
				const { webhook } = await api.get<{ webhook: WebhookJson }>(webhookPath(values));
				print(webhook, () => formatList(webhookRows(webhook)));
				return;
			}
			const { webhooks } = await api.get<{ webhooks: WebhookJson[] }>('/webhooks');
			print(webhooks, () =>
				webhooks.length === 0
					? 'No webhooks. Register one with New-LobbyWebhook -Url URL -Events E1,E2.\n'
					: webhooks.map((w) => formatList(webhookRows(w))).join('\n')
			);
			return;
		}
		case 'New-LobbyWebhook': {
			const answer = await api.post<{ webhook: WebhookJson; secret: string }>('/webhooks', {
				url: String(values.Url),
				events: eventList(values.Events),
				...(values.Description === undefined ? {} : { description: String(values.Description) })
			});
			print(
				answer,
				() =>
					`${formatList(webhookRows(answer.webhook))}\nSigning secret (shown once; keep it where the receiver checks signatures):\n${answer.secret}\n`
			);
			return;
		}
		case 'Set-LobbyWebhook': {
			const patch = {
				...(values.Url === undefined ? {} : { url: String(values.Url) }),
				...(values.Events === undefined ? {} : { events: eventList(values.Events) }),
				...(values.Description === undefined ? {} : { description: String(values.Description) }),
				...(values.Enabled === undefined ? {} : { enabled: values.Enabled === true })
			};
			if (Object.keys(patch).length === 0)
				throw new UsageError(
					`${cmdlet.name} needs something to change: -Url, -Events, -Description or -Enabled.`
				);
			const { webhook } = await api.patch<{ webhook: WebhookJson }>(webhookPath(values), patch);
			print(webhook, () => formatList(webhookRows(webhook)));
			return;
		}
		case 'Remove-LobbyWebhook': {
			const answer = await api.delete<{ removed: { id: string } }>(webhookPath(values));
			print(answer, () => `Webhook ${answer.removed.id} removed, with its delivery log.\n`);
			return;
		}
		case 'Test-LobbyWebhook': {
			const { delivery } = await api.post<{ delivery: WebhookDeliveryJson }>(`${webhookPath(values)}/test`);
			print(delivery, () =>
				delivery.status === 'delivered'
					? `Test event delivered (${String(delivery.lastStatus)}).\n`
					: `Test event not delivered: ${delivery.lastError ?? 'no answer'}; it is retried at ${delivery.nextAttemptAt ?? 'no later time'}.\n`
			);
			return;
		}
		case 'Get-LobbyWebhookDelivery': {
			const size = values.ResultSize ?? 50;
			const { deliveries } = await api.get<{ deliveries: WebhookDeliveryJson[] }>(
				`${webhookPath(values)}/deliveries?limit=${String(size)}`
			);
			print(deliveries, () =>
				deliveries.length === 0
					? 'No deliveries yet.\n'
					: deliveries.map((d) => formatList(deliveryRows(d))).join('\n')
			);
			return;
		}
		default:
			throw new UsageError(`${cmdlet.name} is not implemented.`);
	}
}
