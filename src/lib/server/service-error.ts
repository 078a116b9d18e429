/**
 * The one error a service throws to refuse a request: a stable `code` every edge relies on, the
 * HTTP `status` that code means, and a `message` written for the person who asked. The edges
 * (socket acknowledgements, the JSON API, form actions) turn it into their answers in
 * `edge-errors.ts`; anything else thrown is a server fault, logged and answered without details.
 *
 * Recognise it with `isServiceError`, never `instanceof`: production runs the pages
 * (`build/handler.js`) and the Socket.IO server (`build/server.js`) as two bundles, each with its
 * own copy of this class, and the services are built by the server's. An `instanceof` in a page
 * passes in dev and in Vitest (one module graph) and fails only in production. The brand below is
 * a `Symbol.for` key, which every copy of this module shares.
 */

import type { MeetingRejectionCode } from '$lib/domain';

/** Every refusal code a service uses, with the HTTP status it stands for. */
export const SERVICE_ERROR_STATUS = {
	'bad-request': 400,
	/** A socket event that no handler takes (the socket contract names every event). */
	'unknown-event': 400,
	/** Nobody is signed in (or the token proves nothing): the API calls it `unauthorized`. */
	unauthenticated: 401,
	forbidden: 403,
	'not-found': 404,
	/** The request does not fit the current state (already enabled, no free ID left). */
	conflict: 409,
	/** The database did not accept the change; trying again later may work. */
	unavailable: 503,
	/** Too many requests from one client in a short time. */
	'rate-limited': 429,

	// The call flow's refusals, which the socket contract names one by one (contract/events.ts).
	/** The connection or id has no call. */
	'no-call': 404,
	/** The call is over; a new one must be dialled. */
	'call-ended': 409,
	/** A resume token that does not match its call. */
	'invalid-token': 403,
	/** The meeting refused the command (domain/meeting.ts, `MeetingRejectionCode`). */
	'meeting-not-open': 409,
	'meeting-already-open': 409,
	'meeting-ended': 409,
	'meeting-full': 409,
	'meeting-locked': 409,
	'already-joined': 409,
	'not-in-meeting': 409,
	'not-in-lobby': 409,
	'not-leader': 403,
	'not-organizer': 403,
	'unknown-keypad-command': 400,
	'lobby-empty': 409,
	'invalid-settings': 400
} as const satisfies Record<string, number> & Record<MeetingRejectionCode, number>;

export type ServiceErrorCode = keyof typeof SERVICE_ERROR_STATUS;
export type ServiceErrorStatus = (typeof SERVICE_ERROR_STATUS)[ServiceErrorCode];

/** Shared by every copy of this module in the process, whichever bundle loaded it. */
const BRAND = Symbol.for('lobby.service-error');

/** A refusal with a stable code; see the module comment for how to recognise it. */
export class ServiceError extends Error {
	readonly code: ServiceErrorCode;
	readonly status: ServiceErrorStatus;

	constructor(code: ServiceErrorCode, message: string, options?: ErrorOptions) {
		super(message, options);
		this.name = 'ServiceError';
		this.code = code;
		this.status = SERVICE_ERROR_STATUS[code];
		Object.defineProperty(this, BRAND, { value: true });
	}
}

/**
 * Whether `error` is a ServiceError from any copy of this module: it carries the brand and a code
 * this build knows. The one guard for service errors.
 */
export function isServiceError(error: unknown): error is ServiceError {
	if (typeof error !== 'object' || error === null) return false;
	const candidate = error as { code?: unknown; message?: unknown };
	return (
		(error as Record<symbol, unknown>)[BRAND] === true &&
		typeof candidate.code === 'string' &&
		Object.hasOwn(SERVICE_ERROR_STATUS, candidate.code) &&
		typeof candidate.message === 'string'
	);
}

/** postgres.js's own codes for a connection that could not be made or was lost. */
const CONNECTION_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'CONNECT_TIMEOUT',
	'CONNECTION_CLOSED',
	'CONNECTION_ENDED',
	'CONNECTION_DESTROYED'
]);

/**
 * SQLSTATEs that mean "not now" rather than "wrong": connection exceptions (class 08), the server
 * shutting down or starting (57P01-57P03), a statement timeout (57014), insufficient resources such
 * as a full disk (class 53).
 */
function isTransientSqlState(code: string): boolean {
	return /^(08|53)[0-9A-Z]{3}$/.test(code) || ['57P01', '57P02', '57P03', '57014'].includes(code);
}

/** What a person is told when the database cannot take their request (the edges, and scenario runs). */
export const DATABASE_UNREACHABLE = 'The database is not reachable right now; try again shortly.';

/**
 * Whether `error` (or what caused it) says the database cannot be reached or cannot take work right
 * now: the request may be tried again, and the edge answers `unavailable` instead of a server fault.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
	if (typeof error !== 'object' || error === null || depth > 5) return false;
	const { code, cause } = error as { code?: unknown; cause?: unknown };
	if (typeof code === 'string' && (CONNECTION_CODES.has(code) || isTransientSqlState(code))) return true;
	return isDatabaseUnavailable(cause, depth + 1);
}
