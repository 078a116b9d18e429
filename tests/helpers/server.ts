import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { withServerMemory } from '../../scripts/server-memory.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SERVER_ENTRY = join(ROOT, 'build', 'server.js');

/** The database a test server uses: PGlite in a fresh directory, or a fresh PostgreSQL database. */
export interface TestDatabase {
	kind: 'pglite' | 'postgres';
	env: Record<string, string>;
	/** For postgres: the fresh database's URL. */
	url: string | null;
	dataDir: string | null;
	drop(): Promise<void>;
}

/**
 * A fresh database for one test server. With DATABASE_URL set (as `npm run test:postgres` does) it
 * creates a new database in that cluster; otherwise a new PGlite directory.
 */
export async function createTestDatabase(options: { forcePglite?: boolean } = {}): Promise<TestDatabase> {
	const base = process.env.DATABASE_URL;
	if (base && !options.forcePglite) {
		const name = `lobby_t_${randomBytes(6).toString('hex')}`;
		const admin = postgres(base, { max: 1, onnotice: () => {} });
		await admin.unsafe(`create database ${name}`);
		await admin.end();
		const url = new URL(base);
		url.pathname = `/${name}`;
		return {
			kind: 'postgres',
			env: { DATABASE_URL: url.toString() },
			url: url.toString(),
			dataDir: null,
			async drop() {
				const sql = postgres(base, { max: 1, onnotice: () => {} });
				await sql.unsafe(`drop database if exists ${name} with (force)`);
				await sql.end();
			}
		};
	}
	const dataDir = mkdtempSync(join(tmpdir(), 'lobby-test-'));
	return {
		kind: 'pglite',
		env: { LOBBY_DATA_DIR: dataDir, DATABASE_URL: '' },
		url: null,
		dataDir,
		async drop() {
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

/** A production server (`node build/server.js`) this test owns, on a port the OS chose. */
export interface TestServer {
	url: string;
	port: number;
	process: ChildProcess;
	/** Everything the server printed so far (stdout and stderr). */
	output(): string;
	/** Sends a signal and resolves with the exit code and how long the exit took. */
	stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

export interface StartOptions {
	env?: Record<string, string>;
	timeoutMs?: number;
}

/** Starts the built server with PORT=0 and waits for its "listening" line. */
export function startServer(options: StartOptions = {}): Promise<TestServer> {
	if (!existsSync(SERVER_ENTRY)) throw new Error('build/server.js is missing: run "npm run build" first.');
	const child = spawn(process.execPath, [SERVER_ENTRY], {
		cwd: ROOT,
		env: withServerMemory({
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			LOBBY_ADMIN_PASSWORD: 'admin-test-password',
			LOBBY_DEMO_PASSWORD: 'user-test-password',
			...options.env
		}),
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	return new Promise<TestServer>((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`The server did not start within ${options.timeoutMs ?? 30000} ms:\n${output}`));
		}, options.timeoutMs ?? 30000);
		const onData = (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening on http:\/\/([\d.]+):(\d+)/.exec(output);
			if (match) {
				clearTimeout(timer);
				const port = Number(match[2]);
				resolve({
					url: `http://${match[1]}:${port}`,
					port,
					process: child,
					output: () => output,
					async stop(signal = 'SIGTERM') {
						const started = Date.now();
						if (child.exitCode === null && child.signalCode === null) child.kill(signal);
						const code = await exited;
						return { code, ms: Date.now() - started };
					}
				});
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		void exited.then((code) => {
			clearTimeout(timer);
			reject(new Error(`The server exited with code ${code} before listening:\n${output}`));
		});
	});
}

/** Runs the server to its exit (for start-up failures) and returns the code and output. */
export function runServerToExit(
	env: Record<string, string>,
	timeoutMs = 15000
): Promise<{ code: number | null; output: string; ms: number }> {
	const started = Date.now();
	const child = spawn(process.execPath, [SERVER_ENTRY], {
		cwd: ROOT,
		env: withServerMemory({ ...process.env, PORT: '0', HOST: '127.0.0.1', ...env }),
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout.on('data', (c: Buffer) => (output += c.toString()));
	child.stderr.on('data', (c: Buffer) => (output += c.toString()));
	return new Promise((resolve) => {
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.once('exit', (code) => {
			clearTimeout(timer);
			resolve({ code, output, ms: Date.now() - started });
		});
	});
}
