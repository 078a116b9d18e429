/**
 * DTMF (touch-tone) keypad sounds, so a simulated caller can be heard keying a conference ID or PIN.
 * The frequencies are the ITU-T Q.23 standard; the waveform is computed here, never sampled.
 */
import { addNote, checkSampleRate, msToSamples, normalize } from './synth';

/** The sixteen DTMF keys: digits, star, pound, and the A-D column phones rarely have. */
export type DtmfKey =
	'0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

/** Low (row) group, Hz: one of these sounds in every key. */
export const DTMF_ROW_HZ = Object.freeze([697, 770, 852, 941] as const);

/** High (column) group, Hz: one of these sounds in every key. */
export const DTMF_COLUMN_HZ = Object.freeze([1209, 1336, 1477, 1633] as const);

/** The keypad laid out as the standard shows it: rows by low tone, columns by high tone. */
const KEYPAD: readonly (readonly DtmfKey[])[] = [
	['1', '2', '3', 'A'],
	['4', '5', '6', 'B'],
	['7', '8', '9', 'C'],
	['*', '0', '#', 'D']
];

/** Every key in keypad order, for pickers and exhaustive specs. */
export const DTMF_KEYS: readonly DtmfKey[] = Object.freeze(KEYPAD.flat());

/** Narrow an arbitrary string (keyboard input, a payload) to a DTMF key before synthesizing it. */
export function isDtmfKey(key: string): key is DtmfKey {
	return (DTMF_KEYS as readonly string[]).includes(key);
}

/**
 * The `[low, high]` pair of a key, in Hz. Throws for anything that is not a key, because callers in
 * plain JavaScript (or from a payload) can still pass one, and silence would hide the bug.
 */
export function dtmfFrequencies(key: DtmfKey): readonly [low: number, high: number] {
	for (let row = 0; row < KEYPAD.length; row++) {
		const column = KEYPAD[row]?.indexOf(key) ?? -1;
		if (column >= 0) return [DTMF_ROW_HZ[row] ?? 0, DTMF_COLUMN_HZ[column] ?? 0];
	}
	throw new RangeError(`not a DTMF key: ${JSON.stringify(key)}`);
}

/** Options of {@link synthDtmf}. */
export type DtmfOptions = {
	readonly sampleRate: number;
	/** Tone length; 180 ms is a comfortable keypress (the standard asks for at least 40 ms). */
	readonly durationMs?: number;
};

/** The edges fade over 5 ms: short enough to keep the tone crisp, long enough to avoid a click. */
const RAMP_MS = 5;

/** Peak of a key: the two sines at equal level (0.25 each) summed, leaving headroom for mixing. */
const DTMF_PEAK = 0.5;

/**
 * Synthesize one keypress: the key's two sines summed at equal level with 5 ms raised-cosine attack and
 * release ramps, normalized to a peak of 0.5. Equal level (no "twist") is what receivers expect.
 */
export function synthDtmf(key: DtmfKey, { sampleRate, durationMs = 180 }: DtmfOptions): Float32Array {
	checkSampleRate(sampleRate);
	if (!Number.isFinite(durationMs) || durationMs <= 0 || durationMs > 10_000) {
		throw new RangeError(`durationMs must be in (0, 10000], got ${durationMs}`);
	}
	const [low, high] = dtmfFrequencies(key);
	const length = msToSamples(durationMs, sampleRate);
	const out = new Float32Array(length);
	const ramp = msToSamples(RAMP_MS, sampleRate);
	for (const freq of [low, high]) {
		const partials = [{ ratio: 1, amp: 1, decay: Infinity }];
		addNote(
			out,
			{ start: 0, length, freq, gain: 0.25, attack: ramp, release: ramp, partials },
			sampleRate,
			false
		);
	}
	return normalize(out, DTMF_PEAK);
}
