import { describe, expect, it } from 'vitest';
import { encodeWav, WAV_HEADER_BYTES } from './wav';

function ascii(bytes: Uint8Array, offset: number, length: number): string {
	return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

describe('encodeWav', () => {
	const samples = new Float32Array([0, 0.5, -0.5, 1, -1, 0.25, -0.25]);
	const bytes = encodeWav(samples, 22050);
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

	it('writes a canonical 44-byte RIFF/WAVE header for mono 16-bit PCM', () => {
		expect(WAV_HEADER_BYTES).toBe(44);
		expect(ascii(bytes, 0, 4)).toBe('RIFF');
		expect(view.getUint32(4, true)).toBe(bytes.length - 8);
		expect(ascii(bytes, 8, 4)).toBe('WAVE');
		expect(ascii(bytes, 12, 4)).toBe('fmt ');
		expect(view.getUint32(16, true)).toBe(16);
		expect(view.getUint16(20, true)).toBe(1); // PCM
		expect(view.getUint16(22, true)).toBe(1); // mono
		expect(view.getUint32(24, true)).toBe(22050);
		expect(view.getUint32(28, true)).toBe(22050 * 2); // byte rate
		expect(view.getUint16(32, true)).toBe(2); // block align
		expect(view.getUint16(34, true)).toBe(16); // bits per sample
		expect(ascii(bytes, 36, 4)).toBe('data');
		expect(view.getUint32(40, true)).toBe(samples.length * 2);
		expect(bytes.length).toBe(44 + samples.length * 2);
	});

	it('stores the samples little-endian, full scale at both ends', () => {
		const pcm = Array.from({ length: samples.length }, (_, i) => view.getInt16(44 + 2 * i, true));
		expect(pcm).toEqual([0, 16384, -16384, 32767, -32768, 8192, -8192]);
	});

	it('clamps out-of-range samples and silences NaN', () => {
		const loud = encodeWav(new Float32Array([2, -3, Number.NaN, 1.0001]), 8000);
		const loudView = new DataView(loud.buffer);
		expect([0, 1, 2, 3].map((i) => loudView.getInt16(44 + 2 * i, true))).toEqual([32767, -32768, 0, 32767]);
	});

	it('writes the sample rate it is given, and a header alone for no samples', () => {
		const empty = encodeWav(new Float32Array(0), 44100);
		const emptyView = new DataView(empty.buffer);
		expect(empty.length).toBe(44);
		expect(emptyView.getUint32(4, true)).toBe(36);
		expect(emptyView.getUint32(24, true)).toBe(44100);
		expect(emptyView.getUint32(28, true)).toBe(88200);
		expect(emptyView.getUint32(40, true)).toBe(0);
	});

	it('refuses a sample rate that is not a positive integer', () => {
		expect(() => encodeWav(new Float32Array(1), 0)).toThrow(RangeError);
		expect(() => encodeWav(new Float32Array(1), 22050.5)).toThrow(RangeError);
	});
});
