/**
 * Short cues of our own making for lobby events: a caller joins, a caller leaves, and a ringback while
 * a call connects. Each is a few soft sines with click-free envelopes, computed on demand.
 */
import { addNote, checkSampleRate, midiToHz, msToSamples, normalize, type PartialTone } from './synth';

/** Options shared by the cues; 22050 Hz is plenty for these and keeps the WAVs small. */
export type ToneOptions = {
	readonly sampleRate?: number;
};

/** Length of the join and leave chimes: short enough not to talk over a speaker. */
export const CHIME_MS = 350;

/** Peak of the chimes: clearly audible, yet below the hold music so they never startle. */
const CHIME_PEAK = 0.5;

/** A soft bell: fundamental with a quicker-fading octave and twelfth, like a struck glass. */
const BELL: readonly PartialTone[] = [
	{ ratio: 1, amp: 1, decay: 0.22 },
	{ ratio: 2, amp: 0.22, decay: 0.09 },
	{ ratio: 3, amp: 0.06, decay: 0.05 }
];

/** Two bell notes, the second entering 120 ms later; both fade to exactly zero at the end. */
function chime(firstMidi: number, secondMidi: number, sampleRate: number): Float32Array {
	checkSampleRate(sampleRate);
	const length = msToSamples(CHIME_MS, sampleRate);
	const out = new Float32Array(length);
	const attack = msToSamples(4, sampleRate);
	const release = msToSamples(40, sampleRate);
	const secondAt = msToSamples(120, sampleRate);
	const notes = [
		{ start: 0, midi: firstMidi, gain: 0.8 },
		{ start: secondAt, midi: secondMidi, gain: 1 }
	];
	for (const { start, midi, gain } of notes) {
		const note = {
			start,
			length: length - start,
			freq: midiToHz(midi),
			gain,
			attack,
			release,
			partials: BELL
		};
		addNote(out, note, sampleRate, false);
	}
	return normalize(out, CHIME_PEAK);
}

/** A caller joined: a rising fifth (C5 then G5), bright and welcoming. */
export function synthJoinTone({ sampleRate = 22050 }: ToneOptions = {}): Float32Array {
	return chime(72, 79, sampleRate);
}

/** A caller left: the same notes falling (G5 then C5), so the pair reads as opposites. */
export function synthLeaveTone({ sampleRate = 22050 }: ToneOptions = {}): Float32Array {
	return chime(79, 72, sampleRate);
}

/** Options of {@link synthRingback}. */
export type RingbackOptions = ToneOptions & {
	/** Whole ring cycles to render; one cycle (6 s) loops seamlessly with howler's `loop: true`. */
	readonly cycles?: number;
};

/** Peak of the ringback: callers hear it at the level of a phone line's call progress tone. */
const RINGBACK_PEAK = 0.35;

/**
 * The North American ringback a caller hears while the bridge answers: 440 Hz + 480 Hz for 2 s, then
 * 4 s of silence. It is a public signalling standard, synthesized here, with 10 ms ramps on each ring.
 * Every cycle starts and ends in silence, so the buffer loops without a seam.
 */
export function synthRingback({ sampleRate = 22050, cycles = 1 }: RingbackOptions = {}): Float32Array {
	checkSampleRate(sampleRate);
	if (!Number.isInteger(cycles) || cycles < 1 || cycles > 20) {
		throw new RangeError(`cycles must be an integer from 1 to 20, got ${cycles}`);
	}
	const cycle = msToSamples(6000, sampleRate);
	const ring = msToSamples(2000, sampleRate);
	const ramp = msToSamples(10, sampleRate);
	const out = new Float32Array(cycle * cycles);
	const partials = [{ ratio: 1, amp: 1, decay: Infinity }];
	for (let c = 0; c < cycles; c++) {
		for (const freq of [440, 480]) {
			const note = { start: c * cycle, length: ring, freq, gain: 0.5, attack: ramp, release: ramp, partials };
			addNote(out, note, sampleRate, false);
		}
	}
	return normalize(out, RINGBACK_PEAK);
}
