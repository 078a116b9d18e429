import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { log } from './log';

/** The file the first start writes its passwords to when no terminal watches (inside the data directory). */
export const FIRST_START_FILE = 'first-start-passwords.txt';

export interface GeneratedPasswords {
	admin?: string;
	users?: string;
}

/**
 * Tells the first start's generated passwords to the person who started the server, once, and
 * never to a log: on the terminal when standard output is one, else in a file readable by this
 * user only (mode 0600, in a 0700 folder), whose path alone is logged. A server started by a
 * service manager or with its output sent to a file thus keeps the passwords out of that log.
 */
export function announceFirstStartPasswords(
	generated: GeneratedPasswords,
	where: { dataDir: string; terminal: NodeJS.WritableStream | null }
): void {
	const lines: string[] = [];
	if (generated.admin) lines.push(`Sign in as admin@contoso.com with the password: ${generated.admin}`);
	if (generated.users)
		lines.push(`Demo users (e.g. amos.marble@contoso.com) sign in with: ${generated.users}`);
	if (lines.length === 0) return;
	const advice = 'Set LOBBY_ADMIN_PASSWORD and LOBBY_DEMO_PASSWORD beforehand to choose them.';
	if (where.terminal) {
		where.terminal.write(`${lines.join('\n')}\n(shown once; ${advice})\n`);
		return;
	}
	const dir = resolve(where.dataDir);
	mkdirSync(dir, { recursive: true, mode: 0o700 });
	const file = join(dir, FIRST_START_FILE);
	writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
	chmodSync(file, 0o600);
	log.info(
		`The first start's sign-in passwords are in ${file} (readable by this user only); read it, then delete it. ${advice}`
	);
}
