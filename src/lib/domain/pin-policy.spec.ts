import { describe, expect, it } from 'vitest';
import { generateLeaderPin, isValidPinLength, pinProblem, PIN_LENGTH_DEFAULT } from './pin-policy';

describe('S13: PIN length', () => {
	it('is 4 to 12 digits, 5 by default', () => {
		expect(PIN_LENGTH_DEFAULT).toBe(5);
		expect([3, 4, 5, 12, 13, 4.5].map(isValidPinLength)).toEqual([false, true, true, true, false, false]);
	});
});

describe('trivial PINs are refused, as Webex does', () => {
	it.each([
		['11111', 'repeated'],
		['0000', 'repeated'],
		['12345', 'sequence'],
		['98765', 'sequence'],
		['78901', 'sequence'],
		['121212', 'pattern'],
		['123123', 'pattern'],
		['2580', 'blocklisted'],
		['12a45', 'not-digits'],
		['123', 'length'],
		['1234567890123', 'length']
	])('%s is refused (%s)', (pin, problem) => {
		expect(pinProblem(pin)).toBe(problem);
	});

	it.each(['48213', '73914', '5081', '902746183'])('%s is accepted', (pin) => {
		expect(pinProblem(pin)).toBeNull();
	});
});

describe('generating a leader PIN', () => {
	/** A deterministic digit source replaying `digits`, then repeating its last digit. */
	const replay = (digits: string) => {
		let i = 0;
		return () => Number(digits[Math.min(i++, digits.length - 1)]);
	};

	it('gives the tenant length in digits (S13)', () => {
		const pin = generateLeaderPin(7, replay('4821395'));
		expect(pin).toBe('4821395');
	});

	it('draws again while the PIN is trivial', () => {
		// First draw 11111 (repeated), second 12345 (run), third is fine.
		expect(generateLeaderPin(5, replay('111111234548213'))).toBe('48213');
	});

	it('refuses a length outside 4-12 with a message naming the range', () => {
		expect(() => generateLeaderPin(13, () => 1)).toThrow(/from 4 to 12; got 13/);
		expect(() => generateLeaderPin(3, () => 1)).toThrow(RangeError);
	});

	it('gives up on a source that is not random instead of looping forever', () => {
		expect(() => generateLeaderPin(5, () => 7)).toThrow(/not random/);
	});
});
