/**
 * The embedded database's memory. PGlite is PostgreSQL compiled to WebAssembly, and its memory only
 * grows, so two settings decide what a server on PGlite holds at rest (docs/architecture.md,
 * "Memory at rest"):
 *
 * - Creating a database directory runs initdb, which starts two more PostgreSQL instances of its
 *   own; about 550 MB of theirs stays in the process that ran it, even after they close. A new
 *   directory is therefore created by a short-lived child process, and the server only ever opens
 *   a finished one.
 * - initdb gives PostgreSQL 128 MB of shared buffers, sized for a database server with a machine
 *   of its own. Lobby's embedded data is a demo tenant and the event log; 16 MB holds it, and the
 *   operating system's file cache is underneath either way.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/** Shared buffers of every embedded database: the server's and each simulation's. */
export const PGLITE_SHARED_BUFFERS = '16MB';

/** PGlite's own start parameters, with the shared buffers above. */
export function pgliteStartParams(): string[] {
	return [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`];
}

/** Whether `pgdata` holds a database already (PostgreSQL writes PG_VERSION when initdb ends). */
export function isInitialized(pgdata: string): boolean {
	return existsSync(join(pgdata, 'PG_VERSION'));
}

/**
 * The child's program: create the database, apply the migrations, close it (which writes it out)
 * and exit 0; else say why and exit 1. Its arguments are the modules' paths, then the folders.
 */
const CREATE = `const [pglite, driver, migrator, pgdata, migrations] = process.argv.slice(1);
const { PGlite } = require(pglite);
const { drizzle } = require(driver);
const { migrate } = require(migrator);
PGlite.create(pgdata)
	.then(async (client) => {
		await migrate(drizzle({ client }), { migrationsFolder: migrations });
		await client.close();
	})
	.then(
		() => process.exit(0),
		(error) => {
			process.stderr.write(String((error && error.message) || error));
			process.exit(1);
		}
	);`;

/**
 * Creates the database in `pgdata` with the migrations of `migrationsFolder` applied, in a child
 * process of this same Node, and waits for it to end (the migrations' catalog work would grow this
 * process's PGlite memory too); rejects with the child's own message when it fails. A directory
 * that holds a database already is left as it is.
 */
export function createPgliteDirectory(pgdata: string, migrationsFolder: string): Promise<void> {
	if (isInitialized(pgdata)) return Promise.resolve();
	const resolve = createRequire(import.meta.url).resolve;
	const modules = ['@electric-sql/pglite', 'drizzle-orm/pglite', 'drizzle-orm/pglite/migrator'].map((m) =>
		resolve(m)
	);
	return new Promise((done, reject) => {
		execFile(
			process.execPath,
			['-e', CREATE, ...modules, pgdata, migrationsFolder],
			{ maxBuffer: 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' } },
			(error, _stdout, stderr) => {
				if (!error) return done();
				const said = stderr.trim();
				reject(new Error(said ? `initdb failed: ${said}` : `initdb failed: ${error.message}`));
			}
		);
	});
}
