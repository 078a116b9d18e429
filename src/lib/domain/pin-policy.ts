/**
 * The organization's leader PIN policy (S1, S13): PINs are digits, 4 to 12 long (5 by default), made
 * from a random source the caller passes in, and never trivial (as Webex refuses 1111 and 1234).
 */

/** S13: the shortest PIN length a tenant may set. */
export const PIN_LENGTH_MIN = 4;
/** S13: the longest PIN length a tenant may set. */
export const PIN_LENGTH_MAX = 12;
/** S13: Teams' default PIN length. */
export const PIN_LENGTH_DEFAULT = 5;

/** Why a PIN is refused. */
export type PinProblem = 'not-digits' | 'length' | 'repeated' | 'sequence' | 'pattern' | 'blocklisted';

/**
 * Well-known PINs people pick: keypad shapes and dates-like favourites. Runs, repeats and repeated
 * patterns are caught by rule, not listed.
 */
const BLOCKLIST = new Set([
	'2580',
	'0852',
	'1004',
	'2000',
	'1998',
	'1999',
	'6969',
	'5683',
	'0007',
	'1379',
	'1397',
	'7777',
	'8520'
]);

/** Whether `length` is a PIN length the policy allows (S13: 4 to 12). */
export function isValidPinLength(length: number): boolean {
	return Number.isInteger(length) && length >= PIN_LENGTH_MIN && length <= PIN_LENGTH_MAX;
}

/**
 * What is wrong with `pin`, or null when it may be used: one digit repeated (`11111`), an ascending
 * or descending run (`12345`, `98765`, also across 9-0 as on a keypad: `78901`), a short pattern
 * repeated (`121212`, `123123`), or a blocklisted favourite.
 */
export function pinProblem(pin: string): PinProblem | null {
	if (!/^\d+$/.test(pin)) return 'not-digits';
	if (!isValidPinLength(pin.length)) return 'length';
	const digits = [...pin].map(Number);
	if (digits.every((d) => d === digits[0])) return 'repeated';
	const steps = digits.slice(1).map((d, i) => (d - digits[i]! + 10) % 10);
	if (steps.every((s) => s === 1) || steps.every((s) => s === 9)) return 'sequence';
	for (let unit = 2; unit <= pin.length / 2; unit++) {
		if (pin.length % unit === 0 && pin === pin.slice(0, unit).repeat(pin.length / unit)) return 'pattern';
	}
	if (BLOCKLIST.has(pin)) return 'blocklisted';
	return null;
}

/**
 * Makes a leader PIN of `length` digits from `randomDigit` (a uniform digit 0-9 from a
 * cryptographic source, passed in so the domain stays pure), drawing again while it is trivial.
 * Throws RangeError for a length outside 4-12.
 */
export function generateLeaderPin(length: number, randomDigit: () => number): string {
	if (!isValidPinLength(length)) {
		throw new RangeError(
			`A PIN length must be a whole number from ${PIN_LENGTH_MIN} to ${PIN_LENGTH_MAX}; got ${length}.`
		);
	}
	for (let attempt = 0; attempt < 1000; attempt++) {
		let pin = '';
		for (let i = 0; i < length; i++) pin += String(randomDigit());
		if (pinProblem(pin) === null) return pin;
	}
	throw new Error('The random source kept producing trivial PINs; it is not random.');
}
