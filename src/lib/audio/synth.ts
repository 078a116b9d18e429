/**
 * Shared building blocks of our synthesizers: additive notes with click-free envelopes, mixed into a
 * buffer either linearly (one-shot cues) or circularly (loops, so tails wrap to the start). Internal to
 * `src/lib/audio`; not re-exported.
 */

/** One sine component of a note: frequency ratio to the fundamental, level, and decay time constant. */
export type PartialTone = {
	readonly ratio: number;
	readonly amp: number;
	/** Seconds for the partial to fall to 1/e; `Infinity` sustains it (pads, DTMF). */
	readonly decay: number;
};

/** A note to mix into a buffer. All times are in samples except the partials' decay (seconds). */
export type Note = {
	readonly start: number;
	/** Total rendered length, release included; the last sample is exactly zero. */
	readonly length: number;
	readonly freq: number;
	readonly gain: number;
	readonly attack: number;
	readonly release: number;
	readonly partials: readonly PartialTone[];
};

/** Equal temperament from MIDI note numbers (69 = A4 = 440 Hz), so scores read as numbers. */
export function midiToHz(midi: number): number {
	return 440 * 2 ** ((midi - 69) / 12);
}

/** Number of whole samples in `ms` milliseconds at `sampleRate`. */
export function msToSamples(ms: number, sampleRate: number): number {
	return Math.round((ms * sampleRate) / 1000);
}

/** Validate a sample rate once at each public entry point, with a message naming the bad value. */
export function checkSampleRate(sampleRate: number): void {
	if (!Number.isInteger(sampleRate) || sampleRate < 4000 || sampleRate > 192_000) {
		throw new RangeError(`sampleRate must be an integer from 4000 to 192000, got ${sampleRate}`);
	}
}

/**
 * Add `note` into `out`. With `wrap`, samples past the end continue at the start (a seamless loop);
 * without, the note is shortened to end with the buffer (its release still ends at zero). A note is
 * never longer than the buffer. Each partial runs on the sine recurrence `y[n+1] = 2cos(w) y[n] - y[n-1]`
 * (one multiply-add a sample, no Math.sin in the loop) into a scratch buffer; the raised-cosine attack
 * and release ramps are applied once per note, also by recurrence. That keeps a 24-second loop well
 * within the time budget. Partials at or above 0.45 x sampleRate are skipped so nothing aliases.
 */
export function addNote(out: Float32Array, note: Note, sampleRate: number, wrap: boolean): void {
	const size = out.length;
	if (size === 0) return;
	const length = wrap ? Math.min(note.length, size) : Math.min(note.length, size - note.start);
	if (length <= 0 || (!wrap && note.start < 0)) return;
	const body = scratchOf(length);

	const nyquistGuard = 0.45 * sampleRate;
	for (const partial of note.partials) {
		const freq = note.freq * partial.ratio;
		if (freq <= 0 || freq >= nyquistGuard || partial.amp === 0) continue;
		const fall = Number.isFinite(partial.decay) ? Math.exp(-1 / (partial.decay * sampleRate)) : 1;
		addSine(body, length, (2 * Math.PI * freq) / sampleRate, note.gain * partial.amp, fall);
	}

	applyRamp(body, Math.min(note.attack, length >> 1), length, false);
	applyRamp(body, Math.min(note.release, length >> 1), length, true);

	// Mix in: from the start to the end of `out`, then (only when wrapping) the rest at its beginning.
	const start = ((note.start % size) + size) % size;
	const head = Math.min(length, size - start);
	mixInto(out, start, body, 0, head);
	if (head < length) mixInto(out, 0, body, head, length - head);
}

/**
 * Add `level * decay^i * sin(w i)` to `body[0, length)`. Kept as its own small function: it is the hot
 * loop, and a small function is compiled to fast code sooner, which matters for a single cold run.
 */
function addSine(body: Float64Array, length: number, w: number, level: number, fall: number): void {
	const k = 2 * Math.cos(w);
	let previous = -Math.sin(w); // y[-1]
	let current = 0; // y[0]
	for (let i = 0; i < length; i++) {
		body[i] = (body[i] ?? 0) + level * current;
		const next = k * current - previous;
		previous = current;
		current = next;
		level *= fall;
	}
}

/** `out[at + i] += body[from + i]` for `count` samples; the caller keeps all of it in range. */
function mixInto(out: Float32Array, at: number, body: Float64Array, from: number, count: number): void {
	for (let i = 0; i < count; i++) out[at + i] = (out[at + i] ?? 0) + (body[from + i] ?? 0);
}

let scratch = new Float64Array(0);

/** A zeroed scratch buffer of at least `length` samples, reused across notes to spare the allocator. */
function scratchOf(length: number): Float64Array {
	if (scratch.length < length) scratch = new Float64Array(length);
	scratch.fill(0, 0, length);
	return scratch;
}

/**
 * Multiply the first (or, with `atEnd`, the last) `r` samples of `body[0, length)` by the raised-cosine
 * ramp `0.5 - 0.5cos(pi j / r)`, where j counts from the outer edge: exactly zero at the first and last
 * sample, so a note never starts or stops with a click, and smoother than a linear fade.
 */
function applyRamp(body: Float64Array, r: number, length: number, atEnd: boolean): void {
	if (r < 1) {
		body[atEnd ? length - 1 : 0] = 0;
		return;
	}
	const step = Math.PI / r;
	const k = 2 * Math.cos(step);
	let previous = Math.cos(-step);
	let current = 1; // cos(0)
	for (let j = 0; j < r; j++) {
		const i = atEnd ? length - 1 - j : j;
		body[i] = (body[i] ?? 0) * (0.5 - 0.5 * current);
		const next = k * current - previous;
		previous = current;
		current = next;
	}
}

/** Largest absolute sample, for normalizing a mix to a fixed peak. */
export function peakOf(samples: Float32Array): number {
	let peak = 0;
	for (let i = 0; i < samples.length; i++) {
		const magnitude = Math.abs(samples[i] ?? 0);
		if (magnitude > peak) peak = magnitude;
	}
	return peak;
}

/** Scale `samples` in place so the loudest sample is exactly `target` (silence is left alone). */
export function normalize(samples: Float32Array, target: number): Float32Array {
	const peak = peakOf(samples);
	if (peak === 0) return samples;
	const scale = target / peak;
	for (let i = 0; i < samples.length; i++) samples[i] = (samples[i] ?? 0) * scale;
	return samples;
}
