// `npm run test:postgres`: runs a command (by default `npm test`) against a throw-away PostgreSQL
// cluster. The cluster lives in a temporary folder on a free loopback port and is removed
// afterwards, also when the command fails or is interrupted.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asOwner, findPgBin, freePort, isRoot } from './postgres-programs.mjs';

const command = process.argv.slice(2);
if (command.length === 0) command.push('npm', 'test');

let bin = findPgBin();
if (!bin && isRoot && existsSync('/etc/debian_version')) {
	console.log("No PostgreSQL server found; installing Debian's postgresql package (apt-get)…");
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
	spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { stdio: 'inherit', env });
	bin = findPgBin();
}
if (!bin) {
	console.error(
		'No PostgreSQL server programs (initdb, pg_ctl) found. Install them: sudo apt-get install postgresql'
	);
	process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'lobby-pg-'));
const data = join(dir, 'data');

/** Runs a server program of the cluster as its owner. */
function runAsOwner(/** @type {string} */ program, /** @type {string[]} */ args) {
	const [cmd, argv] = asOwner(/** @type {string} */ (bin), program, args);
	return spawnSync(cmd, argv, { encoding: 'utf8' });
}

let cleaned = false;
function cleanup() {
	if (cleaned) return;
	cleaned = true;
	if (existsSync(join(data, 'postmaster.pid')))
		runAsOwner('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
	rmSync(dir, { recursive: true, force: true });
}

/** @param {string} what @param {{ status: number | null, stdout: string, stderr: string }} result */
function must(what, result) {
	if (result.status !== 0) {
		console.error(`${what} failed:\n${result.stdout}\n${result.stderr}`);
		cleanup();
		process.exit(1);
	}
}

if (isRoot) {
	const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
	if (id.status !== 0) {
		console.error(
			"Running as root needs the 'postgres' system user (Debian's postgresql package creates it)."
		);
		process.exit(1);
	}
	const uid = Number(id.stdout.trim());
	const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
	chownSync(dir, uid, gid);
}

const port = await freePort();
must(
	'initdb',
	runAsOwner('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'])
);
must(
	'pg_ctl start',
	runAsOwner('pg_ctl', [
		'-D',
		data,
		'-l',
		join(dir, 'postgres.log'),
		'-w',
		'-t',
		'30',
		'-o',
		`-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
		'start'
	])
);
must(
	'createdb',
	runAsOwner('psql', [
		'-h',
		'127.0.0.1',
		'-p',
		String(port),
		'-U',
		'postgres',
		'-d',
		'postgres',
		'-c',
		'create database lobby'
	])
);

const url = `postgres://postgres@127.0.0.1:${port}/lobby`;
console.log(`PostgreSQL ready at ${url} (throw-away cluster in ${dir})`);

const [cmd, ...args] = command;
const child = spawn(/** @type {string} */ (cmd), args, {
	stdio: 'inherit',
	env: { ...process.env, DATABASE_URL: url }
});
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
	process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
	cleanup();
	console.log(`PostgreSQL cluster removed.`);
	process.exit(code ?? (signal ? 1 : 0));
});
