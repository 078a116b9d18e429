import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/** Name of the lock file kept inside a PGlite data directory while a server uses it. */
export const LOCK_FILE = 'lobby.lock';

/**
 * Raised when another live process already holds a data directory. PGlite takes no lock of its
 * own, so without this a second server would open the same files and writes would be lost.
 */
export class DirectoryLockedError extends Error {
	readonly code = 'data-dir-locked';
	constructor(
		readonly directory: string,
		readonly holderPid: number,
		readonly holderHost: string
	) {
		super(
			`The data directory ${directory} is in use by process ${holderPid} on ${holderHost}. ` +
				`Stop that process, or set LOBBY_DATA_DIR to another directory. ` +
				`The embedded database serves one server; to run several servers on one database, ` +
				`give each the same PostgreSQL with DATABASE_URL (README, "Several servers").`
		);
		this.name = 'DirectoryLockedError';
	}
}

/** A held lock; `release()` removes the lock file if it is still ours. */
export interface DirectoryLock {
	readonly directory: string;
	release(): void;
}

interface LockRecord {
	pid: number;
	host: string;
	startedAt: string;
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: the process exists but belongs to someone else.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function readRecord(path: string): LockRecord | null {
	try {
		const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockRecord>;
		if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
			return { pid: parsed.pid, host: parsed.host, startedAt: String(parsed.startedAt ?? '') };
		}
		return null;
	} catch {
		return null;
	}
}

/**
 * Takes an exclusive lock on `directory` (created, with its parents, if missing), in the manner of
 * PostgreSQL's postmaster.pid: a lock file created with O_EXCL names the holder. A lock left by a
 * process that no longer runs on this host is stale and taken over. Throws DirectoryLockedError
 * when a live process holds it.
 */
export function lockDirectory(directory: string): DirectoryLock {
	const dir = resolve(directory);
	mkdirSync(dir, { recursive: true });
	const path = join(dir, LOCK_FILE);
	const me: LockRecord = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };

	for (let attempt = 0; attempt < 3; attempt++) {
		let fd: number;
		try {
			fd = openSync(path, 'wx', 0o600);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const holder = readRecord(path);
			if (holder && (holder.host !== me.host || (holder.pid !== me.pid && isAlive(holder.pid)))) {
				throw new DirectoryLockedError(dir, holder.pid, holder.host);
			}
			if (holder?.pid === me.pid) throw new DirectoryLockedError(dir, me.pid, me.host);
			// Stale (holder gone) or unreadable (a crash mid-write): remove and race for it again.
			// O_EXCL guarantees only one contender wins the next create.
			try {
				unlinkSync(path);
			} catch (unlinkError) {
				if ((unlinkError as NodeJS.ErrnoException).code !== 'ENOENT') throw unlinkError;
			}
			continue;
		}
		writeSync(fd, JSON.stringify(me));
		closeSync(fd);
		let released = false;
		return {
			directory: dir,
			release() {
				if (released) return;
				released = true;
				const holder = readRecord(path);
				if (holder?.pid === me.pid && holder.host === me.host) unlinkSync(path);
			}
		};
	}
	const holder = readRecord(path);
	throw new DirectoryLockedError(dir, holder?.pid ?? -1, holder?.host ?? 'unknown host');
}
