/**
 * What the live-run and scenario-load specs run on: the production services on a simulation
 * database seeded with the demo tenant (leader PINs issued), a scratch folder whose `scenarios/`
 * holds the shipped files a spec names and any it writes, and the administrator and Amos as actors.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { DatabaseHandle } from '$lib/server/db/index';
import { users } from '$lib/server/db/schema';
import type { Actor } from '$lib/server/services/audit.service';
import { createServices, stopServices } from '$lib/server/services/index';
import type { LiveHostDeps } from '$lib/server/simulator/live-host';
import { openSimulationDatabase } from '$lib/server/simulator/simulation-database';

const SHIPPED = new URL('../../scenarios/', import.meta.url);

export interface LiveBench {
	database: DatabaseHandle;
	/** What a LiveScenarios or a ScenarioLoads takes. */
	deps: LiveHostDeps;
	/** The scratch folder, with `scenarios/` in it: the `cwd` the runs list files from. */
	cwd: string;
	admin: Actor;
	amos: Actor;
	/** Stops the services and removes the database and the folder. */
	close(): Promise<void>;
}

/** Opens a bench with the shipped `files` and the written ones (`name.yaml` to its text). */
export async function openLiveBench(
	files: readonly string[],
	written: Record<string, string> = {}
): Promise<LiveBench> {
	const database = await openSimulationDatabase();
	const { services, ids, notifier } = await createServices(database);
	await services.dialIn.issueMissingPins('system');
	const cwd = mkdtempSync(join(tmpdir(), 'lobby-live-bench-'));
	mkdirSync(join(cwd, 'scenarios'));
	for (const file of files) copyFileSync(new URL(file, SHIPPED), join(cwd, 'scenarios', file));
	for (const [file, text] of Object.entries(written)) writeFileSync(join(cwd, 'scenarios', file), text);
	const actor = async (email: string): Promise<Actor> => {
		const [row] = await database.db.select().from(users).where(eq(users.email, email));
		if (!row) throw new Error(`The demo directory has no ${email}.`);
		return { userId: row.id, email: row.email, role: row.role };
	};
	return {
		database,
		deps: { services, db: database.db, ids, notifier },
		cwd,
		admin: await actor('admin@contoso.com'),
		amos: await actor('amos.marble@contoso.com'),
		async close() {
			await stopServices(services);
			await database.close();
			rmSync(cwd, { recursive: true, force: true });
		}
	};
}
