import { describe, expect, it } from 'vitest';
import { LOBBY_MUSIC_SECONDS, synthLobbyMusic } from './music';

function rms(samples: Float32Array): number {
	let sum = 0;
	for (const x of samples) sum += x * x;
	return Math.sqrt(sum / samples.length);
}

function peak(samples: Float32Array): number {
	return samples.reduce((max, x) => Math.max(max, Math.abs(x)), 0);
}

/** The `q` quantile of |x[i+1] - x[i]| over the buffer, the seam excluded. */
function adjacentDifferenceQuantile(samples: Float32Array, q: number): number {
	const differences = new Float64Array(samples.length - 1);
	for (let i = 1; i < samples.length; i++)
		differences[i - 1] = Math.abs((samples[i] ?? 0) - (samples[i - 1] ?? 0));
	differences.sort();
	return differences[Math.floor(q * (differences.length - 1))] ?? 0;
}

const SAMPLE_RATE = 22050;
const music = synthLobbyMusic();

describe('synthLobbyMusic', () => {
	it('is 24 s at 22050 Hz by default', () => {
		expect(LOBBY_MUSIC_SECONDS).toBe(24);
		expect(music).toHaveLength(24 * SAMPLE_RATE);
	});

	it.each([
		[8000, 16],
		[22050, 20],
		[44100, 18.5]
	])('lasts exactly as asked at %i Hz: %d s', (sampleRate, seconds) => {
		expect(synthLobbyMusic({ sampleRate, seconds })).toHaveLength(Math.round(seconds * sampleRate));
	});

	it('is deterministic: the same samples on every call', () => {
		const again = synthLobbyMusic();
		expect(again === music).toBe(false);
		let differing = 0;
		for (let i = 0; i < music.length; i++) if (!Object.is(again[i], music[i])) differing++;
		expect(differing).toBe(0);
	});

	it('never goes beyond 0.8, so nothing clips', () => {
		expect(peak(music)).toBeLessThanOrEqual(0.8);
		expect(music.every((x) => Number.isFinite(x))).toBe(true);
	});

	it('is audible music, not silence, DC or a flat line', () => {
		const level = rms(music);
		expect(level).toBeGreaterThan(0.05);
		const mean = music.reduce((sum, x) => sum + x, 0) / music.length;
		expect(Math.abs(mean)).toBeLessThan(0.01);
		expect(new Set(music.subarray(0, 2 * SAMPLE_RATE)).size).toBeGreaterThan(5_000);
		let crossings = 0;
		for (let i = 1; i < music.length; i++) if ((music[i - 1] ?? 0) < 0 !== (music[i] ?? 0) < 0) crossings++;
		expect(crossings / 24).toBeGreaterThan(100); // the bass alone crosses zero 150+ times a second
	});

	it('keeps its sound bed everywhere, across the seam too: no window is much quieter than the whole', () => {
		// Played in a loop, a note cut at the end (instead of wrapped to the start) shows as the pad and
		// bass fading out into the seam and swelling in after it: a dip in loudness right there.
		const window = Math.round(0.2 * SAMPLE_RATE);
		const step = Math.round(0.05 * SAMPLE_RATE);
		const overall = rms(music);
		const looped = new Float32Array(music.length + window);
		looped.set(music.subarray(-window / 2));
		looped.set(music, window / 2);
		looped.set(music.subarray(0, window / 2), window / 2 + music.length);
		for (let start = 0; start + window <= looped.length; start += step) {
			const level = rms(looped.subarray(start, start + window));
			expect(level, `around ${(start / SAMPLE_RATE).toFixed(2)} s`).toBeGreaterThan(0.5 * overall);
		}
	});

	it.each([
		[22050, 24],
		[8000, 16],
		[44100, 18.5]
	])(
		'loops seamlessly at %i Hz, %d s: the jump from last to first sample is an ordinary step',
		(sampleRate, seconds) => {
			const samples =
				sampleRate === SAMPLE_RATE && seconds === 24 ? music : synthLobbyMusic({ sampleRate, seconds });
			const seam = Math.abs((samples[0] ?? 0) - (samples.at(-1) ?? 0));
			expect(seam).toBeLessThanOrEqual(3 * adjacentDifferenceQuantile(samples, 0.99));
		}
	);

	it('wraps tails into the start: the loop does not begin from silence or fade out at the end', () => {
		const window = Math.round(0.1 * SAMPLE_RATE);
		const overall = rms(music);
		expect(rms(music.subarray(0, window))).toBeGreaterThan(0.25 * overall);
		expect(rms(music.subarray(-window))).toBeGreaterThan(0.25 * overall);
		// Reading across the seam looks like reading anywhere else: the slope just before the end carries on.
		const tail = (music.at(-1) ?? 0) - (music.at(-2) ?? 0);
		const across = (music[0] ?? 0) - (music.at(-1) ?? 0);
		const head = (music[1] ?? 0) - (music[0] ?? 0);
		expect(Math.abs(across - (tail + head) / 2)).toBeLessThan(adjacentDifferenceQuantile(music, 0.5) + 1e-3);
	});

	it('refuses lengths it cannot make musical', () => {
		expect(() => synthLobbyMusic({ seconds: 5 })).toThrow(RangeError);
		expect(() => synthLobbyMusic({ seconds: Number.NaN })).toThrow(RangeError);
		expect(() => synthLobbyMusic({ sampleRate: 100 })).toThrow(RangeError);
	});

	it('is quick to make: well within a page load', () => {
		const started = performance.now();
		synthLobbyMusic();
		// Typically tens of milliseconds; the bound only catches an accidental blow-up, not a slow CI runner.
		expect(performance.now() - started).toBeLessThan(2000);
	});
});
