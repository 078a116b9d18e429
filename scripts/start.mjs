// `npm start`: builds when the build is missing or older than the sources, then runs the production
// server in this same process (so this PID is the server's and signals reach it directly).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
await import(new URL('../build/server.js', import.meta.url).href);
