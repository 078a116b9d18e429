import { describe, expect, it } from 'vitest';
import {
	generateLeaderPin,
	isPinOfAllowedLength,
	isValidPinLength,
	PIN_DIGITS_PATTERN,
	PIN_DIGITS_TEXT,
	pinPeriod,
	pinProblem,
	PIN_LENGTH_DEFAULT,
	PIN_LENGTH_MAX,
	PIN_LENGTH_MIN
} from './pin-policy';

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

/**
 * The spec's own reading of "a repeated pattern", written apart from the policy's: `pin` is the
 * start of a block repeated over and over, where the block is at most half the PIN (rounded up), so
 * that its copy fills at least the other half.
 */
function repeatsAShorterBlock(pin: string): boolean {
	for (let p = 1; p <= Math.ceil(pin.length / 2); p++) {
		const block = pin.slice(0, p);
		if (block.repeat(Math.ceil(pin.length / p)).slice(0, pin.length) === pin) return true;
	}
	return false;
}

/** A small seeded generator (mulberry32), so a failing draw can be replayed from its seed. */
function seededDigits(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * 10);
	};
}

const LENGTHS = Array.from({ length: PIN_LENGTH_MAX - PIN_LENGTH_MIN + 1 }, (_, i) => PIN_LENGTH_MIN + i);
const ODD_LENGTHS = LENGTHS.filter((n) => n % 2 === 1);

describe('a PIN that repeats a shorter block, whole or in part, is trivial', () => {
	it.each(['02020', '64646'])(
		'given the PIN %s seen in a review of 3,000 resets, when it is checked, then it is refused as a pattern',
		(pin) => {
			expect(pinProblem(pin)).toBe('pattern');
		}
	);

	it.each(LENGTHS)(
		'given length %i, when two digits take turns, then the PIN is refused as a pattern',
		(length) => {
			for (const [a, b] of [
				['0', '2'],
				['6', '4'],
				['9', '0'],
				['4', '5']
			] as const) {
				const pin = (a + b).repeat(length).slice(0, length);
				expect(pinProblem(pin), pin).toBe('pattern');
				expect(pinPeriod(pin), pin).toBe(2);
			}
		}
	);

	it.each(ODD_LENGTHS)(
		'given odd length %i, when a block of three repeats to fill it, whole or in part, then the PIN is refused as a pattern',
		(length) => {
			const pin = '384'.repeat(length).slice(0, length);
			expect(pinProblem(pin), pin).toBe('pattern');
		}
	);

	it.each([
		['12312', 3],
		['4545', 2],
		['9090909', 2],
		['573957395', 4],
		['82908290829', 4],
		['740527405', 5]
	])('given %s, when it is checked, then its period is %i and it is refused as a pattern', (pin, period) => {
		expect(pinPeriod(pin)).toBe(period);
		expect(pinProblem(pin)).toBe('pattern');
	});

	it.each(['48213', '73914', '5081', '902746183', '6025813', '31740968257'])(
		'given %s, whose period is its length, when it is checked, then it is accepted',
		(pin) => {
			expect(pinPeriod(pin)).toBe(pin.length);
			expect(pinProblem(pin)).toBeNull();
		}
	);

	it.each([
		['48214', 4],
		['482148', 4],
		['740521740', 6],
		['5085', 3]
	])(
		'given %s, which only ends with digits it starts with (period %i, over half its length), when it is checked, then it is accepted',
		(pin, period) => {
			expect(pinPeriod(pin)).toBe(period);
			expect(pinProblem(pin)).toBeNull();
		}
	);

	it.each([4, 5])(
		'given every PIN of length %i, when each is checked, then exactly those repeating a shorter block are refused for it',
		(length) => {
			const disagreements: string[] = [];
			for (let n = 0; n < 10 ** length; n++) {
				const pin = String(n).padStart(length, '0');
				const problem = pinProblem(pin);
				if ((problem === 'repeated' || problem === 'pattern') !== repeatsAShorterBlock(pin))
					disagreements.push(pin);
			}
			expect(disagreements).toEqual([]);
		}
	);
});

describe('generated leader PINs never repeat a shorter block', () => {
	const DRAWS = 2_000;

	it.each(LENGTHS)(
		'given length %i and a seeded digit source, when 2,000 PINs are generated, then none repeats a block over half of it, and each needs few draws',
		(length) => {
			const source = seededDigits(1_000 + length);
			let digitsDrawn = 0;
			const counted = () => {
				digitsDrawn++;
				return source();
			};
			let mostDraws = 0;
			for (let i = 0; i < DRAWS; i++) {
				const before = digitsDrawn;
				const pin = generateLeaderPin(length, counted);
				mostDraws = Math.max(mostDraws, (digitsDrawn - before) / length);
				expect(pin).toMatch(new RegExp(`^\\d{${length}}$`));
				expect(repeatsAShorterBlock(pin), pin).toBe(false);
				expect(pinPeriod(pin), pin).toBeGreaterThan(Math.ceil(length / 2));
			}
			// Few draws are refused (runs, repeats, patterns, the blocklist): about 1.02 draws a PIN.
			expect(digitsDrawn / length / DRAWS).toBeLessThan(1.1);
			expect(mostDraws).toBeLessThanOrEqual(8);
		}
	);
});

describe('the digits of a PIN (S13), as forms and checks see them', () => {
	it('is 4 to 12 digits, nothing else', () => {
		expect(['1234', '123456789012', '123', '1234567890123', '12a45', ''].map(isPinOfAllowedLength)).toEqual([
			true,
			true,
			false,
			false,
			false,
			false
		]);
		expect(new RegExp(`^${PIN_DIGITS_PATTERN}$`).test('48213')).toBe(true);
		expect(PIN_DIGITS_TEXT).toBe('4 to 12 digits');
	});
});
