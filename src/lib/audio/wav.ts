/**
 * WAV encoding for the sounds we synthesize ourselves. Browsers hand the bytes to howler.js through a
 * Blob (`new Blob([encodeWav(samples, rate)], { type: 'audio/wav' })`), so nothing here touches the DOM
 * or Node: only typed arrays, and the same code runs in the specs.
 */

/** Size of the canonical RIFF/WAVE header: RIFF (12) + `fmt ` chunk (24) + `data` chunk header (8). */
export const WAV_HEADER_BYTES = 44;

/**
 * Encode mono samples in [-1, 1] as a 16-bit PCM RIFF/WAVE file. 16-bit mono is the one format every
 * browser decodes, and it halves the size of float WAV. Samples outside [-1, 1] are clamped (not
 * wrapped) and NaN becomes silence, so a too-loud mix distorts softly instead of producing loud noise.
 */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array {
	if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 0xffffffff / 2) {
		throw new RangeError(`sampleRate must be a positive integer, got ${sampleRate}`);
	}
	const channels = 1;
	const bytesPerSample = 2;
	const blockAlign = channels * bytesPerSample;
	const dataBytes = samples.length * blockAlign;
	const bytes = new Uint8Array(WAV_HEADER_BYTES + dataBytes);
	const view = new DataView(bytes.buffer);

	writeAscii(bytes, 0, 'RIFF');
	view.setUint32(4, 36 + dataBytes, true); // RIFF chunk size: everything after this field
	writeAscii(bytes, 8, 'WAVE');
	writeAscii(bytes, 12, 'fmt ');
	view.setUint32(16, 16, true); // fmt chunk size for PCM
	view.setUint16(20, 1, true); // audio format 1 = integer PCM
	view.setUint16(22, channels, true);
	view.setUint32(24, sampleRate, true);
	view.setUint32(28, sampleRate * blockAlign, true); // byte rate
	view.setUint16(32, blockAlign, true);
	view.setUint16(34, bytesPerSample * 8, true); // bits per sample
	writeAscii(bytes, 36, 'data');
	view.setUint32(40, dataBytes, true);

	let offset = WAV_HEADER_BYTES;
	for (const sample of samples) {
		view.setInt16(offset, toInt16(sample), true);
		offset += bytesPerSample;
	}
	return bytes;
}

/** Asymmetric scaling so that -1 maps to -32768 and +1 to 32767, both exactly representable. */
function toInt16(sample: number): number {
	if (Number.isNaN(sample)) return 0;
	const clamped = sample < -1 ? -1 : sample > 1 ? 1 : sample;
	return Math.round(clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff);
}

function writeAscii(bytes: Uint8Array, offset: number, text: string): void {
	for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
}
