/**
 * What each edge answers when a request fails: one mapping per kind of edge, all from the one
 * ServiceError (`service-error.ts`). A ServiceError becomes the edge's refusal with the same code
 * and message; anything else is a fault of the server, written to the log and answered with a
 * sentence that reveals nothing.
 *
 * - Socket.IO acknowledgements: `toAck`.
 * - The JSON API under `/api/v1`: `toJsonResponse` (and `errorResponse` for answers built by hand).
 * - Form actions and page loads: `toFormFailure` and `readOrRefuse`. Anything else is rethrown, and
 *   SvelteKit's `handleError` (hooks.server.ts) logs it and answers a generic 500.
 *
 * Errors are recognised with `isServiceError`, never `instanceof` (see `service-error.ts`).
 */
import { error as pageError, fail, json } from '@sveltejs/kit';
import type { ErrorCode, Response as Ack } from '$lib/contract/events';
import { log } from './log';
import type { Runtime } from './runtime';
import { SYSTEM_ACTOR } from './services/access';
import {
	DATABASE_UNREACHABLE,
	isDatabaseUnavailable,
	isServiceError,
	type ServiceErrorCode,
	type ServiceErrorStatus
} from './service-error';

// Socket.IO acknowledgements

/**
 * The socket contract's code for a refusal: its own code, which the contract names one by one. It
 * has no `conflict`: like the call flow's own refusals of a state, that is a bad request there.
 */
function ackCode(code: ServiceErrorCode): ErrorCode {
	return code === 'conflict' ? 'bad-request' : code;
}

/** A failed acknowledgement. */
export function ackFailure(code: ErrorCode, message: string): Ack {
	return { ok: false, error: { code, message } };
}

/** A socket handler's failure as its acknowledgement. */
export function toAck(error: unknown): Ack {
	if (isServiceError(error)) return ackFailure(ackCode(error.code), error.message);
	if (isDatabaseUnavailable(error)) {
		return ackFailure('unavailable', DATABASE_UNREACHABLE);
	}
	log.error('A socket handler failed', error);
	return ackFailure('internal', 'Something went wrong on the server; the error was logged. Try again.');
}

// The JSON API

/** The error codes an API client can rely on, with their HTTP statuses. */
export const API_ERRORS = {
	'bad-request': 400,
	unauthorized: 401,
	forbidden: 403,
	'not-found': 404,
	/** The endpoint exists but takes other methods (the `Allow` header names them). */
	'method-not-allowed': 405,
	conflict: 409,
	'too-many-requests': 429,
	internal: 500,
	unavailable: 503
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

/**
 * The API's code for each refusal, by its status: the API names kinds of refusal, not each one,
 * and says `unauthorized` where the services say `unauthenticated`.
 */
const API_CODES: Record<ServiceErrorStatus, ApiErrorCode> = {
	400: 'bad-request',
	401: 'unauthorized',
	403: 'forbidden',
	404: 'not-found',
	409: 'conflict',
	429: 'too-many-requests',
	503: 'unavailable'
};

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="lobby"' };
const RETRY_LATER = { 'Retry-After': '5' };

/** The JSON body of an error answer: `{ "error": { "code", "message" } }` with the code's status. */
export function errorResponse(code: ApiErrorCode, message: string, headers: HeadersInit = {}): Response {
	return json({ error: { code, message } }, { status: API_ERRORS[code], headers });
}

/**
 * An API handler's failure as its JSON answer. A fault while the database is down is a 503 to try
 * again; any other fault is logged and answered as a 500 without details.
 */
export async function toJsonResponse(error: unknown, runtime: Runtime): Promise<Response> {
	if (isServiceError(error)) {
		const code = API_CODES[error.status];
		const headers = code === 'unauthorized' ? CHALLENGE : code === 'unavailable' ? RETRY_LATER : {};
		return errorResponse(code, error.message, headers);
	}
	// A database error that says so itself needs no ping to confirm it.
	if (isDatabaseUnavailable(error)) return errorResponse('unavailable', DATABASE_UNREACHABLE, RETRY_LATER);
	const health = await runtime.services.status
		.health(SYSTEM_ACTOR)
		.catch(() => ({ status: 'unavailable' as const }));
	if (health.status !== 'ok') {
		return errorResponse('unavailable', DATABASE_UNREACHABLE, RETRY_LATER);
	}
	log.error('an API request failed', error);
	return errorResponse('internal', 'Something went wrong on the server; the details are in its log.');
}

// Form actions and page loads

/**
 * A form action's failure as the form's answer: a refusal is `fail(status, { problem })` for the
 * page to show; anything else is rethrown, for `handleError` to log and answer as a 500.
 */
export function toFormFailure(error: unknown) {
	if (isServiceError(error)) return fail(error.status, { problem: error.message });
	throw error;
}

/**
 * Runs a page's read through the services; a refusal becomes the page's 403 (or 404), never a
 * server error. Anything else is rethrown, for `handleError`.
 */
export async function readOrRefuse<T>(read: () => Promise<T>): Promise<T> {
	try {
		return await read();
	} catch (e) {
		if (isServiceError(e)) pageError(e.status, e.message);
		throw e;
	}
}
