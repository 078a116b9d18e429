/**
 * `npm start` (scripts/start.mjs) on Linux: the server runs as a child with glibc's malloc set as
 * scripts/server-memory.mjs says, signals reach it through the starting process, and the server
 * never outlives that process. About the start script, not a database: it runs on PGlite only, and
 * not again when the suite runs on PostgreSQL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MALLOC_TUNABLE } from '../../scripts/server-memory.mjs';
import { ROOT } from '../helpers/server';

interface Started {
	child: ChildProcess;
	url: string;
	output: () => string;
	exited: Promise<number | null>;
}

const dirs: string[] = [];
const running: ChildProcess[] = [];

afterEach(() => {
	for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function npmStart(extraEnv: Record<string, string> = {}): Promise<Started> {
	const dataDir = mkdtempSync(join(tmpdir(), 'lobby-start-'));
	dirs.push(dataDir);
	const env: NodeJS.ProcessEnv = {
		...process.env,
		PORT: '0',
		HOST: '127.0.0.1',
		DATABASE_URL: '',
		LOBBY_DATA_DIR: dataDir,
		LOBBY_ADMIN_PASSWORD: 'admin-test-password',
		LOBBY_DEMO_PASSWORD: 'user-test-password',
		...extraEnv
	};
	if (!('GLIBC_TUNABLES' in extraEnv)) delete env.GLIBC_TUNABLES;
	const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], {
		cwd: ROOT,
		env,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	running.push(child);
	let output = '';
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	return new Promise((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`npm start did not listen within 60 s:\n${output}`)),
			60_000
		);
		const onData = (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
			if (match?.[1]) {
				clearTimeout(timer);
				resolve({ child, url: match[1], output: () => output, exited });
			}
		};
		child.stdout!.on('data', onData);
		child.stderr!.on('data', onData);
		void exited.then((code) => {
			clearTimeout(timer);
			reject(new Error(`npm start exited (${code}) before listening:\n${output}`));
		});
	});
}

/** The processes `pid` started, from the kernel's own list. */
function childrenOf(pid: number): number[] {
	const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
	return text ? text.split(/\s+/).map(Number) : [];
}

function environOf(pid: number): string[] {
	return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
	const until = Date.now() + withinMs;
	while (Date.now() < until) {
		const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
		// A process that ended but is not yet reaped shows state Z.
		if (!stat || / Z /.test(stat)) return true;
		await new Promise((r) => setTimeout(r, 100));
	}
	return false;
}

describe.runIf(process.platform === 'linux' && !process.env.DATABASE_URL)('npm start on Linux', () => {
	it('runs the server as a child with the malloc setting, and passes SIGTERM on to it', async () => {
		const started = await npmStart();
		const [server, ...more] = childrenOf(started.child.pid!);
		expect(more).toEqual([]);
		expect(server).toBeGreaterThan(0);
		expect(environOf(server!)).toContain(`GLIBC_TUNABLES=${MALLOC_TUNABLE}`);
		expect(environOf(started.child.pid!).some((v) => v.startsWith('GLIBC_TUNABLES='))).toBe(false);
		expect((await fetch(`${started.url}/healthz`)).status).toBe(200);

		started.child.kill('SIGTERM');
		expect(await started.exited).toBe(0);
		expect(started.output()).toMatch(/SIGTERM received[\s\S]*Stopped\./);
		expect(await gone(server!, 5000)).toBe(true);
	});

	it('stops the server when the starting process is killed outright', async () => {
		const started = await npmStart();
		const [server] = childrenOf(started.child.pid!);
		expect(server).toBeGreaterThan(0);
		started.child.kill('SIGKILL');
		await started.exited;
		expect(await gone(server!, 10_000)).toBe(true);
		expect(started.output()).toContain('The process that started the server ended');
	});

	it("keeps one process when the environment already sets malloc's threshold", async () => {
		const started = await npmStart({ GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=8388608' });
		expect(childrenOf(started.child.pid!)).toEqual([]);
		expect((await fetch(`${started.url}/healthz`)).status).toBe(200);
		started.child.kill('SIGTERM');
		expect(await started.exited).toBe(0);
	});
});
