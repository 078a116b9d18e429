import type { Auth } from './auth';
import { loadConfig, type Config } from './config';
import { openClusterTransport, type ClusterTransport } from './db/cluster-adapter';
import { openDatabase, type DatabaseHandle } from './db/index';
import { ensureCredentials, seedDemoTenant } from './db/seed';
import { announceFirstStartPasswords } from './first-start-passwords';
import { log, setLogLevel } from './log';
import { createLobbyMetrics, type LobbyMetrics } from './observability/metrics';
import {
	createServices,
	stopServices,
	type ClusterNode,
	type Masking,
	type Services
} from './services/index';
import type { NotifierHub } from './services/notifier';
import type { IdSource } from './services/ports';
import { LiveScenarios, type LiveRunRequester } from './simulator/live-scenarios';
import { ScenarioLoads } from './simulator/scenario-load';
import { SYSTEM_ACTOR } from './services/access';
import type { RunLock } from './simulator/live-host';
import { MeetingLeasesRepository } from './repositories/meeting-leases.repository';

/** The process's one set of long-lived resources. */
export interface Runtime {
	readonly config: Config;
	readonly database: DatabaseHandle;
	readonly services: Services;
	readonly notifier: NotifierHub;
	readonly masking: Masking;
	readonly ids: IdSource;
	/** Sign-in and sessions. */
	readonly auth: Auth;
	/** Scenarios run live on these services (the Scenarios page). */
	readonly liveScenarios: LiveScenarios;
	readonly scenarioLoads: ScenarioLoads;
	/** This runtime's Prometheus registry and the recorder its services report to (`/metrics`). */
	readonly metrics: LobbyMetrics;
	/** What the other servers of a cluster say reaches the services through this. */
	readonly cluster: ClusterNode;
	/**
	 * Socket.IO's PostgreSQL adapter, on PostgreSQL (several servers may share it); null on PGlite,
	 * where a server is always alone.
	 */
	readonly clusterTransport: ClusterTransport | null;
	/** Shutdown in a cluster: this server's meetings go to the others now, not when its leases run out. */
	handOver(): Promise<void>;
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

/** How often the simulated mailbox looks for PINs past their retention. */
const FORGET_PINS_EVERY_MS = 10 * 60_000;

async function boot(config: Config): Promise<Runtime> {
	setLogLevel(config.logLevel);
	/** Leases (meetings, the live run's lock) are renewed every third of their length. */
	const renewMs = Math.max(250, Math.floor(config.leaseMs / 3));
	const database = await openDatabase({
		databaseUrl: config.databaseUrl,
		dataDir: config.dataDir,
		afterMigrate: async (db) => {
			const passwords = { admin: config.adminPassword ?? undefined, users: config.demoPassword ?? undefined };
			const seed = await seedDemoTenant(db, passwords);
			if (seed.seeded) log.info('Seeded the demo tenant Contoso and its directory.');
			else seed.generated = await ensureCredentials(db, passwords);
			// Shown once, on the terminal or in a file only this user can read; never in the log.
			announceFirstStartPasswords(seed.generated, {
				dataDir: config.dataDir,
				terminal: process.stdout.isTTY ? process.stdout : null
			});
		}
	});
	log.info(`Database: ${database.kind === 'pglite' ? 'PGlite in' : 'PostgreSQL at'} ${database.location}`);
	const metrics = createLobbyMetrics({ nodeId: config.nodeId });
	let built;
	try {
		built = await createServices(database, {
			mail: { smtpUrl: config.smtpUrl, from: config.mailFrom },
			baseURL: config.publicOrigin ?? `http://${config.host}:${config.port}`,
			metrics: metrics.recorder,
			nodeId: config.nodeId,
			webhooks: { policy: { allowed: config.webhookAllowedNetworks } },
			lease: {
				ttlMs: config.leaseMs,
				renewMs,
				forwardTimeoutMs: Math.min(3000, config.leaseMs),
				// PGlite's directory is locked to one process: that server is always alone.
				alone: database.kind === 'pglite'
			}
		});
	} catch (error) {
		await database.close();
		throw error;
	}
	const { services } = built;
	// The meetings this server owns: summed over a cluster's servers, each meeting counts once.
	metrics.observeMeetings({ liveMeetings: () => services.meetings.ownedMeetings() });
	const issued = await services.dialIn.issueMissingPins('system');
	if (issued > 0) {
		log.info(
			`Issued leader PINs to ${issued} dial-in user(s); their welcome emails are in the Mail page (or sent over SMTP).`
		);
	}
	const restored = services.meetings.liveMeetings().length;
	if (restored > 0) log.info(`Restored ${restored} live meeting(s) from the event log.`);
	services.meetings.startTicking();
	if (database.kind === 'postgres') services.meetings.startLeasing();
	services.webhooks.start();
	// The simulated mailbox forgets PINs past the tenant's retention, even when nobody looks.
	await services.mail.forgetExpiredPins();
	const forgetPins = setInterval(() => {
		services.mail
			.forgetExpiredPins()
			.catch((error: unknown) => log.warn(`The mailbox could not forget PINs: ${String(error)}`));
	}, FORGET_PINS_EVERY_MS);
	forgetPins.unref();
	/** A lease that keeps one of a kind of run alone across the servers sharing PostgreSQL. */
	const lockOf = (name: string) =>
		database.kind === 'postgres'
			? runLockOn(new MeetingLeasesRepository(database.db), config.nodeId, config.leaseMs, renewMs, name)
			: undefined;
	const liveScenarios = new LiveScenarios({
		services,
		db: database.db,
		ids: built.ids,
		notifier: built.notifier,
		runLock: lockOf('live-scenario-run')
	});
	/** Loads stopped by the server itself (shutting down, handing over). */
	const SYSTEM_REQUESTER: LiveRunRequester = { actor: SYSTEM_ACTOR, path: 'system' };
	const scenarioLoads = new ScenarioLoads({
		services,
		db: database.db,
		ids: built.ids,
		notifier: built.notifier,
		// Copy N's stand-ins are the same on every server: one load at a time across the cluster.
		runLock: lockOf('scenario-load')
	});
	const clusterTransport = config.databaseUrl ? openClusterTransport(config.databaseUrl) : null;
	let closing: Promise<void> | null = null;
	return {
		config,
		database,
		...built,
		liveScenarios,
		scenarioLoads,
		metrics,
		clusterTransport,
		async handOver() {
			if (database.kind !== 'postgres') return;
			await liveScenarios.stop();
			await scenarioLoads.stop(SYSTEM_REQUESTER);
			services.calls.stop();
			await services.meetings.handOver();
		},
		close() {
			closing ??= (async () => {
				clearInterval(forgetPins);
				await liveScenarios.stop();
				await scenarioLoads.stop(SYSTEM_REQUESTER);
				await stopServices(services);
				await clusterTransport?.close();
				await database.close();
				metrics.stop();
			})().finally(() => {
				slot.promise = null;
			});
			return closing;
		}
	};
}

/**
 * The cluster's one live scenario run: a row in `cluster_locks`, renewed every third of a lease while
 * this server runs the scenario, so a server that stops lets another run one after `leaseMs`.
 */
function runLockOn(
	leases: MeetingLeasesRepository,
	owner: string,
	leaseMs: number,
	renewMs: number,
	name: string
): RunLock {
	let renewal: NodeJS.Timeout | null = null;
	return {
		async take() {
			const holder = await leases.takeLock(name, owner, leaseMs);
			if (holder === null && !renewal) {
				renewal = setInterval(() => {
					leases
						.takeLock(name, owner, leaseMs)
						.catch((error: unknown) => log.warn(`Could not renew the lock ${name}: ${String(error)}`));
				}, renewMs);
				renewal.unref();
			}
			return holder;
		},
		async release() {
			if (renewal) clearInterval(renewal);
			renewal = null;
			await leases.releaseLock(name, owner).catch(() => undefined);
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
