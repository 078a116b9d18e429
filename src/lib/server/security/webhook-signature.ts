/**
 * How a webhook delivery is signed, and how a receiver checks it (docs/webhooks.md): the header
 * `Lobby-Signature: v1=HEX`, where HEX is the HMAC-SHA256, keyed with the endpoint's secret, of the
 * `Lobby-Timestamp` header's value, a dot, and the body exactly as received. A receiver compares in
 * constant time and refuses timestamps older than a few minutes, so a captured delivery cannot be
 * replayed later.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new endpoint secret: `whsec_` and 32 random bytes in base64url. */
export function newWebhookSecret(): string {
	return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The `Lobby-Signature` value for `body` signed at `timestamp` (Unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
	return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Whether `signature` is `body`'s at `timestamp`, and the timestamp within `toleranceS` of `nowS`:
 * what a receiver runs. Constant-time in the signature.
 */
export function verifyWebhook(
	secret: string,
	timestamp: string,
	body: string,
	signature: string,
	nowS: number,
	toleranceS = 300
): boolean {
	const t = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
	if (!Number.isFinite(t) || Math.abs(nowS - t) > toleranceS) return false;
	const expected = Buffer.from(signWebhook(secret, t, body));
	const given = Buffer.from(signature);
	return given.length === expected.length && timingSafeEqual(given, expected);
}
