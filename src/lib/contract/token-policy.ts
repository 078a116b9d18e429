/**
 * How long an API token lives: one rule for the admin center's Tokens page, `POST /api/v1/tokens`,
 * `POST /api/v1/login` (`lobby login`) and `lobby token new`, checked by the token service and shown
 * by the page and the command. A token always expires: a forgotten one stops working by itself.
 */

/** Days a token lasts when its maker names no expiry. */
export const TOKEN_EXPIRY_DAYS_DEFAULT = 30;

/** The longest a token may be made to last, in days. */
export const TOKEN_EXPIRY_DAYS_MAX = 365;

/** The sentence every door answers with for an expiry out of range. */
export const TOKEN_EXPIRY_RULE = `expiresInDays must be a whole number from 1 to ${TOKEN_EXPIRY_DAYS_MAX} (default ${TOKEN_EXPIRY_DAYS_DEFAULT}).`;
