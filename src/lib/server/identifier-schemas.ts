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

/** Control and format characters, and the line and paragraph separators: never part of a name. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\u2028\u2029]/u;

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
		(value) => !UNPRINTABLE.test(value),
		'identity must be printable text (a user id, a sign-in address or an alias), without control characters'
	);

/** A conference ID (S1): digits only. The server issues 7; up to 20 are accepted. */
export const conferenceIdSchema = z
	.string({ error: 'conferenceId must be a string of digits' })
	.regex(/^\d{1,20}$/, 'conferenceId must be 1 to 20 digits');
