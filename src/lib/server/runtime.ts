import { loadConfig, type Config } from './config';
import { openDatabase, type DatabaseHandle } from './db/index';
import { seedDemoTenant } from './db/seed';
import { log } from './log';
import { StatusService } from './services/status.service';

/** Every service, built once per process; routes, sockets and the CLI reach the domain through these. */
export interface Services {
	status: StatusService;
}

/** The process's one set of long-lived resources. */
export interface Runtime {
	readonly config: Config;
	readonly database: DatabaseHandle;
	readonly services: Services;
	close(): Promise<void>;
}

/*
 * In dev, Vite's config, SvelteKit's server modules and the custom server can each load their own
 * copy of this module; in production the custom server and build/handler.js do. The runtime lives
 * on globalThis so every copy shares one database handle.
 */
const KEY = Symbol.for('lobby-sim.runtime');
type Slot = { promise: Promise<Runtime> | null };
const slot: Slot = ((globalThis as Record<symbol, unknown>)[KEY] as Slot | undefined) ?? { promise: null };
(globalThis as Record<symbol, unknown>)[KEY] = slot;

async function boot(config: Config): Promise<Runtime> {
	const database = await openDatabase({
		databaseUrl: config.databaseUrl,
		dataDir: config.dataDir,
		afterMigrate: async (db) => {
			if (await seedDemoTenant(db)) log.info('Seeded the demo tenant Contoso and its directory.');
		}
	});
	log.info(`Database: ${database.kind === 'pglite' ? 'PGlite in' : 'PostgreSQL at'} ${database.location}`);
	const services: Services = { status: new StatusService(database) };
	let closing: Promise<void> | null = null;
	return {
		config,
		database,
		services,
		close() {
			closing ??= database.close().finally(() => {
				slot.promise = null;
			});
			return closing;
		}
	};
}

/** The process's runtime, booted on first use (config from the environment unless given). */
export function getRuntime(config?: Config): Promise<Runtime> {
	if (!slot.promise) {
		slot.promise = boot(config ?? loadConfig());
		// A failed boot must not stick: the next call tries again.
		slot.promise.catch(() => {
			slot.promise = null;
		});
	}
	return slot.promise;
}
