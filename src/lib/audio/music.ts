/**
 * Lobby hold music, composed and synthesized here (we ship no audio we did not make). A calm 8-bar loop
 * in F major: a detuned sine pad, a soft bass, an electric-piano arpeggio, and a pentatonic melody with
 * a light echo. Everything is a note rendered onto a circular buffer, so tails that run past the end
 * continue at the start and the loop has no seam under howler's `loop: true`. No randomness: the same
 * options give the same samples on every run.
 */
import { addNote, checkSampleRate, midiToHz, normalize, type PartialTone } from './synth';

/** Options of {@link synthLobbyMusic}. */
export type LobbyMusicOptions = {
	/** 22050 Hz keeps a loop near 1 MB as WAV; the music has nothing above 4 kHz worth more. */
	readonly sampleRate?: number;
	/**
	 * Loop length. The 32 beats always fill it exactly (the tempo follows), so any length loops
	 * seamlessly; 24 s is 80 beats a minute, 12 s to 48 s are allowed (160 to 40 beats a minute).
	 */
	readonly seconds?: number;
};

/** Default loop length: 8 bars of 4/4 at a relaxed 80 beats a minute. */
export const LOBBY_MUSIC_SECONDS = 24;

/** Beats in the loop: 8 bars of 4/4. */
const LOOP_BEATS = 32;

/** Loudest sample of the finished mix: comfortably below the 0.8 ceiling, no clipping. */
const MUSIC_PEAK = 0.7;

type Chord = {
	readonly beat: number;
	readonly beats: number;
	/** Pad voicing, MIDI; the arpeggio picks from the same notes. */
	readonly pad: readonly number[];
	readonly bass: number;
};

/** Fmaj7 | Dm7 | Bbmaj9 | C7sus4 | Fmaj7 | Dm7 | Gm7 | C7sus4 C7 — the last bar leads back to the first. */
const CHORDS: readonly Chord[] = [
	{ beat: 0, beats: 4, pad: [53, 57, 60, 64], bass: 41 },
	{ beat: 4, beats: 4, pad: [53, 57, 60, 62], bass: 38 },
	{ beat: 8, beats: 4, pad: [53, 57, 62, 65], bass: 46 },
	{ beat: 12, beats: 4, pad: [53, 58, 60, 67], bass: 48 },
	{ beat: 16, beats: 4, pad: [53, 57, 60, 64], bass: 41 },
	{ beat: 20, beats: 4, pad: [53, 57, 60, 62], bass: 38 },
	{ beat: 24, beats: 4, pad: [53, 58, 62, 67], bass: 43 },
	{ beat: 28, beats: 2, pad: [53, 58, 60, 67], bass: 48 },
	{ beat: 30, beats: 2, pad: [52, 58, 60, 67], bass: 48 }
];

/** Arpeggio bars, alternating: [beat within the bar, index into the pad voicing, velocity]. */
const ARPEGGIOS: readonly (readonly (readonly [number, number, number])[])[] = [
	[
		[0, 0, 1],
		[1, 2, 0.6],
		[1.5, 3, 0.7],
		[2.5, 1, 0.65],
		[3, 2, 0.6],
		[3.5, 3, 0.5]
	],
	[
		[0, 1, 0.9],
		[0.5, 2, 0.5],
		[1.5, 3, 0.65],
		[2, 2, 0.6],
		[3, 1, 0.6],
		[3.5, 0, 0.45]
	]
];

/** The melody, in F major pentatonic (F G A C D): [beat, MIDI note, length in beats]. */
const MELODY: readonly (readonly [number, number, number])[] = [
	[1, 72, 1],
	[2, 77, 1],
	[3, 81, 1],
	[4, 79, 1.5],
	[5.5, 77, 0.5],
	[6, 74, 2],
	[9, 74, 1],
	[10, 77, 1],
	[11, 79, 1],
	[12, 81, 2],
	[14, 79, 1],
	[15, 77, 1],
	[16, 84, 1.5],
	[17.5, 81, 0.5],
	[18, 79, 1],
	[19, 77, 1],
	[20, 74, 1],
	[21, 77, 1],
	[22, 81, 2],
	[24, 79, 1.5],
	[25.5, 77, 0.5],
	[26, 74, 1],
	[27, 72, 1],
	[28, 77, 1],
	[29, 74, 1],
	[30, 72, 2]
];

/** Pad voice: two pure sines detuned ±4 cents, beating slowly, which makes the pad breathe. */
const PAD_DETUNE = 2 ** (4 / 1200);
const PAD: readonly PartialTone[] = [
	{ ratio: 1 / PAD_DETUNE, amp: 1, decay: Infinity },
	{ ratio: PAD_DETUNE, amp: 1, decay: Infinity }
];

/** Bass: round sine with a short-lived octave for definition on small speakers. */
const BASS: readonly PartialTone[] = [
	{ ratio: 1, amp: 1, decay: 3 },
	{ ratio: 2, amp: 0.35, decay: 0.4 }
];

/** Electric piano: sine body plus bright harmonics that die away fast, like a tine. */
const PIANO: readonly PartialTone[] = [
	{ ratio: 1, amp: 1, decay: 1.1 },
	{ ratio: 2, amp: 0.3, decay: 0.25 },
	{ ratio: 3, amp: 0.08, decay: 0.12 }
];

/** Melody bell: longer-ringing fundamental, softer harmonics. */
const BELL: readonly PartialTone[] = [
	{ ratio: 1, amp: 1, decay: 1.6 },
	{ ratio: 2, amp: 0.18, decay: 0.5 },
	{ ratio: 3, amp: 0.05, decay: 0.2 }
];

/** Echo on the arpeggio and melody: a dotted-eighth delay, decaying taps, summed circularly. */
const ECHO_BEATS = 0.75;
const ECHO_TAPS = 5;
const ECHO_FEEDBACK = 0.35;
const ECHO_WET = 0.45;

/**
 * Synthesize the lobby hold music: exactly `seconds` long (rounded to whole samples), holding exactly
 * 32 beats, peak 0.7, and seamless when looped. Deterministic, DOM-free and Node-free; a 24 s loop at
 * 22050 Hz takes about 0.1 s in a fresh Node process (the first call includes JIT warm-up).
 */
export function synthLobbyMusic({
	sampleRate = 22050,
	seconds = LOBBY_MUSIC_SECONDS
}: LobbyMusicOptions = {}): Float32Array {
	checkSampleRate(sampleRate);
	if (!Number.isFinite(seconds) || seconds < 12 || seconds > 48) {
		throw new RangeError(`seconds must be from 12 to 48, got ${seconds}`);
	}
	const size = Math.round(seconds * sampleRate);
	const beat = size / LOOP_BEATS; // samples per beat, possibly fractional
	const at = (beats: number): number => Math.round(beats * beat);
	const s = (secondsLong: number): number => Math.round(secondsLong * sampleRate);

	const dry = new Float32Array(size);
	const wet = new Float32Array(size);

	// The pad: each of the four voices holds its note across chords that share it (no retrigger, so no
	// phase cancellation) and, where it moves, swells in slowly while the old note fades over it.
	const overlap = s(0.9);
	for (const line of padLines()) {
		const start = at(line.beat);
		const length = at(line.beat + line.beats) - start + overlap;
		const freq = midiToHz(line.midi);
		const note = {
			start,
			length,
			freq,
			gain: 0.035,
			attack: s(0.7),
			release: overlap + s(0.2),
			partials: PAD
		};
		addNote(dry, note, sampleRate, true);
	}

	for (const chord of CHORDS) {
		const start = at(chord.beat);
		const length = at(chord.beat + chord.beats) - start + s(0.12);
		const note = {
			start,
			length,
			freq: midiToHz(chord.bass),
			gain: 0.16,
			attack: s(0.02),
			release: s(0.25),
			partials: BASS
		};
		addNote(dry, note, sampleRate, true);
	}

	for (let bar = 0; bar < LOOP_BEATS / 4; bar++) {
		for (const [offset, voice, velocity] of ARPEGGIOS[bar % ARPEGGIOS.length] ?? []) {
			const beatInLoop = bar * 4 + offset;
			const chord = chordAt(beatInLoop);
			const midi = chord.pad[voice % chord.pad.length] ?? chord.pad[0] ?? 60;
			addNote(
				wet,
				{
					start: at(beatInLoop),
					length: s(1.3),
					freq: midiToHz(midi),
					gain: 0.09 * velocity,
					attack: s(0.004),
					release: s(0.35),
					partials: PIANO
				},
				sampleRate,
				true
			);
		}
	}

	for (const [beatInLoop, midi, beats] of MELODY) {
		const onDownbeat = beatInLoop % 2 === 0;
		addNote(
			wet,
			{
				start: at(beatInLoop),
				length: at(beats) + s(0.6),
				freq: midiToHz(midi),
				gain: onDownbeat ? 0.17 : 0.15,
				attack: s(0.008),
				release: s(0.45),
				partials: BELL
			},
			sampleRate,
			true
		);
	}

	return normalize(withEcho(dry, wet, at(ECHO_BEATS)), MUSIC_PEAK);
}

/**
 * `dry + wet` plus a circular echo of `wet`: out[n] += ECHO_WET * sum_k ECHO_FEEDBACK^(k-1) * wet[n - kD].
 * Indices wrap, so the echoes of the last notes sound at the start of the loop exactly as they would on
 * the next pass.
 */
function withEcho(dry: Float32Array, wet: Float32Array, delay: number): Float32Array {
	const size = dry.length;
	const out = new Float32Array(size);
	for (let n = 0; n < size; n++) out[n] = (dry[n] ?? 0) + (wet[n] ?? 0);
	let tapGain = ECHO_WET;
	for (let k = 1; k <= ECHO_TAPS; k++) {
		const shift = (((k * delay) % size) + size) % size;
		// out[n] += tapGain * wet[n - shift], split where n - shift wraps.
		addScaled(out, shift, wet, 0, size - shift, tapGain);
		addScaled(out, 0, wet, size - shift, shift, tapGain);
		tapGain *= ECHO_FEEDBACK;
	}
	return out;
}

/** `out[at + i] += gain * source[from + i]` for `count` samples. */
function addScaled(
	out: Float32Array,
	at: number,
	source: Float32Array,
	from: number,
	count: number,
	gain: number
): void {
	for (let i = 0; i < count; i++) out[at + i] = (out[at + i] ?? 0) + gain * (source[from + i] ?? 0);
}

/** A pad voice holding one note: from `beat`, for `beats`. */
type PadLine = { readonly beat: number; readonly beats: number; readonly midi: number };

/**
 * The pad voicings read voice by voice, with repeated notes of a voice merged into one held note, also
 * across the loop's seam: a voice ending on the note it starts with holds it through the seam (the line
 * then starts before the end and wraps). Retriggering the same pitch would overlap two sines of different
 * phase, and their interference would be heard as a dip.
 */
function padLines(): PadLine[] {
	const lines: PadLine[] = [];
	const voices = Math.max(...CHORDS.map((chord) => chord.pad.length));
	for (let voice = 0; voice < voices; voice++) {
		const voiceLines: PadLine[] = [];
		for (const chord of CHORDS) {
			const midi = chord.pad[voice];
			if (midi === undefined) continue;
			const held = voiceLines.at(-1);
			if (held && held.midi === midi && held.beat + held.beats === chord.beat) {
				voiceLines[voiceLines.length - 1] = { ...held, beats: held.beats + chord.beats };
			} else {
				voiceLines.push({ beat: chord.beat, beats: chord.beats, midi });
			}
		}
		const first = voiceLines[0];
		const last = voiceLines.at(-1);
		if (first && last && first !== last && first.beat === 0 && last.beat + last.beats === LOOP_BEATS) {
			if (first.midi === last.midi) {
				voiceLines.shift();
				voiceLines[voiceLines.length - 1] = { ...last, beats: last.beats + first.beats };
			}
		}
		lines.push(...voiceLines);
	}
	return lines;
}

/** The chord sounding at a beat of the loop. */
function chordAt(beatInLoop: number): Chord {
	const found = CHORDS.find((chord) => beatInLoop >= chord.beat && beatInLoop < chord.beat + chord.beats);
	return found ?? (CHORDS[0] as Chord);
}
