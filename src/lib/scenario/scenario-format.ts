/**
 * The scenario file format (docs/scenarios.md): a YAML file naming the tenant settings, the actors
 * (callers, organizers, signed-in users, an administrator) and a timeline of steps, each an action
 * or an expectation. Trainers play these to show a rule happening; QA runs them in CI, in virtual
 * time, seeded, with a JUnit report.
 *
 * This module is pure and shared with the browser: zod schemas and the rules a file must follow,
 * nothing that runs a scenario. The JSON Schema in `scenarios/scenario.schema.json` is generated
 * from `scenarioSchema` (see scenario-json-schema.ts), so editors complete and check the same format.
 */
import { z } from 'zod';
import {
	PIN_DIGITS_PATTERN,
	PIN_DIGITS_TEXT,
	GLOBAL_MEETING_POLICY,
	meetingPolicyNameProblem,
	PROMPT_IDS as ALL_PROMPT_IDS,
	tenantSettingScenarioMessage,
	WAIT_GATES,
	type CallDisconnectReason,
	type MeetingEvent,
	type PromptId,
	type WaitGate
} from '$lib/domain';
import { SIMULATED_ORGANIZERS_MAX } from '$lib/contract/api';
import {
	meetingOptionsSchema,
	meetingPolicyPatchSchema,
	tenantSettingsPatchSchemaWorded
} from '$lib/contract/tenant-settings';
import { DURATION_PATTERN, DURATION_RANGE_PATTERN, parseDuration } from './scenario-time';

// Vocabulary

/** Every meeting event type, as `expect.events` names them (everything is an event). */
export const MEETING_EVENT_TYPES = [
	'MeetingOpened',
	'CallerEnteredLobby',
	'ParticipantJoined',
	'MeetingStarted',
	'LobbyAdmitted',
	'CallerAdmitted',
	'CallerDeclined',
	'CallerLeftLobby',
	'LobbyCallersDisconnected',
	'ParticipantLeft',
	'ParticipantMuteChanged',
	'MeetingLockChanged',
	'HandRaiseChanged',
	'AudienceMuted',
	'AnnouncementsChanged',
	'LobbyPolicyChanged',
	'MeetingOptionsChanged',
	'LobbyPositionsTold',
	'KeypadHelpPlayed',
	'MeetingEnded'
] as const satisfies readonly MeetingEvent['type'][];

// Every event type is listed: this fails to compile when the domain gains one.
type MissingEventType = Exclude<MeetingEvent['type'], (typeof MEETING_EVENT_TYPES)[number]>;
const _allEventTypes: MissingEventType extends never ? true : MissingEventType = true;
void _allEventTypes;

/** Why a call can end, as `expect.reason` names it. */
export const DISCONNECT_REASONS = [
	'hung-up',
	'conference-id-failed',
	'pin-failed',
	'meeting-full',
	'meeting-ended',
	'lobby-timeout',
	'declined',
	'connection-lost'
] as const satisfies readonly CallDisconnectReason[];

type MissingReason = Exclude<CallDisconnectReason, (typeof DISCONNECT_REASONS)[number]>;
const _allReasons: MissingReason extends never ? true : MissingReason = true;
void _allReasons;

/** Every step's action, in the order the documentation lists them. */
export const STEP_ACTIONS = [
	'dial',
	'press',
	'enterPin',
	'hangUp',
	'joinFromClient',
	'leave',
	'resetPin',
	'setTenant',
	'arrivals',
	'wrongPin',
	'dropConnection',
	'giveUp',
	'restartServer',
	'fillMeeting',
	'failMail',
	'pauseDatabase',
	'admit',
	'decline',
	'meetingOptions',
	'expect',
	'never',
	'eventually'
] as const;

/** One of `STEP_ACTIONS`. */
export type StepAction = (typeof STEP_ACTIONS)[number];

const PROMPT_IDS = [...ALL_PROMPT_IDS] as [PromptId, ...PromptId[]];
const WAIT_GATE_NAMES = [...WAIT_GATES] as [WaitGate, ...WaitGate[]];

// Building blocks

/** A time in ms, or null when it is not one (zod runs refinements on values that failed a format). */
function durationOrNull(text: string): number | null {
	return DURATION_PATTERN.test(text) ? parseDuration(text) : null;
}

const duration = z
	.string()
	.regex(DURATION_PATTERN, 'Write a time like 0s, 1.5s, 250ms, 2m, 1h or 1m30s.')
	.describe('A time: 0s, 1.5s, 250ms, 2m, 1h, 1m30s.');

const durationRange = z
	.string()
	.regex(DURATION_RANGE_PATTERN, 'Write a time (30m) or a range of times (20m..40m).')
	.refine((text) => {
		const [low = '', high] = text.split('..');
		const from = durationOrNull(low);
		const to = high === undefined ? null : durationOrNull(high);
		return from === null || to === null || to >= from;
	}, 'The range ends before it starts: write the shorter time first (20m..40m).')
	.describe('A time (30m), or a range (20m..40m) each run draws from with its seed.');

const actorName = z
	.string()
	.regex(
		/^[A-Za-z][\w.-]*$/,
		'An actor name starts with a letter and has only letters, digits, ".", "_" and "-".'
	)
	.describe('The name of an actor declared under `actors`.');

const identity = z
	.string()
	.min(1, 'Name a directory user: an alias such as amos.marble, or an address.')
	.describe('A user of the demo directory: alias (amos.marble) or address (amos.marble@contoso.com).');

const phoneNumber = z
	.string()
	.regex(/^\+?\d[\d ()-]{3,22}$/, 'Write a phone number like +46 8 123 45 67.')
	.describe('The number the caller dials from, e.g. +46 8 123 45 67.');

const variableName = z
	.string()
	.regex(/^[A-Za-z_]\w*$/, 'A variable name has letters, digits and "_", starting with a letter.');

const pinText = z
	.string()
	.regex(/^(?:\d{1,32}|\$[A-Za-z_]\w*)$/, 'Write the PIN digits (48213) or a captured variable ($newPin).')
	.describe('PIN digits, or `$name` for a PIN captured by an earlier resetPin.');

const conferenceId = z
	.string()
	.regex(/^\d{1,20}$/, 'A conference ID is digits only.')
	.describe('Conference ID digits, to dial a number other than the meeting’s (an unknown one, say).');

/** `>= 3`, `> 2`, `<= 5`, `< 6`, `= 2`, `2..5`: a comparison, as a test author writes one. */
const COMPARISON = /^\s*(?:(>=|>|<=|<|==|=)\s*(\d{1,9})|(\d{1,9})\s*\.\.\s*(\d{1,9}))\s*$/;

const COMPARISON_WORDS = "A comparison reads '>= 3', '> 2', '<= 5', '< 6', '= 2' or '2..5'.";

/** A comparison as the bounds it means: `'>= 3'` is `{ atLeast: 3 }`, `'2..5'` `{ atLeast: 2, atMost: 5 }`. */
const comparisonSchema = z
	.string()
	.regex(COMPARISON, COMPARISON_WORDS)
	.transform((text, ctx): { atLeast?: number; atMost?: number } => {
		const [, op, n, from, to] = COMPARISON.exec(text) ?? [];
		if (from !== undefined && to !== undefined) {
			if (Number(from) > Number(to))
				ctx.addIssue({ code: 'custom', message: `${from}..${to} is empty: write the smaller number first.` });
			return { atLeast: Number(from), atMost: Number(to) };
		}
		const value = Number(n);
		switch (op) {
			case '>=':
				return { atLeast: value };
			case '>':
				return { atLeast: value + 1 };
			case '<=':
				return { atMost: value };
			case '<':
				if (value === 0)
					ctx.addIssue({ code: 'custom', message: '< 0 can never hold: a count is 0 or more.' });
				return { atMost: value - 1 };
			default:
				return { atLeast: value, atMost: value };
		}
	});

/**
 * A count an expectation checks: exact (`2`), bounded (`{ atLeast: 1, atMost: 5 }`), or the same as a
 * comparison (`'>= 1'`, `'1..5'`).
 */
export const countSchema = z
	.union([
		z.int().min(0),
		z.strictObject({
			atLeast: z.int().min(0).optional(),
			atMost: z.int().min(0).optional()
		}),
		comparisonSchema
	])
	.describe("A number (2), bounds ({ atLeast: 1, atMost: 5 }), or a comparison ('>= 1', '< 6', '1..5').");

/** A count: exact, or bounds. */
export type Count = z.infer<typeof countSchema>;

// Tenant settings

/**
 * The tenant's dial-in settings a scenario starts from: the admin center's schema (one source, the
 * domain's ranges), worded for the file's author with the rule it comes from. S13: PIN length 4 to
 * 12, default 5; S9: automatic email, default on.
 */
export const tenantSettingsPatchSchema = tenantSettingsPatchSchemaWorded({
	range: tenantSettingScenarioMessage,
	wholeNumber: tenantSettingScenarioMessage
}).describe('Tenant settings (Set-CsOnlineDialInConferencingTenantSettings names, camelCase).');

/** Settings a scenario starts from. */
export type TenantSettingsPatch = z.infer<typeof tenantSettingsPatchSchema>;

/**
 * Named meeting policies a scenario starts with (`New-CsTeamsMeetingPolicy`), by name: each with
 * the lobby settings that differ from Teams' defaults. Organizers get one with `meetingPolicy`.
 */
const meetingPoliciesSchema = z
	.record(
		z.string(),
		meetingPolicyPatchSchema.describe(
			'The policy’s lobby settings (Set-CsTeamsMeetingPolicy names, camelCase).'
		)
	)
	.describe(
		'Named meeting policies, granted to organizers with meetingPolicy (docs/rules.md, "The lobby policy").'
	);

/**
 * What an administrator asks to change during a run: the same names, any value, so that a scenario
 * can show a refusal (`setTenant: { pinLength: 13 }` with `expectError: bad-request`, S13).
 */
const setTenantSchema = z
	.strictObject({
		by: actorName.optional().describe('Who asks (default: the administrator).'),
		pinLength: z.number().optional(),
		automaticallySendEmailsToUsers: z.boolean().optional(),
		allowPstnOnlyMeetingsByDefault: z.boolean().optional(),
		enableEntryExitNotifications: z.boolean().optional(),
		entryExitAnnouncementsType: z.string().optional(),
		maskPstnNumbersType: z.string().optional(),
		maxParticipants: z.number().optional(),
		lobbyTimeoutMinutes: z.number().optional(),
		pinLockoutThreshold: z.number().optional(),
		mailboxPinRetentionHours: z.number().optional(),
		lobbyMode: z.string().optional().describe('The Global meeting policy: Classic or Teams.'),
		autoAdmittedUsers: z.string().optional(),
		allowPstnUsersToBypassLobby: z.boolean().optional(),
		allowAnonymousUsersToStartMeeting: z.boolean().optional(),
		usersCanAdmitFromLobby: z.string().optional(),
		announceLobbyPosition: z.boolean().optional(),
		lobbyPositionRepeatSeconds: z.number().optional()
	})
	.describe(
		'An administrator changes tenant settings or the Global meeting policy (the admin center or the cmdlets).'
	);

// Actors

const callerActorSchema = z
	.union([phoneNumber, z.strictObject({ phone: phoneNumber })])
	.describe('A phone caller: their number, or { phone }.');

/**
 * A dial-in user of the demo directory who organizes a meeting: their conference ID leads to it.
 * `pin` is what the scenario knows of their leader PIN: `known` (default: the run gives them a new
 * PIN before it starts, from its seed in virtual time, from a cryptographic source live), explicit
 * digits (set before the start; virtual runs only), or `forgotten` (they have one, nobody in the
 * scenario knows it: the story of S3). A live run plays them with a stand-in, never the real user.
 */
const organizerActorSchema = z
	.strictObject({
		user: identity,
		phone: phoneNumber.optional(),
		pin: z
			.union([
				z.enum(['known', 'forgotten']),
				z.string().regex(new RegExp(`^${PIN_DIGITS_PATTERN}$`), `A PIN has ${PIN_DIGITS_TEXT}.`)
			])
			.default('known')
			.describe(
				'known (default): a PIN the scenario knows; digits: exactly this PIN (virtual runs only; a live run refuses it); forgotten: unknown.'
			),
		allowPstnOnlyMeetings: z
			.boolean()
			.optional()
			.describe('S6: callers may start this organizer’s meetings without the leader.'),
		meetingPolicy: z
			.string()
			.optional()
			.describe(
				'A policy of meetingPolicies granted to this organizer (Grant-CsTeamsMeetingPolicy); default Global.'
			)
	})
	.describe('A dial-in user who organizes a meeting, by phone or from the client.');

const userActorSchema = z
	.union([identity, z.strictObject({ user: identity })])
	.describe('A signed-in user of the demo directory: alias, or { user }.');

/**
 * Dial-in users the run adds before it starts, for load: the demo directory has only a few. A
 * virtual run adds them to its own isolated database, a live run to its own tenant (never the demo
 * directory). Named `<prefix>-001`, `<prefix>-002`, ...; `arrivals` brings them in.
 */
const simulatedOrganizersSchema = z
	.strictObject({
		count: z.int().min(1).max(SIMULATED_ORGANIZERS_MAX),
		prefix: actorName.default('organizer'),
		pin: z
			.enum(['none', 'known'])
			.default('none')
			.describe(
				'known: they share one PIN (from the seed in virtual time; hashed once), for starting by phone.'
			),
		allowPstnOnlyMeetings: z.boolean().default(false)
	})
	.describe(
		'Simulated dial-in users the run adds: to its own database in virtual time, to its own tenant live (never the demo directory).'
	);

const actorsSchema = z
	.strictObject({
		callers: z.record(actorName, callerActorSchema).default({}),
		organizers: z.record(actorName, organizerActorSchema).default({}),
		users: z.record(actorName, userActorSchema).default({}),
		admin: identity
			.default('admin')
			.describe('The administrator (default: admin@contoso.com; a live run acts as their stand-in).'),
		simulatedOrganizers: simulatedOrganizersSchema.optional()
	})
	.describe('Who takes part.');

// Steps

const callerRef = actorName.describe('A caller or an organizer (dialing in).');

const dialSchema = z
	.union([
		callerRef,
		z.strictObject({
			caller: callerRef,
			meeting: actorName.optional().describe('The organizer whose meeting to dial (default: the only one).'),
			conferenceId: conferenceId.optional(),
			then: z
				.enum(['not-leader', 'leader', 'star', 'wait'])
				.optional()
				.describe(
					'At "If you are the leader, press star": not-leader presses # (callers’ default); leader presses *, the PIN and # (organizers’ default); star presses * only; wait presses nothing.'
				),
			pin: pinText.optional()
		})
	])
	.describe('A caller dials the bridge and enters the meeting’s conference ID and #.');

const enterPinSchema = z
	.union([callerRef, z.strictObject({ caller: callerRef, pin: pinText.optional() })])
	.describe('The caller enters a leader PIN and # (pressing * first at the leader prompt).');

const wrongPinSchema = z
	.union([callerRef, z.strictObject({ caller: callerRef, times: z.int().min(1).max(20).default(1) })])
	.describe('Fault: the caller enters a wrong leader PIN (times: how many in a row).');

const dropConnectionSchema = z
	.union([callerRef, z.strictObject({ caller: callerRef, resumeAfter: duration.optional() })])
	.describe(
		'Fault: the caller’s connection drops; without resumeAfter the call ends after the grace period.'
	);

const joinFromClientSchema = z
	.union([
		actorName,
		z.strictObject({
			user: actorName,
			meeting: actorName.optional(),
			conferenceId: conferenceId.optional()
		})
	])
	.describe('A signed-in user joins from the client (S2, S4: this starts a waiting meeting, no PIN).');

const resetPinSchema = z
	.union([
		identity,
		z.strictObject({
			user: identity.describe('An organizer actor, or a directory user.'),
			by: actorName.optional().describe('Who asks (default: the administrator; anyone else is refused, S3).'),
			sendEmail: z.boolean().optional().describe('-SendEmail (default: the tenant’s automatic email, S9).'),
			sendEmailToAddress: z.string().optional().describe('-SendEmailToAddress (S14, S15).'),
			capture: variableName.optional().describe('Keep the new PIN as $name for later steps (S8: shown once).')
		})
	])
	.describe('Set-CsOnlineDialInConferencingUser -ResetLeaderPIN (S7, S16).');

const arrivalsSchema = z
	.strictObject({
		callers: z.int().min(1).max(100_000).optional().describe('How many callers arrive.'),
		organizers: z
			.union([z.literal('simulated'), z.array(actorName).min(1)])
			.optional()
			.describe('Organizers who arrive instead: the simulated ones, or a list.'),
		meetings: z
			.union([z.enum(['all', 'simulated']), actorName, z.array(actorName).min(1)])
			.optional()
			.describe('Which meetings callers dial, each picked at random (default: all).'),
		over: duration.optional().describe('Arrivals spread at random over this time.'),
		perMinute: z.number().positive().optional().describe('Or: a Poisson arrival rate.'),
		then: z
			.enum(['not-leader', 'wait'])
			.optional()
			.describe('Callers: # (default), or wait for the prompt to time out.'),
		via: z
			.enum(['client', 'phone'])
			.optional()
			.describe('Organizers: from the client (default) or by phone with their PIN.'),
		stay: durationRange.optional().describe('Each leaves (hangs up) after this long.'),
		patience: durationRange
			.optional()
			.describe('Fault: a caller still in the lobby after this long gives up.'),
		name: actorName.optional().describe('Callers are named <name>-1, <name>-2, ... (default: caller).')
	})
	.describe('Random arrivals, drawn from the run’s seed.');

/** `admit: bob`, `admit: { by: amos, caller: bob }`, or `admit: { by: amos }` for the whole lobby. */
const admitSchema = z
	.union([
		callerRef,
		z.strictObject({
			by: actorName.optional().describe('The organizer, in his meeting (default: the only organizer).'),
			caller: callerRef.optional().describe('The waiting caller; leave out to admit the whole lobby.')
		})
	])
	.describe('The organizer admits a waiting caller, or the whole lobby (docs/rules.md).');

/** `decline: bob`, or `decline: { by: amos, caller: bob }`. */
const declineSchema = z
	.union([
		callerRef,
		z.strictObject({
			by: actorName.optional().describe('The organizer, in his meeting (default: the only organizer).'),
			caller: callerRef.describe('The waiting caller.')
		})
	])
	.describe('The organizer declines a waiting caller: the call ends ("The organizer did not let you in").');

/** `meetingOptions: { by: astrid, allowPstnUsersToBypassLobby: true }`, or `{ by: astrid, reset: true }`. */
const meetingOptionsStepSchema = meetingOptionsSchema
	.extend({
		by: actorName.optional().describe('The organizer (default: the only organizer).'),
		reset: z.literal(true).optional().describe('Back to the meeting policy: give it alone.')
	})
	.describe(
		'The organizer sets his meeting’s options over its policy, under the Teams lobby (docs/rules.md, "Meeting options").'
	);

const eventTypeSchema = z.enum(MEETING_EVENT_TYPES);

const expectedEventSchema = z
	.union([
		eventTypeSchema,
		z
			.partialRecord(eventTypeSchema, z.string())
			.refine(
				(entry) => Object.keys(entry).length === 1,
				'Name one event per entry: - LobbyAdmitted: alice, bob'
			)
	])
	.describe('An event type, or `Type: subject` (who, or how: `MeetingStarted: leader-pin`).');

/**
 * An event watched over time (`never`, `eventually`): which (a type, or `Type: subject`), in which
 * meeting (default: the only organizer's), and for how long from the step.
 */
function watchSchema(within: 'optional' | 'required') {
	const window = duration.describe(
		within === 'optional'
			? 'How long from this step (default: to the end of the run).'
			: 'The deadline, from this step.'
	);
	return z.strictObject({
		event: expectedEventSchema,
		meeting: actorName.optional().describe('The organizer whose meeting (default: the only organizer).'),
		within: within === 'optional' ? window.optional() : window
	});
}

const neverSchema = watchSchema('optional').describe(
	'Must not happen: fails the moment the event happens within the time, saying when and after what.'
);

/**
 * How many times something happened over the whole run so far: meeting events (in one meeting, or
 * all of the run's), or calls that ended with a reason.
 */
const countExpectationSchema = z
	.strictObject({
		event: expectedEventSchema.optional().describe('Meeting events of this type (or `Type: subject`).'),
		meeting: actorName
			.optional()
			.describe('Only this organizer’s meetings (default: every meeting of the run).'),
		disconnected: z.enum(DISCONNECT_REASONS).optional().describe('Calls that ended with this reason.'),
		is: countSchema.describe("How many: 2, { atLeast, atMost }, or a comparison such as '>= 2'.")
	})
	.refine((c) => (c.event === undefined) !== (c.disconnected === undefined), {
		message: 'Count one thing: event (meeting events) or disconnected (calls ended with a reason).'
	})
	.refine((c) => c.meeting === undefined || c.event !== undefined, {
		message: 'meeting goes with event: calls are counted over the whole run.'
	})
	.describe('Counts over the whole run so far (docs/scenarios.md, "Counts over the run").');

const emailExpectationSchema = z
	.strictObject({
		to: z.string().optional().describe('The address, or an actor (their primary address).'),
		subject: z.string().optional().describe('Text the subject contains.'),
		kind: z.enum(['dial-in-enabled', 'dial-in-disabled', 'pin-reset']).optional(),
		status: z
			.enum(['mailbox', 'queued', 'sent', 'failed'])
			.optional()
			.describe(
				'Where the email stands: mailbox (kept in the simulated mailbox), or, in a run that delivers mail (failMail), queued, sent or failed.'
			),
		attempts: countSchema.optional().describe('Delivery attempts so far (a run that delivers mail).'),
		count: countSchema.optional().describe('How many such emails (default: at least one; 0: none).')
	})
	.describe('Email sent during the run (the simulated mailbox, or a simulated SMTP server with failMail).');

const totalsSchema = z
	.strictObject({
		meetings: countSchema.optional().describe('Meetings opened so far.'),
		waiting: countSchema.optional(),
		inProgress: countSchema.optional(),
		ended: countSchema.optional(),
		lobby: countSchema.optional().describe('Callers waiting in all lobbies.'),
		participants: countSchema.optional().describe('People in all meetings.'),
		calls: countSchema.optional().describe('Phone calls still connected.')
	})
	.describe('Counts over every meeting of the run.');

/**
 * What a step checks. Name one subject: `meeting` (state, lobby, participants, locked, startedBy,
 * events), `caller` (phase, music, prompt, reason, leader, muted, handRaised, waitsBecause,
 * lobbyPosition), `email`, `user` (pin, lockedOut,
 * pinLength) or `totals`. With one organizer, `meeting` may be left out.
 */
const expectSchema = z
	.strictObject({
		meeting: actorName.optional(),
		state: z.enum(['none', 'waiting', 'in-progress', 'ended']).optional(),
		lobby: countSchema.optional(),
		participants: countSchema.optional(),
		locked: z.boolean().optional(),
		startedBy: z.enum(['client', 'leader-pin', 'pstn-only']).optional(),
		events: z.array(expectedEventSchema).min(1).optional().describe('Events that happened, in this order.'),
		order: z
			.strictObject({
				before: z.array(expectedEventSchema).min(1),
				after: z.array(expectedEventSchema).min(1)
			})
			.optional()
			.describe(
				'A partial order: every event matching before happened, and before every event matching after, whatever the order among each.'
			),
		exactly: z
			.boolean()
			.optional()
			.describe('events: these and no others (default: in this order, others between).'),
		caller: callerRef.optional(),
		phase: z.enum(['ivr', 'lobby', 'in-meeting', 'disconnected']).optional(),
		music: z.enum(['lobby', 'none']).optional(),
		prompt: z.enum(PROMPT_IDS).optional(),
		reason: z.enum(DISCONNECT_REASONS).optional(),
		leader: z.boolean().optional(),
		muted: z.boolean().optional(),
		handRaised: z.boolean().optional().describe('*5: the caller’s hand is raised.'),
		waitsBecause: z
			.enum(WAIT_GATE_NAMES)
			.optional()
			.describe('Why the caller waits in the lobby (docs/rules.md, "Why is this caller waiting?").'),
		lobbyPosition: z
			.int()
			.min(1)
			.optional()
			.describe('The place in the lobby the caller was last told (docs/rules.md, "Queue position").'),
		email: emailExpectationSchema.optional(),
		count: countExpectationSchema.optional(),
		user: identity.optional(),
		pin: z
			.literal('masked')
			.optional()
			.describe('S8: the admin center shows ***** and no log holds the PIN.'),
		lockedOut: z.boolean().optional(),
		pinLength: z.int().min(1).optional(),
		totals: totalsSchema.optional()
	})
	.describe('An expectation: it passes or fails, with what was expected and what happened.')
	// One definition in the JSON Schema, which expect and eventually both refer to.
	.meta({ id: 'Expectation' });

/**
 * A deadline for an event (`event`, as in `never`) or for a state (`expect`, written as in an
 * `expect` step): passes the moment it happens or holds within the time, fails when the time is up.
 */
const eventuallySchema = z
	.strictObject({
		event: expectedEventSchema.optional().describe('The event, as in never.'),
		meeting: actorName
			.optional()
			.describe('The organizer whose meeting the event is in (default: the only organizer).'),
		expect: expectSchema.optional().describe('Or a state, written as in an expect step.'),
		within: duration.describe('The deadline, from this step.')
	})
	.refine((e) => (e.event === undefined) !== (e.expect === undefined), {
		message:
			'Say what must happen by the deadline: event (an event, as in never) or expect (a state, as in an expect step).'
	})
	.refine((e) => e.meeting === undefined || e.event !== undefined, {
		message: 'meeting goes with event; a state names its meeting inside expect.',
		path: ['meeting']
	})
	.describe(
		'A deadline: passes when the event happens or the state holds within the time, fails when the time is up without it.'
	);

const MEETING_FIELDS = [
	'state',
	'lobby',
	'participants',
	'locked',
	'startedBy',
	'events',
	'exactly',
	'order'
] as const;
const CALLER_FIELDS = [
	'phase',
	'music',
	'prompt',
	'reason',
	'leader',
	'muted',
	'handRaised',
	'waitsBecause',
	'lobbyPosition'
] as const;
const USER_FIELDS = ['pin', 'lockedOut', 'pinLength'] as const;

const stepShape = {
	at: duration.optional().describe('When, from the start of the run.'),
	after: duration.optional().describe('When, after the step before (default: at the same time).'),
	note: z.string().optional().describe('What a trainer says here; shown in the progress and the log.'),
	expectError: z
		.string()
		.regex(
			/^[a-z][a-z-]*$/,
			'An error code is lower-case words joined by "-", like forbidden or meeting-locked.'
		)
		.optional()
		.describe(
			'The action must be refused with this code (forbidden, bad-request, not-found, meeting-locked, ...).'
		),
	dial: dialSchema.optional(),
	press: z
		.strictObject({ caller: callerRef, keys: z.string().regex(/^[0-9*#]+$/, 'Keys are 0-9, * and #.') })
		.optional()
		.describe('The caller presses keys: *6 mute, *7 lock, *8 admit the lobby, ...'),
	enterPin: enterPinSchema.optional(),
	hangUp: callerRef.optional().describe('The caller hangs up.'),
	joinFromClient: joinFromClientSchema.optional(),
	leave: actorName.optional().describe('A user who joined from the client leaves.'),
	resetPin: resetPinSchema.optional(),
	setTenant: setTenantSchema.optional(),
	arrivals: arrivalsSchema.optional(),
	wrongPin: wrongPinSchema.optional(),
	dropConnection: dropConnectionSchema.optional(),
	giveUp: callerRef.optional().describe('Fault: a waiting caller gives up and hangs up.'),
	fillMeeting: actorName
		.optional()
		.describe(
			'Fault: callers of the run’s own dial into this organizer’s meeting until it is full (MaxParticipants, lobby included).'
		),
	restartServer: z
		.boolean()
		.refine((v) => v, 'restartServer is written restartServer: true (leave the step out for no restart).')
		.optional()
		.describe(
			'Fault, in virtual time: the server restarts; its services are rebuilt from the event log and callers resume their calls.'
		),
	failMail: duration
		.optional()
		.describe(
			'Fault, in virtual time: the SMTP server refuses every delivery for this long (451, try again later); the outbox retries on its schedule.'
		),
	pauseDatabase: duration
		.optional()
		.describe(
			'Fault, in virtual time: the database stops answering for this long; a request it would have answered within the server’s timeout goes ahead when it is back, any other fails as unavailable.'
		),
	admit: admitSchema.optional(),
	decline: declineSchema.optional(),
	meetingOptions: meetingOptionsStepSchema.optional(),
	expect: expectSchema.optional(),
	never: neverSchema.optional(),
	eventually: eventuallySchema.optional()
};

/** One step of the timeline: when, and one action or expectation. */
const stepSchema = z
	.strictObject(stepShape)
	.superRefine((step, ctx) => {
		const actions = STEP_ACTIONS.filter((key) => step[key] !== undefined);
		if (actions.length === 0) {
			ctx.addIssue({
				code: 'custom',
				path: [],
				message: `A step needs one action or expectation: ${STEP_ACTIONS.join(', ')}.`
			});
		} else if (actions.length > 1) {
			ctx.addIssue({
				code: 'custom',
				path: [actions[1] ?? ''],
				message: `A step has one action; this one has ${actions.join(' and ')}: make them separate steps.`
			});
		}
		if (step.at !== undefined && step.after !== undefined) {
			ctx.addIssue({ code: 'custom', path: ['after'], message: 'Give either at or after, not both.' });
		}
		const notAnAction =
			step.expect !== undefined ||
			step.arrivals !== undefined ||
			step.never !== undefined ||
			step.eventually !== undefined;
		if (step.expectError !== undefined && notAnAction) {
			ctx.addIssue({
				code: 'custom',
				path: ['expectError'],
				message:
					'expectError goes with an action that can be refused, not with expect, never, eventually or arrivals.'
			});
		}
		const expectation = step.expect;
		if (expectation) checkExpectationShape(expectation, ctx, ['expect']);
		const eventually = step.eventually;
		if (eventually?.expect) checkExpectationShape(eventually.expect, ctx, ['eventually', 'expect']);
		const arrivals = step.arrivals;
		if (arrivals) checkArrivalsShape(arrivals, ctx);
	})
	.describe('One step: `at` or `after`, and one action or `expect`.');

function checkExpectationShape(
	expectation: z.infer<typeof expectSchema>,
	ctx: z.RefinementCtx,
	at: readonly string[]
): void {
	const has = (fields: readonly string[]) =>
		fields.some((f) => (expectation as Record<string, unknown>)[f] !== undefined);
	const subjects = [
		(expectation.meeting !== undefined || has(MEETING_FIELDS)) && 'meeting',
		(expectation.caller !== undefined || has(CALLER_FIELDS)) && 'caller',
		expectation.email !== undefined && 'email',
		expectation.count !== undefined && 'count',
		(expectation.user !== undefined || has(USER_FIELDS)) && 'user',
		expectation.totals !== undefined && 'totals'
	].filter((s): s is string => typeof s === 'string');
	if (subjects.length === 0) {
		ctx.addIssue({
			code: 'custom',
			path: [...at],
			message:
				'Say what to check: meeting (state, lobby, ...), caller (phase, ...), email, count, user or totals.'
		});
	} else if (subjects.length > 1) {
		ctx.addIssue({
			code: 'custom',
			path: [...at],
			message: `One expectation checks one thing; this one mixes ${subjects.join(' and ')}: make separate steps.`
		});
	}
	if (has(CALLER_FIELDS) && expectation.caller === undefined) {
		ctx.addIssue({ code: 'custom', path: [...at], message: 'Name the caller: caller: alice.' });
	}
	if (has(USER_FIELDS) && expectation.user === undefined) {
		ctx.addIssue({ code: 'custom', path: [...at], message: 'Name the user: user: amos.' });
	}
	const onlyMeeting = expectation.meeting !== undefined && !has(MEETING_FIELDS);
	const onlyCaller = expectation.caller !== undefined && !has(CALLER_FIELDS);
	const onlyUser = expectation.user !== undefined && !has(USER_FIELDS);
	if (onlyMeeting || onlyCaller || onlyUser) {
		ctx.addIssue({
			code: 'custom',
			path: [...at],
			message: onlyMeeting
				? 'Say what to check of the meeting: state, lobby, participants, locked, startedBy, events or order.'
				: onlyCaller
					? 'Say what to check of the caller: phase, music, prompt, reason, leader, muted, handRaised, waitsBecause or lobbyPosition.'
					: 'Say what to check of the user: pin, lockedOut or pinLength.'
		});
	}
	if (expectation.exactly !== undefined && expectation.events === undefined) {
		ctx.addIssue({ code: 'custom', path: [...at, 'exactly'], message: 'exactly goes with events.' });
	}
}

function checkArrivalsShape(arrivals: z.infer<typeof arrivalsSchema>, ctx: z.RefinementCtx): void {
	const path = (key: string) => ['arrivals', key];
	if ((arrivals.callers === undefined) === (arrivals.organizers === undefined)) {
		ctx.addIssue({
			code: 'custom',
			path: ['arrivals'],
			message: 'Say who arrives: callers: N, or organizers: simulated (or a list of organizers).'
		});
	}
	if (arrivals.over !== undefined && arrivals.perMinute !== undefined) {
		ctx.addIssue({
			code: 'custom',
			path: path('perMinute'),
			message: 'Give either over or perMinute, not both.'
		});
	}
	if (arrivals.organizers !== undefined) {
		for (const key of ['meetings', 'then', 'patience', 'name'] as const) {
			if (arrivals[key] !== undefined) {
				ctx.addIssue({
					code: 'custom',
					path: path(key),
					message: `${key} is for arriving callers, not organizers.`
				});
			}
		}
	}
	if (arrivals.callers !== undefined && arrivals.via !== undefined) {
		ctx.addIssue({
			code: 'custom',
			path: path('via'),
			message: 'via is for arriving organizers; callers dial in.'
		});
	}
}

/** The whole file. */
const scenarioShape = z
	.strictObject({
		name: z.string().min(1).describe('A short title.'),
		description: z.string().min(1).describe('What a trainer says about it: what happens and why.'),
		rules: z
			.array(z.string().regex(/^S(?:[1-9]|1[0-6])$/, 'Rules are S1 to S16 (docs/rules.md).'))
			.default([])
			.describe('The rules of docs/rules.md it shows, e.g. [S5, S10].'),
		seed: z
			.int()
			.min(0)
			.max(0xffff_ffff)
			.default(1)
			.describe('Seed for everything random (PINs, arrivals); `--seed` overrides it.'),
		tenant: tenantSettingsPatchSchema.optional(),
		meetingPolicies: meetingPoliciesSchema.optional(),
		actors: actorsSchema.prefault({}),
		steps: z.array(stepSchema).min(1, 'A scenario has at least one step.')
	})
	.describe('A Lobby scenario: actors and a timeline of steps with expectations (docs/scenarios.md).');

/** A scenario as written, with defaults filled in (`rules: []`, `seed: 1`, `admin: admin`, ...). */
export type Scenario = z.infer<typeof scenarioShape>;
/** One step of a scenario. */
export type ScenarioStep = Scenario['steps'][number];

/**
 * The fault steps only virtual time can play, each with why a live run cannot (docs/scenarios.md,
 * "Actions"). A live start refuses a file with one; the runner refuses one on a host without it.
 */
export const VIRTUAL_ONLY_STEPS = {
	restartServer: 'a live run cannot restart the server it runs on',
	failMail: 'a live run keeps its mail in the simulated mailbox and never touches the server’s SMTP',
	pauseDatabase: 'a live run cannot pause the database its server and everyone else use'
} as const;

export type VirtualOnlyStep = keyof typeof VIRTUAL_ONLY_STEPS;

/** The first step only virtual time can play: its index and action; null when there is none. */
export function firstVirtualOnlyStep(
	steps: readonly ScenarioStep[]
): { index: number; action: VirtualOnlyStep } | null {
	for (const [index, step] of steps.entries()) {
		for (const action of Object.keys(VIRTUAL_ONLY_STEPS) as VirtualOnlyStep[]) {
			if (step[action] !== undefined) return { index, action };
		}
	}
	return null;
}
/** A `never` or `eventually` step: an event watched from the step for a while. */
export type EventWatch = NonNullable<ScenarioStep['never']>;
/** An `eventually` step: an event, or a state (`expect`), by a deadline. */
export type Deadline = NonNullable<ScenarioStep['eventually']>;
/** What one `expect` step checks. */
export type Expectation = NonNullable<ScenarioStep['expect']>;
/** One `arrivals` step. */
export type Arrivals = NonNullable<ScenarioStep['arrivals']>;
/** An organizer actor. */
export type OrganizerActor = Scenario['actors']['organizers'][string];

/** The schema of a whole scenario file, with the checks across steps (names, order, variables). */
export const scenarioSchema = scenarioShape.superRefine((scenario, ctx) => {
	for (const issue of crossCheck(scenario)) ctx.addIssue({ code: 'custom', ...issue });
});

// Across the file

/** A problem found across steps, at a path into the file. */
interface CrossIssue {
	path: (string | number)[];
	message: string;
}

/** The simulated organizers' names: `organizer-001` ... */
export function simulatedOrganizerNames(scenario: Pick<Scenario, 'actors'>): string[] {
	const simulated = scenario.actors.simulatedOrganizers;
	// The checks across steps run even when a field failed its own check (zod goes on after an
	// out-of-range number): a count the schema refused names nobody here, rather than 2^53 names.
	const { count } = simulated ?? {};
	if (!simulated || !Number.isInteger(count) || !(count! >= 1 && count! <= SIMULATED_ORGANIZERS_MAX))
		return [];
	const width = String(simulated.count).length;
	return Array.from(
		{ length: simulated.count },
		(_, i) => `${simulated.prefix}-${String(i + 1).padStart(Math.max(3, width), '0')}`
	);
}

/** Offsets (ms) of every step, from `at` and `after`: a step without either is at the time before. */
export function stepOffsets(steps: readonly Pick<ScenarioStep, 'at' | 'after'>[]): number[] {
	let previous = 0;
	return steps.map((step) => {
		// A time that is not one was reported by the schema; here it counts as "no time given".
		if (step.at !== undefined) previous = durationOrNull(step.at) ?? previous;
		else if (step.after !== undefined) previous += durationOrNull(step.after) ?? 0;
		return previous;
	});
}

/** The actor who dials, presses keys, ... in a step: the string shorthand or the object's `caller`. */
export function subjectOf(value: string | { caller: string } | { user: string }): string {
	if (typeof value === 'string') return value;
	return 'caller' in value ? value.caller : value.user;
}

function crossCheck(scenario: Scenario): CrossIssue[] {
	const issues: CrossIssue[] = [];
	const { callers, organizers, users } = scenario.actors;
	const simulated = new Set(simulatedOrganizerNames(scenario));
	const seen = new Map<string, string>();
	for (const [group, names] of [
		['callers', Object.keys(callers)],
		['organizers', Object.keys(organizers)],
		['users', Object.keys(users)]
	] as const) {
		for (const name of names) {
			const other = seen.get(name) ?? (simulated.has(name) ? 'simulatedOrganizers' : undefined);
			if (other) {
				issues.push({
					path: ['actors', group, name],
					message: `"${name}" is already an actor under ${other}: give every actor its own name.`
				});
			}
			seen.set(name, group);
		}
	}
	const isCaller = (name: string) => name in callers || name in organizers || simulated.has(name);
	const isUser = (name: string) => name in organizers || name in users || simulated.has(name);
	const isOrganizer = (name: string) => name in organizers || simulated.has(name);
	const organizerCount = Object.keys(organizers).length + simulated.size;
	const declared = [...Object.keys(callers), ...Object.keys(organizers), ...Object.keys(users)];

	const policies = Object.keys(scenario.meetingPolicies ?? {});
	const lowered = new Set<string>();
	for (const name of policies) {
		const problem = meetingPolicyNameProblem(name);
		if (problem) issues.push({ path: ['meetingPolicies', name], message: problem });
		else if (lowered.has(name.toLowerCase()))
			issues.push({
				path: ['meetingPolicies', name],
				message: `Two meeting policies are named ${name}, whatever the case: give each its own name.`
			});
		lowered.add(name.toLowerCase());
	}
	for (const [name, organizer] of Object.entries(organizers)) {
		const policy = organizer.meetingPolicy;
		if (policy === undefined || policy.toLowerCase() === GLOBAL_MEETING_POLICY.toLowerCase()) continue;
		if (!lowered.has(policy.toLowerCase()))
			issues.push({
				path: ['actors', 'organizers', name, 'meetingPolicy'],
				message: `No meeting policy named ${policy}: name one of meetingPolicies (${policies.join(', ') || 'none'}) or Global.`
			});
	}

	const offsets = stepOffsets(scenario.steps);
	const captured = new Set<string>();
	scenario.steps.forEach((step, i) => {
		const at = (...rest: (string | number)[]) => ['steps', i, ...rest];
		const previous = offsets[i - 1];
		const offset = offsets[i] ?? 0;
		if (previous !== undefined && offset < previous) {
			issues.push({
				path: at('at'),
				message: `Steps run in time order: this step (at ${step.at}) comes before the step above it.`
			});
		}
		const needCaller = (value: string | { caller: string }, key: string) => {
			const name = subjectOf(value);
			if (!isCaller(name)) {
				issues.push({
					path: typeof value === 'string' ? at(key) : at(key, 'caller'),
					message: `"${name}" is not a caller or organizer: declare it under actors.callers.`
				});
			}
		};
		const needMeeting = (meeting: string | undefined, path: (string | number)[], hasConferenceId = false) => {
			if (meeting !== undefined) {
				if (!isOrganizer(meeting)) {
					issues.push({
						path,
						message: `"${meeting}" is not an organizer: declare it under actors.organizers.`
					});
				}
			} else if (!hasConferenceId && organizerCount !== 1) {
				issues.push({
					path: path.slice(0, -1),
					message:
						organizerCount === 0
							? 'There is no meeting to go to: declare an organizer under actors.organizers.'
							: `Name the meeting (meeting: ...): this scenario has ${organizerCount} organizers.`
				});
			}
		};
		const needPin = (pin: string | undefined, path: (string | number)[]) => {
			if (pin?.startsWith('$') && !captured.has(pin.slice(1))) {
				issues.push({
					path,
					message: `${pin} is not captured before this step: capture it with resetPin (capture: ${pin.slice(1)}).`
				});
			}
		};
		if (step.dial !== undefined) {
			needCaller(step.dial, 'dial');
			const d = typeof step.dial === 'string' ? { caller: step.dial } : step.dial;
			const meeting = 'meeting' in d ? d.meeting : undefined;
			const confId = 'conferenceId' in d ? d.conferenceId : undefined;
			// An organizer dials their own meeting unless told otherwise.
			needMeeting(
				meeting,
				at('dial', 'meeting'),
				confId !== undefined || (meeting === undefined && isOrganizer(d.caller))
			);
			if ('pin' in d) needPin(d.pin, at('dial', 'pin'));
		}
		if (step.press) needCaller(step.press, 'press');
		if (step.enterPin !== undefined) {
			needCaller(step.enterPin, 'enterPin');
			if (typeof step.enterPin !== 'string') needPin(step.enterPin.pin, at('enterPin', 'pin'));
		}
		if (step.wrongPin !== undefined) needCaller(step.wrongPin, 'wrongPin');
		if (step.dropConnection !== undefined) needCaller(step.dropConnection, 'dropConnection');
		if (step.hangUp !== undefined) needCaller(step.hangUp, 'hangUp');
		if (step.giveUp !== undefined) needCaller(step.giveUp, 'giveUp');
		if (step.fillMeeting !== undefined) needMeeting(step.fillMeeting, at('fillMeeting'));
		if (step.joinFromClient !== undefined) {
			const j = step.joinFromClient;
			const name = subjectOf(j);
			if (!isUser(name)) {
				issues.push({
					path: typeof j === 'string' ? at('joinFromClient') : at('joinFromClient', 'user'),
					message: `"${name}" is not a signed-in user or organizer: declare it under actors.users.`
				});
			}
			// An organizer joins their own meeting unless told otherwise.
			if (typeof j === 'string' ? !isOrganizer(j) : !isOrganizer(j.user) && j.conferenceId === undefined) {
				needMeeting(typeof j === 'string' ? undefined : j.meeting, at('joinFromClient', 'meeting'));
			} else if (typeof j !== 'string' && j.meeting !== undefined) {
				needMeeting(j.meeting, at('joinFromClient', 'meeting'));
			}
		}
		if (step.leave !== undefined && !isUser(step.leave)) {
			issues.push({ path: at('leave'), message: `"${step.leave}" is not a signed-in user or organizer.` });
		}
		const by =
			typeof step.resetPin === 'object' ? step.resetPin.by : step.setTenant ? step.setTenant.by : undefined;
		if (by !== undefined && !declared.includes(by) && !simulated.has(by)) {
			issues.push({
				path: at(step.resetPin ? 'resetPin' : 'setTenant', 'by'),
				message: `"${by}" is not an actor: leave "by" out for the administrator, or name a declared user.`
			});
		}
		if (typeof step.resetPin === 'object') {
			if (
				step.resetPin.sendEmailToAddress !== undefined &&
				step.resetPin.sendEmail !== true &&
				!step.expectError
			) {
				issues.push({
					path: at('resetPin', 'sendEmailToAddress'),
					message:
						'sendEmailToAddress is only valid together with sendEmail: true (S15); add it, or expect the refusal with expectError: bad-request.'
				});
			}
			if (step.resetPin.capture) captured.add(step.resetPin.capture);
		}
		const arrivals = step.arrivals;
		if (arrivals) {
			if (Array.isArray(arrivals.organizers)) {
				arrivals.organizers.forEach((name, j) => {
					if (!isOrganizer(name)) {
						issues.push({ path: at('arrivals', 'organizers', j), message: `"${name}" is not an organizer.` });
					}
				});
			} else if (arrivals.organizers === 'simulated' && simulated.size === 0) {
				issues.push({
					path: at('arrivals', 'organizers'),
					message: 'There are no simulated organizers: add actors.simulatedOrganizers: { count: N }.'
				});
			}
			const meetings = arrivals.meetings;
			if (arrivals.callers !== undefined) {
				if (meetings === 'simulated' && simulated.size === 0) {
					issues.push({ path: at('arrivals', 'meetings'), message: 'There are no simulated organizers.' });
				} else if (organizerCount === 0) {
					issues.push({
						path: at('arrivals'),
						message: 'There is no meeting to dial: declare an organizer.'
					});
				}
				const list =
					typeof meetings === 'string' && meetings !== 'all' && meetings !== 'simulated'
						? [meetings]
						: meetings;
				if (Array.isArray(list)) {
					list.forEach((name, j) => {
						if (!isOrganizer(name)) {
							issues.push({
								path: Array.isArray(meetings) ? at('arrivals', 'meetings', j) : at('arrivals', 'meetings'),
								message: `"${name}" is not an organizer.`
							});
						}
					});
				}
			}
		}
		if (step.never) needMeeting(step.never.meeting, at('never', 'meeting'));
		if (step.eventually?.event !== undefined)
			needMeeting(step.eventually.meeting, at('eventually', 'meeting'));
		const checks: [Expectation | undefined, string[]][] = [
			[step.expect, ['expect']],
			[step.eventually?.expect, ['eventually', 'expect']]
		];
		for (const [expectation, where] of checks) {
			if (!expectation) continue;
			const counted = expectation.count?.meeting;
			if (counted !== undefined) needMeeting(counted, at(...where, 'count', 'meeting'));
			if (expectation.caller !== undefined && !isCaller(expectation.caller)) {
				issues.push({
					path: at(...where, 'caller'),
					message: `"${expectation.caller}" is not a caller or organizer.`
				});
			}
			const meetingFields = MEETING_FIELDS.some((f) => expectation[f] !== undefined);
			if (meetingFields || expectation.meeting !== undefined) {
				needMeeting(expectation.meeting, at(...where, 'meeting'));
			}
		}
	});
	return issues;
}
