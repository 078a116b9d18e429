// `npm run cluster -- --nodes 3`: several Lobby servers on one PostgreSQL behind HAProxy, on this
// machine, to try what the README's "Several servers" section describes. Uses DATABASE_URL when
// set, else a throw-away PostgreSQL (as `npm run test:postgres` starts). Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findHaproxy, renderHaproxyConfig } from './haproxy-config.mjs';
import { freePort } from './postgres-programs.mjs';
import { withServerMemory } from './server-memory.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const nodesArg = args.indexOf('--nodes');
const nodes = nodesArg >= 0 ? Number(args[nodesArg + 1]) : 3;
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : 8080;
if (!Number.isInteger(nodes) || nodes < 1 || nodes > 16) {
	console.error('--nodes takes a whole number from 1 to 16 (default 3).');
	process.exit(2);
}
if (!Number.isInteger(port) || port < 1 || port > 65535) {
	console.error('--port takes the port HAProxy listens on, 1 to 65535 (default 8080).');
	process.exit(2);
}

if (!process.env.DATABASE_URL) {
	// A throw-away PostgreSQL for this run, removed when it ends.
	const child = spawn(
		process.execPath,
		[join(ROOT, 'scripts', 'with-postgres.mjs'), process.execPath, fileURLToPath(import.meta.url), ...args],
		{ stdio: 'inherit' }
	);
	for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM']))
		process.on(signal, () => child.kill(signal));
	child.on('exit', (code) => process.exit(code ?? 1));
} else {
	await run();
}

async function run() {
	const entry = join(ROOT, 'build', 'server.js');
	if (!existsSync(entry)) {
		console.error('build/server.js is missing: run `npm run build` first (`npm run cluster` does).');
		process.exit(1);
	}
	const haproxy = findHaproxy();
	if (!haproxy) {
		console.error('HAProxy is not installed: sudo apt-get install haproxy');
		process.exit(1);
	}
	/** @type {import('node:child_process').ChildProcess[]} */
	const children = [];
	const dir = mkdtempSync(join(tmpdir(), 'lobby-cluster-'));
	let stopping = false;
	const stop = (/** @type {number} */ code) => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping the servers and HAProxy…');
		for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
		setTimeout(() => {
			rmSync(dir, { recursive: true, force: true });
			process.exit(code);
		}, 6000).unref();
		Promise.all(
			children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null))
		).then(() => {
			rmSync(dir, { recursive: true, force: true });
			process.exit(code);
		});
	};
	process.on('SIGINT', () => stop(0));
	process.on('SIGTERM', () => stop(0));

	const servers = [];
	for (let i = 1; i <= nodes; i++) servers.push({ name: `node-${i}`, port: await freePort() });
	await Promise.all(
		servers.map(
			(server) =>
				new Promise((resolve, reject) => {
					const child = spawn(process.execPath, [entry], {
						cwd: ROOT,
						env: withServerMemory({
							...process.env,
							PORT: String(server.port),
							HOST: '127.0.0.1',
							LOBBY_NODE_ID: server.name,
							LOBBY_TRUSTED_PROXIES: process.env.LOBBY_TRUSTED_PROXIES ?? '127.0.0.1',
							// Pages are reached through HAProxy's address.
							LOBBY_ALLOWED_ORIGINS: [process.env.LOBBY_ALLOWED_ORIGINS, `http://127.0.0.1:${port}`]
								.filter(Boolean)
								.join(',')
						}),
						stdio: ['ignore', 'pipe', 'pipe']
					});
					children.push(child);
					let output = '';
					const prefix = (/** @type {Buffer} */ chunk) => {
						const text = chunk.toString();
						output += text;
						for (const line of text.split('\n').filter(Boolean)) console.log(`[${server.name}] ${line}`);
						if (/listening on http:/.test(output)) resolve(undefined);
					};
					child.stdout.on('data', prefix);
					child.stderr.on('data', prefix);
					child.once('exit', (code) => {
						if (!stopping) {
							console.error(`[${server.name}] exited with code ${code}`);
							reject(new Error(`${server.name} exited`));
						}
					});
				})
		)
	).catch(() => stop(1));
	const config = join(dir, 'haproxy.cfg');
	writeFileSync(config, renderHaproxyConfig({ port, servers }));
	const proxy = spawn(haproxy, ['-f', config, '-db'], { stdio: ['ignore', 'inherit', 'inherit'] });
	children.push(proxy);
	proxy.once('exit', (code) => {
		if (!stopping) {
			console.error(`HAProxy exited with code ${code}`);
			stop(1);
		}
	});
	console.log(
		`\nLobby runs on ${nodes} server(s) behind HAProxy: http://127.0.0.1:${port}\n` +
			servers.map((s) => `  ${s.name}: http://127.0.0.1:${s.port}`).join('\n') +
			'\nStop a server (kill -9 its process) to see its meetings move. Ctrl-C stops everything.'
	);
}
