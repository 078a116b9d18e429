/**
 * The composition root: builds every service once, on an open database, and wires them together.
 * The server's runtime (runtime.ts) calls it at boot; specs, the benchmark and virtual scenario runs
 * call it with their own clock. Edges (pages, API routes, the socket layer, the CLI) receive the
 * result and call services only, never a repository or the database (docs/architecture.md).
 */
import { createAuth, type Auth } from '../auth';
import type { Database, DatabaseHandle } from '../db/index';
import { DEMO_TENANT_ID } from '../db/seed';
import { DirectoryRepository } from '../repositories/directory.repository';
import { MeetingEventsRepository, type EventStore } from '../repositories/meeting-events.repository';
import { MeetingLeasesRepository } from '../repositories/meeting-leases.repository';
import { MeetingPoliciesRepository } from '../repositories/meeting-policies.repository';
import { WebhooksRepository } from '../repositories/webhooks.repository';
import type { OutboundPolicy } from '../security/outbound-policy';
import { ClusterHub, type ClusterMessage, type ClusterQuestion } from './inter-server';
import { ResumeTokens } from '../security/resume-token';
import { ApiTokenService } from './api-token.service';
import { AuditService } from './audit.service';
import { CallService, type CallServiceOptions } from './call.service';
import { ConferenceLookupService } from './conference-lookup.service';
import { DialInService } from './dial-in.service';
import { DirectoryService } from './directory.service';
import { LeaderPinService } from './leader-pin.service';
import { LobbyService } from './lobby.service';
import { MailService, type SmtpTransport } from './mail.service';
import { MeetingService, type LeaseOptions } from './meeting.service';
import { MeetingPolicyService } from './meeting-policy.service';
import { NotifierHub } from './notifier';
import {
	noMetrics,
	randomIds,
	systemClock,
	systemScheduler,
	type Clock,
	type IdSource,
	type Metrics,
	type Scheduler
} from './ports';
import { SignInService } from './sign-in.service';
import { SimulatedOrganizersService } from './simulated-organizers.service';
import { StatusService } from './status.service';
import { WebhookService } from './webhook.service';

/** Every service, built once per process; routes, sockets and the CLI reach the domain through these. */
export interface Services {
	status: StatusService;
	meetings: MeetingService;
	/** Admit one, admit all, decline, and why each caller waits (the organizer's lobby). */
	lobby: LobbyService;
	calls: CallService;
	pins: LeaderPinService;
	dialIn: DialInService;
	/** Meeting policies: Global and named ones, and who has which (`*-CsTeamsMeetingPolicy`). */
	meetingPolicies: MeetingPolicyService;
	dialInUsers: DirectoryService;
	audit: AuditService;
	mail: MailService;
	apiTokens: ApiTokenService;
	simulatedOrganizers: SimulatedOrganizersService;
	signIn: SignInService;
	conferences: ConferenceLookupService;
	/** Status callbacks for meeting and lobby events, and their outbox (docs/webhooks.md). */
	webhooks: WebhookService;
}

/** Whether monitors see caller numbers masked (the tenant's MaskPstnNumbersType). */
export interface Masking {
	masked(): boolean;
	/** Re-reads the tenant setting (after an admin changes it). */
	refresh(): Promise<void>;
}

/** What a runtime is built from; the defaults are the system's clock, timers and random ids. */
export interface ServiceDeps {
	clock?: Clock;
	scheduler?: Scheduler;
	ids?: IdSource;
	callOptions?: Partial<CallServiceOptions>;
	/** Outgoing mail: SMTP when a URL is given (or a transport: a scenario's simulated SMTP server), else the simulated mailbox. */
	mail?: { smtpUrl: string | null; from: string; transport?: SmtpTransport };
	/** Where the app is reached, for sign-in cookies. */
	baseURL?: string;
	/** Digits for new leader PINs; a simulation passes a seeded source so a run repeats exactly. */
	randomDigit?: () => number;
	/** Where joins, refusals, admissions, PIN failures and commits are counted (`/metrics`); nowhere by default. */
	metrics?: Metrics;
	/** This server's name in a cluster (LOBBY_NODE_ID); `local` by default. */
	nodeId?: string;
	/** Meeting leases (several servers on one PostgreSQL); by default a server alone. */
	lease?: Partial<LeaseOptions>;
	/**
	 * Where meeting events are kept: the database by default; a run in virtual time keeps them in
	 * memory (`MemoryEventStore`), as its database is thrown away when it ends.
	 */
	events?: EventStore;
	/**
	 * Which destinations webhooks may reach: public addresses, plus the networks allowed here
	 * (LOBBY_WEBHOOK_ALLOWED_NETWORKS); and extra CAs to trust for HTTPS endpoints.
	 */
	webhooks?: { policy?: OutboundPolicy; ca?: string };
}

/**
 * What the other servers of a cluster say reaches the services here: the Socket.IO layer attaches
 * its transport to `hub` and hands every message it receives to `receive`, every question to `answer`.
 */
export interface ClusterNode {
	readonly hub: ClusterHub;
	receive(message: ClusterMessage): void;
	answer(question: ClusterQuestion): string[];
}

/**
 * Stops what the services run by themselves, in order: the calls' timers, then the meetings' (after
 * everything decided is durable or failed), then mail and webhook delivery. The database stays open.
 */
export async function stopServices(services: Services): Promise<void> {
	services.calls.stop();
	await services.meetings.stop();
	await services.mail.stop();
	await services.webhooks.stop();
}

/**
 * Builds the services on an open database and restores every live meeting and call from the event
 * log. Used by the server's runtime, and by specs and simulations with their own clock.
 */
export async function createServices(
	database: DatabaseHandle,
	deps: ServiceDeps = {}
): Promise<{
	services: Services;
	notifier: NotifierHub;
	masking: Masking;
	ids: IdSource;
	auth: Auth;
	cluster: ClusterNode;
}> {
	const db: Database = database.db;
	const clock = deps.clock ?? systemClock;
	const scheduler = deps.scheduler ?? systemScheduler;
	const ids = deps.ids ?? randomIds;
	const metrics = deps.metrics ?? noMetrics;
	const notifier = new NotifierHub();
	const hub = new ClusterHub();
	const directory = new DirectoryRepository(db);
	const pins = new LeaderPinService(db, metrics);
	const meetings = new MeetingService({
		events: deps.events ?? new MeetingEventsRepository(db),
		leases: new MeetingLeasesRepository(db),
		nodeId: deps.nodeId ?? 'local',
		cluster: hub,
		lease: deps.lease,
		directory,
		clock,
		ids,
		scheduler,
		metrics
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
		cluster: hub,
		options: deps.callOptions
	});
	// What others do to callers (admitted, sent away, muted) reaches them through this one
	// subscription; what a caller does reaches them through the answer to their own request.
	meetings.onCommitted((committed) => calls.follow(committed));
	meetings.onTakenOver((meetingIds) => calls.tookOver(meetingIds));
	await meetings.restore();
	calls.restore();

	const audit = new AuditService(db, clock);
	const mail = new MailService(db, {
		smtpUrl: deps.mail?.smtpUrl ?? null,
		from: deps.mail?.from ?? 'Lobby <no-reply@contoso.com>',
		...(deps.mail?.transport ? { transport: deps.mail.transport } : {}),
		clock,
		scheduler
	});

	let masked = true;
	const masking: Masking = {
		masked: () => masked,
		async refresh() {
			const tenant = await directory.tenant(DEMO_TENANT_ID);
			// No viewer is signed in yet, so every viewer counts as external.
			masked = tenant?.maskPstnNumbersType !== 'NoMasking';
		}
	};
	await masking.refresh();
	const followPolicies = () => meetings.followLobbyPolicies(DEMO_TENANT_ID);
	const dialIn = new DialInService({
		db,
		tenantId: DEMO_TENANT_ID,
		directory,
		pins,
		mail,
		audit,
		randomDigit: deps.randomDigit,
		onTenantSettingsChanged: async () => {
			await masking.refresh();
			hub.send({ kind: 'settings-changed', from: meetings.node });
			// The Global meeting policy reaches every live meeting as an event in its log.
			await followPolicies();
		}
	});
	const meetingPolicies = new MeetingPolicyService({
		policies: new MeetingPoliciesRepository(db, DEMO_TENANT_ID),
		tenantId: DEMO_TENANT_ID,
		directory,
		audit,
		dialIn,
		onPoliciesChanged: followPolicies
	});
	const webhooks = new WebhookService({
		webhooks: new WebhooksRepository(db, DEMO_TENANT_ID),
		tenantId: DEMO_TENANT_ID,
		directory,
		audit,
		clock,
		scheduler,
		policy: deps.webhooks?.policy ?? { allowed: [] },
		ca: deps.webhooks?.ca,
		masked: () => masking.masked()
	});
	meetings.onCommitted((committed) => webhooks.followCommitted(committed));
	pins.onLockedOut((userId, failedAttempts) => webhooks.lockedOut(userId, failedAttempts));
	const auth = await createAuth(db, {
		baseURL: deps.baseURL ?? 'http://127.0.0.1:3000',
		onSessionEnded: (sessionId) => notifier.sessionEnded(sessionId)
	});
	return {
		auth,
		services: {
			status: new StatusService(database),
			meetings,
			lobby: new LobbyService({ meetings, clock }),
			calls,
			pins,
			dialIn,
			meetingPolicies,
			dialInUsers: new DirectoryService(db, DEMO_TENANT_ID),
			audit,
			mail,
			apiTokens: new ApiTokenService(db, DEMO_TENANT_ID, audit, clock),
			simulatedOrganizers: new SimulatedOrganizersService({ db, tenantId: DEMO_TENANT_ID, dialIn, audit }),
			signIn: new SignInService({ db, auth, audit, directory, clock, tenantId: DEMO_TENANT_ID }),
			conferences: new ConferenceLookupService(directory, DEMO_TENANT_ID),
			webhooks
		},
		notifier,
		masking,
		ids,
		cluster: {
			hub,
			receive(message) {
				switch (message.kind) {
					case 'call-moved':
						return calls.movedAway(message.callId);
					case 'settings-changed':
						return void masking.refresh().catch(() => undefined);
					default:
						return meetings.receive(message);
				}
			},
			answer: (question) => calls.holding(question.callIds)
		}
	};
}
