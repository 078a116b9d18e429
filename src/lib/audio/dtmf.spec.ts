import { describe, expect, it } from 'vitest';
import {
	DTMF_COLUMN_HZ,
	DTMF_KEYS,
	DTMF_ROW_HZ,
	dtmfFrequencies,
	isDtmfKey,
	synthDtmf,
	type DtmfKey
} from './dtmf';

/**
 * Goertzel detector, kept here rather than in the module: it is the spec's independent ear. Returns the
 * amplitude of the `freq` component of `samples` (a full-scale sine of amplitude A over the whole window
 * reads about A), evaluated at the exact frequency rather than the nearest DFT bin.
 */
function goertzel(samples: Float32Array, freq: number, sampleRate: number): number {
	const w = (2 * Math.PI * freq) / sampleRate;
	const coefficient = 2 * Math.cos(w);
	let s1 = 0;
	let s2 = 0;
	for (const x of samples) {
		const s0 = x + coefficient * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	const real = s1 - s2 * Math.cos(w);
	const imaginary = s2 * Math.sin(w);
	return (2 * Math.hypot(real, imaginary)) / samples.length;
}

const ALL_HZ: readonly number[] = [...DTMF_ROW_HZ, ...DTMF_COLUMN_HZ];

const EXPECTED: Record<DtmfKey, [number, number]> = {
	'1': [697, 1209],
	'2': [697, 1336],
	'3': [697, 1477],
	A: [697, 1633],
	'4': [770, 1209],
	'5': [770, 1336],
	'6': [770, 1477],
	B: [770, 1633],
	'7': [852, 1209],
	'8': [852, 1336],
	'9': [852, 1477],
	C: [852, 1633],
	'*': [941, 1209],
	'0': [941, 1336],
	'#': [941, 1477],
	D: [941, 1633]
};

describe('the DTMF table', () => {
	it('has the sixteen keys of the standard keypad', () => {
		expect([...DTMF_KEYS].sort()).toEqual(Object.keys(EXPECTED).sort());
	});

	it.each(Object.entries(EXPECTED))('%s is %j', (key, pair) => {
		expect(isDtmfKey(key)).toBe(true);
		expect(dtmfFrequencies(key as DtmfKey)).toEqual(pair);
	});

	it('refuses anything else', () => {
		expect(isDtmfKey('E')).toBe(false);
		expect(isDtmfKey('a')).toBe(false);
		expect(isDtmfKey('12')).toBe(false);
		expect(() => dtmfFrequencies('E' as DtmfKey)).toThrow(RangeError);
	});
});

describe.each([8000, 22050, 44100])('synthDtmf at %i Hz', (sampleRate) => {
	it.each(DTMF_KEYS.map((key) => [key]))('key %s carries its two tones and none of the other six', (key) => {
		const samples = synthDtmf(key, { sampleRate });
		const [low, high] = EXPECTED[key];
		const levels = new Map(ALL_HZ.map((hz) => [hz, goertzel(samples, hz, sampleRate)]));
		const lowLevel = levels.get(low) ?? 0;
		const highLevel = levels.get(high) ?? 0;
		// Two equal sines of 0.25 each; the 5 ms ramps take a little off the average.
		expect(lowLevel).toBeGreaterThan(0.2);
		expect(highLevel).toBeGreaterThan(0.2);
		expect(Math.abs(20 * Math.log10(lowLevel / highLevel))).toBeLessThan(1); // no twist
		for (const hz of ALL_HZ.filter((f) => f !== low && f !== high)) {
			expect(levels.get(hz) ?? 0, `${hz} Hz in key ${key}`).toBeLessThan(Math.min(lowLevel, highLevel) / 10);
		}
	});
});

describe('synthDtmf', () => {
	it('lasts 180 ms by default, or as asked', () => {
		expect(synthDtmf('5', { sampleRate: 8000 })).toHaveLength(1440);
		expect(synthDtmf('5', { sampleRate: 8000, durationMs: 100 })).toHaveLength(800);
	});

	it('peaks at about 0.5 and fades in and out without a click', () => {
		const samples = synthDtmf('9', { sampleRate: 22050 });
		const peak = samples.reduce((max, x) => Math.max(max, Math.abs(x)), 0);
		expect(peak).toBeGreaterThan(0.49);
		expect(peak).toBeLessThanOrEqual(0.5 + 1e-6);
		expect(Math.abs(samples[0] ?? 1)).toBeLessThan(1e-3);
		expect(Math.abs(samples.at(-1) ?? 1)).toBeLessThan(1e-3);
		// Within the first and last millisecond the level is still well below the peak.
		const ms = 22;
		expect(Math.max(...Array.from(samples.subarray(0, ms), Math.abs))).toBeLessThan(0.1);
		expect(Math.max(...Array.from(samples.subarray(-ms), Math.abs))).toBeLessThan(0.1);
	});

	it('refuses a bad sample rate or duration', () => {
		expect(() => synthDtmf('1', { sampleRate: 0 })).toThrow(RangeError);
		expect(() => synthDtmf('1', { sampleRate: 8000, durationMs: 0 })).toThrow(RangeError);
	});
});
