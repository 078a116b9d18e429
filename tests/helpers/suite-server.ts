import { afterAll, beforeAll } from 'vitest';
import { prepareDirectory } from './directory';
import { createTestDatabase, startServer, type TestDatabase, type TestServer } from './server';

export interface SuiteServer {
	readonly database: TestDatabase;
	readonly server: TestServer;
}

/**
 * A built server on a fresh database for the enclosing `describe`: made before its first test
 * (after the hooks registered before this call), stopped and dropped after its last (after the
 * hooks registered later, which close their clients first).
 */
export function serverPerSuite(
	options: {
		/** Seeds the directory first, with these leader PINs or tenant settings. */
		directory?: Parameters<typeof prepareDirectory>[1];
		/** More environment for the server, read when it starts. */
		env?: () => Record<string, string>;
	} = {}
): SuiteServer {
	let database: TestDatabase | undefined;
	let server: TestServer | undefined;
	beforeAll(async () => {
		database = await createTestDatabase();
		if (options.directory) await prepareDirectory(database, options.directory);
		server = await startServer({ env: { ...database.env, ...options.env?.() } });
	});
	afterAll(async () => {
		await server?.stop();
		await database?.drop();
	});
	return {
		get database() {
			if (!database) throw new Error('The suite server is made in beforeAll; use it inside a test or hook.');
			return database;
		},
		get server() {
			if (!server) throw new Error('The suite server is made in beforeAll; use it inside a test or hook.');
			return server;
		}
	};
}
