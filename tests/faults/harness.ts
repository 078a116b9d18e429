/**
 * What every fault scenario under load shares: a database it can take away (PGlite in its own
 * folder, or the suite's durable PostgreSQL cluster when `DATABASE_URL` is set), the built server on
 * a fixed port so callers find it again after a restart, an administrator's token, simulated
 * organizers with fresh PINs, and the event log read back at the end.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { ApiClient } from '../../src/cli/api-client';
import { TEST_ADMIN_PASSWORD } from '../helpers/directory';
import { loggedIn } from '../helpers/lobby-cli';
import { startServer, type TestServer } from '../helpers/server';
import type { MeetingSnapshot } from '$lib/contract/events';
import { connect, must } from '../helpers/clients';
import type { Organizer } from './crowd';
import { freePort, startDurablePostgres, type DurablePostgres } from './durable-postgres';
import type { LoggedEvent } from './ledger';

/** One fault scenario's server and database. */
export class Stage {
	server: TestServer | null = null;
	private constructor(
		readonly kind: 'pglite' | 'postgres',
		readonly port: number,
		readonly env: Record<string, string>,
		readonly home: string,
		readonly dataDir: string | null,
		readonly postgres: DurablePostgres | null
	) {}

	/** PGlite unless `DATABASE_URL` is set (then a durable cluster of the suite's own). */
	static async create(
		options: { kind?: 'pglite' | 'postgres'; env?: Record<string, string>; dataDir?: string } = {}
	): Promise<Stage> {
		const kind = options.kind ?? (process.env.DATABASE_URL ? 'postgres' : 'pglite');
		const home = mkdtempSync(join(tmpdir(), 'lobby-faults-'));
		const port = await freePort();
		if (kind === 'postgres') {
			const pg = await startDurablePostgres();
			return new Stage(
				kind,
				port,
				{ DATABASE_URL: pg.url, PORT: String(port), ...options.env },
				home,
				null,
				pg
			);
		}
		const dataDir = options.dataDir ?? join(home, 'data');
		return new Stage(
			kind,
			port,
			{ LOBBY_DATA_DIR: dataDir, DATABASE_URL: '', PORT: String(port), ...options.env },
			home,
			dataDir,
			null
		);
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/** Starts the built server on this stage's database and port. */
	async start(timeoutMs = 60_000): Promise<TestServer> {
		this.server = await startServer({ env: this.env, timeoutMs });
		return this.server;
	}

	/** An administrator's API token, from `lobby login`. */
	async adminToken(): Promise<string> {
		const env = await loggedIn(this.url, this.home, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
		const saved = JSON.parse(readFileSync(env.LOBBY_CREDENTIALS!, 'utf8')) as { token: string };
		return saved.token;
	}

	/** `count` simulated organizers with fresh PINs, as `lobby load` makes them. */
	async organizers(token: string, count: number): Promise<Organizer[]> {
		const api = new ApiClient({ url: this.url, token, userAgent: 'lobby-faults', timeoutMs: 30_000 });
		const { organizers } = await api.post<{ organizers: Organizer[] }>('/simulated-organizers', { count });
		return organizers;
	}

	/** The meetings' event log, read after the server stopped (PGlite allows one process at a time). */
	async events(meetingIds: readonly string[]): Promise<LoggedEvent[]> {
		const query = `select meeting_id as "meetingId", seq, type, data from meeting_events where meeting_id = any($1) order by meeting_id, seq`;
		if (this.postgres) {
			const sql = postgres(this.postgres.url, { max: 1, onnotice: () => {} });
			try {
				return (await sql.unsafe(query, [meetingIds as string[]])) as unknown as LoggedEvent[];
			} finally {
				await sql.end();
			}
		}
		const db = new PGlite(join(this.dataDir!, 'pgdata'));
		try {
			return (await db.query<LoggedEvent>(query, [meetingIds])).rows;
		} finally {
			await db.close();
		}
	}

	async remove(): Promise<void> {
		if (this.server) await this.server.stop('SIGKILL');
		this.postgres?.remove();
		rmSync(this.home, { recursive: true, force: true });
	}
}

/** Each meeting's lobby as the server holds it now, in order. */
export async function lobbies(
	url: string,
	token: string,
	meetingIds: readonly string[]
): Promise<Map<string, string[]>> {
	const monitor = await connect(url, { auth: { token } });
	try {
		const result = new Map<string, string[]>();
		for (const meetingId of meetingIds) {
			const answer = await must(
				monitor.timeout(10_000).emitWithAck('monitor:subscribe', { scope: 'meeting', meetingId })
			);
			const snapshot = (answer as { snapshot: MeetingSnapshot }).snapshot;
			result.set(
				meetingId,
				snapshot.meeting.lobby.map((c) => c.participantId)
			);
		}
		return result;
	} finally {
		monitor.close();
	}
}
