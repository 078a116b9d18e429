/**
 * A PostgreSQL cluster of the fault suite's own: default durability settings (fsync and
 * synchronous commit on, unlike the fast throw-away cluster of `npm run test:postgres`), its own
 * port and folder, so it can be restarted, killed and frozen without disturbing anything else.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asOwner, findPgBin, freePort, isRoot } from '../../scripts/postgres-programs.mjs';

export { findPgBin, freePort };

/** The processes whose parent is `pid`, read from /proc (no procps needed). */
function childrenOf(pid: number): number[] {
	const found: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			// "pid (comm) state ppid ...": comm may hold spaces, so read after its closing parenthesis.
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (ppid === pid) found.push(Number(entry));
		} catch {
			// ended meanwhile
		}
	}
	return found;
}

export interface DurablePostgres {
	readonly url: string;
	readonly port: number;
	/** `pg_ctl stop` in the given shutdown mode (without blocking this process's event loop). */
	stop(mode: 'fast' | 'immediate'): Promise<void>;
	/** `pg_ctl start`; resolves when it accepts connections. */
	start(): Promise<void>;
	/** SIGSTOP to the postmaster and every backend: it stops answering but keeps its connections. */
	freeze(): number[];
	/** SIGCONT to what `freeze` stopped. */
	thaw(pids: readonly number[]): void;
	/** Whether it accepts connections now. */
	ready(): boolean;
	/** Stops it and removes its folder. */
	remove(): void;
}

/** Starts a fresh durable cluster with a database `lobby`; throws when no PostgreSQL is installed. */
export async function startDurablePostgres(): Promise<DurablePostgres> {
	const bin = findPgBin();
	if (!bin)
		throw new Error('No PostgreSQL server programs (initdb, pg_ctl) found: apt-get install postgresql');
	const dir = mkdtempSync(join(tmpdir(), 'lobby-faults-pg-'));
	const data = join(dir, 'data');
	if (isRoot) {
		const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
		const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
		chownSync(dir, uid, gid);
	}
	const run = (program: string, args: string[]) => {
		const [cmd, argv] = asOwner(bin, program, args);
		return spawnSync(cmd, argv, { encoding: 'utf8' });
	};
	const runAsync = (program: string, args: string[]) =>
		new Promise<void>((resolve, reject) => {
			const [cmd, argv] = asOwner(bin, program, args);
			execFile(cmd, argv, { encoding: 'utf8' }, (error, stdout, stderr) =>
				error ? reject(new Error(`${program} ${args.join(' ')} failed:\n${stdout}\n${stderr}`)) : resolve()
			);
		});
	const must = (what: string, result: ReturnType<typeof run>) => {
		if (result.status !== 0) throw new Error(`${what} failed:\n${result.stdout}\n${result.stderr}`);
	};
	const port = await freePort();
	must('initdb', run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C']));
	const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
	const startArgs = ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', '-o', options, 'start'];
	must('pg_ctl start', run('pg_ctl', startArgs));
	const psql = (sql: string) =>
		run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', sql]);
	must('createdb', psql('create database lobby'));
	const postmasterPid = () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
	return {
		url: `postgres://postgres@127.0.0.1:${port}/lobby`,
		port,
		stop: (mode) => runAsync('pg_ctl', ['-D', data, '-w', '-m', mode, 'stop']),
		start: () => runAsync('pg_ctl', startArgs),
		freeze() {
			const root = postmasterPid();
			const children = childrenOf(root);
			const pids = [root, ...children];
			for (const pid of pids) process.kill(pid, 'SIGSTOP');
			return pids;
		},
		thaw(pids) {
			for (const pid of pids) {
				try {
					process.kill(pid, 'SIGCONT');
				} catch {
					// gone meanwhile
				}
			}
		},
		ready() {
			return (
				spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-t', '1']).status === 0
			);
		},
		remove() {
			if (existsSync(join(data, 'postmaster.pid')))
				run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
			rmSync(dir, { recursive: true, force: true });
		}
	};
}
