import { sql } from 'drizzle-orm';
import {
	bigint,
	boolean,
	check,
	customType,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uniqueIndex,
	type AnyPgColumn
} from 'drizzle-orm/pg-core';
import {
	AUTO_ADMITTED_USERS,
	DEFAULT_TENANT_SETTINGS as TENANT_DEFAULTS,
	LOBBY_MODES,
	USERS_CAN_ADMIT_FROM_LOBBY,
	ENTRY_EXIT_ANNOUNCEMENTS_TYPES,
	MASK_PSTN_NUMBERS_TYPES,
	TENANT_SETTING_RANGES,
	type TenantNumberSetting
} from '../../domain/tenant-settings';

/**
 * A CHECK that keeps a whole-number tenant setting in the domain's range. The bounds are written
 * into the SQL as literals (a CHECK takes no parameters), the same text the migrations hold.
 */
function inRange(column: AnyPgColumn, key: TenantNumberSetting) {
	const { min, max } = TENANT_SETTING_RANGES[key];
	return sql`${column} between ${sql.raw(String(min))} and ${sql.raw(String(max))}`;
}

/** A CHECK that keeps a text setting to the domain's choices (literals, as in `inRange`). */
function oneOf(column: AnyPgColumn, choices: readonly string[]) {
	return sql`${column} in (${sql.raw(choices.map((c) => `'${c}'`).join(', '))})`;
}

/**
 * A meeting policy's lobby settings (`Set-CsTeamsMeetingPolicy`), with Teams' defaults: the Global
 * policy's on the tenant row, a named policy's on its own row. New builders on every call.
 */
function meetingPolicyColumns() {
	return {
		lobbyMode: text('lobby_mode', { enum: LOBBY_MODES }).notNull().default(TENANT_DEFAULTS.lobbyMode),
		autoAdmittedUsers: text('auto_admitted_users', { enum: AUTO_ADMITTED_USERS })
			.notNull()
			.default(TENANT_DEFAULTS.autoAdmittedUsers),
		allowPstnUsersToBypassLobby: boolean('allow_pstn_users_to_bypass_lobby')
			.notNull()
			.default(TENANT_DEFAULTS.allowPstnUsersToBypassLobby),
		allowAnonymousUsersToStartMeeting: boolean('allow_anonymous_users_to_start_meeting')
			.notNull()
			.default(TENANT_DEFAULTS.allowAnonymousUsersToStartMeeting),
		usersCanAdmitFromLobby: text('users_can_admit_from_lobby', { enum: USERS_CAN_ADMIT_FROM_LOBBY })
			.notNull()
			.default(TENANT_DEFAULTS.usersCanAdmitFromLobby)
	};
}

/** The CHECKs that keep a meeting policy's choices to the domain's, named after their table. */
function meetingPolicyChecks(
	table: string,
	t: { lobbyMode: AnyPgColumn; autoAdmittedUsers: AnyPgColumn; usersCanAdmitFromLobby: AnyPgColumn }
) {
	return [
		check(`${table}_lobby_mode`, oneOf(t.lobbyMode, LOBBY_MODES)),
		check(`${table}_auto_admitted_users`, oneOf(t.autoAdmittedUsers, AUTO_ADMITTED_USERS)),
		check(`${table}_users_can_admit_from_lobby`, oneOf(t.usersCanAdmitFromLobby, USERS_CAN_ADMIT_FROM_LOBBY))
	];
}

/**
 * A tenant's dial-in conferencing settings, named after Teams'
 * `Get-CsOnlineDialInConferencingTenantSettings` and defaulting to its defaults (docs/rules.md).
 */
export const tenants = pgTable(
	'tenants',
	{
		id: text('id').primaryKey(),
		name: text('name').notNull(),
		domain: text('domain').notNull(),
		/** The bridge's service number callers dial. */
		serviceNumber: text('service_number').notNull(),
		/** S13: 4 to 12 digits, default 5; a change applies to new PINs only. */
		pinLength: integer('pin_length').notNull().default(TENANT_DEFAULTS.pinLength),
		/** S9: mail on enable, disable and PIN reset; default on. */
		automaticallySendEmailsToUsers: boolean('automatically_send_emails_to_users')
			.notNull()
			.default(TENANT_DEFAULTS.automaticallySendEmailsToUsers),
		/** Applies to users enabled afterwards; default off. */
		allowPstnOnlyMeetingsByDefault: boolean('allow_pstn_only_meetings_by_default')
			.notNull()
			.default(TENANT_DEFAULTS.allowPstnOnlyMeetingsByDefault),
		enableEntryExitNotifications: boolean('enable_entry_exit_notifications')
			.notNull()
			.default(TENANT_DEFAULTS.enableEntryExitNotifications),
		entryExitAnnouncementsType: text('entry_exit_announcements_type', {
			enum: ENTRY_EXIT_ANNOUNCEMENTS_TYPES
		})
			.notNull()
			.default(TENANT_DEFAULTS.entryExitAnnouncementsType),
		maskPstnNumbersType: text('mask_pstn_numbers_type', { enum: MASK_PSTN_NUMBERS_TYPES })
			.notNull()
			.default(TENANT_DEFAULTS.maskPstnNumbersType),
		/** Teams and Twilio allow 250 callers; the simulator allows up to 10,000. */
		maxParticipants: integer('max_participants').notNull().default(TENANT_DEFAULTS.maxParticipants),
		/** 0 means callers may wait in the lobby indefinitely. */
		lobbyTimeoutMinutes: integer('lobby_timeout_minutes')
			.notNull()
			.default(TENANT_DEFAULTS.lobbyTimeoutMinutes),
		/** Consecutive wrong PIN entries before the leader PIN is locked (NIST SP 800-63B-4: 10). */
		pinLockoutThreshold: integer('pin_lockout_threshold')
			.notNull()
			.default(TENANT_DEFAULTS.pinLockoutThreshold),
		/**
		 * How long the simulated mailbox shows a PIN in full; after that it reads `*****` (0: never
		 * shown again once the message is read by the page that made it). Default 24 hours.
		 */
		mailboxPinRetentionHours: integer('mailbox_pin_retention_hours')
			.notNull()
			.default(TENANT_DEFAULTS.mailboxPinRetentionHours),
		/**
		 * The Global meeting policy's lobby (`Set-CsTeamsMeetingPolicy -Identity Global`, docs/rules.md
		 * "The lobby policy"): Lobby's lobby mode and Teams' four lobby settings, with Teams' defaults.
		 */
		...meetingPolicyColumns(),
		/** Lobby's own queue position (docs/rules.md, "Queue position"): off by default. */
		announceLobbyPosition: boolean('announce_lobby_position')
			.notNull()
			.default(TENANT_DEFAULTS.announceLobbyPosition),
		/** How often a waiting caller hears its place again; 0: only on entering the lobby. */
		lobbyPositionRepeatSeconds: integer('lobby_position_repeat_seconds')
			.notNull()
			.default(TENANT_DEFAULTS.lobbyPositionRepeatSeconds),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		check('tenants_pin_length_range', inRange(t.pinLength, 'pinLength')),
		check('tenants_max_participants_range', inRange(t.maxParticipants, 'maxParticipants')),
		check('tenants_lobby_timeout_range', inRange(t.lobbyTimeoutMinutes, 'lobbyTimeoutMinutes')),
		check('tenants_pin_lockout_range', inRange(t.pinLockoutThreshold, 'pinLockoutThreshold')),
		check(
			'tenants_mailbox_pin_retention_range',
			inRange(t.mailboxPinRetentionHours, 'mailboxPinRetentionHours')
		),
		check(
			'tenants_lobby_position_repeat_range',
			inRange(t.lobbyPositionRepeatSeconds, 'lobbyPositionRepeatSeconds')
		),
		...meetingPolicyChecks('tenants', t)
	]
);

/**
 * A named meeting policy (`New-CsTeamsMeetingPolicy -Identity Training`), granted to users with
 * `Grant-CsTeamsMeetingPolicy`; users without one have the Global policy, which the tenant's own
 * columns hold (docs/rules.md, "The lobby policy"). Its lobby settings, with Teams' defaults.
 */
export const meetingPolicies = pgTable(
	'meeting_policies',
	{
		id: text('id').primaryKey(),
		tenantId: text('tenant_id')
			.notNull()
			.references(() => tenants.id, { onDelete: 'cascade' }),
		/** The name the cmdlets take (`-Identity`, `-PolicyName`); unique in the tenant, whatever the case. */
		identity: text('identity').notNull(),
		description: text('description').notNull().default(''),
		...meetingPolicyColumns(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('meeting_policies_identity_unique').on(t.tenantId, sql`lower(${t.identity})`),
		...meetingPolicyChecks('meeting_policies', t)
	]
);

/**
 * A person in the tenant's directory. Users enabled for dial-in conferencing have a conference ID
 * that leads to their meetings and, once issued, a leader PIN stored only as a salted hash (S1, S8).
 */
export const users = pgTable(
	'users',
	{
		id: text('id').primaryKey(),
		tenantId: text('tenant_id')
			.notNull()
			.references(() => tenants.id, { onDelete: 'cascade' }),
		/** The sign-in address, also the primary SMTP address when the user has a mailbox (S12). */
		email: text('email').notNull(),
		displayName: text('display_name').notNull(),
		role: text('role', { enum: ['admin', 'user'] })
			.notNull()
			.default('user'),
		/** S12: a reset PIN goes to the mailbox; users without one need another address (S14). */
		hasMailbox: boolean('has_mailbox').notNull().default(true),
		language: text('language', { enum: ['en', 'sv'] })
			.notNull()
			.default('en'),
		dialInEnabled: boolean('dial_in_enabled').notNull().default(false),
		conferenceId: text('conference_id'),
		/** Whether callers may start this user's meetings without the leader (S6). */
		allowPstnOnlyMeetings: boolean('allow_pstn_only_meetings').notNull().default(false),
		/**
		 * The meeting policy granted to the user (`Grant-CsTeamsMeetingPolicy`); null: the Global one.
		 * Removing the policy hands its users back to the Global one, as Teams does.
		 */
		meetingPolicyId: text('meeting_policy_id').references((): AnyPgColumn => meetingPolicies.id, {
			onDelete: 'set null'
		}),
		/** S8: only a salted hash from a password-hashing function, never the PIN. */
		leaderPinHash: text('leader_pin_hash'),
		/** Digits of the current PIN (S13: a new length applies to new PINs only). */
		leaderPinLength: integer('leader_pin_length'),
		leaderPinSetAt: timestamp('leader_pin_set_at', { withTimezone: true }),
		/** Consecutive wrong PIN entries by phone; reset by a correct entry or a new PIN. */
		pinFailedAttempts: integer('pin_failed_attempts').notNull().default(0),
		/** Set when the failures reach the tenant's threshold; the PIN start is refused until cleared. */
		pinLockedAt: timestamp('pin_locked_at', { withTimezone: true }),
		/**
		 * PIN checks reserved but not yet decided (the hash is being compared). Reserved before the
		 * comparison, so parallel entries cannot outrun the lockout; stale after `pinPendingUntil`.
		 */
		pinAttemptsPending: integer('pin_attempts_pending').notNull().default(0),
		pinPendingUntil: timestamp('pin_pending_until', { withTimezone: true, precision: 3 }),
		/** Sign-in (better-auth's user model): the address is the directory's, so it counts as verified. */
		emailVerified: boolean('email_verified').notNull().default(true),
		image: text('image'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('users_email_unique').on(sql`lower(${t.email})`),
		uniqueIndex('users_conference_id_unique').on(t.conferenceId),
		index('users_tenant_idx').on(t.tenantId),
		index('users_meeting_policy_idx').on(t.meetingPolicyId)
	]
);

/**
 * The append-only event log of every meeting: the source of truth from which a meeting's state is
 * rebuilt. The primary key (meeting, seq) means two servers can never append the same position twice.
 */
export const meetingEvents = pgTable(
	'meeting_events',
	{
		meetingId: text('meeting_id').notNull(),
		seq: integer('seq').notNull(),
		type: text('type').notNull(),
		data: jsonb('data').notNull(),
		/** When it happened, by the engine's clock (virtual in simulations). */
		at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
		recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.meetingId, t.seq] })]
);

/**
 * A small projection of each meeting for listing (dashboard, history), written in the same
 * transaction as its events. One live meeting per conference ID at a time.
 */
export const meetings = pgTable(
	'meetings',
	{
		id: text('id').primaryKey(),
		tenantId: text('tenant_id')
			.notNull()
			.references(() => tenants.id, { onDelete: 'cascade' }),
		conferenceId: text('conference_id').notNull(),
		organizerId: text('organizer_id').notNull(),
		organizerName: text('organizer_name').notNull(),
		status: text('status', { enum: ['waiting', 'in-progress', 'ended'] }).notNull(),
		lobbySize: integer('lobby_size').notNull().default(0),
		participantCount: integer('participant_count').notNull().default(0),
		locked: boolean('locked').notNull().default(false),
		lastSeq: integer('last_seq').notNull(),
		openedAt: timestamp('opened_at', { withTimezone: true, precision: 3 }).notNull(),
		startedAt: timestamp('started_at', { withTimezone: true, precision: 3 }),
		endedAt: timestamp('ended_at', { withTimezone: true, precision: 3 })
	},
	(t) => [
		uniqueIndex('meetings_one_live_per_conference')
			.on(t.conferenceId)
			.where(sql`${t.status} <> 'ended'`),
		index('meetings_status_idx').on(t.status),
		index('meetings_opened_idx').on(t.openedAt)
	]
);

/** Server-wide secrets made at first start (the key that signs phone callers' resume tokens). */
export const serverSecrets = pgTable('server_secrets', {
	name: text('name').primaryKey(),
	value: text('value').notNull(),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
});

/** Sign-in sessions (better-auth): an HTTP-only cookie carries the token. */
export const sessions = pgTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		token: text('token').notNull().unique(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		ipAddress: text('ip_address'),
		userAgent: text('user_agent'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('sessions_user_idx').on(t.userId)]
);

/** Sign-in credentials (better-auth): the password hash of each directory user, never the password. */
export const accounts = pgTable(
	'accounts',
	{
		id: text('id').primaryKey(),
		accountId: text('account_id').notNull(),
		providerId: text('provider_id').notNull(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		accessToken: text('access_token'),
		refreshToken: text('refresh_token'),
		idToken: text('id_token'),
		accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true }),
		refreshTokenExpiresAt: timestamp('refresh_token_expires_at', { withTimezone: true }),
		scope: text('scope'),
		password: text('password'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('accounts_user_idx').on(t.userId)]
);

/** Verification tokens (better-auth; unused while sign-up and password reset by mail are off). */
export const verifications = pgTable('verifications', {
	id: text('id').primaryKey(),
	identifier: text('identifier').notNull(),
	value: text('value').notNull(),
	expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
});

export type MeetingEventRow = typeof meetingEvents.$inferSelect;
export type MeetingRow = typeof meetings.$inferSelect;
export type TenantRow = typeof tenants.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type MeetingPolicyRow = typeof meetingPolicies.$inferSelect;

/**
 * Every administrator action: who did what to whom, when, and through which path (page, API, CLI).
 * It never holds a PIN (S8); a refused attempt is recorded too.
 */
export const auditLog = pgTable(
	'audit_log',
	{
		id: text('id').primaryKey(),
		/** Insertion order, for "newest first" when several entries share an instant. */
		seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
		tenantId: text('tenant_id')
			.notNull()
			.references(() => tenants.id, { onDelete: 'cascade' }),
		at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
		actorId: text('actor_id'),
		actorEmail: text('actor_email').notNull(),
		action: text('action').notNull(),
		targetId: text('target_id'),
		targetEmail: text('target_email'),
		path: text('path', { enum: ['page', 'api', 'cli', 'socket', 'system'] }).notNull(),
		outcome: text('outcome', { enum: ['ok', 'denied', 'failed'] }).notNull(),
		details: jsonb('details').notNull().default({})
	},
	(t) => [index('audit_log_at_idx').on(t.at), index('audit_log_target_idx').on(t.targetId)]
);

/**
 * The outbox: every message is written here first, then delivered through SMTP when configured
 * (S9, S12, S14). Without SMTP this is the users' simulated mailbox; once a message is delivered
 * over SMTP its stored body keeps no PIN.
 */
export const mailOutbox = pgTable(
	'mail_outbox',
	{
		id: text('id').primaryKey(),
		/** Insertion order, for "newest first" when several messages share an instant. */
		seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
		tenantId: text('tenant_id')
			.notNull()
			.references(() => tenants.id, { onDelete: 'cascade' }),
		userId: text('user_id'),
		kind: text('kind', { enum: ['dial-in-enabled', 'dial-in-disabled', 'pin-reset'] }).notNull(),
		toAddress: text('to_address').notNull(),
		language: text('language', { enum: ['en', 'sv'] }).notNull(),
		subject: text('subject').notNull(),
		/** The text with `{{pin}}` where the PIN goes: the PIN itself is never part of it. */
		body: text('body').notNull(),
		/**
		 * The PIN the message carries, until it is delivered over SMTP; then null, so the stored copy
		 * reads `*****`. Without SMTP it stays: this table is then the users' simulated mailbox.
		 */
		secret: text('secret'),
		status: text('status', { enum: ['queued', 'sent', 'failed', 'mailbox'] }).notNull(),
		attempts: integer('attempts').notNull().default(0),
		lastError: text('last_error'),
		createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull(),
		nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, precision: 3 }),
		sentAt: timestamp('sent_at', { withTimezone: true, precision: 3 })
	},
	(t) => [index('mail_outbox_created_idx').on(t.createdAt), index('mail_outbox_status_idx').on(t.status)]
);

export type AuditRow = typeof auditLog.$inferSelect;
export type MailRow = typeof mailOutbox.$inferSelect;

/**
 * API tokens for scripts and the `lobby` command. Only a SHA-256 hash of the secret is kept (the
 * secret is 256 random bits, so a fast hash is enough); it is shown once, when made. A token acts
 * with its owner's rights, read from the directory on every call, and is audited under its owner.
 */
export const apiTokens = pgTable(
	'api_tokens',
	{
		id: text('id').primaryKey(),
		tenantId: text('tenant_id')
			.notNull()
			.references(() => tenants.id, { onDelete: 'cascade' }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		tokenHash: text('token_hash').notNull().unique(),
		/** The first characters of the secret, so people can tell their tokens apart. */
		prefix: text('prefix').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull(),
		expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }),
		lastUsedAt: timestamp('last_used_at', { withTimezone: true, precision: 3 }),
		revokedAt: timestamp('revoked_at', { withTimezone: true, precision: 3 })
	},
	(t) => [index('api_tokens_user_idx').on(t.userId)]
);

export type ApiTokenRow = typeof apiTokens.$inferSelect;

/**
 * Sign-in attempts in the current window, per address being tried (`email:…`) and per client
 * address (`client:…`), so password guessing is slowed whichever door it comes through, on every
 * server and across restarts. An attempt is counted before the password is checked.
 */
export const signInAttempts = pgTable('sign_in_attempts', {
	key: text('key').primaryKey(),
	attempts: integer('attempts').notNull().default(0),
	windowStartedAt: timestamp('window_started_at', { withTimezone: true, precision: 3 }).notNull()
});

/**
 * Which server owns each live meeting, and until when (docs/architecture.md, "Several servers").
 * `token` grows by one on every takeover; every append carries the token its server holds, and the
 * append is refused when the row says otherwise, so a server that lost a meeting (paused past its
 * lease, say) can never write to it again. The row of an ended meeting is deleted with its last append.
 */
export const meetingLeases = pgTable(
	'meeting_leases',
	{
		meetingId: text('meeting_id').primaryKey(),
		owner: text('owner').notNull(),
		token: bigint('token', { mode: 'number' }).notNull(),
		expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull()
	},
	(t) => [index('meeting_leases_owner_idx').on(t.owner), index('meeting_leases_expires_idx').on(t.expiresAt)]
);

export type MeetingLeaseRow = typeof meetingLeases.$inferSelect;

/** The servers of a cluster, each renewing its row while it runs: the dashboard counts the live ones. */
export const clusterNodes = pgTable('cluster_nodes', {
	nodeId: text('node_id').primaryKey(),
	startedAt: timestamp('started_at', { withTimezone: true, precision: 3 }).notNull(),
	seenAt: timestamp('seen_at', { withTimezone: true, precision: 3 }).notNull()
});

/**
 * What only one server of a cluster may do at a time (a live scenario run): its holder renews the
 * row while it runs; a row that ran out may be taken by another server.
 */
export const clusterLocks = pgTable('cluster_locks', {
	name: text('name').primaryKey(),
	owner: text('owner').notNull(),
	expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull()
});

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * Messages between servers too large for one PostgreSQL NOTIFY (8,000 bytes), kept for a short while
 * by Socket.IO's PostgreSQL adapter, which names the table and deletes old rows itself.
 */
export const socketIoAttachments = pgTable('socket_io_attachments', {
	id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
	payload: bytea('payload')
});

/**
 * Webhooks (status callbacks): endpoints an administrator registers for meeting and lobby events
 * (docs/webhooks.md). The signing secret is shown once, when made; it is kept because every
 * delivery is signed with it, and it is never shown, logged or returned again.
 */
export const webhooks = pgTable(
	'webhooks',
	{
		id: text('id').primaryKey(),
		tenantId: text('tenant_id')
			.notNull()
			.references(() => tenants.id, { onDelete: 'cascade' }),
		url: text('url').notNull(),
		/** The events it receives (`lobby.entered`, ...), as the contract names them. */
		events: text('events').array().notNull(),
		description: text('description').notNull().default(''),
		secret: text('secret').notNull(),
		enabled: boolean('enabled').notNull().default(true),
		createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow()
	},
	(t) => [index('webhooks_tenant_idx').on(t.tenantId)]
);

/**
 * The webhooks' outbox and delivery log: one row per event and endpoint, written when the event is
 * committed, then delivered with retries. `eventKey` is the idempotency key the receiver sees
 * (`meetingId:seq`), unique per endpoint, so an event is queued once whoever notices it.
 */
export const webhookDeliveries = pgTable(
	'webhook_deliveries',
	{
		id: text('id').primaryKey(),
		seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
		webhookId: text('webhook_id')
			.notNull()
			.references(() => webhooks.id, { onDelete: 'cascade' }),
		event: text('event').notNull(),
		eventKey: text('event_key').notNull(),
		/** The body exactly as it is sent (and signed). */
		payload: text('payload').notNull(),
		status: text('status', { enum: ['queued', 'delivered', 'failed'] }).notNull(),
		attempts: integer('attempts').notNull().default(0),
		/** The HTTP status of the last answer, or null when there was none (refused, timed out). */
		lastStatus: integer('last_status'),
		lastError: text('last_error'),
		createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull(),
		nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, precision: 3 }),
		deliveredAt: timestamp('delivered_at', { withTimezone: true, precision: 3 })
	},
	(t) => [
		uniqueIndex('webhook_deliveries_event_unique').on(t.webhookId, t.eventKey),
		index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
		index('webhook_deliveries_webhook_idx').on(t.webhookId, t.seq)
	]
);

export type WebhookRow = typeof webhooks.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
