// `npm start`: builds when the build is missing or older than the sources, then runs the production
// server. On Linux the server runs as a child with glibc's malloc set as `server-memory.mjs` says
// (that setting can only be given when a process starts); this process passes SIGINT and SIGTERM
// on, and ends with the server's exit code. Where the setting is already in the environment, or on
// other platforms, the server runs in this same process.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hasMallocTunable, withServerMemory } from './server-memory.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outputs = ['build/server.js', 'build/handler.js', 'build/cli.js'].map((f) => join(root, f));
const inputs = [
	'src',
	'static',
	'drizzle',
	'package.json',
	'svelte.config.js',
	'vite.config.ts',
	'vite.server.config.ts'
];

/** @param {string} path @returns {number} newest modification time below path */
function newest(path) {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let max = stat.mtimeMs;
	for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
	return max;
}

const built = outputs.every((f) => existsSync(f));
const stale =
	built &&
	Math.max(...inputs.map((f) => newest(join(root, f)))) >
		Math.min(...outputs.map((f) => statSync(f).mtimeMs));
if (!built || stale) {
	console.log(built ? 'Sources changed since the last build; building…' : 'Building Lobby (first start)…');
	const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
	if (result.status !== 0) {
		console.error('The build failed; see above.');
		process.exit(result.status ?? 1);
	}
}
const server = join(root, 'build', 'server.js');
if (process.platform === 'linux' && !hasMallocTunable(process.env.GLIBC_TUNABLES)) {
	// The IPC channel lets the server notice when this process is gone, however it ended.
	const child = spawn(process.execPath, [...process.execArgv, server, ...process.argv.slice(2)], {
		env: withServerMemory(process.env),
		stdio: ['inherit', 'inherit', 'inherit', 'ipc']
	});
	for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM']))
		process.on(signal, () => child.exitCode === null && child.kill(signal));
	child.on('error', (error) => {
		console.error(`The server could not be started: ${error.message}`);
		process.exit(1);
	});
	// A server ended by a signal ends this process with the shell's code for it (130, 143, ...).
	child.on('exit', (code, signal) =>
		process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1))
	);
} else {
	await import(pathToFileURL(server).href);
}
