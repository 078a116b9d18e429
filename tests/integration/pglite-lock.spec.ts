import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { createTestDatabase, runServerToExit, startServer, type TestDatabase } from '../helpers/server';

describe('the embedded database directory lock', () => {
	let database: TestDatabase | undefined;
	afterEach(async () => {
		await database?.drop();
		database = undefined;
	});

	it('refuses a second server on the same directory at once, naming the directory and the holder', async () => {
		database = await createTestDatabase({ forcePglite: true });
		const first = await startServer({ env: database.env });
		try {
			const second = await runServerToExit(database.env);
			expect(second.code).not.toBe(0);
			expect(second.output).toContain(database.dataDir!);
			expect(second.output).toContain(`process ${first.process.pid}`);
			expect(second.ms).toBeLessThan(5000);
			// The first server is unharmed: still ready, its database answering.
			const health = await fetch(`${first.url}/readyz`);
			expect(health.status).toBe(200);
		} finally {
			await first.stop();
		}
		// Once released, the directory can be used again, and its data is still there.
		const again = await startServer({ env: database.env });
		try {
			expect(again.output()).not.toContain('Seeded');
		} finally {
			await again.stop();
		}
	});

	it('takes over a lock left by a process that no longer runs', async () => {
		database = await createTestDatabase({ forcePglite: true });
		const first = await startServer({ env: database.env });
		await first.stop();
		const { hostname } = await import('node:os');
		// PIDs near the kernel's maximum are not in use on a test machine.
		writeFileSync(
			join(database.dataDir!, 'lobby.lock'),
			JSON.stringify({ pid: 4_194_000, host: hostname(), startedAt: '' })
		);
		const second = await startServer({ env: database.env });
		const health = await fetch(`${second.url}/readyz`);
		expect(health.status).toBe(200);
		await second.stop();
	});
});

describe('start-up errors', () => {
	it('exits non-zero with a message naming a bad PORT', async () => {
		const result = await runServerToExit({ PORT: 'eighty', LOBBY_DATA_DIR: '/nonexistent-never-used' });
		expect(result.code).toBe(1);
		expect(result.output).toContain('PORT must be a whole number from 0 to 65535');
		expect(existsSync('/nonexistent-never-used')).toBe(false);
	});

	it('exits non-zero when the embedded database cannot be opened, says what to do, and leaves the files as they were', async () => {
		const database = await createTestDatabase({ forcePglite: true });
		try {
			const pgdata = join(database.dataDir!, 'pgdata');
			const made = await PGlite.create(pgdata);
			await made.query('create table kept (x int)');
			await made.close();
			// A damaged control file, as a full disk or a crash in the middle of a write can leave it.
			const control = join(pgdata, 'global', 'pg_control');
			const damaged = readFileSync(control).fill(7, 0, 64);
			writeFileSync(control, damaged);
			const result = await runServerToExit(database.env, 30_000);
			expect(result.code).toBe(1);
			expect(result.output).toContain(`The embedded database in ${database.dataDir} could not be opened`);
			expect(result.output).toContain('will not start on an empty database');
			expect(result.output).toContain(`mv ${database.dataDir} ${database.dataDir}.damaged`);
			expect(readFileSync(control).equals(damaged)).toBe(true);
			expect(existsSync(join(database.dataDir!, 'lobby.lock'))).toBe(false);
		} finally {
			await database.drop();
		}
	});
});
