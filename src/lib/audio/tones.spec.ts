import { describe, expect, it } from 'vitest';
import { CHIME_MS, synthJoinTone, synthLeaveTone, synthRingback } from './tones';

function peak(samples: Float32Array): number {
	return samples.reduce((max, x) => Math.max(max, Math.abs(x)), 0);
}

/** Upward zero crossings a second: a rough pitch reading of whichever tone dominates the window. */
function crossingsPerSecond(samples: Float32Array, sampleRate: number): number {
	let crossings = 0;
	for (let i = 1; i < samples.length; i++) {
		if ((samples[i - 1] ?? 0) < 0 && (samples[i] ?? 0) >= 0) crossings++;
	}
	return (crossings * sampleRate) / samples.length;
}

/** Loudest sample within the first and last `ms` milliseconds. */
function edgeLevel(samples: Float32Array, sampleRate: number, ms: number): number {
	const n = Math.round((ms * sampleRate) / 1000);
	return Math.max(peak(samples.subarray(0, n)), peak(samples.subarray(samples.length - n)));
}

describe.each([
	['join', synthJoinTone],
	['leave', synthLeaveTone]
] as const)('the %s chime', (_name, synth) => {
	it.each([8000, 22050, 44100])('lasts 350 ms at %i Hz', (sampleRate) => {
		expect(CHIME_MS).toBe(350);
		expect(synth({ sampleRate })).toHaveLength(Math.round((350 * sampleRate) / 1000));
	});

	it('defaults to 22050 Hz', () => {
		expect(synth()).toHaveLength(Math.round((350 * 22050) / 1000));
	});

	it('starts and ends at silence, so it does not click', () => {
		const samples = synth();
		expect(Math.abs(samples[0] ?? 1)).toBeLessThan(1e-3);
		expect(Math.abs(samples.at(-1) ?? 1)).toBeLessThan(1e-3);
		expect(edgeLevel(samples, 22050, 0.5)).toBeLessThan(0.05);
	});

	it('is clearly audible without being loud', () => {
		const level = peak(synth());
		expect(level).toBeGreaterThan(0.3);
		expect(level).toBeLessThanOrEqual(0.8);
	});

	it('is the same every time', () => {
		expect(synth()).toEqual(synth());
	});
});

describe('join and leave', () => {
	const sampleRate = 22050;
	const first = (samples: Float32Array) =>
		samples.subarray(Math.round(0.01 * sampleRate), Math.round(0.11 * sampleRate));
	const last = (samples: Float32Array) =>
		samples.subarray(Math.round(0.18 * sampleRate), Math.round(0.3 * sampleRate));

	it('join rises and leave falls', () => {
		const join = synthJoinTone({ sampleRate });
		const leave = synthLeaveTone({ sampleRate });
		expect(crossingsPerSecond(last(join), sampleRate)).toBeGreaterThan(
			1.2 * crossingsPerSecond(first(join), sampleRate)
		);
		expect(crossingsPerSecond(last(leave), sampleRate)).toBeLessThan(
			0.85 * crossingsPerSecond(first(leave), sampleRate)
		);
	});
});

describe('synthRingback', () => {
	it('is one 6 s cadence by default: 2 s of ring, then silence', () => {
		const sampleRate = 8000;
		const samples = synthRingback({ sampleRate });
		expect(samples).toHaveLength(6 * sampleRate);
		expect(peak(samples.subarray(Math.round(0.1 * sampleRate), 2 * sampleRate))).toBeGreaterThan(0.3);
		expect(peak(samples.subarray(2 * sampleRate))).toBe(0);
		expect(Math.abs(samples[0] ?? 1)).toBeLessThan(1e-3);
		expect(synthRingback({ sampleRate, cycles: 2 })).toHaveLength(12 * sampleRate);
	});

	it('refuses a silly number of cycles', () => {
		expect(() => synthRingback({ cycles: 0 })).toThrow(RangeError);
		expect(() => synthRingback({ cycles: 1.5 })).toThrow(RangeError);
	});
});
