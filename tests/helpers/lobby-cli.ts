import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './server';

export const LOBBY_BIN = join(ROOT, 'bin', 'lobby.js');

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs the built `lobby` command as a process, the way a person or a script would. */
export function lobby(
	args: readonly string[],
	options: { env?: Record<string, string>; input?: string } = {}
) {
	const child = spawn(process.execPath, [LOBBY_BIN, ...args], {
		cwd: ROOT,
		env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
		stdio: ['pipe', 'pipe', 'pipe']
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
	child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
	child.stdin.end(options.input ?? '');
	return new Promise<CliResult>((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`lobby ${args.join(' ')} did not finish within 30 s:\n${stdout}\n${stderr}`));
		}, 30_000);
		child.once('exit', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
	});
}

/**
 * Runs `lobby login --password-stdin` for `email` against `url`, saving the token under `home`,
 * and answers the environment that makes later commands act as that person.
 */
export async function loggedIn(
	url: string,
	home: string,
	email: string,
	password: string
): Promise<Record<string, string>> {
	const env = { LOBBY_URL: url, LOBBY_CREDENTIALS: join(home, email, 'credentials.json') };
	const result = await lobby(['login', '--user', email, '--password-stdin'], { env, input: `${password}\n` });
	if (result.code !== 0) throw new Error(`lobby login as ${email} failed: ${result.stderr}`);
	return env;
}
