/**
 * The API's OpenAPI 3.1 document, served at `/api/v1/openapi.json` and kept in the repository as
 * `docs/openapi.json`. Request bodies and query strings come from the zod schemas the routes
 * validate with, so the description says exactly what the server accepts; a spec checks that every
 * route is described and that the committed file is current.
 */
import { z } from 'zod';
import { LIVE_SPEED_RANGE_TEXT } from '$lib/scenario/live-speed';
import { SCENARIO_LOAD_COPIES_MAX } from '$lib/contract/api';
import { WEBHOOK_EVENTS, WEBHOOK_HEADERS, WEBHOOK_TEST_EVENT } from '$lib/contract/webhooks';
import { simulatedOrganizersBody } from '../services/simulated-organizers.service';
import { scenarioControlBody, scenarioLoadBody, scenarioStartBody } from './scenario-schemas';
import * as schemas from './schemas';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface Operation {
	method: Method;
	path: string;
	summary: string;
	description?: string;
	/** `none`: no token (login, this document). */
	auth?: 'none';
	admin?: boolean;
	body?: z.ZodType;
	query?: z.ZodObject;
	/** The success answer's schema (a component name or an inline schema). */
	answer: string | object;
	created?: boolean;
	/** Error statuses this operation can answer besides 401, 429, 500 and 503. */
	errors: number[];
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const str = { type: 'string' };
const nullableStr = { type: ['string', 'null'] };
const bool = { type: 'boolean' };
const int = { type: 'integer' };
const obj = (properties: Record<string, object>, required = Object.keys(properties)) => ({
	type: 'object',
	properties,
	required
});
const list = (key: string, item: object) => obj({ [key]: { type: 'array', items: item } });
const identity = {
	name: 'identity',
	in: 'path',
	required: true,
	description:
		'The user id, the sign-in address (amos.marble@contoso.com), or the alias before the @ (amos.marble).',
	schema: str
};

export const OPERATIONS: readonly Operation[] = [
	{
		method: 'get',
		path: '/openapi.json',
		summary: 'This description of the API',
		auth: 'none',
		answer: { type: 'object' },
		errors: []
	},
	{
		method: 'post',
		path: '/login',
		summary: 'Exchange an address and password for an API token of your own (lobby login)',
		description:
			'The token carries your rights and expires after 30 days; it is shown in this answer only and stored as a hash. Attempts are counted per address and per client address, before the password is checked; past the limit the answer is 429 with Retry-After.',
		auth: 'none',
		body: schemas.loginBody,
		answer: 'TokenIssued',
		created: true,
		errors: [400]
	},
	{ method: 'get', path: '/me', summary: 'Who the token acts for', answer: { type: 'object' }, errors: [] },
	{
		method: 'get',
		path: '/tokens',
		summary: 'API tokens: every token for administrators, your own for users',
		answer: list('tokens', ref('ApiToken')),
		errors: []
	},
	{
		method: 'post',
		path: '/tokens',
		summary: 'Make an API token for yourself; it carries your rights and expires (default 30 days)',
		body: schemas.tokenBody,
		answer: 'TokenIssued',
		created: true,
		errors: [400]
	},
	{
		method: 'delete',
		path: '/tokens/{id}',
		summary: 'Revoke a token at once (`current`: the token making this call)',
		answer: obj({ tokenInfo: ref('ApiToken') }),
		errors: [404]
	},
	{
		method: 'get',
		path: '/dial-in-users',
		summary: 'Get-CsOnlineDialInConferencingUser: the directory, PINs masked',
		admin: true,
		query: schemas.usersQuery,
		answer: list('users', ref('DialInUser')),
		errors: [400, 403]
	},
	{
		method: 'get',
		path: '/dial-in-users/{identity}',
		summary: 'Get-CsOnlineDialInConferencingUser -Identity ID',
		admin: true,
		answer: obj({ user: ref('DialInUser') }),
		errors: [403, 404]
	},
	{
		method: 'patch',
		path: '/dial-in-users/{identity}',
		summary: 'Set-CsOnlineDialInConferencingUser -AllowPSTNOnlyMeetings $true|$false (S6)',
		body: schemas.userPatchBody,
		answer: obj({ user: ref('DialInUser') }),
		errors: [400, 403, 404]
	},
	{
		method: 'post',
		path: '/dial-in-users/{identity}/reset-leader-pin',
		summary: 'Set-CsOnlineDialInConferencingUser -ResetLeaderPIN [-SendEmail] [-SendEmailToAddress A]',
		description:
			'A new PIN at the tenant length; the answer is the only place it is shown (S8). sendEmailToAddress needs sendEmail (S15). Administrators only: a user cannot reset a PIN, not even their own (S3).',
		body: schemas.resetBody,
		answer: 'PinIssued',
		errors: [400, 403, 404, 409]
	},
	{
		method: 'post',
		path: '/dial-in-users/{identity}/enable',
		summary: 'Enable dial-in conferencing: a conference ID and a leader PIN, shown once (S1)',
		answer: 'PinIssued',
		errors: [403, 404, 409]
	},
	{
		method: 'post',
		path: '/dial-in-users/{identity}/disable',
		summary: 'Turn dial-in conferencing off',
		answer: obj({ email: ref('EmailOutcome') }),
		errors: [403, 404, 409]
	},
	{
		method: 'post',
		path: '/dial-in-users/{identity}/unlock',
		summary: 'Lift a leader-PIN lockout',
		answer: obj({ unlocked: bool }),
		errors: [403, 404]
	},
	{
		method: 'get',
		path: '/tenant-settings',
		summary: 'Get-CsOnlineDialInConferencingTenantSettings',
		admin: true,
		answer: obj({ settings: ref('TenantSettings') }),
		errors: [403]
	},
	{
		method: 'patch',
		path: '/tenant-settings',
		summary:
			'Set-CsOnlineDialInConferencingTenantSettings (a new PIN length applies to new PINs, S13), and the Global meeting policy’s lobby (Set-CsTeamsMeetingPolicy -Identity Global)',
		description:
			'A change of lobbyMode, autoAdmittedUsers, allowPstnUsersToBypassLobby, allowAnonymousUsersToStartMeeting or usersCanAdmitFromLobby reaches every live meeting at once, as a LobbyPolicyChanged event in its log (docs/rules.md, "The lobby policy").',
		body: schemas.tenantSettingsBody,
		answer: obj({ settings: ref('TenantSettings') }),
		errors: [400, 403]
	},
	{
		method: 'get',
		path: '/meeting-policies',
		summary: 'Get-CsTeamsMeetingPolicy: Global first, then the named policies',
		admin: true,
		answer: list('policies', ref('MeetingPolicy')),
		errors: [403]
	},
	{
		method: 'post',
		path: '/meeting-policies',
		summary: 'New-CsTeamsMeetingPolicy -Identity NAME: Teams’ defaults for the settings not given',
		body: schemas.newMeetingPolicyBody,
		answer: obj({ policy: ref('MeetingPolicy') }),
		errors: [400, 403, 409]
	},
	{
		method: 'get',
		path: '/meeting-policies/{identity}',
		summary: 'Get-CsTeamsMeetingPolicy -Identity NAME',
		admin: true,
		answer: obj({ policy: ref('MeetingPolicy') }),
		errors: [403, 404]
	},
	{
		method: 'patch',
		path: '/meeting-policies/{identity}',
		summary: 'Set-CsTeamsMeetingPolicy -Identity NAME (Global, or a named policy)',
		description:
			'The live meetings of the users who have the policy follow at once, each as a LobbyPolicyChanged event in its log (docs/rules.md, "The lobby policy").',
		body: schemas.meetingPolicyPatchBody,
		answer: obj({ policy: ref('MeetingPolicy') }),
		errors: [400, 403, 404]
	},
	{
		method: 'delete',
		path: '/meeting-policies/{identity}',
		summary: 'Remove-CsTeamsMeetingPolicy -Identity NAME: its users have the Global policy again',
		answer: obj({ removed: obj({ identity: str, users: int }) }),
		errors: [400, 403, 404]
	},
	{
		method: 'put',
		path: '/dial-in-users/{identity}/meeting-policy',
		summary: 'Grant-CsTeamsMeetingPolicy -Identity USER -PolicyName NAME (null: Global)',
		body: schemas.grantMeetingPolicyBody,
		answer: obj({ user: ref('DialInUser') }),
		errors: [400, 403, 404]
	},
	{
		method: 'get',
		path: '/webhooks',
		summary: 'Get-LobbyWebhook: the registered endpoints, with their deliveries by status',
		admin: true,
		answer: list('webhooks', ref('Webhook')),
		errors: [403]
	},
	{
		method: 'post',
		path: '/webhooks',
		summary: 'New-LobbyWebhook: registers an endpoint for meeting and lobby events',
		description:
			'The URL must pass the outbound policy: no loopback, link-local or private address unless LOBBY_WEBHOOK_ALLOWED_NETWORKS allows it. The answer carries the signing secret, shown this once (docs/webhooks.md). The deliveries are described under "webhooks".',
		body: schemas.newWebhookBody,
		answer: obj({
			webhook: ref('Webhook'),
			secret: { type: 'string', description: 'The signing secret, shown in this answer only.' }
		}),
		created: true,
		errors: [400, 403, 409]
	},
	{
		method: 'get',
		path: '/webhooks/{id}',
		summary: 'Get-LobbyWebhook -Identity ID',
		admin: true,
		answer: obj({ webhook: ref('Webhook') }),
		errors: [400, 403, 404]
	},
	{
		method: 'patch',
		path: '/webhooks/{id}',
		summary: 'Set-LobbyWebhook -Identity ID: its URL, events, description, or whether it is enabled',
		body: schemas.webhookPatchBody,
		answer: obj({ webhook: ref('Webhook') }),
		errors: [400, 403, 404]
	},
	{
		method: 'delete',
		path: '/webhooks/{id}',
		summary: 'Remove-LobbyWebhook -Identity ID: the endpoint and its delivery log',
		answer: obj({ removed: obj({ id: str }) }),
		errors: [400, 403, 404]
	},
	{
		method: 'post',
		path: '/webhooks/{id}/test',
		summary: `Test-LobbyWebhook -Identity ID: sends a ${WEBHOOK_TEST_EVENT} event to this endpoint now`,
		answer: obj({ delivery: ref('WebhookDelivery') }),
		errors: [400, 403, 404]
	},
	{
		method: 'get',
		path: '/webhooks/{id}/deliveries',
		summary: 'Get-LobbyWebhookDelivery -Identity ID: the delivery log, newest first',
		admin: true,
		query: schemas.webhookDeliveriesQuery,
		answer: list('deliveries', ref('WebhookDelivery')),
		errors: [400, 403, 404]
	},
	{
		method: 'get',
		path: '/mail',
		summary: 'The outbox, newest first',
		admin: true,
		query: schemas.mailQuery,
		answer: list('messages', { type: 'object' }),
		errors: [400, 403]
	},
	{
		method: 'get',
		path: '/audit',
		summary: 'The audit log, newest first',
		admin: true,
		query: schemas.auditQuery,
		answer: list('entries', { type: 'object' }),
		errors: [400, 403]
	},
	{
		method: 'post',
		path: '/simulated-organizers',
		summary:
			'Make sure N simulated organizers exist (load-organizer-001@…), each with a fresh leader PIN, shown once',
		description:
			'For lobby load: dial-in users without a mailbox, PSTN-only off; PINs issued by enable or reset, hashed, audited, never emailed (S3, S8).',
		admin: true,
		body: simulatedOrganizersBody,
		answer: list('organizers', obj({ email: str, displayName: str, conferenceId: str, leaderPin: str })),
		errors: [400, 403, 409]
	},
	{
		method: 'get',
		path: '/scenarios',
		summary: 'The scenario files the server can run live',
		answer: list('scenarios', { type: 'object' }),
		errors: []
	},
	{
		method: 'get',
		path: '/scenarios/live',
		summary: 'The live scenario run now, or null',
		answer: obj({ run: { type: ['object', 'null'] } }),
		errors: []
	},
	{
		method: 'post',
		path: '/scenarios/live',
		summary: `Run a listed scenario file live at ${LIVE_SPEED_RANGE_TEXT} (administrators; it acts on stand-ins, never on real users)`,
		admin: true,
		body: scenarioStartBody,
		answer: obj({ run: { type: 'object' } }),
		created: true,
		errors: [400, 403, 404]
	},
	{
		method: 'post',
		path: '/scenarios/live/control',
		summary: 'Pause, resume, single step, stop, or a new speed for the live run',
		admin: true,
		body: scenarioControlBody,
		answer: obj({ run: { type: 'object' } }),
		errors: [400, 403, 404]
	},
	{
		method: 'get',
		path: '/scenarios/load',
		summary: 'The scenario load in progress, or the last one, or null (administrators)',
		admin: true,
		answer: obj({ load: { type: ['object', 'null'] } }),
		errors: [403]
	},
	{
		method: 'post',
		path: '/scenarios/load',
		summary: `Run a listed scenario file as N copies at once (1 to ${SCENARIO_LOAD_COPIES_MAX}), each in a tenant of its own with its own stand-ins and conference IDs, at ${LIVE_SPEED_RANGE_TEXT} (administrators)`,
		description:
			'lobby load --scenario FILE --repeat N. Every copy’s expectations are checked; one load at a time, across the servers of a cluster too. Refused for a file with a written PIN or a fault only virtual time can play.',
		admin: true,
		body: scenarioLoadBody,
		answer: obj({ load: { type: 'object' } }),
		created: true,
		errors: [400, 403, 404, 409]
	},
	{
		method: 'post',
		path: '/scenarios/load/stop',
		summary: 'Stop the scenario load in progress; what its copies did stays done',
		admin: true,
		answer: obj({ load: { type: ['object', 'null'] } }),
		errors: [403]
	},
	{
		method: 'get',
		path: '/meetings',
		summary: 'Every live meeting, as the dashboard lists them',
		answer: obj({ meetings: { type: 'array', items: ref('MeetingSummary') }, at: int }),
		errors: []
	},
	{
		method: 'get',
		path: '/meetings/{id}',
		summary: 'One meeting, live or past: state and timeline, caller numbers masked as the tenant says',
		answer: obj({
			meeting: { type: 'object' },
			seq: int,
			timeline: { type: 'array', items: { type: 'object' } }
		}),
		errors: [404]
	},
	{
		method: 'get',
		path: '/meetings/{id}/lobby',
		summary: 'Why each caller in a live meeting’s lobby waits, and what would let them in',
		description:
			'Each waiting caller in arrival order with its position, the gate that holds it (not-started: S5, S11; locked; not-admitted), what would let it in, and the same in English words (docs/rules.md, "Why is this caller waiting?"). Numbers are masked as the tenant says.',
		answer: ref('LobbyExplained'),
		errors: [404]
	},
	{
		method: 'post',
		path: '/meetings/{id}/lobby/admit',
		summary:
			'Admit one waiting caller, or the whole lobby without participantId (the organizer, in his meeting)',
		description:
			'Only the meeting’s organizer may, while he is in it as its leader (by PIN or from the client); anyone else is refused 403, and an organizer not in his meeting 409. Answers the lobby as it is after.',
		body: schemas.admitBody,
		answer: ref('LobbyExplained'),
		errors: [400, 403, 404, 409]
	},
	{
		method: 'post',
		path: '/meetings/{id}/lobby/decline',
		summary: 'Decline one waiting caller: the call ends with "The organizer did not let you in"',
		description:
			'Only the meeting’s organizer may, while he is in it as its leader; answers the lobby as it is after.',
		body: schemas.declineBody,
		answer: ref('LobbyExplained'),
		errors: [400, 403, 404, 409]
	},
	{
		method: 'put',
		path: '/meetings/{id}/lobby/options',
		summary:
			'The organizer’s meeting options over the meeting policy (Teams lobby); {} goes back to the policy',
		description:
			'Only the meeting’s organizer, signed in, may; under the classic lobby there are none. The change is a MeetingOptionsChanged event in the meeting’s log and applies to callers who arrive after it (docs/rules.md, "Meeting options"). Answers the lobby as it is after.',
		body: schemas.meetingOptionsBody,
		answer: ref('LobbyExplained'),
		errors: [400, 401, 403, 404]
	}
];

const STATUS_TEXT: Record<number, string> = {
	400: 'The request is not valid; the message names the field or rule.',
	401: 'No token, or the token is unknown, revoked or expired.',
	403: 'The token’s owner may not do this (only administrators).',
	404: 'No such user, token or meeting.',
	409: 'The change conflicts with the current state (e.g. dial-in is not enabled).',
	429: 'Too many attempts; wait and try again.',
	500: 'A fault on the server; the details are in its log.',
	503: 'The database is not reachable; try again shortly.'
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): object {
	const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
		string,
		unknown
	>;
	return rest;
}

const components = {
	securitySchemes: {
		bearer: { type: 'http', scheme: 'bearer', description: 'A token from POST /login or the admin center.' }
	},
	schemas: {
		Error: obj({ error: obj({ code: str, message: str }) }),
		DialInUser: obj({
			id: str,
			email: str,
			alias: str,
			displayName: str,
			role: { enum: ['admin', 'user'] },
			hasMailbox: bool,
			language: { enum: ['en', 'sv'] },
			dialInEnabled: bool,
			conferenceId: nullableStr,
			allowPstnOnlyMeetings: bool,
			meetingPolicy: {
				type: ['string', 'null'],
				description: 'The meeting policy granted (Grant-CsTeamsMeetingPolicy); null: Global.'
			},
			leaderPin: { enum: ['*****', null], description: 'Never the PIN: ***** when one is set (S8).' },
			leaderPinSetAt: nullableStr,
			leaderPinLength: { type: ['integer', 'null'] },
			leaderPinLockedOut: bool,
			failedPinAttempts: int
		}),
		TenantSettings: obj({
			tenantId: str,
			name: str,
			domain: str,
			serviceNumber: str,
			...(jsonSchema(schemas.tenantSettingsBody) as { properties: Record<string, object> }).properties
		}),
		MeetingPolicy: obj({
			identity: str,
			description: str,
			...(jsonSchema(schemas.meetingPolicyPatchBody) as { properties: Record<string, object> }).properties,
			users: { ...int, description: 'Users who have this policy (Global: those granted no other).' }
		}),
		EmailOutcome: {
			oneOf: [
				obj({ sent: { const: true }, to: str, status: { enum: ['queued', 'mailbox'] } }),
				obj({ sent: { const: false }, reason: { enum: ['email-off', 'no-mailbox'] } })
			]
		},
		PinIssued: obj({
			user: obj({ id: str, email: str, displayName: str, conferenceId: str }),
			leaderPin: { type: 'string', description: 'The new PIN, shown in this answer only.' },
			email: ref('EmailOutcome')
		}),
		ApiToken: obj({
			id: str,
			name: str,
			owner: obj({ id: str, email: str, displayName: str }),
			prefix: str,
			createdAt: str,
			expiresAt: nullableStr,
			lastUsedAt: nullableStr,
			revokedAt: nullableStr
		}),
		TokenIssued: obj({
			token: { type: 'string', description: 'The secret, shown in this answer only.' },
			tokenInfo: ref('ApiToken')
		}),
		MeetingSummary: obj({
			meetingId: str,
			conferenceId: str,
			organizerName: str,
			status: { enum: ['waiting', 'in-progress', 'ended'] },
			lobbySize: int,
			participantCount: int,
			locked: bool,
			openedAt: int,
			startedAt: { type: ['integer', 'null'] },
			lobbySince: { type: ['integer', 'null'] },
			owner: {
				type: ['string', 'null'],
				description: 'The server that owns the meeting (LOBBY_NODE_ID) when several share one database.'
			}
		}),
		WaitExplanation: obj(
			{
				participantId: str,
				phoneNumber: str,
				position: { type: 'integer', description: '1 for the caller who has waited longest.' },
				waitedMs: int,
				gate: { enum: ['not-started', 'locked', 'admission-required', 'not-admitted'] },
				rules: { type: 'array', items: str, description: 'The rules of docs/rules.md behind the gate.' },
				remedies: { type: 'array', items: { enum: ['organizer-pin', 'client-join', 'leader-admits'] } },
				timesOutAt: {
					type: ['integer', 'null'],
					description: 'When the lobby timeout sends the caller away.'
				},
				atStart: {
					enum: ['admitted', 'waits', null],
					description:
						'not-started only: whether the start admits the caller, or they still wait to be admitted.'
				},
				mode: { enum: ['classic', 'teams'] },
				why: str,
				letsIn: str,
				timesOut: nullableStr,
				whenStarted: nullableStr
			},
			[
				'participantId',
				'phoneNumber',
				'position',
				'waitedMs',
				'gate',
				'rules',
				'remedies',
				'timesOutAt',
				'atStart',
				'mode',
				'why',
				'letsIn',
				'timesOut',
				'whenStarted'
			]
		),
		Webhook: obj({
			id: str,
			url: str,
			events: { type: 'array', items: { enum: [...WEBHOOK_EVENTS] } },
			description: str,
			enabled: bool,
			createdAt: str,
			secretHint: {
				type: 'string',
				description: 'The last four characters of the secret; never the secret.'
			},
			deliveries: obj({ queued: int, delivered: int, failed: int })
		}),
		WebhookDelivery: obj({
			id: str,
			event: str,
			idempotencyKey: str,
			status: { enum: ['queued', 'delivered', 'failed'] },
			attempts: int,
			lastStatus: { type: ['integer', 'null'] },
			lastError: nullableStr,
			createdAt: str,
			nextAttemptAt: nullableStr,
			deliveredAt: nullableStr
		}),
		WebhookPayload: obj({
			event: { enum: [...WEBHOOK_EVENTS, WEBHOOK_TEST_EVENT] },
			idempotencyKey: {
				type: 'string',
				description: 'meetingId:seq for meeting events: the same on every retry; dedupe on it.'
			},
			occurredAt: str,
			meeting: {
				oneOf: [obj({ id: str, conferenceId: str, organizer: str }), { type: 'null' }]
			},
			data: {
				type: 'object',
				description:
					'What the event is about (docs/webhooks.md). Phone numbers are masked unless the tenant says NoMasking; never a PIN.'
			}
		}),
		LobbyExplained: obj({
			meetingId: str,
			conferenceId: str,
			status: { enum: ['waiting', 'in-progress', 'ended'] },
			at: int,
			lobby: { type: 'array', items: ref('WaitExplanation') }
		})
	}
};

function operationObject(op: Operation): object {
	const parameters: object[] = [];
	for (const name of op.path.match(/\{(\w+)\}/g) ?? []) {
		const key = name.slice(1, -1);
		parameters.push(key === 'identity' ? identity : { name: key, in: 'path', required: true, schema: str });
	}
	if (op.query) {
		for (const [name, field] of Object.entries(op.query.shape)) {
			parameters.push({ name, in: 'query', required: false, schema: jsonSchema(field as z.ZodType) });
		}
	}
	const statuses = [
		...op.errors,
		...(op.auth === 'none' ? [] : [401]),
		...(op.path === '/login' ? [429] : []),
		500,
		503
	];
	const responses: Record<string, object> = {
		[op.created ? '201' : '200']: {
			description: 'Done.',
			content: { 'application/json': { schema: typeof op.answer === 'string' ? ref(op.answer) : op.answer } }
		}
	};
	for (const status of statuses.sort()) {
		responses[String(status)] = {
			description: STATUS_TEXT[status] ?? 'An error.',
			content: { 'application/json': { schema: ref('Error') } }
		};
	}
	return {
		summary: op.summary,
		...(op.description ? { description: op.description } : {}),
		...(op.auth === 'none' ? { security: [] } : {}),
		...(op.admin ? { 'x-lobby-admin-only': true } : {}),
		...(parameters.length ? { parameters } : {}),
		...(op.body
			? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } }
			: {}),
		responses
	};
}

/** The whole document; the same every time for the same code. */
export function openApiDocument(): object {
	const paths: Record<string, Record<string, object>> = {};
	for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op);
	return {
		openapi: '3.1.0',
		info: {
			title: 'Lobby API',
			version: '1',
			description:
				'Automation for Lobby’s dial-in administration and live meetings, in the words of Microsoft’s cmdlets. Send a token as "Authorization: Bearer <token>"; get one with POST /login (lobby login) or from the admin center. Every call made with a token is audited under its owner. Errors are {"error":{"code","message"}}.'
		},
		servers: [{ url: '/api/v1' }],
		security: [{ bearer: [] }],
		paths,
		webhooks: webhookOperations(),
		components
	};
}

/**
 * The deliveries Lobby makes to registered endpoints (OpenAPI's `webhooks`): one POST per event,
 * signed, with its headers (docs/webhooks.md, "Checking a signature").
 */
function webhookOperations(): Record<string, object> {
	const header = (name: string, description: string) => ({
		name,
		in: 'header',
		required: true,
		description,
		schema: str
	});
	const parameters = [
		header(WEBHOOK_HEADERS.event, 'The event, as subscribed.'),
		header(WEBHOOK_HEADERS.delivery, 'The delivery: the same on every retry of it.'),
		header(WEBHOOK_HEADERS.idempotencyKey, 'meetingId:seq: the same for the same event; dedupe on it.'),
		header(WEBHOOK_HEADERS.timestamp, 'Unix seconds when this attempt was signed; refuse old ones.'),
		header(
			WEBHOOK_HEADERS.signature,
			'v1= and the hex HMAC-SHA256, keyed with the endpoint secret, of the timestamp, a dot and the body as received.'
		)
	];
	return Object.fromEntries(
		[...WEBHOOK_EVENTS, WEBHOOK_TEST_EVENT].map((event) => [
			event,
			{
				post: {
					summary: `${event}, delivered to each endpoint subscribed to it`,
					parameters,
					requestBody: {
						required: true,
						content: { 'application/json': { schema: ref('WebhookPayload') } }
					},
					responses: {
						'2XX': {
							description:
								'Delivered. Any other answer, or none within 10 s, is retried with backoff (six attempts).'
						}
					}
				}
			}
		])
	);
}
