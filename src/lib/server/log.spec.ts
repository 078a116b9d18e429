import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { escapeControl, log } from './log';

/** What the log printed, captured at console (its one way out) and not shown. */
function captureConsole() {
	const lines: string[] = [];
	const capture = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
	for (const method of ['log', 'warn', 'error'] as const)
		vi.spyOn(console, method).mockImplementation(capture);
	return lines;
}

/** Any C0 or C1 control character other than the line feed between stack frames. */
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

describe('the server log never carries control characters raw', () => {
	let lines: string[];
	beforeEach(() => {
		lines = captureConsole();
	});
	afterEach(() => {
		vi.restoreAllMocks();
	});

	it('given a message with a NUL, when it is logged, then the NUL is written as \\u0000', () => {
		log.warn('There is no meeting \u0000.');
		expect(lines).toEqual(['[lobby] warning: There is no meeting \\u0000.']);
	});

	it('given a message with a line break, when it is logged, then it stays on one line and cannot forge another', () => {
		log.info('mail m1 sent\n[lobby] error: forged\r');
		expect(lines).toEqual(['[lobby] mail m1 sent\\u000a[lobby] error: forged\\u000d']);
	});

	it('given an error whose message holds raw bytes, when it is logged, then its message is escaped and its stack frames keep their own lines', () => {
		const error = new Error(
			'invalid byte sequence for encoding "UTF8": 0x00 in "\u0000"\n    at forged (x.js:1:1)'
		);
		log.error('A socket handler failed', error);
		expect(lines).toHaveLength(1);
		const [first, second, ...frames] = lines[0]!.split('\n');
		expect(first).toBe('[lobby] error: A socket handler failed');
		expect(second).toBe(
			'Error: invalid byte sequence for encoding "UTF8": 0x00 in "\\u0000"\\u000a    at forged (x.js:1:1)'
		);
		expect(frames.length).toBeGreaterThan(0);
		expect(frames.every((line) => /^\s+at\s/.test(line))).toBe(true);
		expect(frames.some((line) => line.includes('forged'))).toBe(false);
		expect(lines[0]).not.toMatch(RAW_CONTROL);
	});

	it('given a thrown value that is not an Error, when it is logged, then it is escaped too', () => {
		log.error('a run failed', 'bad \u0007 bell \u009b');
		expect(lines).toEqual(['[lobby] error: a run failed\nbad \\u0007 bell \\u009b']);
	});

	it('given printable text in any language, when it is logged, then it is left as it is', () => {
		log.info('Mötet på Ölandsgatan: 48 väntar 🎵');
		expect(lines).toEqual(['[lobby] Mötet på Ölandsgatan: 48 väntar 🎵']);
	});
});

describe('escapeControl', () => {
	it.each([
		['\u0000', '\\u0000'],
		['a\tb', 'a\\u0009b'],
		['\u007f', '\\u007f'],
		['\u2028', '\\u2028'],
		['plain', 'plain']
	])('given %j, then it reads %s', (raw, escaped) => {
		expect(escapeControl(raw)).toBe(escaped);
	});
});
