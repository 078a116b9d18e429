/**
 * Where `lobby login` keeps its token: `$LOBBY_CREDENTIALS`, else `$XDG_CONFIG_HOME/lobby/credentials.json`,
 * else `~/.config/lobby/credentials.json`. The folder is made 0700 and the file 0600, so only its
 * owner can read the token; a file others can read is refused, as ssh refuses a readable key.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface SavedCredentials {
	url: string;
	token: string;
	email: string;
	savedAt: string;
}

export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
	if (env.LOBBY_CREDENTIALS) return env.LOBBY_CREDENTIALS;
	const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
	return join(base, 'lobby', 'credentials.json');
}

/** The saved token, or null when none is saved. Throws when the file is unsafe or unreadable. */
export function loadCredentials(path: string): SavedCredentials | null {
	if (!existsSync(path)) return null;
	const mode = statSync(path).mode & 0o777;
	if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
		throw new Error(
			`${path} can be read by others (mode ${mode.toString(8)}); run "chmod 600 ${path}" or "lobby login" again.`
		);
	}
	let data: Partial<SavedCredentials>;
	try {
		data = JSON.parse(readFileSync(path, 'utf8')) as Partial<SavedCredentials>;
	} catch {
		throw new Error(`${path} is not a saved Lobby login; run "lobby login" again.`);
	}
	if (typeof data.url !== 'string' || typeof data.token !== 'string') {
		throw new Error(`${path} is not a saved Lobby login; run "lobby login" again.`);
	}
	return { url: data.url, token: data.token, email: data.email ?? '', savedAt: data.savedAt ?? '' };
}

/** Writes the file so that only its owner can read it, from the first byte on. */
export function saveCredentials(path: string, credentials: SavedCredentials): void {
	mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
	rmSync(path, { force: true });
	writeFileSync(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
	chmodSync(path, 0o600);
}

export function forgetCredentials(path: string): boolean {
	if (!existsSync(path)) return false;
	rmSync(path, { force: true });
	return true;
}
