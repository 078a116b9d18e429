/**
 * Socket.IO's PostgreSQL adapter on its own small node-postgres pool: broadcasts and server-side
 * messages between the servers of a cluster travel as PostgreSQL NOTIFY on the one database they
 * share (docs/architecture.md, "Several servers"). The application's own queries stay on postgres.js;
 * the adapter needs node-postgres for LISTEN. Its table, `socket_io_attachments`, comes from the
 * migrations in `drizzle/`.
 */
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import { log } from '../log';

/** Servers announce themselves this often; one silent for `HEARTBEAT_TIMEOUT_MS` is no longer waited for. */
const HEARTBEAT_INTERVAL_MS = 2000;
const HEARTBEAT_TIMEOUT_MS = 6000;

export interface ClusterTransport {
	/** What `io.adapter()` takes. */
	readonly adapter: ReturnType<typeof createAdapter>;
	close(): Promise<void>;
}

export function openClusterTransport(databaseUrl: string): ClusterTransport {
	const pool = new pg.Pool({ connectionString: databaseUrl, max: 4, connectionTimeoutMillis: 5000 });
	// A connection PostgreSQL closed must not take the server down, idle in the pool or held by the
	// adapter for LISTEN (which listens for its end, not its error): the adapter reconnects.
	const lost = (error: Error) => log.warn(`The cluster channel lost a database connection: ${error.message}`);
	pool.on('error', lost);
	pool.on('connect', (client) => client.on('error', lost));
	const adapter = createAdapter(pool, {
		heartbeatInterval: HEARTBEAT_INTERVAL_MS,
		heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
		errorHandler: (error: Error) => log.warn(`The cluster channel failed: ${error.message}`)
	});
	let closed: Promise<void> | null = null;
	return {
		adapter,
		close: () => (closed ??= pool.end().catch(() => undefined))
	};
}
