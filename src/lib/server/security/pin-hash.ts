import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Pin } from './pin';

/**
 * Leader PINs are stored only as salted hashes from a memory-hard password-hashing function (S8):
 * scrypt with a 16-byte random salt, encoded as `scrypt$N$r$p$salt$hash` (base64url), so the cost can
 * be raised later without invalidating stored PINs.
 */
const COST = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(pin: Pin, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		scrypt(pin.reveal(), salt, KEY_LENGTH, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) =>
			error ? reject(error) : resolve(key)
		);
	});
}

/** Hashes a PIN with a fresh salt. */
export async function hashPin(pin: Pin): Promise<string> {
	const salt = randomBytes(16);
	const key = await derive(pin, salt, COST);
	return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `pin` matches `encoded`, compared in constant time; false for a malformed hash. */
export async function verifyPin(pin: Pin, encoded: string): Promise<boolean> {
	const parts = encoded.split('$');
	if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
	const [N, r, p] = parts.slice(1, 4).map(Number);
	if (!N || !r || !p) return false;
	const salt = Buffer.from(parts[4] ?? '', 'base64url');
	const expected = Buffer.from(parts[5] ?? '', 'base64url');
	if (expected.length !== KEY_LENGTH) return false;
	const actual = await derive(pin, salt, { N, r, p });
	return timingSafeEqual(actual, expected);
}
