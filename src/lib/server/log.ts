/**
 * The server's log: one line per message on stderr (info on stdout), prefixed with the level.
 * Never pass a PIN, a password or a token to it.
 */
export const log = {
	info(message: string): void {
		console.log(`[lobby] ${message}`);
	},
	warn(message: string): void {
		console.warn(`[lobby] warning: ${message}`);
	},
	error(message: string, error?: unknown): void {
		const detail =
			error instanceof Error ? (error.stack ?? error.message) : error === undefined ? '' : String(error);
		console.error(`[lobby] error: ${message}${detail ? `\n${detail}` : ''}`);
	}
};
