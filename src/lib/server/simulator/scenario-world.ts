/**
 * Who is who in a run: the scenario's actors found in (or added to) the run's directory, and the
 * PINs the run gave them. The scenario knows only the PINs it was told (`pin: known`, digits, or a
 * PIN captured at a reset); the run also keeps the PINs nobody in the story knows (`forgotten`), so
 * that a "wrong PIN" fault is surely wrong.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import { generateLeaderPin } from '$lib/domain';
import { simulatedOrganizerNames, type Scenario } from '$lib/scenario/scenario-format';
import { SeededRandom } from '$lib/scenario/seeded-random';
import { tenants, users } from '../db/schema';
import { DEMO_TENANT_ID } from '../db/seed';
import { DirectoryRepository } from '../repositories/directory.repository';
import { SYSTEM_ACTOR } from '../services/access';
import type { Actor } from '../services/audit.service';
import type { ScenarioHost } from './scenario-host';
import { Pin } from '../security/pin';

/** A directory user an actor stands for. */
export interface WorldUser {
	readonly name: string;
	readonly userId: string;
	readonly email: string;
	readonly displayName: string;
	readonly role: 'admin' | 'user';
}

/** An organizer: a dial-in user with a conference ID, and the number they dial from. */
export interface WorldOrganizer extends WorldUser {
	readonly conferenceId: string;
	readonly phone: string;
}

/** Everything the runner knows about the run's people. */
export interface World {
	readonly callers: ReadonlyMap<string, { readonly phone: string }>;
	readonly organizers: ReadonlyMap<string, WorldOrganizer>;
	/** Everyone who can sign in and join from the client: organizers and users. */
	readonly users: ReadonlyMap<string, WorldUser>;
	readonly admin: WorldUser;
	/** Organizer name by conference ID. */
	readonly byConference: ReadonlyMap<string, string>;
	/** Actor name by user id (organizers first, then users, then the admin). */
	readonly byUserId: ReadonlyMap<string, string>;
	/** PINs the scenario knows, by organizer name. */
	readonly knownPins: Map<string, string>;
	/** Every PIN the run set or saw issued, by user id: the truth, for faults only. */
	readonly actualPins: Map<string, string>;
	/** The tenant the run's directory users belong to (its settings are the run's). */
	readonly tenantId: string;
	/**
	 * Live runs: a real directory user's address, alias or id (lower case) to their stand-in's
	 * address, so a scenario that names `amos.marble@contoso.com` reaches the stand-in. Empty in
	 * virtual runs, whose directory is the demo one itself.
	 */
	readonly identities: ReadonlyMap<string, string>;
	/** Live runs: a real user's conference ID to their stand-in's. Empty in virtual runs. */
	readonly conferenceIds: ReadonlyMap<string, string>;
}

/** The identity the run uses for `identity`: a real user's stand-in's address in a live run, else itself. */
export function runIdentity(world: World, identity: string): string {
	return world.identities.get(identity.trim().toLowerCase()) ?? identity;
}

/** The conference ID the run dials for `conferenceId`: a real user's stand-in's in a live run, else itself. */
export function runConferenceId(world: World, conferenceId: string): string {
	return world.conferenceIds.get(conferenceId) ?? conferenceId;
}

/** A setup that cannot go ahead: an actor not in the directory, not enabled for dial-in, ... */
export class SetupError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SetupError';
	}
}

/** The audit actor for a world user. */
export function actorOf(user: WorldUser): Actor {
	return { userId: user.userId, email: user.email, role: user.role };
}

/** First conference ID of simulated organizers: far from the demo directory's IDs. */
const SIMULATED_CONFERENCE_BASE = 9_000_001;

/**
 * Prepares a virtual run's directory for `scenario` and resolves its actors: applies the tenant
 * settings, adds the simulated organizers, sets organizers' PSTN-only choice and PINs (hashed, as any
 * PIN). PINs are drawn from `seed`, so a run repeats exactly; that is only right on the run's own
 * isolated database, never on a live one (live runs set up stand-ins instead, live-world.ts).
 * Hashing runs in parallel (it is the slow part of a setup).
 */
export async function setUpWorld(host: ScenarioHost, scenario: Scenario, seed: number): Promise<World> {
	const { db, services } = host;
	const { actors } = scenario;
	if (scenario.tenant && Object.keys(scenario.tenant).length > 0) {
		await db.update(tenants).set(scenario.tenant).where(eq(tenants.id, DEMO_TENANT_ID));
	}
	const [tenant] = await db.select().from(tenants).where(eq(tenants.id, DEMO_TENANT_ID));
	if (!tenant) throw new SetupError('The demo tenant is missing from the simulation database.');
	const rng = new SeededRandom(seed, 'setup-pins');
	const newPin = () => generateLeaderPin(tenant.pinLength, () => rng.digit());
	const directory = new DirectoryRepository(db);

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
		return {
			name,
			userId: row.id,
			email: row.email,
			displayName: row.displayName,
			role: row.role,
			conferenceId: row.dialInEnabled ? row.conferenceId : null
		};
	};

	const organizers = new Map<string, WorldOrganizer>();
	const knownPins = new Map<string, string>();
	const actualPins = new Map<string, string>();
	const pinsToSet: { userId: string; pin: string }[] = [];
	for (const [name, spec] of Object.entries(actors.organizers)) {
		const user = await find(name, spec.user);
		if (!user.conferenceId) {
			throw new SetupError(
				`Organizer ${name} (${user.email}) is not enabled for dial-in conferencing, so has no meeting to organize.`
			);
		}
		if (spec.allowPstnOnlyMeetings !== undefined) {
			await db
				.update(users)
				.set({ allowPstnOnlyMeetings: spec.allowPstnOnlyMeetings })
				.where(eq(users.id, user.userId));
		}
		const pin = /^\d+$/.test(spec.pin) ? spec.pin : newPin();
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
		const rows = simulatedNames.map((name, i) => ({
			id: `sim-${name}`,
			tenantId: DEMO_TENANT_ID,
			email: `${name}@contoso.com`,
			displayName: `Simulated ${name}`,
			role: 'user' as const,
			hasMailbox: true,
			language: 'en' as const,
			dialInEnabled: true,
			conferenceId: String(SIMULATED_CONFERENCE_BASE + i),
			allowPstnOnlyMeetings: simulated.allowPstnOnlyMeetings
		}));
		// A live run may meet the simulated organizers of an earlier run: they are taken over as they are.
		await db
			.insert(users)
			.values(rows)
			.onConflictDoUpdate({
				target: users.id,
				set: {
					dialInEnabled: true,
					conferenceId: sql`excluded.conference_id`,
					allowPstnOnlyMeetings: sql`excluded.allow_pstn_only_meetings`
				}
			});
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
	return completeWorld(actors, {
		organizers,
		users: userMap,
		admin,
		knownPins,
		actualPins,
		tenantId: DEMO_TENANT_ID,
		identities: new Map(),
		conferenceIds: new Map()
	});
}

/**
 * The scenario's named meeting policies (`meetingPolicies:`), made afresh in the run's tenant, and
 * each organizer's `meetingPolicy` granted, through the same service as the cmdlets (audited as the
 * system). Policies an earlier run left in the tenant are removed first, so each run starts as its
 * file says.
 */
export async function setUpMeetingPolicies(
	host: ScenarioHost,
	scenario: Scenario,
	organizers: ReadonlyMap<string, WorldUser>
): Promise<void> {
	const policies = host.services.meetingPolicies;
	for (const old of (await policies.list(SYSTEM_ACTOR)).slice(1))
		await policies.remove(SYSTEM_ACTOR, old.identity, 'system');
	for (const [name, settings] of Object.entries(scenario.meetingPolicies ?? {})) {
		await policies.create(SYSTEM_ACTOR, name, settings, 'system');
	}
	for (const [name, spec] of Object.entries(scenario.actors.organizers)) {
		const organizer = organizers.get(name);
		if (spec.meetingPolicy !== undefined && organizer)
			await policies.grant(SYSTEM_ACTOR, organizer.email, spec.meetingPolicy, 'system');
	}
}

/**
 * Puts simulated organizers (already in the run's directory as `rows`, in the order of `names`)
 * into the world. With a `known` PIN they share it: it is hashed once and the hash copied, so setup
 * costs one hash however many there are.
 */
export async function addSimulatedOrganizers(
	host: ScenarioHost,
	rows: readonly { id: string; email: string; displayName: string; conferenceId: string }[],
	names: readonly string[],
	sharedPin: string | null,
	into: Pick<World, 'organizers' | 'knownPins' | 'actualPins'> & { organizers: Map<string, WorldOrganizer> }
): Promise<void> {
	const { db, services } = host;
	rows.forEach((row, i) => {
		const name = names[i]!;
		into.organizers.set(name, {
			name,
			userId: row.id,
			email: row.email,
			displayName: row.displayName,
			role: 'user',
			conferenceId: row.conferenceId,
			phone: host.ids.phoneNumber()
		});
		if (sharedPin) {
			into.knownPins.set(name, sharedPin);
			into.actualPins.set(row.id, sharedPin);
		}
	});
	const first = rows[0];
	if (!sharedPin || !first) return;
	await services.pins.setPin(first.id, Pin.of(sharedPin));
	const [hashed] = await db.select().from(users).where(eq(users.id, first.id));
	await db
		.update(users)
		.set({
			leaderPinHash: hashed?.leaderPinHash ?? null,
			leaderPinLength: hashed?.leaderPinLength ?? null,
			leaderPinSetAt: hashed?.leaderPinSetAt ?? null
		})
		.where(
			inArray(
				users.id,
				rows.map((r) => r.id)
			)
		);
}

/**
 * The world from the people a setup resolved: the callers from the scenario, and the look-ups by
 * conference ID and by user id (organizers first, then users, then the admin).
 */
export function completeWorld(
	actors: Scenario['actors'],
	resolved: Omit<World, 'callers' | 'byConference' | 'byUserId'>
): World {
	const callers = new Map<string, { phone: string }>();
	for (const [name, spec] of Object.entries(actors.callers)) {
		callers.set(name, { phone: typeof spec === 'string' ? spec : spec.phone });
	}
	const byConference = new Map<string, string>();
	for (const [name, o] of resolved.organizers) byConference.set(o.conferenceId, name);
	const byUserId = new Map<string, string>();
	for (const [name, u] of resolved.users) if (!byUserId.has(u.userId)) byUserId.set(u.userId, name);
	const { admin } = resolved;
	if (!byUserId.has(admin.userId)) byUserId.set(admin.userId, admin.email.split('@')[0] ?? 'admin');
	return { ...resolved, callers, byConference, byUserId };
}
