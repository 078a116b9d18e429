import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { lockDirectory, type DirectoryLock } from './dir-lock';
import { createPgliteDirectory, pgliteStartParams } from './pglite-files';
import * as schema from './schema';

/** The Drizzle handle both drivers share: services are written once for PGlite and PostgreSQL. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseKind = 'pglite' | 'postgres';

/** An open database with its lifecycle. */
export interface DatabaseHandle {
	readonly kind: DatabaseKind;
	readonly db: Database;
	/** Where the data lives, for log lines: the directory, or the URL without its password. */
	readonly location: string;
	/** Resolves when the database answers a trivial query within `timeoutMs`; rejects otherwise. */
	ping(timeoutMs?: number): Promise<void>;
	close(): Promise<void>;
}

export interface OpenOptions {
	databaseUrl: string | null;
	dataDir: string;
	/** Runs once, inside the migration lock, after migrations (the demo tenant's seed). */
	afterMigrate?: (db: Database) => Promise<void>;
}

/**
 * One key for every server of this product: the advisory lock serialises migrations and seeding
 * when several servers start against one PostgreSQL at once (drizzle's migrator is not safe then).
 */
const MIGRATION_LOCK_KEY = 727_001;

/** How long connecting to PostgreSQL, and one statement, may take before it counts as unavailable. */
export const DATABASE_TIMEOUT_SECONDS = 5;

/** Finds `drizzle/` by walking up from this module, which sits at different depths in dev and build. */
export function findMigrationsFolder(from = dirname(fileURLToPath(import.meta.url))): string {
	let dir = from;
	for (;;) {
		const candidate = join(dir, 'drizzle');
		if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
		const parent = dirname(dir);
		if (parent === dir) throw new Error(`No drizzle/ migrations folder found above ${from}`);
		dir = parent;
	}
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The connection string as safe to print: the password replaced by `***`. */
export function redactUrl(url: string): string {
	try {
		const parsed = new URL(url);
		if (parsed.password) parsed.password = '***';
		return parsed.toString();
	} catch {
		return 'postgres://(unparseable URL)';
	}
}

/**
 * The embedded database's files exist but PGlite cannot open them: damaged by a crash, a full disk
 * or another program. Lobby never starts on an empty database in their place; the message says
 * what the operator can do.
 */
export class DatabaseOpenError extends Error {
	readonly code = 'data-dir-unreadable';
	constructor(
		readonly directory: string,
		cause: unknown
	) {
		const detail = cause instanceof Error ? cause.message : String(cause);
		super(
			`The embedded database in ${directory} could not be opened (${detail}). Its files may be damaged, ` +
				`for example by a full disk or a crash. Lobby will not start on an empty database in its place. ` +
				`Free disk space and start again; or restore the folder from a backup; or move it aside ` +
				`(mv ${directory} ${directory}.damaged) to start afresh with a new demo tenant.`,
			{ cause }
		);
		this.name = 'DatabaseOpenError';
	}
}

/** `dataDir` value for a PGlite database that lives in memory only (simulations, specs). */
export const IN_MEMORY = 'memory://';

async function openPglite(options: OpenOptions): Promise<DatabaseHandle> {
	const inMemory = options.dataDir === IN_MEMORY;
	// The lock comes first: nothing is written to the directory before it is held.
	const lock: DirectoryLock = inMemory
		? { directory: IN_MEMORY, release() {} }
		: lockDirectory(options.dataDir);
	let client: PGlite;
	try {
		const pgdata = inMemory ? undefined : join(lock.directory, 'pgdata');
		if (pgdata) await createPgliteDirectory(pgdata, findMigrationsFolder());
		client = await PGlite.create(pgdata, { startParams: pgliteStartParams() });
	} catch (error) {
		lock.release();
		throw inMemory ? error : new DatabaseOpenError(lock.directory, error);
	}
	const db = drizzlePglite({ client, schema }) as unknown as Database;
	const handle: DatabaseHandle = {
		kind: 'pglite',
		db,
		location: lock.directory,
		ping: (timeoutMs = 2000) =>
			withTimeout(
				client.query('select 1').then(() => undefined),
				timeoutMs,
				'PGlite'
			),
		async close() {
			try {
				if (!client.closed) await client.close();
			} finally {
				lock.release();
			}
		}
	};
	try {
		await migratePglite(drizzlePglite({ client }), { migrationsFolder: findMigrationsFolder() });
		await options.afterMigrate?.(db);
	} catch (error) {
		await handle.close();
		throw error;
	}
	return handle;
}

async function openPostgres(url: string, options: OpenOptions): Promise<DatabaseHandle> {
	const client = postgres(url, {
		max: 10,
		onnotice: () => {},
		// A database that cannot be reached is reported within these, and the caller hears
		// `unavailable` instead of waiting (docs/reliability.md).
		connect_timeout: DATABASE_TIMEOUT_SECONDS,
		connection: { statement_timeout: DATABASE_TIMEOUT_SECONDS * 1000 }
	});
	const db = drizzlePostgres({ client, schema }) as unknown as Database;
	const handle: DatabaseHandle = {
		kind: 'postgres',
		db,
		location: redactUrl(url),
		ping: (timeoutMs = 2000) =>
			withTimeout(
				client`select 1`.then(() => undefined),
				timeoutMs,
				'PostgreSQL'
			),
		close: () => client.end({ timeout: 2 })
	};
	try {
		const reserved = await client.reserve();
		try {
			// Waiting for another server's migrations, and the migrations themselves, may take longer.
			await reserved`set statement_timeout = 0`;
			await reserved`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
			try {
				await migratePostgres(drizzlePostgres({ client }), { migrationsFolder: findMigrationsFolder() });
				await options.afterMigrate?.(db);
			} finally {
				await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
				await reserved`reset statement_timeout`;
			}
		} finally {
			reserved.release();
		}
	} catch (error) {
		await handle.close();
		throw error;
	}
	return handle;
}

/**
 * Opens the database the configuration names, applies the migrations in `drizzle/` and runs
 * `afterMigrate`: PostgreSQL through postgres.js when a URL is given, else PGlite in `dataDir`
 * under an exclusive directory lock.
 */
export function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
	return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPglite(options);
}

export { schema, sql };
