/**
 * Who is who in a live run. A live run plays on the running app, but never on its real people: each
 * directory user a scenario names (its organizers, users and administrator) is played by a
 * **stand-in**, a simulated user of the live-scenario tenant with the real one's name, mailbox and
 * language, an address at `scenarios.invalid` (a domain that can never reach a mailbox), a
 * conference ID of its own and a PIN from a cryptographic source. The tenant is a copy of the demo
 * tenant's settings, then given the scenario's own, so `tenant:` and `setTenant` change the run's
 * tenant, never the demo one; the meeting engine reads the organizer's tenant, so it applies them.
 *
 * Admin steps go through the real dial-in administration, bound to that tenant, acting as the
 * administrator's stand-in: PINs are hashed, every change is audited, and the run's mail stays in
 * the simulated mailbox (no SMTP). Nothing of a real user's, no PIN, setting or message, is touched.
 */
import { randomInt } from 'node:crypto';
import { and, eq, gte, inArray, isNotNull, lte } from 'drizzle-orm';
import { generateLeaderPin } from '$lib/domain';
import { simulatedOrganizerNames, type Scenario } from '$lib/scenario/scenario-format';
import type { ScenarioSource } from '$lib/scenario/parse-scenario';
import type { Database } from '../db/index';
import { tenants, users, type TenantRow, type UserRow } from '../db/schema';
import { DEMO_TENANT_ID, LIVE_SCENARIO_TENANT_ID } from '../db/seed';
import { DirectoryRepository } from '../repositories/directory.repository';
import type { Services } from '../services/index';
import { MeetingPolicyService } from '../services/meeting-policy.service';
import { MeetingPoliciesRepository } from '../repositories/meeting-policies.repository';
import { DialInService } from '../services/dial-in.service';
import { DirectoryService } from '../services/directory.service';
import { MailService } from '../services/mail.service';
import { systemClock, systemScheduler } from '../services/ports';
import { SimulatedOrganizersService } from '../services/simulated-organizers.service';
import { Pin } from '../security/pin';
import type { ScenarioHost } from './scenario-host';
import {
	addSimulatedOrganizers,
	completeWorld,
	SetupError,
	setUpMeetingPolicies,
	type World,
	type WorldOrganizer,
	type WorldUser
} from './scenario-world';

/** Stand-ins' addresses: `.invalid` is reserved (RFC 2606), so no message to one can be delivered. */
export const LIVE_SCENARIO_DOMAIN = 'scenarios.invalid';
/** Stand-in ids: `stand-in-` and the real user's id. */
export const STAND_IN_PREFIX = 'stand-in-';
/** Simulated organizers of live runs: `live-sim-organizer-001`. */
const LIVE_SIMULATED_PREFIX = 'live-sim-';

/**
 * Which world of stand-ins a live run plays in: the live run's own (`copy` 0, the Scenarios page), or
 * copy N of a scenario load (`lobby load --scenario FILE --repeat N`), each with a tenant, stand-ins,
 * simulated organizers and conference IDs of its own, so copies never share a meeting, a setting or
 * a PIN. The same copy number reuses the same users from one load to the next.
 */
export interface LiveWorldPlace {
	readonly tenantId: string;
	readonly domain: string;
	readonly standInPrefix: string;
	readonly simulatedPrefix: string;
}

/** The place of copy `copy` (0: the live run's own). */
export function liveWorldPlace(copy = 0): LiveWorldPlace {
	if (!Number.isInteger(copy) || copy < 0)
		throw new RangeError(`A copy is a whole number from 0; got ${copy}.`);
	if (copy === 0) {
		return {
			tenantId: LIVE_SCENARIO_TENANT_ID,
			domain: LIVE_SCENARIO_DOMAIN,
			standInPrefix: STAND_IN_PREFIX,
			simulatedPrefix: LIVE_SIMULATED_PREFIX
		};
	}
	return {
		tenantId: `${LIVE_SCENARIO_TENANT_ID}-copy-${copy}`,
		domain: `copy-${copy}.${LIVE_SCENARIO_DOMAIN}`,
		standInPrefix: `${STAND_IN_PREFIX}copy-${copy}-`,
		simulatedPrefix: `${LIVE_SIMULATED_PREFIX}copy-${copy}-`
	};
}
/** First conference ID of stand-ins, and of live simulated organizers: ranges of their own. */
const STAND_IN_CONFERENCE_BASE = 8_000_001;
const LIVE_SIMULATED_CONFERENCE_BASE = 8_100_001;

/** A digit from the system's cryptographic source: a live run's PINs owe nothing to its seed. */
const cryptoDigit = () => randomInt(10);

/**
 * Organizers whose PIN the file spells out (`pin: '48213'`), with the line it is on when known.
 * A live run refuses them: a PIN written in a file is known to everyone who can read the file.
 */
export function literalPins(
	scenario: Scenario,
	source?: ScenarioSource
): { organizer: string; line: number | null }[] {
	return Object.entries(scenario.actors.organizers)
		.filter(([, spec]) => /^\d+$/.test(spec.pin))
		.map(([organizer]) => ({ organizer, line: source?.organizerPinLines?.[organizer] ?? null }));
}

/**
 * The services a live run drives: the app's own meetings and calls (so every view follows the run),
 * with dial-in administration, the directory and the mail bound to the live-scenario tenant and the
 * simulated mailbox. Audited like any administrator's action, in the one audit log.
 */
export function liveRunServices(
	services: Services,
	db: Database,
	place: LiveWorldPlace = liveWorldPlace()
): Services {
	const tenantId = place.tenantId;
	const mail = new MailService(db, {
		smtpUrl: null,
		from: `Lobby <no-reply@${place.domain}>`,
		clock: systemClock,
		scheduler: systemScheduler
	});
	const directory = new DirectoryRepository(db);
	// The live run's tenant's meeting policies reach its own live meetings, as the app's do.
	const followPolicies = () => services.meetings.followLobbyPolicies(tenantId);
	const dialIn = new DialInService({
		db,
		tenantId,
		directory,
		pins: services.pins,
		mail,
		audit: services.audit,
		onTenantSettingsChanged: followPolicies
	});
	return {
		...services,
		mail,
		dialIn,
		meetingPolicies: new MeetingPolicyService({
			policies: new MeetingPoliciesRepository(db, tenantId),
			tenantId,
			directory,
			audit: services.audit,
			dialIn,
			onPoliciesChanged: followPolicies
		}),
		dialInUsers: new DirectoryService(db, tenantId),
		simulatedOrganizers: new SimulatedOrganizersService({
			db,
			tenantId,
			dialIn,
			audit: services.audit
		})
	};
}

/**
 * The live-scenario tenant as the run starts: the demo tenant's settings, then the scenario's
 * `tenant:` ones. Made on first use; every run starts from a fresh copy.
 */
export async function prepareLiveTenant(
	db: Database,
	settings: Scenario['tenant'],
	place: LiveWorldPlace = liveWorldPlace()
): Promise<TenantRow> {
	const [demo] = await db.select().from(tenants).where(eq(tenants.id, DEMO_TENANT_ID));
	if (!demo) throw new SetupError('The demo tenant is missing from the database.');
	const { id: _id, name, domain: _domain, createdAt: _createdAt, ...copied } = demo;
	const values = {
		...copied,
		...settings,
		name: `${name} (live scenarios${place.tenantId === LIVE_SCENARIO_TENANT_ID ? '' : `, ${place.domain.split('.')[0]}`})`,
		domain: place.domain
	};
	const [row] = await db
		.insert(tenants)
		.values({ id: place.tenantId, ...values })
		.onConflictDoUpdate({ target: tenants.id, set: values })
		.returning();
	if (!row) throw new SetupError('The live-scenario tenant could not be prepared.');
	return row;
}

/** Conference IDs from `base` up that nobody holds, `count` of them. */
async function freeConferenceIds(db: Database, base: number, count: number): Promise<string[]> {
	if (count === 0) return [];
	const taken = new Set(
		(
			await db
				.select({ id: users.conferenceId })
				.from(users)
				.where(
					and(
						isNotNull(users.conferenceId),
						gte(users.conferenceId, String(base)),
						lte(users.conferenceId, String(base + count + 99_999))
					)
				)
		).map((r) => r.id)
	);
	const out: string[] = [];
	for (let n = base; out.length < count; n++) if (!taken.has(String(n))) out.push(String(n));
	return out;
}

/** Every identity a scenario names outside its actors (resets, expectations, addresses). */
function mentionedIdentities(scenario: Scenario): string[] {
	const out: string[] = [];
	for (const step of scenario.steps) {
		if (typeof step.resetPin === 'string') out.push(step.resetPin);
		else if (step.resetPin) {
			out.push(step.resetPin.user);
			if (step.resetPin.sendEmailToAddress) out.push(step.resetPin.sendEmailToAddress);
		}
		if (step.expect?.user !== undefined) out.push(step.expect.user);
		if (step.expect?.email?.to !== undefined) out.push(step.expect.email.to);
	}
	return out;
}

/** Conference IDs a scenario dials or joins by number. */
function mentionedConferenceIds(scenario: Scenario): string[] {
	const out: string[] = [];
	for (const step of scenario.steps) {
		if (typeof step.dial === 'object' && step.dial.conferenceId) out.push(step.dial.conferenceId);
		if (typeof step.joinFromClient === 'object' && step.joinFromClient.conferenceId)
			out.push(step.joinFromClient.conferenceId);
	}
	return out;
}

/**
 * Sets up a live run's world on `host` (whose services come from `liveRunServices`): the tenant,
 * a stand-in for every directory user the scenario names, the simulated organizers, and fresh PINs
 * from a cryptographic source for the organizers. Refuses PINs written in the file.
 */
export function setUpLiveWorld(
	host: ScenarioHost,
	scenario: Scenario,
	place: LiveWorldPlace = liveWorldPlace()
): Promise<World> {
	// One setup at a time in this server: a live run and a load's copy draw conference IDs from the
	// same ranges, and two drawing at once would pick the same free one.
	const next = settingUp.then(() => setUpLiveWorldNow(host, scenario, place));
	settingUp = next.catch(() => undefined);
	return next;
}

/** The setup in progress in this server, if any; the next one waits for it. */
let settingUp: Promise<unknown> = Promise.resolve();

async function setUpLiveWorldNow(
	host: ScenarioHost,
	scenario: Scenario,
	place: LiveWorldPlace
): Promise<World> {
	const { db, services } = host;
	const directory = new DirectoryRepository(db);
	const { actors } = scenario;
	const literal = literalPins(scenario);
	if (literal.length > 0) {
		throw new SetupError(
			`Organizer ${literal.map((l) => l.organizer).join(', ')} has a PIN written in the file; a live run refuses it.`
		);
	}
	const tenant = await prepareLiveTenant(db, scenario.tenant, place);
	const newPin = () => generateLeaderPin(tenant.pinLength, cryptoDigit);

	const identities = new Map<string, string>();
	const conferenceIds = new Map<string, string>();
	const standIns = new Map<string, WorldUser & { conferenceId: string | null }>();

	/** The stand-in of a real directory user, made or brought up to date with the real one. */
	const standInOf = async (real: UserRow): Promise<WorldUser & { conferenceId: string | null }> => {
		const made = standIns.get(real.id);
		if (made) return made;
		const id = `${place.standInPrefix}${real.id}`;
		const [existing] = await db.select().from(users).where(eq(users.id, id));
		const conferenceId = real.dialInEnabled
			? (existing?.conferenceId ?? (await freeConferenceIds(db, STAND_IN_CONFERENCE_BASE, 1))[0]!)
			: null;
		const values = {
			tenantId: place.tenantId,
			email: `${real.email.split('@')[0]}@${place.domain}`.toLowerCase(),
			displayName: real.displayName,
			role: real.role,
			hasMailbox: real.hasMailbox,
			language: real.language,
			dialInEnabled: conferenceId !== null,
			conferenceId,
			allowPstnOnlyMeetings: real.allowPstnOnlyMeetings,
			pinFailedAttempts: 0,
			pinLockedAt: null
		};
		await db
			.insert(users)
			.values({ id, ...values })
			.onConflictDoUpdate({ target: users.id, set: values });
		const standIn = {
			name: '',
			userId: id,
			email: values.email,
			displayName: real.displayName,
			role: real.role,
			conferenceId
		};
		standIns.set(real.id, standIn);
		for (const key of [real.email, real.email.split('@')[0] ?? '', real.id])
			identities.set(key.toLowerCase(), values.email);
		if (real.conferenceId && conferenceId) conferenceIds.set(real.conferenceId, conferenceId);
		return standIn;
	};

	const find = async (
		name: string,
		identity: string
	): Promise<WorldUser & { conferenceId: string | null }> => {
		const row = await directory.findByIdentity(DEMO_TENANT_ID, identity);
		if (!row) {
			throw new SetupError(
				`Actor ${name}: no user "${identity}" in the demo directory (try amos.marble, megan.bowen, astrid.lindqvist, lee.gu, diego.siciliani or admin).`
			);
		}
		return { ...(await standInOf(row)), name };
	};

	const organizers = new Map<string, WorldOrganizer>();
	const knownPins = new Map<string, string>();
	const actualPins = new Map<string, string>();
	const pinsToSet: { userId: string; pin: string }[] = [];
	for (const [name, spec] of Object.entries(actors.organizers)) {
		const user = await find(name, spec.user);
		if (!user.conferenceId) {
			throw new SetupError(
				`Organizer ${name} (${spec.user}) is not enabled for dial-in conferencing, so has no meeting to organize.`
			);
		}
		if (spec.allowPstnOnlyMeetings !== undefined) {
			await db
				.update(users)
				.set({ allowPstnOnlyMeetings: spec.allowPstnOnlyMeetings })
				.where(eq(users.id, user.userId));
		}
		const pin = newPin();
		if (spec.pin !== 'forgotten') knownPins.set(name, pin);
		actualPins.set(user.userId, pin);
		pinsToSet.push({ userId: user.userId, pin });
		organizers.set(name, {
			...user,
			conferenceId: user.conferenceId,
			phone: spec.phone ?? host.ids.phoneNumber()
		});
	}

	const simulated = actors.simulatedOrganizers;
	const simulatedNames = simulatedOrganizerNames(scenario);
	if (simulated && simulatedNames.length > 0) {
		const ids = simulatedNames.map((name) => `${place.simulatedPrefix}${name}`);
		const kept = new Map(
			(
				await db
					.select({ id: users.id, conferenceId: users.conferenceId })
					.from(users)
					.where(inArray(users.id, ids))
			).map((r) => [r.id, r.conferenceId])
		);
		const fresh = await freeConferenceIds(
			db,
			LIVE_SIMULATED_CONFERENCE_BASE,
			ids.filter((id) => !kept.get(id)).length
		);
		const rows = simulatedNames.map((name, i) => ({
			id: ids[i]!,
			tenantId: place.tenantId,
			email: `${name}@${place.domain}`.toLowerCase(),
			displayName: `Simulated ${name}`,
			role: 'user' as const,
			hasMailbox: false,
			language: 'en' as const,
			dialInEnabled: true,
			conferenceId: kept.get(ids[i]!) ?? fresh.shift()!,
			allowPstnOnlyMeetings: simulated.allowPstnOnlyMeetings,
			pinFailedAttempts: 0,
			pinLockedAt: null
		}));
		for (const row of rows) {
			const { id: _id, ...set } = row;
			await db.insert(users).values(row).onConflictDoUpdate({ target: users.id, set });
		}
		await addSimulatedOrganizers(host, rows, simulatedNames, simulated.pin === 'known' ? newPin() : null, {
			organizers,
			knownPins,
			actualPins
		});
	}

	await Promise.all(pinsToSet.map(({ userId, pin }) => services.pins.setPin(userId, Pin.of(pin))));
	await setUpMeetingPolicies(host, scenario, organizers);

	const userMap = new Map<string, WorldUser>(organizers);
	for (const [name, spec] of Object.entries(actors.users)) {
		userMap.set(name, await find(name, typeof spec === 'string' ? spec : spec.user));
	}
	const admin = await find('admin', actors.admin);
	// Real users the steps name outside the actors (a reset by address, an expected email) get
	// stand-ins too, so the run reaches them and never the real ones.
	for (const identity of mentionedIdentities(scenario)) {
		if (userMap.has(identity)) continue;
		const row = await directory.findByIdentity(DEMO_TENANT_ID, identity);
		if (row) await standInOf(row);
	}
	for (const conferenceId of mentionedConferenceIds(scenario)) {
		const owner = await directory.organizerByConferenceId(conferenceId);
		if (!owner || owner.tenantId !== DEMO_TENANT_ID) continue;
		const row = await directory.findByIdentity(DEMO_TENANT_ID, owner.userId);
		if (row) await standInOf(row);
	}

	return completeWorld(actors, {
		organizers,
		users: userMap,
		admin,
		knownPins,
		actualPins,
		tenantId: place.tenantId,
		identities,
		conferenceIds
	});
}

/**
 * Ends, as the simulator, every meeting still live for the world's organizers: what an earlier run
 * in the same place left behind (a run leaves its meetings as they are, for trainers to look at).
 * Without it, a new run's callers would walk into the old meeting. Answers how many it ended.
 */
export async function endLeftoverMeetings(services: Services, world: World): Promise<number> {
	let ended = 0;
	for (const organizer of world.organizers.values()) {
		const meetingId = services.meetings.liveMeetingFor(organizer.conferenceId);
		if (!meetingId) continue;
		await services.meetings.execute(meetingId, { type: 'EndMeeting', reason: 'ended-by-simulator' });
		ended += 1;
	}
	return ended;
}
