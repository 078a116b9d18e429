import { vi } from 'vitest';

/** One line of the server's JSON log, as read back. */
export interface LogEntry {
	level: string;
	time: number;
	msg: string;
	[field: string]: unknown;
}

/**
 * Captures what the server's log writes (its one way out is the process's stdout and stderr, as
 * JSON lines when they are not a terminal) and keeps it off the test's output. Undo with
 * `vi.restoreAllMocks()`.
 */
export function captureLog() {
	const written: string[] = [];
	const capture = (chunk: string | Uint8Array) => {
		written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
		return true;
	};
	vi.spyOn(process.stdout, 'write').mockImplementation(capture);
	vi.spyOn(process.stderr, 'write').mockImplementation(capture);
	return {
		/** Everything written, as it was written. */
		text: () => written.join(''),
		/** Each line parsed; a line that is not JSON fails the test here. */
		entries: (): LogEntry[] =>
			written
				.join('')
				.split('\n')
				.filter((line) => line !== '')
				.map((line) => JSON.parse(line) as LogEntry)
	};
}

/**
 * A server's output (stdout and stderr) read as its JSON log, one entry per line. A line that is not
 * JSON fails the test here: everything the server writes goes through its log.
 */
export function logEntries(output: string): LogEntry[] {
	return output
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => {
			try {
				return JSON.parse(line) as LogEntry;
			} catch {
				throw new Error(`Not a JSON log line: ${JSON.stringify(line)}`);
			}
		});
}

/** The messages a server logged as errors: a fault it did not expect. */
export function loggedFaults(output: string): string[] {
	return logEntries(output)
		.filter((entry) => entry.level === 'error' || entry.level === 'fatal')
		.map((entry) => entry.msg);
}
