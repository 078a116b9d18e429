/**
 * Where a scenario runs: the services it drives and the time they run on. The runner (ScenarioRun)
 * only talks to a host, so the same steps can run in virtual time on an isolated database (this
 * file) or, later, against the running app's services with wall-clock pacing (a live host whose
 * `advanceTo` sleeps, scaled by the chosen speed, and can be paused).
 */
import { SeededRandom } from '$lib/scenario/seeded-random';
import type { Database } from '../db/index';
import { createServices, stopServices, type Services } from '../services/index';
import type { NotifierHub } from '../services/notifier';
import type { IdSource } from '../services/ports';
import { trackActivity } from './activity';
import { SimulatedSmtp } from './simulated-smtp';
import { DatabaseGate } from './database-gate';
import { createRunIds } from './run-ids';
import { openSimulationDatabase } from './simulation-database';
import { MemoryEventStore } from '../repositories/memory-event-store';
import { T0, VirtualTime } from './virtual-time';

/**
 * Where a run in virtual time keeps its meeting events. In memory by default: the run's database
 * is thrown away when it ends, and appending to it took most of a run's time. `database` keeps
 * them as a server does; a spec runs every shipped scenario both ways and compares the logs.
 */
export type EventStoreKind = 'memory' | 'database';

/** The services a scenario drives, and its time. */
export interface ScenarioHost {
	readonly services: Services;
	/** The database the services use (setup writes simulated users here). */
	readonly db: Database;
	readonly ids: IdSource;
	readonly notifier: NotifierHub;
	/** Epoch ms of the run's offset 0. */
	readonly start: number;
	/** Epoch ms now, by the services' clock. */
	now(): number;
	/** Brings time to the epoch ms `at`, running what falls due on the way; never goes back. */
	advanceTo(at: number): Promise<void>;
	/**
	 * When the next timer is due (epoch ms), or null when none is set. Virtual hosts only: a run
	 * watching a state (`eventually: { expect }`) advances timer by timer to check it after each.
	 */
	nextDue?(): number | null;
	/**
	 * Restarts the server (virtual hosts only): the services stop as at a shutdown, then are built
	 * again on the same database, restoring every live meeting and call from the event log, as a
	 * server does when it starts. Callers come back with `resume`, as phones reconnecting do.
	 */
	restart?(): Promise<void>;
	/**
	 * The world's SMTP server (virtual hosts opened with `smtp`): the outbox delivers to it, and
	 * `failMail` makes it refuse for a while.
	 */
	readonly smtp?: SimulatedSmtp;
	/**
	 * The database stops answering until the epoch ms `until` (virtual hosts opened with `pauses`;
	 * `pauseDatabase`, see database-gate.ts).
	 */
	pauseDatabase?(until: number): void;
	/** Runs the run's own look at the state past a paused database: the observer is not part of the fault. */
	observe?<T>(look: () => Promise<T>): Promise<T>;
	/** Resolves when the work started so far is done. */
	settle(): Promise<void>;
	/** Stops the services' timers and releases what the host owns. */
	close(): Promise<void>;
}

/** A digit source for new PINs drawn from the run's seed (DialInService takes it as `randomDigit`). */
export function seededDigits(seed: number): () => number {
	const rng = new SeededRandom(seed, 'pins');
	return () => rng.digit();
}

/**
 * A host on virtual time: its own in-memory database seeded with the demo tenant, the production
 * services built by `createServices` on a virtual clock with the meeting events in memory (unless
 * `events` is `database`), per-run ids and PIN digits from `seed`, mail into the simulated mailbox
 * (or to a simulated SMTP server, with `smtp`),
 * and the lobby-timeout tick running as in production.
 */
export async function openVirtualHost(options: {
	seed: number;
	start?: number;
	/** Where the run keeps meeting events: in memory (the default), or in its database as a server does. */
	events?: EventStoreKind;
	/**
	 * Mail goes out to a simulated SMTP server (`ScenarioHost.smtp`), queued and delivered as with
	 * SMTP, instead of staying in the simulated mailbox. A scenario with `failMail` runs so.
	 */
	smtp?: boolean;
	/** The database may be paused (`ScenarioHost.pauseDatabase`). A scenario with `pauseDatabase` runs so. */
	pauses?: boolean;
}): Promise<ScenarioHost> {
	const time = new VirtualTime(options.start ?? T0);
	const gate = options.pauses ? new DatabaseGate(time) : undefined;
	const database = await openSimulationDatabase({ gate });
	const ids = createRunIds();
	// Kept across a restart, as a server's database and key are: the events, the ids, the PIN digits.
	const memory = options.events === 'database' ? undefined : new MemoryEventStore();
	const events = memory && gate ? gate.events(memory) : memory;
	const randomDigit = seededDigits(options.seed);
	const smtp = options.smtp ? new SimulatedSmtp(time) : undefined;
	const build = async () => {
		const built = await createServices(database, {
			clock: time,
			scheduler: time,
			ids,
			mail: { smtpUrl: null, from: 'Lobby <no-reply@contoso.com>', ...(smtp ? { transport: smtp } : {}) },
			randomDigit,
			events
		});
		built.services.meetings.startTicking();
		return { ...built, activity: trackActivity(built.services) };
	};
	let built: Awaited<ReturnType<typeof build>>;
	try {
		built = await build();
	} catch (error) {
		await database.close();
		throw error;
	}
	let closed: Promise<void> | null = null;
	return {
		get services() {
			return built.services;
		},
		db: database.db,
		ids,
		get notifier() {
			return built.notifier;
		},
		start: time.now(),
		...(smtp ? { smtp } : {}),
		...(gate
			? {
					pauseDatabase: (until: number) => gate.pauseUntil(until),
					observe: <T>(look: () => Promise<T>) => gate.observe(look)
				}
			: {}),
		now: () => time.now(),
		advanceTo: (at) => time.advanceTo(at, () => built.activity.settle()),
		nextDue: () => time.nextDue(),
		settle: () => built.activity.settle(),
		async restart() {
			await built.activity.settle();
			await stopServices(built.services);
			built = await build();
		},
		close() {
			closed ??= (async () => {
				try {
					await stopServices(built.services);
				} finally {
					await database.close();
				}
			})();
			return closed;
		}
	};
}
