/**
 * The database a simulation runs on: PGlite in memory, migrated and seeded with the Contoso demo
 * tenant, its own for each run. It never touches the live database (the server's PGlite directory
 * or PostgreSQL): a scenario may add simulated users, reset PINs and fill the mailbox freely.
 *
 * Creating, migrating and seeding a PGlite takes seconds; copying one takes a fraction of that. So
 * the first run in a process prepares a template and every run starts from a copy of it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { findMigrationsFolder, IN_MEMORY, type Database, type DatabaseHandle } from '../db/index';
import { createPgliteDirectory, pgliteStartParams } from '../db/pglite-files';
import * as schema from '../db/schema';
import type { DatabaseGate } from './database-gate';
import { seedDemoTenant } from '../db/seed';

/** Sign-in passwords of the simulated directory; nobody signs in to a simulation. */
const SIMULATION_PASSWORDS = { admin: 'simulation-admin', users: 'simulation-user' };

/**
 * A simulation's database is thrown away when the run ends, so nothing needs to survive a crash:
 * no flushing, no waiting for the commit record, no full-page images. Every statement still runs
 * in its transaction as in production; only durability is off.
 */
const THROWAWAY = ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off'];

let template: Promise<File | Blob> | null = null;

/**
 * The template is created and migrated on disk by a child process (initdb's memory stays in the
 * process that runs it; db/pglite-files.ts), then seeded and copied into memory here.
 */
async function prepareTemplate(): Promise<File | Blob> {
	const scratch = await mkdtemp(join(tmpdir(), 'lobby-simulation-'));
	try {
		const pgdata = join(scratch, 'pgdata');
		await createPgliteDirectory(pgdata, findMigrationsFolder());
		const client = await PGlite.create(pgdata, { startParams: pgliteStartParams() });
		try {
			await seedDemoTenant(drizzle({ client, schema }) as unknown as Database, SIMULATION_PASSWORDS);
			return await client.dumpDataDir('none');
		} finally {
			await client.close();
		}
	} finally {
		await rm(scratch, { recursive: true, force: true });
	}
}

/**
 * The seeded template every run starts from, prepared by the first call in a process (a few seconds;
 * every run after that only copies it). The benchmark calls it first, to tell the two costs apart.
 */
export function simulationTemplate(): Promise<File | Blob> {
	if (!template) {
		template = prepareTemplate();
		// A failed preparation must not stick: the next run tries again.
		template.catch(() => {
			template = null;
		});
	}
	return template;
}

/**
 * A new in-memory database for one run: the migrated, seeded template, copied, its queries asked at
 * `gate` when one is given. Close it when the run is over.
 */
export async function openSimulationDatabase(options: { gate?: DatabaseGate } = {}): Promise<DatabaseHandle> {
	const client = await PGlite.create({
		loadDataDir: await simulationTemplate(),
		postgresqlconf: THROWAWAY,
		startParams: pgliteStartParams()
	});
	// A run that pauses its database (`pauseDatabase`) asks the gate before each query.
	const db = drizzle({
		client: options.gate ? options.gate.client(client) : client,
		schema
	}) as unknown as Database;
	return {
		kind: 'pglite',
		db,
		location: IN_MEMORY,
		async ping() {
			await client.query('select 1');
		},
		async close() {
			if (!client.closed) await client.close();
		}
	};
}
