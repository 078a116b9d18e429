/**
 * The server's log: one line per message on stderr (info on stdout), prefixed with the level.
 * Never pass a PIN, a password or a token to it.
 *
 * Messages and error texts often carry what a client sent (an id, a file name). Their control
 * characters are written escaped (a NUL as `\u0000`, a line feed as `\u000a`), so a client can neither
 * put raw bytes into the log nor start a line of its own that reads like the server's. Only the line
 * breaks between an error's stack frames stay as they are.
 */

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `text` with each control character written as a `\uXXXX` escape. */
export function escapeControl(text: string): string {
	return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An error as text: its name and message escaped, then its stack frames, one per line. */
function describeError(error: unknown): string {
	if (!(error instanceof Error)) return error === undefined ? '' : escapeControl(String(error));
	const head = `${error.name}: ${error.message}`;
	const stack = error.stack ?? '';
	// The stack starts with the head; what follows are the frames ("    at f (file:1:2)").
	const rest = stack.startsWith(head) ? stack.slice(head.length) : stack;
	const frames = rest.split('\n').filter((line) => /^\s+at\s/.test(line));
	return [head, ...frames].map(escapeControl).join('\n');
}

export const log = {
	info(message: string): void {
		console.log(`[lobby] ${escapeControl(message)}`);
	},
	warn(message: string): void {
		console.warn(`[lobby] warning: ${escapeControl(message)}`);
	},
	error(message: string, error?: unknown): void {
		const detail = describeError(error);
		console.error(`[lobby] error: ${escapeControl(message)}${detail ? `\n${detail}` : ''}`);
	}
};
