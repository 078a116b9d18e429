/**
 * The HTTP API's answers (`/api/v1`), imported with `import type` by the server that makes them and
 * by the `lobby` command that reads them. Requests are described by zod schemas at the edge
 * (src/lib/server/api/schemas.ts); both are published in the OpenAPI document at
 * `/api/v1/openapi.json`.
 */
import type { WaitExplanation } from '$lib/domain/meeting';
import type {
	AutoAdmittedUsers,
	EntryExitAnnouncementsType,
	LobbyModeName,
	MaskPstnNumbersType,
	UsersCanAdmitFromLobby
} from '$lib/domain/tenant-settings';

/** Every error answer: a stable code and a sentence for people. */
export interface ApiErrorBody {
	error: { code: string; message: string };
}

/** A dial-in user; the leader PIN is never readable, only `*****` when one is set (S8). */
export interface DialInUserJson {
	id: string;
	email: string;
	/** The part before the `@`, which `-Identity` also accepts. */
	alias: string;
	displayName: string;
	role: 'admin' | 'user';
	hasMailbox: boolean;
	language: 'en' | 'sv';
	dialInEnabled: boolean;
	conferenceId: string | null;
	allowPstnOnlyMeetings: boolean;
	/** The meeting policy granted (`Grant-CsTeamsMeetingPolicy`); null: the Global one. */
	meetingPolicy: string | null;
	leaderPin: '*****' | null;
	leaderPinSetAt: string | null;
	leaderPinLength: number | null;
	leaderPinLockedOut: boolean;
	failedPinAttempts: number;
}

export interface TenantSettingsJson {
	tenantId: string;
	name: string;
	domain: string;
	serviceNumber: string;
	pinLength: number;
	automaticallySendEmailsToUsers: boolean;
	allowPstnOnlyMeetingsByDefault: boolean;
	enableEntryExitNotifications: boolean;
	entryExitAnnouncementsType: EntryExitAnnouncementsType;
	maskPstnNumbersType: MaskPstnNumbersType;
	maxParticipants: number;
	lobbyTimeoutMinutes: number;
	pinLockoutThreshold: number;
	/** Hours the simulated mailbox shows a PIN in full; `*****` after. */
	mailboxPinRetentionHours: number;
	/** The Global meeting policy's lobby (`Get-CsTeamsMeetingPolicy -Identity Global`). */
	lobbyMode: LobbyModeName;
	autoAdmittedUsers: AutoAdmittedUsers;
	allowPstnUsersToBypassLobby: boolean;
	allowAnonymousUsersToStartMeeting: boolean;
	usersCanAdmitFromLobby: UsersCanAdmitFromLobby;
	/** Callers hear their place in the lobby on entering (docs/rules.md, "Queue position"). */
	announceLobbyPosition: boolean;
	/** And again this often, in seconds; 0: only on entering. */
	lobbyPositionRepeatSeconds: number;
}

/**
 * A meeting policy (`Get-CsTeamsMeetingPolicy`): Global, which every user has unless granted
 * another, or a named one; `users` is how many users it is granted to (Global: those with none).
 */
export interface MeetingPolicyJson {
	identity: string;
	description: string;
	lobbyMode: LobbyModeName;
	autoAdmittedUsers: AutoAdmittedUsers;
	allowPstnUsersToBypassLobby: boolean;
	allowAnonymousUsersToStartMeeting: boolean;
	usersCanAdmitFromLobby: UsersCanAdmitFromLobby;
	users: number;
}

/** Whether, and where, the PIN email went (S9, S12, S14). */
export type EmailOutcomeJson =
	| { sent: true; to: string; status: 'queued' | 'mailbox' }
	| { sent: false; reason: 'email-off' | 'no-mailbox' };

/** The answer to a reset or enablement: the one time the PIN is shown (S8). */
export interface PinIssuedJson {
	user: { id: string; email: string; displayName: string; conferenceId: string };
	leaderPin: string;
	email: EmailOutcomeJson;
}

export interface ApiTokenJson {
	id: string;
	name: string;
	owner: { id: string; email: string; displayName: string };
	prefix: string;
	createdAt: string;
	expiresAt: string | null;
	lastUsedAt: string | null;
	revokedAt: string | null;
}

/** The answer to `POST /login` and `POST /tokens`: the one time the secret is shown. */
export interface TokenIssuedJson {
	token: string;
	tokenInfo: ApiTokenJson;
}

/**
 * The most simulated organizers one request (`POST /api/v1/simulated-organizers`) or one scenario
 * (`simulatedOrganizers.count`) may ask for.
 */
export const SIMULATED_ORGANIZERS_MAX = 1000;

/**
 * `GET /meetings/{id}/lobby`: one waiting caller, why they wait and what would let them in
 * (docs/rules.md, "Why is this caller waiting?"), with the same in English words.
 */
export type WaitExplanationJson = WaitExplanation & {
	why: string;
	letsIn: string;
	timesOut: string | null;
	whenStarted: string | null;
};

/** A live meeting's lobby, explained, at the instant `at` (the lobby's `GET` and its admit and decline). */
export interface LobbyExplainedJson {
	meetingId: string;
	conferenceId: string;
	status: 'waiting' | 'in-progress' | 'ended';
	at: number;
	lobby: WaitExplanationJson[];
}

/** Copies a scenario load may run at once (`lobby load --scenario FILE --repeat N`). */
export const SCENARIO_LOAD_COPIES_MAX = 50;

/** The rule for a scenario load's `repeat`, as the API and the service say it. */
export const SCENARIO_LOAD_REPEAT_RULE = `repeat takes a whole number from 1 to ${SCENARIO_LOAD_COPIES_MAX}`;

/** Whether `repeat` is a number of copies a scenario load may run. */
export function isScenarioLoadRepeat(repeat: number): boolean {
	return Number.isInteger(repeat) && repeat >= 1 && repeat <= SCENARIO_LOAD_COPIES_MAX;
}

/** One copy of a scenario load: its own tenant, stand-ins and conference IDs. */
export interface ScenarioLoadCopyJson {
	copy: number;
	status: 'preparing' | 'running' | 'passed' | 'failed' | 'stopped' | 'error';
	/** Plan items done, of all. */
	item: number;
	items: number;
	/** Scenario time reached, ms from the start. */
	at: number;
	/** The expectations checked so far: their names, outcomes and sentences. */
	expectations: { name: string; passed: boolean; message: string; at: number }[];
	problem: string | null;
}

/** A scenario load: one file's story, run as N copies at once on the live server. */
export interface ScenarioLoadJson {
	loadId: string;
	file: string;
	name: string;
	repeat: number;
	speed: number;
	status: 'preparing' | 'running' | 'passed' | 'failed' | 'stopped' | 'error';
	copies: ScenarioLoadCopyJson[];
	/** Wall time since the load started, ms. */
	wallMs: number;
	problem: string | null;
}
