/**
 * The formats of the identifiers clients send, checked at the edge (the Socket.IO handlers and the
 * HTTP API) before any service or the database sees them. An identifier that breaks its format is a
 * bad request with a message saying what the format is; a well-formed one that names nothing is not
 * found. Without them a NUL byte in an id reached the database, which refused the text, and the
 * client got an internal error.
 */
import { z } from 'zod';

/** Letters, digits, `-` and `_`, 1 to 64 of them. */
const GENERATED_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A meeting id. The server makes them with `randomIds` (a UUID, `3f2c9a1e-…`) and a simulation run
 * with `createRunIds` (`m1`, `m2`, …); both are letters, digits and `-`, and `_` is allowed too, as
 * in the other ids the server makes (`call_…`, `client_…`).
 */
export const meetingIdSchema = z
	.string({ error: 'meetingId must be a string' })
	.regex(GENERATED_ID, "meetingId must be 1 to 64 letters, digits, - or _ (such as a meeting's UUID)");

/** A participant id as the server makes them (`call_…`, `client_…`; `p1`, … in a simulation). */
export const participantIdSchema = z
	.string({ error: 'participantId must be a string' })
	.regex(
		GENERATED_ID,
		"participantId must be 1 to 64 letters, digits, - or _ (a caller's id, as the meeting view shows it)"
	);

/** Control and format characters, and the line and paragraph separators: never part of a name. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\u2028\u2029]/u;

/** Whether `value` is printable text: no control, format or private-use character, no lone surrogate. */
export function isPrintable(value: string): boolean {
	return !UNPRINTABLE.test(value);
}

/** The longest email address SMTP allows (RFC 5321), and so the longest sign-in address. */
export const IDENTITY_MAX_LENGTH = 254;

/**
 * An `-Identity` (S15, S16): a user's id, sign-in address (`amos.marble@contoso.com`) or alias
 * (`amos.marble`). Printable text of at most 254 characters; the directory decides whether it
 * names anyone.
 */
export const identitySchema = z
	.string({ error: 'identity must be a string' })
	.min(1, 'identity must not be empty')
	.max(IDENTITY_MAX_LENGTH, `identity must be at most ${IDENTITY_MAX_LENGTH} characters`)
	.refine(
		isPrintable,
		'identity must be printable text (a user id, a sign-in address or an alias), without control characters'
	);

/** A conference ID (S1): digits only. The server issues 7; up to 20 are accepted. */
export const conferenceIdSchema = z
	.string({ error: 'conferenceId must be a string of digits' })
	.regex(/^\d{1,20}$/, 'conferenceId must be 1 to 20 digits');

/**
 * Free text a client types (a token's name, a search, a filter, a file name): printable, at most
 * `max` characters. PostgreSQL refuses a NUL in text and JSON, so without this check such a byte
 * turned a request into an internal error (and an audit entry into none).
 */
export function printableText(field: string, max: number, options: { required?: boolean } = {}) {
	const text = z.string({ error: `${field} must be a string` }).trim();
	return (options.required ? text.min(1, `${field} is required`) : text)
		.max(max, `${field} must be at most ${max} characters`)
		.refine(isPrintable, `${field} must be printable text, without control characters`);
}

/** An API token's id as the server makes them (`tok_…`), or `current` for the token in use. */
export const tokenIdSchema = z
	.string({ error: 'id must be a string' })
	.regex(GENERATED_ID, "id must be 1 to 64 letters, digits, - or _ (a token's id, such as tok_…)");

/** A webhook's id as the server makes them (a UUID). */
export const webhookIdSchema = z
	.string({ error: 'id must be a string' })
	.regex(GENERATED_ID, "id must be 1 to 64 letters, digits, - or _ (a webhook's id, from Get-LobbyWebhook)");

/** Whether `text` may be stored as it is: no NUL (PostgreSQL refuses it) and no lone surrogate. */
export function storableText(text: string): string {
	// eslint-disable-next-line no-control-regex -- replacing the one character PostgreSQL refuses
	return text.toWellFormed().replace(/\u0000/g, '\uFFFD');
}
