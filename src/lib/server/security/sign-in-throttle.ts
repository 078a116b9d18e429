import { TokenBucket } from '../realtime/rate-limit';

/**
 * Password guessing is slowed per address, whichever door it comes through (the sign-in page or
 * `lobby login`): 5 attempts at once, then one every 12 seconds.
 */
const attempts = new Map<string, TokenBucket>();

/** Whether one more sign-in attempt for `email` may be checked now. */
export function signInAllowed(email: string): boolean {
	const key = email.trim().toLowerCase();
	let bucket = attempts.get(key);
	if (!bucket) {
		if (attempts.size > 10_000) attempts.clear();
		attempts.set(key, (bucket = new TokenBucket(5, 1 / 12)));
	}
	return bucket.take();
}
