import { eq } from 'drizzle-orm';
import { createAuth, type Auth } from './auth';
import { loadConfig, type Config } from './config';
import { openDatabase, type Database, type DatabaseHandle } from './db/index';
import { tenants } from './db/schema';
import { DEMO_TENANT_ID, ensureCredentials, seedDemoTenant } from './db/seed';
import { announceFirstStartPasswords } from './first-start-passwords';
import { log } from './log';
import { DirectoryRepository } from './repositories/directory.repository';
import { MeetingEventsRepository } from './repositories/meeting-events.repository';
import { ResumeTokens } from './security/resume-token';
import { CallService, type CallServiceOptions } from './services/call.service';
import { LeaderPinService } from './services/leader-pin.service';
import { MeetingService } from './services/meeting.service';
import { NotifierHub } from './services/notifier';
import {
	randomIds,
	systemClock,
	systemScheduler,
	type Clock,
	type IdSource,
	type Scheduler
} from './services/ports';
import { StatusService } from './services/status.service';
import { ApiTokenService } from './services/api-token.service';
import { AuditService } from './services/audit.service';
import { DialInService } from './services/dial-in.service';
import { DirectoryService } from './services/directory.service';
import { MailService } from './services/mail.service';
import { LiveScenarios } from './simulator/live-scenarios';
import { SimulatedOrganizersService } from './services/simulated-organizers.service';
import { SignInService } from './services/sign-in.service';
import { ConferenceLookupService } from './services/conference-lookup.service';

/** Every service, built once per process; routes, sockets and the CLI reach the domain through these. */
export interface Services {
	status: StatusService;
	meetings: MeetingService;
	calls: CallService;
	pins: LeaderPinService;
	directory: DirectoryRepository;
	dialIn: DialInService;
	dialInUsers: DirectoryService;
	audit: AuditService;
	mail: MailService;
	apiTokens: ApiTokenService;
	simulatedOrganizers: SimulatedOrganizersService;
	signIn: SignInService;
	conferences: ConferenceLookupService;
}

/** Whether monitors see caller numbers masked (the tenant's MaskPstnNumbersType). */
export interface Masking {
	masked(): boolean;
	/** Re-reads the tenant setting (after an admin changes it). */
	refresh(): Promise<void>;
}

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
	close(): Promise<void>;
}

/** What a runtime is built from; the defaults are the system's clock, timers and random ids. */
export interface ServiceDeps {
	clock?: Clock;
	scheduler?: Scheduler;
	ids?: IdSource;
	callOptions?: Partial<CallServiceOptions>;
	/** Outgoing mail: SMTP when a URL is given, else the simulated mailbox. */
	mail?: { smtpUrl: string | null; from: string };
	/** Where the app is reached, for sign-in cookies. */
	baseURL?: string;
	/** Digits for new leader PINs; a simulation passes a seeded source so a run repeats exactly. */
	randomDigit?: () => number;
}

/**
 * Builds the services on an open database and restores every live meeting and call from the event
 * log. Used by the server's runtime, and by specs and simulations with their own clock.
 */
export async function createServices(
	database: DatabaseHandle,
	deps: ServiceDeps = {}
): Promise<{ services: Services; notifier: NotifierHub; masking: Masking; ids: IdSource; auth: Auth }> {
	const db: Database = database.db;
	const clock = deps.clock ?? systemClock;
	const scheduler = deps.scheduler ?? systemScheduler;
	const ids = deps.ids ?? randomIds;
	const notifier = new NotifierHub();
	const directory = new DirectoryRepository(db);
	const pins = new LeaderPinService(db);
	const meetings = new MeetingService({
		events: new MeetingEventsRepository(db),
		directory,
		clock,
		ids,
		scheduler
	});
	const calls = new CallService({
		meetings,
		directory,
		pins,
		tokens: await ResumeTokens.load(db),
		notifier,
		clock,
		ids,
		scheduler,
		options: deps.callOptions
	});
	// What others do to callers (admitted, sent away, muted) reaches them through this one
	// subscription; what a caller does reaches them through the answer to their own request.
	meetings.onCommitted((committed) => calls.follow(committed));
	await meetings.restore();
	calls.restore();

	const audit = new AuditService(db, clock);
	const mail = new MailService(db, {
		smtpUrl: deps.mail?.smtpUrl ?? null,
		from: deps.mail?.from ?? 'Lobby <no-reply@contoso.com>',
		clock,
		scheduler
	});

	let masked = true;
	const masking: Masking = {
		masked: () => masked,
		async refresh() {
			const [row] = await db
				.select({ type: tenants.maskPstnNumbersType })
				.from(tenants)
				.where(eq(tenants.id, DEMO_TENANT_ID));
			// No viewer is signed in yet, so every viewer counts as external.
			masked = row?.type !== 'NoMasking';
		}
	};
	await masking.refresh();
	const dialIn = new DialInService({
		db,
		tenantId: DEMO_TENANT_ID,
		directory,
		pins,
		mail,
		audit,
		randomDigit: deps.randomDigit,
		onTenantSettingsChanged: () => masking.refresh()
	});
	const auth = await createAuth(db, {
		baseURL: deps.baseURL ?? 'http://127.0.0.1:3000',
		onSessionEnded: (sessionId) => notifier.sessionEnded(sessionId)
	});
	return {
		auth,
		services: {
			status: new StatusService(database),
			meetings,
			calls,
			pins,
			directory,
			dialIn,
			dialInUsers: new DirectoryService(db, DEMO_TENANT_ID),
			audit,
			mail,
			apiTokens: new ApiTokenService(db, DEMO_TENANT_ID, audit, clock),
			simulatedOrganizers: new SimulatedOrganizersService({ db, tenantId: DEMO_TENANT_ID, dialIn, audit }),
			signIn: new SignInService({ db, auth, audit, directory, clock, tenantId: DEMO_TENANT_ID }),
			conferences: new ConferenceLookupService(directory)
		},
		notifier,
		masking,
		ids
	};
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
	let built;
	try {
		built = await createServices(database, {
			mail: { smtpUrl: config.smtpUrl, from: config.mailFrom },
			baseURL: config.publicOrigin ?? `http://${config.host}:${config.port}`
		});
	} catch (error) {
		await database.close();
		throw error;
	}
	const { services } = built;
	const issued = await services.dialIn.issueMissingPins('system');
	if (issued > 0) {
		log.info(
			`Issued leader PINs to ${issued} dial-in user(s); their welcome emails are in the Mail page (or sent over SMTP).`
		);
	}
	const restored = services.meetings.liveMeetings().length;
	if (restored > 0) log.info(`Restored ${restored} live meeting(s) from the event log.`);
	services.meetings.startTicking();
	// The simulated mailbox forgets PINs past the tenant's retention, even when nobody looks.
	await services.mail.forgetExpiredPins();
	const forgetPins = setInterval(() => {
		services.mail
			.forgetExpiredPins()
			.catch((error: unknown) => log.warn(`The mailbox could not forget PINs: ${String(error)}`));
	}, FORGET_PINS_EVERY_MS);
	forgetPins.unref();
	const liveScenarios = new LiveScenarios({
		services,
		db: database.db,
		ids: built.ids,
		notifier: built.notifier
	});
	let closing: Promise<void> | null = null;
	return {
		config,
		database,
		...built,
		liveScenarios,
		close() {
			closing ??= (async () => {
				clearInterval(forgetPins);
				await liveScenarios.stop();
				services.calls.stop();
				await services.meetings.stop();
				await services.mail.stop();
				await database.close();
			})().finally(() => {
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
