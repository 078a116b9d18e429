import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { findMigrationsFolder, openDatabase, type DatabaseHandle } from './index';
import { createPgliteDirectory, isInitialized, PGLITE_SHARED_BUFFERS } from './pglite-files';

/** The first row of a query on PGlite, whose driver answers with `{ rows }`. */
async function first<T>(handle: DatabaseHandle, query: SQL): Promise<T | undefined> {
	const answer = (await handle.db.execute(query)) as unknown as { rows: T[] };
	return answer.rows[0];
}

describe('the embedded database directory (PGlite)', () => {
	let scratch: string | undefined;
	let handle: DatabaseHandle | undefined;

	afterEach(async () => {
		await handle?.close();
		handle = undefined;
		if (scratch) await rm(scratch, { recursive: true, force: true });
		scratch = undefined;
	});

	const newScratch = async () => (scratch = await mkdtemp(join(tmpdir(), 'lobby-pglite-files-')));

	it('given a new folder, when the server opens it, then another process created the database and the server runs with the small shared buffers', async () => {
		const dir = await newScratch();
		handle = await openDatabase({ databaseUrl: null, dataDir: dir });
		expect(isInitialized(join(dir, 'pgdata'))).toBe(true);
		const shown = await first<{ shared_buffers: string }>(handle, sql`show shared_buffers`);
		expect(shown?.shared_buffers).toBe(PGLITE_SHARED_BUFFERS);
		// The migrations ran on the database the child created: the event log is there.
		const tables = await first<{ n: number }>(
			handle,
			sql`select count(*)::int as n from information_schema.tables where table_name = 'meeting_events'`
		);
		expect(tables?.n).toBe(1);
	}, 60_000);

	it('given a new folder, then the child creates the database with every migration applied', async () => {
		const dir = await newScratch();
		const pgdata = join(dir, 'pgdata');
		await createPgliteDirectory(pgdata, findMigrationsFolder());
		const journal = JSON.parse(
			await readFile(join(findMigrationsFolder(), 'meta', '_journal.json'), 'utf8')
		) as { entries: unknown[] };
		const client = await PGlite.create(pgdata);
		try {
			const applied = await client.query<{ n: number }>(
				'select count(*)::int as n from drizzle.__drizzle_migrations'
			);
			expect(applied.rows[0]?.n).toBe(journal.entries.length);
		} finally {
			await client.close();
		}
	}, 60_000);

	it('given a folder that holds a database already, then it is left as it was', async () => {
		const dir = await newScratch();
		const pgdata = join(dir, 'pgdata');
		await createPgliteDirectory(pgdata, findMigrationsFolder());
		const before = (await stat(join(pgdata, 'PG_VERSION'))).mtimeMs;
		const files = (await readdir(pgdata)).sort();
		await createPgliteDirectory(pgdata, findMigrationsFolder());
		expect((await stat(join(pgdata, 'PG_VERSION'))).mtimeMs).toBe(before);
		expect((await readdir(pgdata)).sort()).toEqual(files);
	}, 60_000);

	it('given a place where no folder can be made, then creating fails saying initdb failed and why', async () => {
		const dir = await newScratch();
		await writeFile(join(dir, 'a-file'), 'not a folder');
		await expect(
			createPgliteDirectory(join(dir, 'a-file', 'pgdata'), findMigrationsFolder())
		).rejects.toThrow(/^initdb failed: .+/);
	}, 60_000);
});
