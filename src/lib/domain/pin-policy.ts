/**
 * The organization's leader PIN policy (S1, S13): PINs are digits, 4 to 12 long (5 by default), made
 * from a random source the caller passes in, and never trivial (as Webex refuses 1111 and 1234).
 */
import {
	isTenantSettingInRange,
	PIN_LENGTH_MAX,
	PIN_LENGTH_MIN,
	tenantSettingProblem
} from './tenant-settings';

export { PIN_LENGTH_DEFAULT, PIN_LENGTH_MAX, PIN_LENGTH_MIN } from './tenant-settings';

/** S13: a PIN's digits as a pattern, for forms and checks: `\d{4,12}`. */
export const PIN_DIGITS_PATTERN = `\\d{${PIN_LENGTH_MIN},${PIN_LENGTH_MAX}}`;

/** S13: how many digits a PIN has, as messages say it: `4 to 12 digits`. */
export const PIN_DIGITS_TEXT = `${PIN_LENGTH_MIN} to ${PIN_LENGTH_MAX} digits`;

/** Whether `pin` is digits only, 4 to 12 of them (S13); whether it is a good PIN is `pinProblem`'s question. */
export function isPinOfAllowedLength(pin: string): boolean {
	return /^\d+$/.test(pin) && isValidPinLength(pin.length);
}

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
	return isTenantSettingInRange('pinLength', length);
}

/**
 * The shortest period of `pin`: the least `p` such that every digit equals the one `p` places before
 * it, so that `pin` is the start of a block of `p` digits repeated over and over (`02020` is `02`
 * repeated, period 2; `12312` is `123` repeated, period 3). A PIN with no shorter period has period
 * `pin.length`.
 */
export function pinPeriod(pin: string): number {
	for (let p = 1; p < pin.length; p++) {
		if (pin.slice(p) === pin.slice(0, pin.length - p)) return p;
	}
	return pin.length;
}

/** Whether a PIN of `length` digits with this period repeats its block over at least half of itself. */
function isPattern(period: number, length: number): boolean {
	return period <= Math.ceil(length / 2);
}

/**
 * What is wrong with `pin`, or null when it may be used (README, "Dial-in administration": new PINs
 * are never trivial; Webex likewise refuses 1111 and 1234):
 *
 * - `repeated`: one digit throughout (`11111`), period 1;
 * - `sequence`: an ascending or descending run (`12345`, `98765`, also across 9-0 as on a keypad:
 *   `78901`);
 * - `pattern`: a block repeated, whole or in part, so that the copy fills at least half of the PIN:
 *   `pinPeriod(pin)` is at most half the length, rounded up. That covers two digits taking turns at
 *   any length (`4545`, `02020`, `9090909`) and longer blocks (`123123`, `12312`, `384384384`); a PIN
 *   that merely ends with a digit or two it starts with (`48214`, `482148`) is not a pattern;
 * - `blocklisted`: a well-known favourite.
 */
export function pinProblem(pin: string): PinProblem | null {
	if (!/^\d+$/.test(pin)) return 'not-digits';
	if (!isValidPinLength(pin.length)) return 'length';
	const digits = [...pin].map(Number);
	const period = pinPeriod(pin);
	if (period === 1) return 'repeated';
	const steps = digits.slice(1).map((d, i) => (d - digits[i]! + 10) % 10);
	if (steps.every((s) => s === 1) || steps.every((s) => s === 9)) return 'sequence';
	if (isPattern(period, pin.length)) return 'pattern';
	if (BLOCKLIST.has(pin)) return 'blocklisted';
	return null;
}

/**
 * Makes a leader PIN of `length` digits from `randomDigit` (a uniform digit 0-9 from a
 * cryptographic source, passed in so the domain stays pure), drawing again while `pinProblem` finds
 * it trivial. About one draw in nine is refused at any length from 4 to 12, so a random
 * source needs a second draw now and then and practically never a tenth. Throws RangeError for a
 * length outside 4-12.
 */
export function generateLeaderPin(length: number, randomDigit: () => number): string {
	if (!isValidPinLength(length)) {
		throw new RangeError(tenantSettingProblem('pinLength', length) ?? undefined);
	}
	for (let attempt = 0; attempt < 1000; attempt++) {
		let pin = '';
		for (let i = 0; i < length; i++) pin += String(randomDigit());
		if (pinProblem(pin) === null) return pin;
	}
	throw new Error('The random source kept producing trivial PINs; it is not random.');
}
