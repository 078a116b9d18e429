/**
 * Test-only helpers for the engine spec (engine.spec.ts): virtual time whose timers fire when the
 * spec advances it (the simulator's VirtualTime), a notifier that records everything it is told,
 * and services built by the real `createServices` on a fresh in-memory PGlite seeded with the
 * Contoso directory. Nothing here replaces the database or a service: specs run the production code
 * on a real database.
 */
import { eq } from 'drizzle-orm';
import type { CallView } from '$lib/contract/events';
import { IN_MEMORY, openDatabase, type Database, type DatabaseHandle } from '../db/index';
import { tenants, users, type TenantRow } from '../db/schema';
import { DEMO_TENANT_ID, seedDemoTenant } from '../db/seed';
import { createServices, stopServices, type ServiceDeps, type Services } from './index';
import type { CallServiceOptions } from './call.service';
import { VirtualTime as ManualTime } from '../simulator/virtual-time';
import type { Notifier } from './notifier';
import type { IdSource } from './ports';
import { isServiceError } from '../service-error';

/**
 * Virtual time for specs: the simulator's clock and scheduler (production code, shared so that a
 * spec and a scenario run on the same time), under the name the engine specs know it by.
 */
export { ManualTime };
export { T0 } from '../simulator/virtual-time';

/** One thing the services told the notifier, in the order they told it. */
export type Notice =
	| { readonly kind: 'callUpdated'; readonly callId: string; readonly view: CallView }
	| { readonly kind: 'callJoinedLobby'; readonly callId: string; readonly meetingId: string }
	| {
			readonly kind: 'callLeftLobby';
			readonly callId: string;
			readonly meetingId: string;
			readonly view: CallView;
	  }
	| {
			readonly kind: 'lobbyAdmitted';
			readonly meetingId: string;
			readonly view: CallView;
			readonly except: readonly string[];
	  }
	| { readonly kind: 'callEnded'; readonly callId: string };

/** A notifier that keeps every call it gets, for specs to read back. */
export class RecordingNotifier implements Notifier {
	readonly notices: Notice[] = [];

	callUpdated(callId: string, view: CallView): void {
		this.notices.push({ kind: 'callUpdated', callId, view });
	}
	callJoinedLobby(callId: string, meetingId: string): void {
		this.notices.push({ kind: 'callJoinedLobby', callId, meetingId });
	}
	callLeftLobby(callId: string, meetingId: string, view: CallView): void {
		this.notices.push({ kind: 'callLeftLobby', callId, meetingId, view });
	}
	lobbyAdmitted(meetingId: string, view: CallView, except: readonly string[] = []): void {
		this.notices.push({ kind: 'lobbyAdmitted', meetingId, view, except });
	}
	callEnded(callId: string): void {
		this.notices.push({ kind: 'callEnded', callId });
	}

	/** Every view one call was sent, oldest first. */
	viewsOf(callId: string): CallView[] {
		return this.notices.flatMap((n) => (n.kind === 'callUpdated' && n.callId === callId ? [n.view] : []));
	}

	/** The last view one call was sent. */
	lastViewOf(callId: string): CallView | undefined {
		return this.viewsOf(callId).at(-1);
	}

	/** Calls told they now wait in this meeting's lobby, in the order they were told. */
	joinedLobby(meetingId: string): string[] {
		return this.notices.flatMap((n) =>
			n.kind === 'callJoinedLobby' && n.meetingId === meetingId ? [n.callId] : []
		);
	}

	/** Whether the call was told it is over. */
	ended(callId: string): boolean {
		return this.notices.some((n) => n.kind === 'callEnded' && n.callId === callId);
	}
}

let engines = 0;

/**
 * Readable ids, unique across every engine of a test run (two engines on one database, as after a
 * restart, never hand out the same id), and free of long digit runs that could look like a PIN.
 */
export function sequentialIds(): IdSource {
	const prefix = `e${++engines}`;
	let n = 0;
	return {
		meetingId: () => `${prefix}-meeting-${++n}`,
		callId: () => `${prefix}-call-${++n}`,
		participantId: () => `${prefix}-client-${++n}`,
		phoneNumber: () => `+1 555 01${String(++n % 100).padStart(2, '0')}`
	};
}

/** A fresh in-memory PGlite, migrated and seeded with the Contoso demo directory. */
export function openSeededDatabase(): Promise<DatabaseHandle> {
	return openDatabase({
		databaseUrl: null,
		dataDir: IN_MEMORY,
		afterMigrate: (db) =>
			seedDemoTenant(db, { admin: 'admin-password', users: 'user-password' }).then(() => undefined)
	});
}

/** Services built by the production `createServices`, on virtual time, with a recording notifier. */
export interface Engine {
	readonly services: Services;
	readonly time: ManualTime;
	readonly notifier: RecordingNotifier;
	/** Stops the timers and waits for everything decided to be durable, as a shutdown does. */
	stop(): Promise<void>;
}

/** Builds every service on `database` and restores what its event log holds, as a server start does. */
export async function startEngine(
	database: DatabaseHandle,
	options: {
		time?: ManualTime;
		callOptions?: Partial<CallServiceOptions>;
		webhooks?: ServiceDeps['webhooks'];
	} = {}
): Promise<Engine> {
	const time = options.time ?? new ManualTime();
	const built = await createServices(database, {
		clock: time,
		scheduler: time,
		ids: sequentialIds(),
		callOptions: options.callOptions,
		webhooks: options.webhooks
	});
	const notifier = new RecordingNotifier();
	built.notifier.attach(notifier);
	const { services } = built;
	return {
		services,
		time,
		notifier,
		stop: () => stopServices(services)
	};
}

/** A caller who dials `conferenceId` and answers "not the leader" with `#`. */
export async function callerInLobby(
	engine: Engine,
	conferenceId: string,
	phoneNumber: string
): Promise<{ callId: string; resumeToken: string; view: CallView }> {
	const { calls } = engine.services;
	const { callId, resumeToken } = calls.dial(phoneNumber);
	await calls.pressKeys(callId, `${conferenceId}#`);
	const view = await calls.pressKeys(callId, '#');
	return { callId, resumeToken, view };
}

/** A user of the demo directory, by email. */
export async function userByEmail(db: Database, email: string) {
	const [user] = await db.select().from(users).where(eq(users.email, email));
	if (!user) throw new Error(`No user ${email} in the demo directory`);
	return user;
}

/** Changes the demo tenant's settings, as an administrator would. */
export async function updateTenant(
	db: Database,
	patch: Partial<Omit<TenantRow, 'id' | 'createdAt'>>
): Promise<void> {
	await db.update(tenants).set(patch).where(eq(tenants.id, DEMO_TENANT_ID));
}

/**
 * `pin` standing alone, as it would if it were stored or printed: not a piece of a longer number, an
 * id, a time or a hash (`scrypt$16384$...`), where a short run of digits turns up by chance.
 */
export function wholePin(pin: string): RegExp {
	return new RegExp(`(?<![0-9A-Za-z_$-])${pin}(?![0-9A-Za-z_$-])`);
}

/** The code a service refuses `promise` with, or `resolved`; anything but a refusal is thrown on. */
export async function refusal(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
		return 'resolved';
	} catch (error) {
		if (isServiceError(error)) return error.code;
		throw error;
	}
}
