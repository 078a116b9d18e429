/**
 * The meeting aggregate: one meeting of one organizer, reached through the organizer's conference ID
 * (a personal meeting room). Lifecycle `none` -> `waiting` -> `in-progress` -> `ended`.
 *
 * The service layer establishes everything secret before calling in: the domain never sees a PIN or
 * a hash, only whether the call flow accepted the organizer's PIN for this meeting (`asLeader`).
 */
import { accept, reject, type Decider, type Decision, type Rejection } from './decider';
import {
	AUTO_ADMITTED_USERS,
	DEFAULT_TENANT_SETTINGS,
	TENANT_SETTING_RANGES,
	tenantSettingProblem,
	USERS_CAN_ADMIT_FROM_LOBBY,
	type AutoAdmittedUsers,
	type TenantSettings,
	type UsersCanAdmitFromLobby
} from './tenant-settings';

// Settings

/**
 * Entry and exit announcements: Teams `EntryExitAnnouncementsType` (UseNames or ToneOnly), or off when
 * `EnableEntryExitNotifications` is false.
 */
export type Announcements = 'names' | 'tone' | 'off';

/** Every announcement setting, for pickers and validation. */
export const ANNOUNCEMENTS: readonly Announcements[] = Object.freeze(['names', 'tone', 'off'] as const);

/** The article's lobby (`classic`) or today's Teams lobby (`teams`); docs/rules.md, "The lobby policy". */
export type LobbyMode = 'classic' | 'teams';

/**
 * The meeting policy's lobby settings (`Set-CsTeamsMeetingPolicy`), as a meeting holds them. Under
 * `classic` only `mode` matters; under `teams`:
 * - `allowPstnUsersToBypassLobby`: callers join a started meeting directly; off, they wait to be
 *   admitted even after the start;
 * - `allowAnonymousUsersToStartMeeting` (with `autoAdmittedUsers` `Everyone` and PSTN bypass on):
 *   a caller may start the meeting; otherwise callers wait until a verified participant joins.
 */
export type LobbyPolicy = {
	readonly mode: LobbyMode;
	readonly autoAdmittedUsers: AutoAdmittedUsers;
	readonly allowPstnUsersToBypassLobby: boolean;
	readonly allowAnonymousUsersToStartMeeting: boolean;
	readonly usersCanAdmitFromLobby: UsersCanAdmitFromLobby;
};

/** A meeting's lobby policy from the meeting policy's settings, as the tenant holds them (`Teams` → `teams`). */
export function lobbyPolicyFrom(
	settings: Pick<
		TenantSettings,
		| 'lobbyMode'
		| 'autoAdmittedUsers'
		| 'allowPstnUsersToBypassLobby'
		| 'allowAnonymousUsersToStartMeeting'
		| 'usersCanAdmitFromLobby'
	>
): LobbyPolicy {
	return {
		mode: settings.lobbyMode === 'Teams' ? 'teams' : 'classic',
		autoAdmittedUsers: settings.autoAdmittedUsers,
		allowPstnUsersToBypassLobby: settings.allowPstnUsersToBypassLobby,
		allowAnonymousUsersToStartMeeting: settings.allowAnonymousUsersToStartMeeting,
		usersCanAdmitFromLobby: settings.usersCanAdmitFromLobby
	};
}

/** The lobby of the article, with Teams' defaults for the rest: every meeting's unless a policy says otherwise. */
export const DEFAULT_LOBBY_POLICY: LobbyPolicy = Object.freeze(lobbyPolicyFrom(DEFAULT_TENANT_SETTINGS));

/** Whether two lobby policies say the same in every setting. */
export function sameLobbyPolicy(a: LobbyPolicy, b: LobbyPolicy): boolean {
	return (Object.keys(a) as (keyof LobbyPolicy)[]).every((k) => a[k] === b[k]);
}

/** The article's lobby, for meetings opened before there was a lobby policy, whatever the default becomes. */
const CLASSIC_LOBBY_POLICY: LobbyPolicy = Object.freeze({ ...DEFAULT_LOBBY_POLICY, mode: 'classic' });

/**
 * The organizer's meeting options (Teams' Meeting options, docs/rules.md "Meeting options"): the
 * lobby settings he may change for one meeting under the Teams lobby, over his meeting policy.
 * Missing: as the policy says.
 */
export type MeetingLobbyOptions = {
	readonly autoAdmittedUsers?: AutoAdmittedUsers;
	readonly allowPstnUsersToBypassLobby?: boolean;
};

/** The lobby policy a meeting follows: its meeting policy, with the organizer's meeting options over it. */
export function lobbyPolicyOf(state: OpenedMeeting): LobbyPolicy {
	const options = state.lobbyOptions;
	return options ? { ...state.settings.lobbyPolicy, ...options } : state.settings.lobbyPolicy;
}

/** How a meeting behaves; fixed when it opens, but for the lobby policy, which a `LobbyPolicyChanged` may change. */
export type MeetingSettings = {
	/** Lobby and meeting together may hold no more than this (Teams 250, ConfBridge `max_members`). */
	readonly maxParticipants: number;
	/** A lobby caller who waited this long is disconnected; 0 means never (ConfBridge `timeout`). */
	readonly lobbyTimeoutMinutes: number;
	readonly announcements: Announcements;
	/** S6: the organizer's `AllowPSTNOnlyMeetings`; when true the first caller starts the meeting. */
	readonly allowPstnOnly: boolean;
	/** The lobby policy; missing in meetings opened before there was one, which are `classic`. */
	readonly lobbyPolicy: LobbyPolicy;
	/**
	 * Lobby's own queue position (docs/rules.md, "Queue position"): a caller entering the lobby hears
	 * its place ("You are number 3 in the lobby"). Off by default; missing in older meetings: off.
	 */
	readonly announceLobbyPosition: boolean;
	/** With `announceLobbyPosition`, each waiting caller hears its place again this often; 0: only on entering. */
	readonly lobbyPositionRepeatSeconds: number;
};

/**
 * Defaults of the real systems: 250 callers, no lobby timeout, announcements by name
 * (`EnableEntryExitNotifications` true, UseNames), and PSTN-only meetings off (S11, `AllowPSTNOnlyMeetingsByDefault` false).
 */
export const DEFAULT_MEETING_SETTINGS: MeetingSettings = Object.freeze({
	maxParticipants: TENANT_SETTING_RANGES.maxParticipants.default,
	lobbyTimeoutMinutes: TENANT_SETTING_RANGES.lobbyTimeoutMinutes.default,
	announcements: 'names',
	allowPstnOnly: false,
	lobbyPolicy: DEFAULT_LOBBY_POLICY,
	announceLobbyPosition: DEFAULT_TENANT_SETTINGS.announceLobbyPosition,
	lobbyPositionRepeatSeconds: DEFAULT_TENANT_SETTINGS.lobbyPositionRepeatSeconds
});

/** The dial-in user who owns the meeting; their PIN makes them its leader (S2). */
export type Organizer = { readonly userId: string; readonly displayName: string };

/** How a participant reached the meeting (S4: by phone or from the authenticated client). */
export type JoinedVia = 'phone' | 'client';

/**
 * The in-meeting keypad (docs/rules.md, "The keypad"): Teams' keys (`*1` help, `*5` raise hand,
 * `*6` mute, and for the leader `*21` admit all, `*22` mute all, `*23` announcements), with the
 * article's `*7` lock and `*8` admit all kept from Skype for Business.
 */
export type KeypadKeys = '*1' | '*5' | '*6' | '*7' | '*8' | '*21' | '*22' | '*23';

/** What a keypad command does. */
export type KeypadAction =
	| 'help'
	| 'toggle-hand'
	| 'toggle-mute'
	| 'toggle-lock'
	| 'admit-lobby'
	| 'mute-audience'
	| 'toggle-announcements';

/** One keypad command; `leaderOnly` commands are refused to everyone but the leader. */
export type KeypadCommand = {
	readonly keys: KeypadKeys;
	readonly action: KeypadAction;
	/**
	 * The command's name in `Set-CsDialInConferencingDtmfConfiguration` (Skype for Business), or for
	 * Teams' raise hand, which that cmdlet does not have, `RaiseHand`.
	 */
	readonly name: string;
	readonly leaderOnly: boolean;
	readonly description: string;
};

/** The keypad commands, in the order `*1` help reads them out. */
export const KEYPAD_COMMANDS: readonly KeypadCommand[] = Object.freeze([
	{
		keys: '*1',
		action: 'help',
		name: 'HelpCommand',
		leaderOnly: false,
		description: 'Hear the list of keypad commands.'
	},
	{
		keys: '*5',
		action: 'toggle-hand',
		name: 'RaiseHand',
		leaderOnly: false,
		description: 'Raise or lower your hand.'
	},
	{
		keys: '*6',
		action: 'toggle-mute',
		name: 'MuteUnmuteCommand',
		leaderOnly: false,
		description: 'Mute or unmute yourself.'
	},
	{
		keys: '*7',
		action: 'toggle-lock',
		name: 'LockUnlockConferenceCommand',
		leaderOnly: true,
		description: 'Lock or unlock the meeting.'
	},
	{
		keys: '*8',
		action: 'admit-lobby',
		name: 'AdmitAll',
		leaderOnly: true,
		description: 'Admit everyone from the lobby.'
	},
	{
		keys: '*21',
		action: 'admit-lobby',
		name: 'AdmitAll',
		leaderOnly: true,
		description: 'Admit everyone from the lobby.'
	},
	{
		keys: '*22',
		action: 'mute-audience',
		name: 'AudienceMuteCommand',
		leaderOnly: true,
		description: 'Mute everyone but the leader.'
	},
	{
		keys: '*23',
		action: 'toggle-announcements',
		name: 'EnableDisableAnnouncementsCommand',
		leaderOnly: true,
		description: 'Turn entry and exit announcements on or off.'
	}
] satisfies KeypadCommand[]);

// Events

/** The meeting exists and waits for a leader (S5). Carries the full settings, defaults filled in. */
export type MeetingOpened = {
	readonly type: 'MeetingOpened';
	readonly at: number;
	readonly meetingId: string;
	readonly conferenceId: string;
	readonly organizer: Organizer;
	readonly settings: MeetingSettings;
};

/** S5: a caller waits in the lobby, hearing music, until the meeting starts or the leader admits them. */
export type CallerEnteredLobby = {
	readonly type: 'CallerEnteredLobby';
	readonly at: number;
	readonly participantId: string;
	readonly phoneNumber: string;
	readonly music: true;
	/** The caller's place in the lobby, told on entering where the meeting announces it (1 is next). */
	readonly position?: number;
};

/** Someone is in the meeting; `announcement` is what the others hear (names, a tone, or nothing). */
export type ParticipantJoined = {
	readonly type: 'ParticipantJoined';
	readonly at: number;
	readonly participantId: string;
	readonly via: JoinedVia;
	readonly displayName: string;
	readonly phoneNumber?: string;
	readonly userId?: string;
	readonly isLeader: boolean;
	readonly announcement: Announcements;
};

/**
 * S4: the meeting started, because an authenticated user joined from the client (S2: no PIN), the
 * organizer's PIN was accepted, or (S6) a caller arrived where PSTN-only meetings are allowed.
 */
export type MeetingStarted = {
	readonly type: 'MeetingStarted';
	readonly at: number;
	readonly startedBy: 'client' | 'leader-pin' | 'pstn-only';
	/** Who started it: the participant of the `ParticipantJoined` just before. */
	readonly participantId: string;
};

/**
 * S10: the whole lobby is admitted in one event, in arrival order: automatically when the meeting
 * starts (`byParticipantId` is the starter), or by the leader (`*8`, `*21`, or the client's Admit all).
 */
export type LobbyAdmitted = {
	readonly type: 'LobbyAdmitted';
	readonly at: number;
	readonly participantIds: readonly string[];
	readonly by: 'meeting-start' | 'leader';
	readonly byParticipantId: string;
	readonly announcement: Announcements;
};

/** The leader admitted one caller from the lobby (Zoom's "Admit"). */
export type CallerAdmitted = {
	readonly type: 'CallerAdmitted';
	readonly at: number;
	readonly participantId: string;
	readonly byParticipantId: string;
	readonly announcement: Announcements;
};

/**
 * The leader declined a caller waiting in the lobby (Teams' "Deny"): the call ends, and the caller
 * hears that the organizer did not let them in.
 */
export type CallerDeclined = {
	readonly type: 'CallerDeclined';
	readonly at: number;
	readonly participantId: string;
	readonly byParticipantId: string;
};

/** A caller hung up while waiting in the lobby. */
export type CallerLeftLobby = {
	readonly type: 'CallerLeftLobby';
	readonly at: number;
	readonly participantId: string;
	readonly reason: 'hung-up';
};

/**
 * Lobby callers were disconnected by the system, all in one event, in arrival order: they waited
 * `lobbyTimeoutMinutes` (`lobby-timeout`), or the meeting ended under them (`meeting-ended`).
 * A single caller hanging up is `CallerLeftLobby` instead.
 */
export type LobbyCallersDisconnected = {
	readonly type: 'LobbyCallersDisconnected';
	readonly at: number;
	readonly participantIds: readonly string[];
	readonly reason: 'lobby-timeout' | 'meeting-ended';
	/** `meeting-ended` by an end timer: which (so the callers hear why). */
	readonly endReason?: MeetingEndReason;
};

/** A participant left the meeting; the others hear `announcement`. */
export type ParticipantLeft = {
	readonly type: 'ParticipantLeft';
	readonly at: number;
	readonly participantId: string;
	readonly announcement: Announcements;
};

/** `*6`: a participant muted or unmuted themself. */
export type ParticipantMuteChanged = {
	readonly type: 'ParticipantMuteChanged';
	readonly at: number;
	readonly participantId: string;
	readonly muted: boolean;
	readonly byParticipantId: string;
};

/** `*5`: a participant raised or lowered their hand (Teams). */
export type HandRaiseChanged = {
	readonly type: 'HandRaiseChanged';
	readonly at: number;
	readonly participantId: string;
	readonly raised: boolean;
};

/**
 * `*22` (`AudienceMuteCommand`): the leader muted everyone else who was not muted yet, in join
 * order; each may unmute themself with `*6`.
 */
export type AudienceMuted = {
	readonly type: 'AudienceMuted';
	readonly at: number;
	readonly byParticipantId: string;
	readonly participantIds: readonly string[];
};

/**
 * `*23` (`EnableDisableAnnouncementsCommand`): the leader turned entry and exit announcements off,
 * or on again (by name where the tenant has them off).
 */
export type AnnouncementsChanged = {
	readonly type: 'AnnouncementsChanged';
	readonly at: number;
	readonly byParticipantId: string;
	readonly enabled: boolean;
};

/** `*7`: the leader locked or unlocked the meeting; late callers to a locked meeting wait in the lobby. */
export type MeetingLockChanged = {
	readonly type: 'MeetingLockChanged';
	readonly at: number;
	readonly locked: boolean;
	readonly byParticipantId: string;
};

/**
 * The organizer's meeting policy changed while the meeting runs (an administrator's
 * `Set-CsTeamsMeetingPolicy`): it applies from here on, to callers who arrive after. Nobody already
 * waiting is admitted by it, as unlocking admits nobody.
 */
export type LobbyPolicyChanged = {
	readonly type: 'LobbyPolicyChanged';
	readonly at: number;
	readonly lobbyPolicy: LobbyPolicy;
};

/**
 * Waiting callers were told their place in the lobby again (docs/rules.md, "Queue position"): each
 * of `participantIds` is at the place at the same index of `positions` (1 is next).
 */
export type LobbyPositionsTold = {
	readonly type: 'LobbyPositionsTold';
	readonly at: number;
	readonly participantIds: readonly string[];
	readonly positions: readonly number[];
};

/**
 * The organizer changed his meeting's options (Teams' Meeting options): `options` is all of them
 * now, over the meeting policy, from here on; nobody already waiting is admitted by it.
 */
export type MeetingOptionsChanged = {
	readonly type: 'MeetingOptionsChanged';
	readonly at: number;
	readonly byUserId: string;
	readonly options: MeetingLobbyOptions;
};

/** `*1`: the keypad help was played to a participant, listing only the commands they may use. */
export type KeypadHelpPlayed = {
	readonly type: 'KeypadHelpPlayed';
	readonly at: number;
	readonly participantId: string;
	readonly commands: readonly KeypadKeys[];
};

/** Why a meeting ended. */
export type MeetingEndReason =
	| 'last-participant-left'
	| 'lobby-timeout'
	| 'ended-by-admin'
	| 'ended-by-simulator'
	/** The end timers (docs/rules.md, "Meeting end timers"): 30 hours at most. */
	| 'max-length'
	/** Nobody joined or left for 24 hours. */
	| 'roster-unchanged'
	/** Only callers left: 24 hours after the start where a PIN was used, 4 where callers may start. */
	| 'callers-only'
	/** Only callers left, none may start it: 90 minutes after the last signed-in participant or leader left. */
	| 'verified-left';

/** The end reasons that are end timers, which callers are told (docs/rules.md, "Meeting end timers"). */
export type EndTimerReason = Extract<
	MeetingEndReason,
	'max-length' | 'roster-unchanged' | 'callers-only' | 'verified-left'
>;

const END_TIMER_REASONS: ReadonlySet<MeetingEndReason> = new Set<EndTimerReason>([
	'max-length',
	'roster-unchanged',
	'callers-only',
	'verified-left'
]);

/** Whether a meeting ended by one of its end timers. */
export function isEndTimer(reason: MeetingEndReason): reason is EndTimerReason {
	return END_TIMER_REASONS.has(reason);
}

/** The end timers' periods, from Microsoft's documentation (docs/rules.md, "Meeting end timers"). */
export const END_TIMERS = Object.freeze({
	/** "Microsoft Teams meetings have a time limit of 30 hours." */
	maxLengthMs: 30 * 3_600_000,
	/** "The meeting ends if there are no changes to the attendee list after 24 hours." */
	rosterUnchangedMs: 24 * 3_600_000,
	/** All dialed in, someone used a PIN: "The meeting ends after 24 hours." */
	pinStartedCallersOnlyMs: 24 * 3_600_000,
	/** All dialed in, no PIN, anonymous users may start meetings: "ends after four hours". */
	anonymousCallersOnlyMs: 4 * 3_600_000,
	/** Anonymous users may not start meetings: "90 minutes after the last authenticated participant left". */
	afterVerifiedLeftMs: 90 * 60_000
});

/**
 * The meeting is over: everyone still in it is disconnected (`disconnectedParticipantIds`, join order);
 * lobby callers were disconnected by a `LobbyCallersDisconnected` just before.
 */
export type MeetingEnded = {
	readonly type: 'MeetingEnded';
	readonly at: number;
	readonly reason: MeetingEndReason;
	readonly disconnectedParticipantIds: readonly string[];
};

/** Everything that can happen to a meeting; the dashboard, audit log and scenarios read these. */
export type MeetingEvent =
	| MeetingOpened
	| CallerEnteredLobby
	| ParticipantJoined
	| MeetingStarted
	| LobbyAdmitted
	| CallerAdmitted
	| CallerDeclined
	| CallerLeftLobby
	| LobbyCallersDisconnected
	| ParticipantLeft
	| ParticipantMuteChanged
	| HandRaiseChanged
	| AudienceMuted
	| AnnouncementsChanged
	| MeetingLockChanged
	| LobbyPolicyChanged
	| MeetingOptionsChanged
	| LobbyPositionsTold
	| KeypadHelpPlayed
	| MeetingEnded;

/**
 * The participant whose own command produced `event`, or null when nobody in the meeting did (the
 * lobby timeout, an administrator, the meeting ending). A caller's service applies what the caller
 * caused from the command's answer, and everything else from the committed feed.
 */
export function causedBy(event: MeetingEvent): string | null {
	switch (event.type) {
		case 'CallerEnteredLobby':
		case 'ParticipantJoined':
		case 'MeetingStarted':
		case 'CallerLeftLobby':
		case 'ParticipantLeft':
		case 'KeypadHelpPlayed':
		case 'HandRaiseChanged':
			return event.participantId;
		case 'LobbyAdmitted':
		case 'CallerAdmitted':
		case 'CallerDeclined':
		case 'ParticipantMuteChanged':
		case 'AudienceMuted':
		case 'AnnouncementsChanged':
		case 'MeetingLockChanged':
			return event.byParticipantId;
		case 'MeetingOpened':
		case 'LobbyCallersDisconnected':
		case 'LobbyPolicyChanged':
		case 'MeetingOptionsChanged':
		case 'LobbyPositionsTold':
		case 'MeetingEnded':
			return null;
		default: {
			const _exhaustive: never = event;
			return _exhaustive;
		}
	}
}

/**
 * The participants a meeting event may mean something to: the one it names, the leader who admitted
 * or locked, the callers it sent away. A caller's service skips whoever caused it (`causedBy`);
 * LobbyAdmitted's lobby is not listed here, as it is told in one message (`participantIds`).
 */
export function concerned(event: MeetingEvent): readonly string[] {
	switch (event.type) {
		case 'CallerEnteredLobby':
		case 'ParticipantJoined':
		case 'CallerAdmitted':
		case 'CallerDeclined':
		case 'ParticipantMuteChanged':
		case 'KeypadHelpPlayed':
		case 'HandRaiseChanged':
			return [event.participantId];
		case 'AudienceMuted':
			return [event.byParticipantId, ...event.participantIds];
		case 'LobbyAdmitted':
		case 'MeetingLockChanged':
		case 'AnnouncementsChanged':
			return [event.byParticipantId];
		case 'LobbyCallersDisconnected':
		case 'LobbyPositionsTold':
			return event.participantIds;
		case 'MeetingEnded':
			return event.disconnectedParticipantIds;
		case 'MeetingOpened':
		case 'MeetingStarted':
		case 'CallerLeftLobby':
		case 'ParticipantLeft':
		case 'LobbyPolicyChanged':
		case 'MeetingOptionsChanged':
			return [];
		default: {
			const _exhaustive: never = event;
			return _exhaustive;
		}
	}
}

// State

/** A caller waiting in the lobby (S5). The lobby is kept in arrival order (S10). */
export type LobbyCaller = {
	readonly participantId: string;
	readonly phoneNumber: string;
	readonly arrivedAt: number;
	/** When the caller was last told its place (docs/rules.md, "Queue position"); missing: never. */
	readonly positionToldAt?: number;
};

/** Someone in the meeting. Admitted callers show their phone number as display name. */
export type Participant = {
	readonly participantId: string;
	readonly via: JoinedVia;
	readonly displayName: string;
	readonly phoneNumber?: string;
	readonly userId?: string;
	readonly isLeader: boolean;
	readonly muted: boolean;
	/** `*5`; missing in states from before there was a raised hand, which is lowered. */
	readonly handRaised?: boolean;
	readonly joinedAt: number;
};

/** No `MeetingOpened` yet. */
export type NoMeeting = { readonly status: 'none' };

/** A meeting that has been opened: waiting for a leader, in progress, or ended. */
export type OpenedMeeting = {
	readonly status: 'waiting' | 'in-progress' | 'ended';
	readonly meetingId: string;
	readonly conferenceId: string;
	readonly organizer: Organizer;
	readonly settings: MeetingSettings;
	readonly openedAt: number;
	readonly startedAt?: number;
	readonly endedAt?: number;
	readonly locked: boolean;
	/** When someone last joined or left the meeting (the end timers); missing: when it opened. */
	readonly rosterChangedAt?: number;
	/** Whether the organizer's PIN was used in this meeting (the end timers). */
	readonly pinUsed?: boolean;
	/** When the last signed-in participant or leader left, while only callers remain; else missing. */
	readonly verifiedLeftAt?: number;
	/** `*23`: the leader turned entry and exit announcements off; missing or false: as the settings say. */
	readonly announcementsOff?: boolean;
	/** The organizer's meeting options over the policy (`lobbyPolicyOf`); missing: none. */
	readonly lobbyOptions?: MeetingLobbyOptions;
	/** In arrival order. */
	readonly lobby: readonly LobbyCaller[];
	/** In join order. */
	readonly participants: readonly Participant[];
};

/** The state of one meeting, rebuilt from its events. */
export type MeetingState = NoMeeting | OpenedMeeting;

/** The state before any event. */
export const initialMeetingState: MeetingState = Object.freeze({ status: 'none' });

// evolve

/**
 * Folds one event into the meeting, returning a new state and never touching the old one (arrays are
 * copied, not mutated; each event costs at most O(lobby + participants)). Who is where is carried
 * along in an index (`whereabouts`), so a join is checked in O(1) however full the lobby is.
 */
export function evolveMeeting(state: MeetingState, event: MeetingEvent): MeetingState {
	const next = withRoster(state, evolveArrays(state, event), event);
	if (next !== state && next.status !== 'none') carryWhereabouts(state, next, event);
	return next;
}

function evolveArrays(state: MeetingState, event: MeetingEvent): MeetingState {
	if (event.type === 'MeetingOpened') {
		return {
			status: 'waiting',
			meetingId: event.meetingId,
			conferenceId: event.conferenceId,
			organizer: event.organizer,
			settings: openedSettings(event.settings),
			openedAt: event.at,
			locked: false,
			lobby: [],
			participants: []
		};
	}
	// Anything before MeetingOpened cannot come from decide; ignore it rather than invent a meeting.
	if (state.status === 'none') return state;

	switch (event.type) {
		case 'CallerEnteredLobby':
			return {
				...state,
				lobby: [
					...state.lobby,
					{
						participantId: event.participantId,
						phoneNumber: event.phoneNumber,
						arrivedAt: event.at,
						...(event.position === undefined ? {} : { positionToldAt: event.at })
					}
				]
			};
		case 'ParticipantJoined':
			return { ...state, participants: [...state.participants, joinedParticipant(event)] };
		case 'MeetingStarted':
			return { ...state, status: 'in-progress', startedAt: event.at };
		case 'LobbyAdmitted':
			return admitFromLobby(state, new Set(event.participantIds), event.at);
		case 'CallerAdmitted': {
			const i = lobbyIndex(state, event.participantId);
			const caller = state.lobby[i];
			if (caller === undefined) return state;
			return {
				...state,
				lobby: state.lobby.toSpliced(i, 1),
				participants: [...state.participants, admittedParticipant(caller, event.at)]
			};
		}
		case 'CallerDeclined':
		case 'CallerLeftLobby': {
			const i = lobbyIndex(state, event.participantId);
			return i < 0 ? state : { ...state, lobby: state.lobby.toSpliced(i, 1) };
		}
		case 'LobbyCallersDisconnected': {
			const gone = new Set(event.participantIds);
			return { ...state, lobby: state.lobby.filter((c) => !gone.has(c.participantId)) };
		}
		case 'ParticipantLeft': {
			const i = participantIndex(state, event.participantId);
			return i < 0 ? state : { ...state, participants: state.participants.toSpliced(i, 1) };
		}
		case 'ParticipantMuteChanged': {
			const i = participantIndex(state, event.participantId);
			const participant = state.participants[i];
			if (participant === undefined) return state;
			return { ...state, participants: state.participants.with(i, { ...participant, muted: event.muted }) };
		}
		case 'MeetingLockChanged':
			return { ...state, locked: event.locked };
		case 'HandRaiseChanged': {
			const i = participantIndex(state, event.participantId);
			const participant = state.participants[i];
			if (participant === undefined) return state;
			return {
				...state,
				participants: state.participants.with(i, { ...participant, handRaised: event.raised })
			};
		}
		case 'AudienceMuted': {
			const muted = new Set(event.participantIds);
			return {
				...state,
				participants: state.participants.map((p) => (muted.has(p.participantId) ? { ...p, muted: true } : p))
			};
		}
		case 'AnnouncementsChanged':
			return { ...state, announcementsOff: !event.enabled };
		case 'LobbyPolicyChanged':
			return { ...state, settings: { ...state.settings, lobbyPolicy: event.lobbyPolicy } };
		case 'MeetingOptionsChanged': {
			if (Object.keys(event.options).length > 0) return { ...state, lobbyOptions: event.options };
			const { lobbyOptions: _none, ...rest } = state;
			return rest;
		}
		case 'LobbyPositionsTold': {
			const told = new Set(event.participantIds);
			return {
				...state,
				lobby: state.lobby.map((c) => (told.has(c.participantId) ? { ...c, positionToldAt: event.at } : c))
			};
		}
		case 'KeypadHelpPlayed':
			return state;
		case 'MeetingEnded':
			return { ...state, status: 'ended', endedAt: event.at, lobby: [], participants: [] };
		default: {
			const _exhaustive: never = event;
			return _exhaustive;
		}
	}
}

/**
 * A meeting's settings as its `MeetingOpened` holds them. Meetings opened before a setting existed
 * lack it: they have the article's lobby and no queue positions, whatever the defaults become.
 */
function openedSettings(settings: MeetingSettings): MeetingSettings {
	const stored: Partial<MeetingSettings> = settings;
	return {
		...settings,
		lobbyPolicy: stored.lobbyPolicy ?? CLASSIC_LOBBY_POLICY,
		announceLobbyPosition: stored.announceLobbyPosition ?? false,
		lobbyPositionRepeatSeconds: stored.lobbyPositionRepeatSeconds ?? 0
	};
}

/** A participant the end timers count as verified: signed in from the client, or the PIN's leader. */
function isVerified(p: Participant): boolean {
	return p.via === 'client' || p.isLeader;
}

/** The end timers' bookkeeping: when the roster last changed, a PIN used, the last verified leaving. */
function withRoster(before: MeetingState, state: MeetingState, event: MeetingEvent): MeetingState {
	if (state.status !== 'in-progress' && state.status !== 'waiting') return state;
	switch (event.type) {
		case 'ParticipantJoined':
			if (event.via === 'client' || event.isLeader) {
				const { verifiedLeftAt: _back, ...rest } = state;
				return {
					...rest,
					rosterChangedAt: event.at,
					...(event.isLeader && event.via === 'phone' ? { pinUsed: true } : {})
				};
			}
			return {
				...state,
				rosterChangedAt: event.at
			};
		case 'ParticipantLeft': {
			const leaving =
				before.status === 'none'
					? undefined
					: before.participants.find((p) => p.participantId === event.participantId);
			const lastVerified =
				leaving !== undefined && isVerified(leaving) && !state.participants.some(isVerified);
			return { ...state, rosterChangedAt: event.at, ...(lastVerified ? { verifiedLeftAt: event.at } : {}) };
		}
		case 'LobbyAdmitted':
		case 'CallerAdmitted':
			return { ...state, rosterChangedAt: event.at };
		default:
			return state;
	}
}

/** Where each participant of a state is: waiting in the lobby, or in the meeting. */
type Whereabouts = Map<string, 'lobby' | 'meeting'>;

/**
 * The index of the newest state of each line of evolution, beside the state (never in it: the state
 * stays plain data). Evolving a state hands its index on to the next state, updated for the event,
 * and the older state loses it; asking an older state again (a branch, a spec) rebuilds its index
 * from its arrays, once. The engine always decides on its newest state, so each event costs O(1)
 * here, not O(lobby).
 */
const whereaboutsByState = new WeakMap<OpenedMeeting, Whereabouts>();

function whereabouts(state: OpenedMeeting): Whereabouts {
	let index = whereaboutsByState.get(state);
	if (index === undefined) {
		index = new Map();
		for (const caller of state.lobby) index.set(caller.participantId, 'lobby');
		for (const participant of state.participants) index.set(participant.participantId, 'meeting');
		whereaboutsByState.set(state, index);
	}
	return index;
}

/** Hands `before`'s index on to `after`, updated for `event`; nothing when `before` had none. */
function carryWhereabouts(before: MeetingState, after: OpenedMeeting, event: MeetingEvent): void {
	if (event.type === 'MeetingOpened') {
		whereaboutsByState.set(after, new Map());
		return;
	}
	if (before.status === 'none') return;
	const index = whereaboutsByState.get(before);
	if (index === undefined) return;
	whereaboutsByState.delete(before);
	const admit = (id: string) => {
		if (index.get(id) === 'lobby') index.set(id, 'meeting');
	};
	const forget = (id: string, from: 'lobby' | 'meeting') => {
		if (index.get(id) === from) index.delete(id);
	};
	switch (event.type) {
		case 'CallerEnteredLobby':
			index.set(event.participantId, 'lobby');
			break;
		case 'ParticipantJoined':
			index.set(event.participantId, 'meeting');
			break;
		case 'LobbyAdmitted':
			for (const id of event.participantIds) admit(id);
			break;
		case 'CallerAdmitted':
			admit(event.participantId);
			break;
		case 'CallerDeclined':
		case 'CallerLeftLobby':
			forget(event.participantId, 'lobby');
			break;
		case 'LobbyCallersDisconnected':
			for (const id of event.participantIds) forget(id, 'lobby');
			break;
		case 'ParticipantLeft':
			forget(event.participantId, 'meeting');
			break;
		case 'MeetingEnded':
			index.clear();
			break;
		case 'MeetingStarted':
		case 'ParticipantMuteChanged':
		case 'HandRaiseChanged':
		case 'AudienceMuted':
		case 'AnnouncementsChanged':
		case 'MeetingLockChanged':
		case 'LobbyPolicyChanged':
		case 'MeetingOptionsChanged':
		case 'LobbyPositionsTold':
		case 'KeypadHelpPlayed':
			break;
		default: {
			const _exhaustive: never = event;
			return _exhaustive;
		}
	}
	whereaboutsByState.set(after, index);
}

function joinedParticipant(event: ParticipantJoined): Participant {
	return {
		participantId: event.participantId,
		via: event.via,
		displayName: event.displayName,
		...(event.phoneNumber === undefined ? {} : { phoneNumber: event.phoneNumber }),
		...(event.userId === undefined ? {} : { userId: event.userId }),
		isLeader: event.isLeader,
		muted: false,
		joinedAt: event.at
	};
}

/** Moves the given callers from the lobby into the meeting, keeping arrival order. O(lobby). */
function admitFromLobby(state: OpenedMeeting, ids: ReadonlySet<string>, at: number): OpenedMeeting {
	const lobby: LobbyCaller[] = [];
	const participants = state.participants.slice();
	for (const caller of state.lobby) {
		if (!ids.has(caller.participantId)) {
			lobby.push(caller);
			continue;
		}
		participants.push(admittedParticipant(caller, at));
	}
	return { ...state, lobby, participants };
}

/** An admitted caller shows their phone number as display name. */
function admittedParticipant(caller: LobbyCaller, at: number): Participant {
	return {
		participantId: caller.participantId,
		via: 'phone',
		displayName: caller.phoneNumber,
		phoneNumber: caller.phoneNumber,
		isLeader: false,
		muted: false,
		joinedAt: at
	};
}

// Commands

/** Opens the meeting; unset settings take `DEFAULT_MEETING_SETTINGS`. Valid only before any event. */
export type OpenMeeting = {
	readonly type: 'OpenMeeting';
	readonly meetingId: string;
	readonly conferenceId: string;
	readonly organizer: Organizer;
	readonly settings?: Partial<MeetingSettings>;
};

/**
 * S2, S4: an authenticated user joins from the client (the session vouches for `userId`); no PIN is
 * needed, and a waiting meeting starts. Only the organizer is leader.
 */
export type JoinFromClient = {
	readonly type: 'JoinFromClient';
	readonly participantId: string;
	readonly userId: string;
	readonly displayName: string;
};

/**
 * A caller's call flow is done. `asLeader` is true only when it accepted the organizer's PIN for this
 * meeting (a user's PIN makes them leader of their own meetings only).
 */
export type JoinByPhone = {
	readonly type: 'JoinByPhone';
	readonly participantId: string;
	readonly phoneNumber: string;
	readonly asLeader: boolean;
};

/** Someone hangs up or leaves, from the lobby or from the meeting. */
export type Leave = { readonly type: 'Leave'; readonly participantId: string };

/** In-meeting keypad command (Teams): `*1`, `*6`, and for the leader `*7`, `*8`, `*21`. */
export type PressKeys = { readonly type: 'PressKeys'; readonly participantId: string; readonly keys: string };

/** The leader admits everyone from the lobby from the client UI (same as `*8`). */
export type AdmitLobby = { readonly type: 'AdmitLobby'; readonly byParticipantId: string };

/** The leader admits one caller from the lobby (Zoom's "Admit"). */
export type AdmitCaller = {
	readonly type: 'AdmitCaller';
	readonly byParticipantId: string;
	readonly participantId: string;
};

/** The leader declines one caller waiting in the lobby (Teams' "Deny"); the caller's call ends. */
export type DeclineCaller = {
	readonly type: 'DeclineCaller';
	readonly byParticipantId: string;
	readonly participantId: string;
};

/**
 * The organizer's meeting policy changed (an administrator's `Set-CsTeamsMeetingPolicy`); it
 * reaches a live meeting as this command, so the change is an event in its log.
 */
export type ChangeLobbyPolicy = { readonly type: 'ChangeLobbyPolicy'; readonly lobbyPolicy: LobbyPolicy };

/**
 * The organizer (the directory user `byUserId`) sets his meeting's options (Teams' Meeting options):
 * `options` replaces the ones set before; an empty object goes back to the policy.
 */
export type SetMeetingOptions = {
	readonly type: 'SetMeetingOptions';
	readonly byUserId: string;
	readonly options: MeetingLobbyOptions;
};

/** A clock tick: disconnects lobby callers who waited `lobbyTimeoutMinutes` or longer (when > 0). */
export type ExpireLobbyWaits = { readonly type: 'ExpireLobbyWaits' };

/** A clock tick: ends the meeting if one of its end timers ran out (`endTimerDue`). */
export type EndDueMeeting = { readonly type: 'EndDueMeeting' };

/** A clock tick: tells the waiting callers whose turn it is their place in the lobby (`lobbyPositionsDue`). */
export type TellLobbyPositions = { readonly type: 'TellLobbyPositions' };

/** An administrator or the simulator ends the meeting, disconnecting everyone. */
export type EndMeeting = {
	readonly type: 'EndMeeting';
	readonly reason: Extract<MeetingEndReason, 'ended-by-admin' | 'ended-by-simulator'>;
};

/** Everything that can be asked of a meeting. */
export type MeetingCommand =
	| OpenMeeting
	| JoinFromClient
	| JoinByPhone
	| Leave
	| PressKeys
	| AdmitLobby
	| AdmitCaller
	| DeclineCaller
	| ChangeLobbyPolicy
	| SetMeetingOptions
	| ExpireLobbyWaits
	| EndDueMeeting
	| TellLobbyPositions
	| EndMeeting;

/** Every reason a meeting command can be refused. */
export type MeetingRejectionCode =
	| 'meeting-not-open'
	| 'meeting-already-open'
	| 'meeting-ended'
	| 'meeting-full'
	| 'meeting-locked'
	| 'already-joined'
	| 'not-in-meeting'
	| 'not-in-lobby'
	| 'not-leader'
	| 'not-organizer'
	| 'unknown-keypad-command'
	| 'lobby-empty'
	| 'invalid-settings';

/** A refused meeting command. */
export type MeetingRejection = Rejection<MeetingRejectionCode>;

/** What `decide` answers for a meeting. */
export type MeetingDecision = Decision<MeetingEvent, MeetingRejectionCode>;

// decide

/**
 * Decides what a command does to the meeting at time `now` (epoch ms). Never throws for anything a
 * caller can cause: it answers with a rejection instead. Costs at most O(lobby + participants).
 *
 * - S2, S4: an authenticated client user, or the organizer's PIN, starts a waiting meeting.
 * - S5, S11: an anonymous caller waits in the lobby with music and never starts the meeting ...
 * - S6: ... unless the organizer allows PSTN-only meetings: then the first caller starts it.
 * - S10: at the start the lobby is admitted automatically, in arrival order, in one event.
 * - In progress, callers go straight in unless the leader locked the meeting (`*7`, then `*8` admits).
 * - Lobby and meeting together hold at most `maxParticipants` (Teams 250, ConfBridge `max_members`),
 *   but the leader always gets into his own meeting, and counts toward its size once in.
 * - The meeting ends when the last person is gone; callers still waiting are sent away (`meeting-ended`).
 */
export function decideMeeting(state: MeetingState, command: MeetingCommand, now: number): MeetingDecision {
	if (command.type === 'OpenMeeting') return openMeeting(state, command, now);
	if (state.status === 'none') {
		return reject('meeting-not-open', 'This meeting has not been opened yet. Open it first, then try again.');
	}
	if (state.status === 'ended') {
		// A clock tick or a policy change after the end has simply nothing to do.
		if (
			command.type === 'ExpireLobbyWaits' ||
			command.type === 'ChangeLobbyPolicy' ||
			command.type === 'EndDueMeeting' ||
			command.type === 'TellLobbyPositions'
		)
			return accept([]);
		return reject('meeting-ended', 'This meeting has ended. Start a new meeting to meet again.');
	}
	switch (command.type) {
		case 'JoinFromClient':
			return joinFromClient(state, command, now);
		case 'JoinByPhone':
			return joinByPhone(state, command, now);
		case 'Leave':
			return leave(state, command, now);
		case 'PressKeys':
			return pressKeys(state, command, now);
		case 'AdmitLobby': {
			const leader = requireLeader(state, command.byParticipantId, 'admit');
			if (!leader.ok) return leader;
			return admitLobby(state, leader.participant, now);
		}
		case 'AdmitCaller':
			return admitCaller(state, command, now);
		case 'DeclineCaller':
			return declineCaller(state, command, now);
		case 'ChangeLobbyPolicy':
			return changeLobbyPolicy(state, command.lobbyPolicy, now);
		case 'SetMeetingOptions':
			return setMeetingOptions(state, command, now);
		case 'ExpireLobbyWaits':
			return expireLobbyWaits(state, now);
		case 'EndDueMeeting': {
			const due = endTimerDue(state);
			return due === null || now < due.at ? accept([]) : endMeeting(state, due.reason, now);
		}
		case 'TellLobbyPositions':
			return tellLobbyPositions(state, now);
		case 'EndMeeting':
			return endMeeting(state, command.reason, now);
		default: {
			const _exhaustive: never = command;
			return _exhaustive;
		}
	}
}

function openMeeting(state: MeetingState, command: OpenMeeting, now: number): MeetingDecision {
	if (state.status !== 'none') {
		return reject(
			'meeting-already-open',
			`Meeting ${state.meetingId} is already open (${state.status}). Join it instead of opening it again.`
		);
	}
	const wanted = command.settings ?? {};
	const settings: MeetingSettings = {
		maxParticipants: wanted.maxParticipants ?? DEFAULT_MEETING_SETTINGS.maxParticipants,
		lobbyTimeoutMinutes: wanted.lobbyTimeoutMinutes ?? DEFAULT_MEETING_SETTINGS.lobbyTimeoutMinutes,
		announcements: wanted.announcements ?? DEFAULT_MEETING_SETTINGS.announcements,
		allowPstnOnly: wanted.allowPstnOnly ?? DEFAULT_MEETING_SETTINGS.allowPstnOnly,
		lobbyPolicy: wanted.lobbyPolicy ?? DEFAULT_MEETING_SETTINGS.lobbyPolicy,
		announceLobbyPosition: wanted.announceLobbyPosition ?? DEFAULT_MEETING_SETTINGS.announceLobbyPosition,
		lobbyPositionRepeatSeconds:
			wanted.lobbyPositionRepeatSeconds ?? DEFAULT_MEETING_SETTINGS.lobbyPositionRepeatSeconds
	};
	const { maxParticipants, lobbyTimeoutMinutes, announcements } = settings;
	const problem =
		tenantSettingProblem('maxParticipants', maxParticipants) ??
		tenantSettingProblem('lobbyTimeoutMinutes', lobbyTimeoutMinutes) ??
		tenantSettingProblem('lobbyPositionRepeatSeconds', settings.lobbyPositionRepeatSeconds) ??
		lobbyPolicyProblem(settings.lobbyPolicy);
	if (problem) return reject('invalid-settings', problem);
	if (!ANNOUNCEMENTS.includes(announcements)) {
		return reject(
			'invalid-settings',
			`Announcements must be one of ${ANNOUNCEMENTS.join(', ')}; got ${String(announcements)}.`
		);
	}
	return accept([
		{
			type: 'MeetingOpened',
			at: now,
			meetingId: command.meetingId,
			conferenceId: command.conferenceId,
			organizer: command.organizer,
			settings
		}
	]);
}

/** What is wrong with a lobby policy, or null. */
function lobbyPolicyProblem(policy: LobbyPolicy): string | null {
	if (policy.mode !== 'classic' && policy.mode !== 'teams')
		return `The lobby mode must be classic or teams; got ${String(policy.mode)}.`;
	if (!AUTO_ADMITTED_USERS.includes(policy.autoAdmittedUsers))
		return `AutoAdmittedUsers must be one of ${AUTO_ADMITTED_USERS.join(', ')}; got ${String(policy.autoAdmittedUsers)}.`;
	if (!USERS_CAN_ADMIT_FROM_LOBBY.includes(policy.usersCanAdmitFromLobby))
		return `UsersCanAdmitFromLobby must be one of ${USERS_CAN_ADMIT_FROM_LOBBY.join(', ')}; got ${String(policy.usersCanAdmitFromLobby)}.`;
	return null;
}

/**
 * Under `teams`, whether a caller dialing in may start a waiting meeting: "Anonymous users and
 * dial-in callers can start a meeting" (`AllowAnonymousUsersToStartMeeting`) applies only when
 * everyone may bypass the lobby and dial-in callers may too.
 */
function callersMayStart(policy: LobbyPolicy): boolean {
	return (
		policy.allowAnonymousUsersToStartMeeting &&
		policy.autoAdmittedUsers === 'Everyone' &&
		policy.allowPstnUsersToBypassLobby
	);
}

/**
 * Whether a caller dialing in may start this meeting: S6's `AllowPSTNOnlyMeetings`, or under `teams`
 * the policy's `callersMayStart`.
 */
function callersMayStartMeeting(state: OpenedMeeting): boolean {
	const policy = lobbyPolicyOf(state);
	return state.settings.allowPstnOnly || (policy.mode === 'teams' && callersMayStart(policy));
}

/** Whether a caller goes past the lobby into a started, unlocked meeting (`teams`: only with PSTN bypass). */
function callersBypass(policy: LobbyPolicy): boolean {
	return policy.mode === 'classic' || policy.allowPstnUsersToBypassLobby;
}

/**
 * Checks shared by both ways in: no duplicate participant, and room for one more (lobby included).
 * The leader is never refused for a full meeting (docs/rules.md, "A full meeting"): as ConfBridge's
 * admin users may join past `max_members`, the organizer always gets into his own meeting, and
 * counts toward its size once in.
 */
function checkCanJoin(
	state: OpenedMeeting,
	participantId: string,
	asLeader: boolean
): MeetingDecision | null {
	if (whereabouts(state).has(participantId)) {
		return reject(
			'already-joined',
			`Participant ${participantId} is already in this meeting or its lobby. Leave first to join again.`
		);
	}
	if (!asLeader && state.lobby.length + state.participants.length >= state.settings.maxParticipants) {
		return reject(
			'meeting-full',
			`This meeting is full. It holds ${state.settings.maxParticipants} people, lobby included; try again when someone has left.`
		);
	}
	return null;
}

function joinFromClient(state: OpenedMeeting, command: JoinFromClient, now: number): MeetingDecision {
	const isLeader = command.userId === state.organizer.userId;
	const refused = checkCanJoin(state, command.participantId, isLeader);
	if (refused) return refused;
	if (state.status === 'in-progress' && state.locked && !isLeader) {
		return reject(
			'meeting-locked',
			'This meeting is locked. Ask the leader to unlock it (*7), then join again.'
		);
	}
	const joined: ParticipantJoined = {
		type: 'ParticipantJoined',
		at: now,
		participantId: command.participantId,
		via: 'client',
		displayName: command.displayName,
		userId: command.userId,
		isLeader,
		announcement: announcementOf(state)
	};
	// S2, S4: an authenticated user from the client starts a waiting meeting, no PIN needed.
	if (state.status === 'waiting') return accept(startWith(state, joined, 'client', now));
	return accept([joined]);
}

function joinByPhone(state: OpenedMeeting, command: JoinByPhone, now: number): MeetingDecision {
	const refused = checkCanJoin(state, command.participantId, command.asLeader);
	if (refused) return refused;
	const joined: ParticipantJoined = {
		type: 'ParticipantJoined',
		at: now,
		participantId: command.participantId,
		via: 'phone',
		displayName: command.asLeader ? state.organizer.displayName : command.phoneNumber,
		phoneNumber: command.phoneNumber,
		...(command.asLeader ? { userId: state.organizer.userId } : {}),
		isLeader: command.asLeader,
		announcement: announcementOf(state)
	};
	const policy = lobbyPolicyOf(state);
	if (state.status === 'waiting') {
		// S2, S4, S10: the organizer's PIN starts the meeting and admits the lobby.
		if (command.asLeader) return accept(startWith(state, joined, 'leader-pin', now));
		// S6: where the organizer allows PSTN-only meetings, the first caller starts it; under
		// `teams`, also where the policy lets anonymous users and dial-in callers start meetings.
		if (callersMayStartMeeting(state)) return accept(startWith(state, joined, 'pstn-only', now));
		// S5, S11: an anonymous caller cannot start the meeting and waits in the lobby with music.
		return accept([enteredLobby(state, command, now)]);
	}
	if (command.asLeader) return accept([joined]);
	// Locked (*7), or under `teams` without PSTN bypass: the caller waits to be admitted.
	if (state.locked || !callersBypass(policy)) return accept([enteredLobby(state, command, now)]);
	return accept([joined]);
}

/** The caller waits in the lobby, last in line; told its place where the meeting announces it. */
function enteredLobby(state: OpenedMeeting, command: JoinByPhone, now: number): CallerEnteredLobby {
	return {
		type: 'CallerEnteredLobby',
		at: now,
		participantId: command.participantId,
		phoneNumber: command.phoneNumber,
		music: true,
		...(state.settings.announceLobbyPosition ? { position: state.lobby.length + 1 } : {})
	};
}

/**
 * Tells each waiting caller whose turn it is (`lobbyPositionRepeatSeconds` since it was last told)
 * its place, in one event; nothing when nobody's turn has come.
 */
function tellLobbyPositions(state: OpenedMeeting, now: number): MeetingDecision {
	const everyMs = lobbyPositionRepeatMs(state.settings);
	if (everyMs === null) return accept([]);
	const participantIds: string[] = [];
	const positions: number[] = [];
	state.lobby.forEach((caller, i) => {
		if ((caller.positionToldAt ?? caller.arrivedAt) + everyMs <= now) {
			participantIds.push(caller.participantId);
			positions.push(i + 1);
		}
	});
	if (participantIds.length === 0) return accept([]);
	return accept([{ type: 'LobbyPositionsTold', at: now, participantIds, positions }]);
}

/** How often waiting callers hear their place again, or null when they do not. */
function lobbyPositionRepeatMs(settings: MeetingSettings): number | null {
	if (!settings.announceLobbyPosition || settings.lobbyPositionRepeatSeconds <= 0) return null;
	return settings.lobbyPositionRepeatSeconds * 1000;
}

/**
 * S10: the starter joins, the meeting starts, then the whole lobby is admitted in arrival order.
 * Under `teams` without PSTN bypass, callers stay in the lobby until someone admits them.
 */
function startWith(
	state: OpenedMeeting,
	joined: ParticipantJoined,
	startedBy: MeetingStarted['startedBy'],
	now: number
): MeetingEvent[] {
	const events: MeetingEvent[] = [
		joined,
		{ type: 'MeetingStarted', at: now, startedBy, participantId: joined.participantId }
	];
	if (state.lobby.length > 0 && callersBypass(lobbyPolicyOf(state))) {
		events.push({
			type: 'LobbyAdmitted',
			at: now,
			participantIds: state.lobby.map((c) => c.participantId),
			by: 'meeting-start',
			byParticipantId: joined.participantId,
			announcement: announcementOf(state)
		});
	}
	return events;
}

function leave(state: OpenedMeeting, command: Leave, now: number): MeetingDecision {
	const { participantId } = command;
	const where = whereabouts(state).get(participantId);
	if (where === 'lobby') {
		const events: MeetingEvent[] = [{ type: 'CallerLeftLobby', at: now, participantId, reason: 'hung-up' }];
		if (state.lobby.length === 1 && state.participants.length === 0) {
			events.push(ended('last-participant-left', [], now));
		}
		return accept(events);
	}
	if (where !== 'meeting') {
		return reject('not-in-meeting', `Participant ${participantId} is not in this meeting or its lobby.`);
	}
	const events: MeetingEvent[] = [
		{ type: 'ParticipantLeft', at: now, participantId, announcement: announcementOf(state) }
	];
	if (state.participants.length === 1) {
		// The last participant is gone: the meeting ends and anyone still waiting is sent away.
		if (state.lobby.length > 0) events.push(lobbyDisconnected(state.lobby, 'meeting-ended', now));
		events.push(ended('last-participant-left', [], now));
	}
	return accept(events);
}

/**
 * What the others hear when someone joins or leaves: the settings' kind, nothing after `*23` turned
 * announcements off, and names where `*23` turned them on in a meeting whose settings have none.
 */
function announcementOf(state: OpenedMeeting): Announcements {
	if (state.announcementsOff === true) return 'off';
	if (state.announcementsOff === false && state.settings.announcements === 'off') return 'names';
	return state.settings.announcements;
}

function pressKeys(state: OpenedMeeting, command: PressKeys, now: number): MeetingDecision {
	const { participantId, keys } = command;
	const participant = findParticipant(state, participantId);
	if (participant === undefined) {
		if (whereabouts(state).get(participantId) === 'lobby') {
			return reject(
				'not-in-meeting',
				`Caller ${participantId} is still waiting in the lobby; callers in the lobby can only hang up.`
			);
		}
		return reject('not-in-meeting', `Participant ${participantId} is not in this meeting.`);
	}
	const known = KEYPAD_COMMANDS.find((c) => c.keys === keys);
	if (known === undefined) {
		return reject(
			'unknown-keypad-command',
			`"${keys}" is not a keypad command. Press *1 to hear the commands you can use.`
		);
	}
	if (known.leaderOnly && !participant.isLeader) {
		return reject(
			'not-leader',
			`Only the meeting leader can use ${keys} (${known.description.toLowerCase().replace(/\.$/, '')}).`
		);
	}
	switch (known.action) {
		case 'help':
			return accept([
				{
					type: 'KeypadHelpPlayed',
					at: now,
					participantId,
					commands: KEYPAD_COMMANDS.filter((c) => participant.isLeader || !c.leaderOnly).map((c) => c.keys)
				}
			]);
		case 'toggle-mute':
			return accept([
				{
					type: 'ParticipantMuteChanged',
					at: now,
					participantId,
					muted: !participant.muted,
					byParticipantId: participantId
				}
			]);
		case 'toggle-hand':
			return accept([
				{ type: 'HandRaiseChanged', at: now, participantId, raised: participant.handRaised !== true }
			]);
		case 'toggle-lock':
			return accept([
				{ type: 'MeetingLockChanged', at: now, locked: !state.locked, byParticipantId: participantId }
			]);
		case 'admit-lobby':
			return admitLobby(state, participant, now);
		case 'mute-audience':
			return accept([
				{
					type: 'AudienceMuted',
					at: now,
					byParticipantId: participantId,
					participantIds: state.participants
						.filter((p) => p.participantId !== participantId && !p.isLeader && !p.muted)
						.map((p) => p.participantId)
				}
			]);
		case 'toggle-announcements':
			return accept([
				{
					type: 'AnnouncementsChanged',
					at: now,
					byParticipantId: participantId,
					enabled: announcementOf(state) === 'off'
				}
			]);
		default: {
			const _exhaustive: never = known.action;
			return _exhaustive;
		}
	}
}

function requireLeader(
	state: OpenedMeeting,
	byParticipantId: string,
	verb: 'admit' | 'decline'
):
	| { readonly ok: true; readonly participant: Participant }
	| { readonly ok: false; readonly rejection: MeetingRejection } {
	const participant = findParticipant(state, byParticipantId);
	if (participant === undefined) {
		return reject(
			'not-in-meeting',
			`Participant ${byParticipantId} is not in this meeting, so cannot ${verb} anyone.`
		);
	}
	if (!participant.isLeader) {
		return reject('not-leader', `Only the meeting leader can ${verb} callers from the lobby.`);
	}
	return { ok: true, participant };
}

/** S10 (leader's side): everyone in the lobby, in arrival order, in one event. */
function admitLobby(state: OpenedMeeting, leader: Participant, now: number): MeetingDecision {
	if (state.lobby.length === 0)
		return reject('lobby-empty', 'Nobody is waiting in the lobby; there is no one to admit.');
	return accept([
		{
			type: 'LobbyAdmitted',
			at: now,
			participantIds: state.lobby.map((c) => c.participantId),
			by: 'leader',
			byParticipantId: leader.participantId,
			announcement: announcementOf(state)
		}
	]);
}

function admitCaller(state: OpenedMeeting, command: AdmitCaller, now: number): MeetingDecision {
	const leader = requireLeader(state, command.byParticipantId, 'admit');
	if (!leader.ok) return leader;
	const waiting = requireWaiting(state, command.participantId);
	if (waiting) return waiting;
	return accept([
		{
			type: 'CallerAdmitted',
			at: now,
			participantId: command.participantId,
			byParticipantId: leader.participant.participantId,
			announcement: announcementOf(state)
		}
	]);
}

function declineCaller(state: OpenedMeeting, command: DeclineCaller, now: number): MeetingDecision {
	const leader = requireLeader(state, command.byParticipantId, 'decline');
	if (!leader.ok) return leader;
	const waiting = requireWaiting(state, command.participantId);
	if (waiting) return waiting;
	return accept([
		{
			type: 'CallerDeclined',
			at: now,
			participantId: command.participantId,
			byParticipantId: leader.participant.participantId
		}
	]);
}

function changeLobbyPolicy(state: OpenedMeeting, lobbyPolicy: LobbyPolicy, now: number): MeetingDecision {
	const problem = lobbyPolicyProblem(lobbyPolicy);
	if (problem) return reject('invalid-settings', problem);
	if (sameLobbyPolicy(lobbyPolicy, state.settings.lobbyPolicy)) return accept([]);
	return accept([{ type: 'LobbyPolicyChanged', at: now, lobbyPolicy: { ...lobbyPolicy } }]);
}

/**
 * The organizer's meeting options (docs/rules.md, "Meeting options"): only he may set them, only
 * under the Teams lobby (the classic lobby has none), each with a value the policy could have.
 */
function setMeetingOptions(state: OpenedMeeting, command: SetMeetingOptions, now: number): MeetingDecision {
	if (command.byUserId !== state.organizer.userId)
		return reject(
			'not-organizer',
			`Only ${state.organizer.displayName}, the organizer, can change this meeting's options.`
		);
	if (state.settings.lobbyPolicy.mode !== 'teams')
		return reject(
			'invalid-settings',
			'The classic lobby has no meeting options: callers wait until the meeting starts, and the start admits them (S5, S10). An administrator can give the organizer the Teams lobby in a meeting policy.'
		);
	const options: { -readonly [K in keyof MeetingLobbyOptions]: MeetingLobbyOptions[K] } = {};
	const { autoAdmittedUsers, allowPstnUsersToBypassLobby } = command.options;
	if (autoAdmittedUsers !== undefined) {
		if (!AUTO_ADMITTED_USERS.includes(autoAdmittedUsers))
			return reject(
				'invalid-settings',
				`AutoAdmittedUsers must be one of ${AUTO_ADMITTED_USERS.join(', ')}; got ${String(autoAdmittedUsers)}.`
			);
		options.autoAdmittedUsers = autoAdmittedUsers;
	}
	if (allowPstnUsersToBypassLobby !== undefined) {
		if (typeof allowPstnUsersToBypassLobby !== 'boolean')
			return reject('invalid-settings', 'AllowPSTNUsersToBypassLobby is true or false.');
		options.allowPstnUsersToBypassLobby = allowPstnUsersToBypassLobby;
	}
	const before = state.lobbyOptions ?? {};
	if (
		before.autoAdmittedUsers === options.autoAdmittedUsers &&
		before.allowPstnUsersToBypassLobby === options.allowPstnUsersToBypassLobby
	)
		return accept([]);
	return accept([{ type: 'MeetingOptionsChanged', at: now, byUserId: command.byUserId, options }]);
}

function requireWaiting(state: OpenedMeeting, participantId: string): MeetingDecision | null {
	if (whereabouts(state).get(participantId) === 'lobby') return null;
	return reject(
		'not-in-lobby',
		`Caller ${participantId} is not waiting in the lobby; they may have hung up or already been admitted.`
	);
}

function expireLobbyWaits(state: OpenedMeeting, now: number): MeetingDecision {
	const { lobbyTimeoutMinutes } = state.settings;
	if (lobbyTimeoutMinutes <= 0 || state.lobby.length === 0) return accept([]);
	const limitMs = lobbyTimeoutMinutes * 60_000;
	const expired = state.lobby.filter((c) => now - c.arrivedAt >= limitMs);
	if (expired.length === 0) return accept([]);
	const events: MeetingEvent[] = [lobbyDisconnected(expired, 'lobby-timeout', now)];
	// Everyone is gone (only possible while waiting): the meeting ends, as when the last person leaves.
	if (expired.length === state.lobby.length && state.participants.length === 0) {
		events.push(ended('lobby-timeout', [], now));
	}
	return accept(events);
}

function endMeeting(state: OpenedMeeting, reason: MeetingEndReason, now: number): MeetingDecision {
	const events: MeetingEvent[] = [];
	if (state.lobby.length > 0) {
		const gone = lobbyDisconnected(state.lobby, 'meeting-ended', now);
		events.push(isEndTimer(reason) ? { ...gone, endReason: reason } : gone);
	}
	events.push(
		ended(
			reason,
			state.participants.map((p) => p.participantId),
			now
		)
	);
	return accept(events);
}

function lobbyDisconnected(
	callers: readonly LobbyCaller[],
	reason: LobbyCallersDisconnected['reason'],
	now: number
): LobbyCallersDisconnected {
	return {
		type: 'LobbyCallersDisconnected',
		at: now,
		participantIds: callers.map((c) => c.participantId),
		reason
	};
}

function ended(
	reason: MeetingEndReason,
	disconnectedParticipantIds: readonly string[],
	now: number
): MeetingEnded {
	return { type: 'MeetingEnded', at: now, reason, disconnectedParticipantIds };
}

// Plain loops: these run on every command and event, over lobbies of thousands.

function participantIndex(state: OpenedMeeting, participantId: string): number {
	const { participants } = state;
	for (let i = 0; i < participants.length; i++)
		if (participants[i]?.participantId === participantId) return i;
	return -1;
}

function lobbyIndex(state: OpenedMeeting, participantId: string): number {
	const { lobby } = state;
	for (let i = 0; i < lobby.length; i++) if (lobby[i]?.participantId === participantId) return i;
	return -1;
}

function findParticipant(state: OpenedMeeting, participantId: string): Participant | undefined {
	return state.participants[participantIndex(state, participantId)];
}

// Read helpers

/** How many callers wait in the lobby (dashboard: lobby size). */
export function lobbySize(state: MeetingState): number {
	return state.status === 'none' ? 0 : state.lobby.length;
}

/**
 * How long the longest-waiting lobby caller has waited at `now` (dashboard: longest wait, alerts).
 * The lobby is in arrival order, so that is its first caller: O(1). 0 when nobody waits.
 */
export function longestWaitMs(state: MeetingState, now: number): number {
	if (state.status === 'none') return 0;
	const first = state.lobby[0];
	return first === undefined ? 0 : Math.max(0, now - first.arrivedAt);
}

/**
 * When the lobby's longest-waiting caller reaches the meeting's lobby timeout (ConfBridge `timeout`),
 * so that `ExpireLobbyWaits` sends someone away: the instant `longestWaitMs` reaches it. Null when
 * nobody waits or the timeout is off. O(1), as the lobby is in arrival order.
 */
export function lobbyTimeoutDue(state: MeetingState): number | null {
	if (state.status === 'none' || state.settings.lobbyTimeoutMinutes <= 0) return null;
	const first = state.lobby[0];
	return first === undefined ? null : first.arrivedAt + state.settings.lobbyTimeoutMinutes * 60_000;
}

/**
 * How long each caller that `events` admit from the lobby (S10: `LobbyAdmitted`, `CallerAdmitted`)
 * had waited, in milliseconds, in admission order. `before` is the meeting's state before the
 * events; callers who arrive within `events` count from their own `CallerEnteredLobby`. O(lobby +
 * events). The operators' time-to-admit figure.
 */
export function admissionWaitsMs(before: MeetingState, events: readonly MeetingEvent[]): number[] {
	// Most commits admit nobody; only those that do pay for reading the lobby.
	if (!events.some((e) => e.type === 'CallerAdmitted' || e.type === 'LobbyAdmitted')) return [];
	const arrivals = new Map<string, number>();
	if (before.status !== 'none')
		for (const caller of before.lobby) arrivals.set(caller.participantId, caller.arrivedAt);
	const waits: number[] = [];
	const admit = (participantId: string, at: number) => {
		const arrivedAt = arrivals.get(participantId);
		if (arrivedAt === undefined) return;
		arrivals.delete(participantId);
		waits.push(Math.max(0, at - arrivedAt));
	};
	for (const event of events) {
		if (event.type === 'CallerEnteredLobby') arrivals.set(event.participantId, event.at);
		else if (event.type === 'CallerAdmitted') admit(event.participantId, event.at);
		else if (event.type === 'LobbyAdmitted') for (const id of event.participantIds) admit(id, event.at);
	}
	return waits;
}

/**
 * The gate that holds a caller in the lobby (docs/rules.md, "Why is this caller waiting?"):
 * - `not-started`: the meeting waits for its leader, and an anonymous caller cannot start it (S5, S11);
 * - `locked`: the meeting is in progress, but the leader locked it (`*7`), so late callers wait;
 * - `admission-required` (`teams`): in progress and unlocked, but the lobby policy does not let
 *   dial-in callers bypass the lobby (`AllowPSTNUsersToBypassLobby` off): someone must admit them;
 * - `not-admitted`: the meeting is in progress and unlocked, but the caller arrived while it was
 *   locked; unlocking lets new callers in, and those already waiting stay until admitted.
 * A full meeting never holds anyone here: the lobby counts toward the size, so a caller beyond it
 * is refused at the door (`meeting-full`) rather than kept waiting.
 */
export type WaitGate = 'not-started' | 'locked' | 'admission-required' | 'not-admitted';

/** Every gate, for pickers, schemas and docs. */
export const WAIT_GATES: readonly WaitGate[] = Object.freeze([
	'not-started',
	'locked',
	'admission-required',
	'not-admitted'
] as const);

/**
 * What would let a waiting caller in: the organizer dialing in with his leader PIN (S2, S4), a
 * signed-in user joining from the client (S4), or the leader admitting them (`*8`, `*21`, Admit).
 */
export type WaitRemedy = 'organizer-pin' | 'client-join' | 'leader-admits';

/** Why one caller is still in the lobby, and what would change that. */
export type WaitExplanation = {
	readonly participantId: string;
	readonly phoneNumber: string;
	/** 1 for the caller who has waited longest (S10: admission is in arrival order). */
	readonly position: number;
	readonly waitedMs: number;
	readonly gate: WaitGate;
	/** The rules of docs/rules.md behind the gate. */
	readonly rules: readonly string[];
	readonly remedies: readonly WaitRemedy[];
	/** When the lobby timeout will send the caller away (`lobbyTimeoutMinutes`), or null if never. */
	readonly timesOutAt: number | null;
	/**
	 * `not-started` only: whether the start admits them (`admitted`: classic, or `teams` with PSTN
	 * bypass) or they still wait to be admitted after it (`waits`); null for the other gates.
	 */
	readonly atStart: 'admitted' | 'waits' | null;
	readonly mode: LobbyMode;
};

const GATE_RULES: Readonly<Record<WaitGate, readonly string[]>> = Object.freeze({
	'not-started': Object.freeze(['S5', 'S11']),
	locked: Object.freeze([]),
	'admission-required': Object.freeze([]),
	'not-admitted': Object.freeze([])
});

const NOT_STARTED_THEN_ADMITTED: readonly WaitRemedy[] = Object.freeze([
	'organizer-pin',
	'client-join',
	'leader-admits'
] as const);

const GATE_REMEDIES: Readonly<Record<WaitGate, readonly WaitRemedy[]>> = Object.freeze({
	'not-started': Object.freeze(['organizer-pin', 'client-join'] as const),
	locked: Object.freeze(['leader-admits'] as const),
	'admission-required': Object.freeze(['leader-admits'] as const),
	'not-admitted': Object.freeze(['leader-admits'] as const)
});

/**
 * Why the caller `participantId` waits in the lobby at `now`, built from the meeting's state and
 * settings alone; null when they are not in its lobby. The meeting view, presenter mode, the API,
 * the CLI and scenario expectations all ask this one function. O(lobby).
 */
export function explainWait(state: MeetingState, participantId: string, now: number): WaitExplanation | null {
	if (!isLive(state) || state.status === 'none') return null;
	if (whereabouts(state).get(participantId) !== 'lobby') return null;
	const i = lobbyIndex(state, participantId);
	const caller = state.lobby[i];
	return caller === undefined ? null : explained(state, caller, i + 1, now);
}

/** `explainWait` for everyone in the lobby, in arrival order. O(lobby). */
export function explainLobby(state: MeetingState, now: number): WaitExplanation[] {
	if (!isLive(state) || state.status === 'none') return [];
	return state.lobby.map((caller, i) => explained(state, caller, i + 1, now));
}

function explained(
	state: OpenedMeeting,
	caller: LobbyCaller,
	position: number,
	now: number
): WaitExplanation {
	const policy = lobbyPolicyOf(state);
	const bypass = callersBypass(policy);
	const gate: WaitGate =
		state.status === 'waiting'
			? 'not-started'
			: state.locked
				? 'locked'
				: bypass
					? 'not-admitted'
					: 'admission-required';
	const { lobbyTimeoutMinutes } = state.settings;
	return {
		participantId: caller.participantId,
		phoneNumber: caller.phoneNumber,
		position,
		waitedMs: Math.max(0, now - caller.arrivedAt),
		gate,
		rules: GATE_RULES[gate],
		// Under `teams` without PSTN bypass, the start alone does not let them in: the leader must.
		remedies: gate === 'not-started' && !bypass ? NOT_STARTED_THEN_ADMITTED : GATE_REMEDIES[gate],
		timesOutAt: lobbyTimeoutMinutes > 0 ? caller.arrivedAt + lobbyTimeoutMinutes * 60_000 : null,
		atStart: gate === 'not-started' ? (bypass ? 'admitted' : 'waits') : null,
		mode: policy.mode
	};
}

/**
 * The leader in the meeting who is the directory user `userId` (the organizer, by his PIN or from
 * the client), or undefined. Only he may admit or decline callers (docs/rules.md, "Admit one, admit
 * all, decline"); services ask this to act for a signed-in organizer, and pages to show the buttons.
 */
export function leaderInMeeting(
	state: MeetingState,
	userId: string | null | undefined
): Participant | undefined {
	if (state.status !== 'in-progress' || !userId || userId !== state.organizer.userId) return undefined;
	return state.participants.find((p) => p.isLeader && p.userId === userId);
}

/**
 * The first of a meeting's end timers to run out, and why (docs/rules.md, "Meeting end timers"), or
 * null while none runs (a meeting not started, or ended). On the meeting's own clock, so virtual
 * runs and scenarios see a day pass in a moment; the owner's tick ends it (`EndDueMeeting`).
 */
export function endTimerDue(state: MeetingState): { at: number; reason: MeetingEndReason } | null {
	if (state.status !== 'in-progress') return null;
	const started = state.startedAt ?? state.openedAt;
	// In order of preference on a tie: only callers left, then the roster, then the length.
	const timers: { at: number; reason: MeetingEndReason }[] = [];
	if (!state.participants.some(isVerified)) {
		// Callers only since the last verified participant left, or since the start (a caller's).
		const since = Math.max(started, state.verifiedLeftAt ?? started);
		if (state.pinUsed === true)
			timers.push({ at: since + END_TIMERS.pinStartedCallersOnlyMs, reason: 'callers-only' });
		else if (callersMayStartMeeting(state))
			timers.push({ at: since + END_TIMERS.anonymousCallersOnlyMs, reason: 'callers-only' });
		else timers.push({ at: since + END_TIMERS.afterVerifiedLeftMs, reason: 'verified-left' });
	}
	timers.push(
		{
			at: (state.rosterChangedAt ?? state.openedAt) + END_TIMERS.rosterUnchangedMs,
			reason: 'roster-unchanged'
		},
		{ at: started + END_TIMERS.maxLengthMs, reason: 'max-length' }
	);
	return timers.reduce((first, t) => (t.at < first.at ? t : first));
}

/**
 * When the next waiting caller is to hear its place again (docs/rules.md, "Queue position"), on the
 * meeting's clock; null when nobody is. The owner's tick tells them (`TellLobbyPositions`).
 */
export function lobbyPositionsDue(state: MeetingState): number | null {
	if (state.status === 'none' || state.status === 'ended' || state.lobby.length === 0) return null;
	const everyMs = lobbyPositionRepeatMs(state.settings);
	if (everyMs === null) return null;
	let due = Infinity;
	for (const caller of state.lobby)
		due = Math.min(due, (caller.positionToldAt ?? caller.arrivedAt) + everyMs);
	return due;
}

/** True while the meeting is open and not ended: waiting for a leader or in progress. */
export function isLive(state: MeetingState): boolean {
	return state.status === 'waiting' || state.status === 'in-progress';
}

/** The meeting aggregate as one value, for services, the simulator and specs. */
export const meetingDecider: Decider<MeetingState, MeetingCommand, MeetingEvent, MeetingRejectionCode> = {
	initialState: initialMeetingState,
	decide: decideMeeting,
	evolve: evolveMeeting
};
