/**
 * PGlite's disk fills up: its data directory lives on a small tmpfs, and a file fills what is left
 * while callers keep joining. The server must refuse new work with a clear error (callers hear
 * `unavailable`) rather than corrupt the directory, or, if PGlite aborts, exit with a message that
 * names the cause instead of hanging; afterwards, with space freed, it starts again on the same
 * directory with everything acknowledged before still there.
 *
 * Needs root and a kernel that lets this process mount a tmpfs; otherwise it is skipped and says why.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Crowd } from './crowd';
import { Ledger, verifyLedger } from './ledger';
import { Stage } from './harness';
import { sized } from './profile';
import { report } from './results';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DISK_MB = 160;

/** Mounts a tmpfs of `mb` MB at a new folder; answers the folder, or why it cannot. */
function smallDisk(mb: number): { dir: string } | { reason: string } {
	const dir = mkdtempSync(join(tmpdir(), 'lobby-faults-disk-'));
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
		rmSync(dir, { recursive: true, force: true });
		return { reason: 'mounting a small tmpfs needs root' };
	}
	const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m`, 'tmpfs', dir], {
		encoding: 'utf8'
	});
	if (mounted.status !== 0) {
		rmSync(dir, { recursive: true, force: true });
		return {
			reason: `this machine does not allow mounting a tmpfs (${mounted.stderr.trim() || 'mount failed'})`
		};
	}
	return { dir };
}

/** Writes zeros to `file` until the disk is full; answers the bytes written. */
function fill(file: string): number {
	const chunk = Buffer.alloc(256 * 1024);
	const fd = openSync(file, 'w');
	let written = 0;
	try {
		for (;;) written += writeSync(fd, chunk);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
	} finally {
		closeSync(fd);
	}
	return written;
}

const CALLERS = sized(30, 200);
const MEETINGS = 3;

describe.skipIf(!!process.env.DATABASE_URL)('PGlite’s disk fills up', () => {
	let stage: Stage | undefined;
	let mounted: string | null = null;
	afterAll(async () => {
		await stage?.remove();
		if (mounted) {
			spawnSync('umount', [mounted]);
			rmSync(mounted, { recursive: true, force: true });
		}
	});

	it('refuses work with a clear error, never corrupts the directory, and starts again on it', async (context) => {
		const disk = smallDisk(DISK_MB);
		if ('reason' in disk) {
			report({
				scenario: 'PGlite disk full',
				database: 'pglite',
				did: 'not run',
				figures: {},
				lost: 0,
				doubled: 0,
				outOfOrder: 0,
				skipped: disk.reason
			});
			context.skip(disk.reason);
			return;
		}
		mounted = disk.dir;
		const dataDir = join(disk.dir, 'data');
		mkdirSync(dataDir);
		stage = await Stage.create({ kind: 'pglite', dataDir });
		const server = await stage.start();
		const token = await stage.adminToken();
		const organizers = await stage.organizers(token, MEETINGS);
		const ledger = new Ledger();
		const crowd = new Crowd(stage.url, organizers, { ledger, token, timeoutMs: 15_000 });
		// Half the callers join while there is room.
		await Promise.all(Array.from({ length: CALLERS / 2 }, (_, i) => crowd.dial(i % MEETINGS)));
		const before = crowd.figures.joined;
		const filler = join(disk.dir, 'filler');
		const filled = fill(filler);
		// The other half while the disk is full: each is answered, never left waiting, and the server
		// stays up or exits saying why.
		const attempts = Array.from({ length: CALLERS / 2 }, (_, i) => crowd.dial(i % MEETINGS));
		await sleep(8000);
		const alive = server.process.exitCode === null && server.process.signalCode === null;
		const output = server.output();
		const refusals = crowd.figures.errors.unavailable ?? 0;
		crowd.close();
		await Promise.race([Promise.all(attempts), sleep(2000)]);
		if (alive) await server.stop('SIGTERM');
		stage.server = null;
		rmSync(filler);
		// With room again, it starts on the same directory, and what was acknowledged is there.
		const restarted = await stage.start();
		await restarted.stop('SIGTERM');
		stage.server = null;
		const verdict = verifyLedger(ledger.entries, await stage.events(crowd.meetingIds()));
		report({
			scenario: 'PGlite disk full',
			database: 'pglite',
			did: `a ${DISK_MB} MB tmpfs filled (${Math.round(filled / 2 ** 20)} MB of filler) while ${CALLERS / 2} more callers dialed`,
			figures: {
				joinedBefore: before,
				joinedWhileFull: crowd.figures.joined - before,
				unavailableAnswers: refusals,
				unanswered: crowd.figures.unanswered,
				serverStayedUp: alive ? 'yes' : 'no'
			},
			lost: verdict.lost,
			doubled: verdict.doubled,
			outOfOrder: verdict.outOfOrder
		});
		expect(verdict).toMatchObject({ lost: 0, doubled: 0, outOfOrder: 0, seqGaps: 0 });
		expect(crowd.figures.unanswered).toBe(0);
		if (alive) {
			// Refused with the clear error, not a server fault.
			expect(refusals).toBeGreaterThan(0);
			expect(crowd.figures.errors.internal ?? 0).toBe(0);
		} else {
			expect(output).toMatch(/no space left on device|disk is full|ENOSPC/i);
		}
	});
});
