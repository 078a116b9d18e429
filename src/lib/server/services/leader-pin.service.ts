import { and, eq, isNull, sql } from 'drizzle-orm';
import { isPinOfAllowedLength, PIN_DIGITS_TEXT } from '$lib/domain';
import type { Database } from '../db/index';
import { tenants, users } from '../db/schema';
import { log } from '../log';
import type { Pin } from '../security/pin';
import { hashPin, verifyPin } from '../security/pin-hash';
import { noMetrics, type Metrics } from './ports';

/** What the call flow learns about an entered PIN; never the PIN or its hash (S8). */
export type PinVerdict = 'correct' | 'wrong' | 'locked-out';

/** How long a reserved PIN check may take before its reservation no longer counts. */
const RESERVATION_SECONDS = 60;

/**
 * Checks and stores leader PINs. The engine asks only "is this the organizer's PIN?" and gets a
 * verdict; a user's PIN makes them leader of their own meetings only (S2), since the engine asks
 * about the meeting's organizer and nobody else.
 */
/** Told when an organizer's leader PIN has just been locked (webhooks send `pin.locked-out`). */
export type LockedOutListener = (organizerUserId: string, failedAttempts: number) => void;

export class LeaderPinService {
	private readonly lockedOutListeners = new Set<LockedOutListener>();

	constructor(
		private readonly db: Database,
		private readonly metrics: Metrics = noMetrics
	) {}

	/** Listens for PINs being locked; answers the function that stops listening. */
	onLockedOut(listener: LockedOutListener): () => void {
		this.lockedOutListeners.add(listener);
		return () => this.lockedOutListeners.delete(listener);
	}

	/**
	 * Checks `pin` against the organizer's stored hash. Consecutive wrong entries are counted; at the
	 * tenant's lockout threshold T the PIN start is locked until an admin unlocks or resets it, while
	 * the organizer can still start the meeting from the client (S2), so a lockout denies nobody a
	 * meeting.
	 *
	 * The check is atomic whatever the concurrency: an attempt is reserved in the database before the
	 * hash is compared (failures plus attempts in flight stay below T), a wrong answer turns its
	 * reservation into a failure and sets the lock in the same statement, and a right one resets the
	 * count only in a statement that re-checks the lock. So a correct PIN after T-1 wrong entries
	 * still starts the meeting, at most T wrong answers are given between successes, no PIN is
	 * compared once the lock is set, and the count stops at exactly T.
	 */
	async check(organizerUserId: string, pin: Pin): Promise<PinVerdict> {
		const threshold = sql`(select ${tenants.pinLockoutThreshold} from ${tenants} where ${tenants.id} = ${users.tenantId})`;
		// Reservations older than this are from a process that died while comparing: not counted.
		const inFlight = sql`(case when ${users.pinPendingUntil} > now() then ${users.pinAttemptsPending} else 0 end)`;
		const released = sql`greatest(${inFlight} - 1, 0)`;
		const [reserved] = await this.db
			.update(users)
			.set({
				pinAttemptsPending: sql`${inFlight} + 1`,
				pinPendingUntil: sql`now() + make_interval(secs => ${RESERVATION_SECONDS})`
			})
			.where(
				and(
					eq(users.id, organizerUserId),
					eq(users.dialInEnabled, true),
					isNull(users.pinLockedAt),
					sql`${users.pinFailedAttempts} + ${inFlight} < ${threshold}`
				)
			)
			.returning({ hash: users.leaderPinHash });
		if (!reserved) {
			const [user] = await this.db
				.select({ enabled: users.dialInEnabled })
				.from(users)
				.where(eq(users.id, organizerUserId));
			// Locked, or as many attempts in flight as may still fail: either way nothing is compared.
			log.debug('A leader PIN entry was not compared: the PIN is locked or not enabled', {
				organizerUserId
			});
			return user?.enabled ? 'locked-out' : 'wrong';
		}
		let correct: boolean;
		try {
			correct =
				reserved.hash !== null && /^\d{1,32}$/.test(pin.reveal()) && (await verifyPin(pin, reserved.hash));
		} catch (error) {
			await this.db.update(users).set({ pinAttemptsPending: released }).where(eq(users.id, organizerUserId));
			throw error;
		}
		if (correct) {
			const [accepted] = await this.db
				.update(users)
				.set({ pinAttemptsPending: released, pinFailedAttempts: 0 })
				.where(and(eq(users.id, organizerUserId), isNull(users.pinLockedAt)))
				.returning({ id: users.id });
			if (accepted) return 'correct';
			await this.db.update(users).set({ pinAttemptsPending: released }).where(eq(users.id, organizerUserId));
			return 'locked-out';
		}
		const [after] = await this.db
			.update(users)
			.set({
				pinAttemptsPending: released,
				pinFailedAttempts: sql`${users.pinFailedAttempts} + 1`,
				pinLockedAt: sql`case when ${users.pinFailedAttempts} + 1 >= ${threshold} then coalesce(${users.pinLockedAt}, now()) else ${users.pinLockedAt} end`
			})
			.where(eq(users.id, organizerUserId))
			.returning({ lockedAt: users.pinLockedAt, failedAttempts: users.pinFailedAttempts });
		this.metrics.pinFailed(Boolean(after?.lockedAt));
		if (after?.lockedAt) {
			// Only the entry that reaches the threshold gets here: a locked PIN is never compared again.
			for (const listener of this.lockedOutListeners) listener(organizerUserId, after.failedAttempts);
			log.warn(
				'A leader PIN is locked after too many wrong entries; an administrator can unlock or reset it',
				{
					organizerUserId,
					failedAttempts: after.failedAttempts
				}
			);
			return 'locked-out';
		}
		log.debug('A wrong leader PIN was entered', { organizerUserId, failedAttempts: after?.failedAttempts });
		return 'wrong';
	}

	/**
	 * Stores a new PIN for a user as a salted hash and clears failures and any lockout, in `db` when
	 * given (a transaction). The admin center's reset (authorization, audit, email) is built on this.
	 */
	async setPin(userId: string, pin: Pin, db: Database = this.db): Promise<void> {
		if (!isPinOfAllowedLength(pin.reveal())) throw new RangeError(`A leader PIN has ${PIN_DIGITS_TEXT}.`);
		const hash = await hashPin(pin);
		await db
			.update(users)
			.set({
				leaderPinHash: hash,
				leaderPinLength: pin.length,
				leaderPinSetAt: new Date(),
				pinFailedAttempts: 0,
				pinAttemptsPending: 0,
				pinLockedAt: null
			})
			.where(eq(users.id, userId));
	}
}
