import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryLockedError, LOCK_FILE, lockDirectory } from './dir-lock';

describe('lockDirectory', () => {
	let root: string;
	beforeEach(() => {
		root = mkdtempSync(join(tmpdir(), 'lobby-lock-'));
	});
	afterEach(() => rmSync(root, { recursive: true, force: true }));

	it('creates a missing directory with its parents and records the holder', () => {
		const dir = join(root, 'a', 'b', 'data');
		const lock = lockDirectory(dir);
		const record = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number; host: string };
		expect(record).toMatchObject({ pid: process.pid, host: hostname() });
		lock.release();
		expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
	});

	it('refuses a directory held by a live process, naming the directory and the process', () => {
		// The parent of this test process is alive for the whole test.
		writeFileSync(
			join(root, LOCK_FILE),
			JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: '' })
		);
		let error: unknown;
		try {
			lockDirectory(root);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(DirectoryLockedError);
		expect((error as Error).message).toContain(root);
		expect((error as Error).message).toContain(`process ${process.ppid}`);
	});

	it('refuses a second lock from the same process', () => {
		const lock = lockDirectory(root);
		expect(() => lockDirectory(root)).toThrow(DirectoryLockedError);
		lock.release();
	});

	it('refuses a directory held from another host, since that process cannot be checked', () => {
		writeFileSync(
			join(root, LOCK_FILE),
			JSON.stringify({ pid: 1, host: 'elsewhere.example', startedAt: '' })
		);
		expect(() => lockDirectory(root)).toThrow(/in use by process 1 on elsewhere\.example/);
	});

	it('takes over a stale lock whose process is gone, and an unreadable one', () => {
		writeFileSync(join(root, LOCK_FILE), JSON.stringify({ pid: 4_194_000, host: hostname(), startedAt: '' }));
		lockDirectory(root).release();
		writeFileSync(join(root, LOCK_FILE), '{"pid": 12');
		const lock = lockDirectory(root);
		expect(JSON.parse(readFileSync(join(root, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
		lock.release();
	});

	it('release leaves a lock that another process took over alone', () => {
		const lock = lockDirectory(root);
		writeFileSync(
			join(root, LOCK_FILE),
			JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: '' })
		);
		lock.release();
		expect(existsSync(join(root, LOCK_FILE))).toBe(true);
	});
});
