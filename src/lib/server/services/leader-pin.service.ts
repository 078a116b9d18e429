import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/index';
import { tenants, users } from '../db/schema';
import { hashPin, verifyPin } from '../security/pin-hash';

/** What the call flow learns about an entered PIN; never the PIN or its hash (S8). */
export type PinVerdict = 'correct' | 'wrong' | 'locked-out';

/**
 * Checks and stores leader PINs. The engine asks only "is this the organizer's PIN?" and gets a
 * verdict; a user's PIN makes them leader of their own meetings only (S2), since the engine asks
 * about the meeting's organizer and nobody else.
 */
export class LeaderPinService {
	constructor(private readonly db: Database) {}

	/**
	 * Checks `pin` against the organizer's stored hash. Consecutive wrong entries are counted; at the
	 * tenant's lockout threshold the PIN start is locked until an admin unlocks or resets it, while
	 * the organizer can still start the meeting from the client (S2), so a lockout denies nobody a
	 * meeting.
	 */
	async check(organizerUserId: string, pin: string): Promise<PinVerdict> {
		const [user] = await this.db
			.select({ hash: users.leaderPinHash, lockedAt: users.pinLockedAt, tenantId: users.tenantId })
			.from(users)
			.where(and(eq(users.id, organizerUserId), eq(users.dialInEnabled, true)));
		if (!user) return 'wrong';
		if (user.lockedAt) return 'locked-out';
		const correct = user.hash !== null && /^\d{1,32}$/.test(pin) && (await verifyPin(pin, user.hash));
		if (correct) {
			await this.db
				.update(users)
				.set({ pinFailedAttempts: 0 })
				.where(and(eq(users.id, organizerUserId), sql`${users.pinFailedAttempts} <> 0`));
			return 'correct';
		}
		const threshold = this.db
			.select({ t: tenants.pinLockoutThreshold })
			.from(tenants)
			.where(eq(tenants.id, user.tenantId));
		const [after] = await this.db
			.update(users)
			.set({
				pinFailedAttempts: sql`${users.pinFailedAttempts} + 1`,
				pinLockedAt: sql`case when ${users.pinFailedAttempts} + 1 >= (${threshold}) then now() else ${users.pinLockedAt} end`
			})
			.where(eq(users.id, organizerUserId))
			.returning({ lockedAt: users.pinLockedAt });
		return after?.lockedAt ? 'locked-out' : 'wrong';
	}

	/**
	 * Stores a new PIN for a user as a salted hash and clears failures and any lockout, in `db` when
	 * given (a transaction). The admin center's reset (authorization, audit, email) is built on this.
	 */
	async setPin(userId: string, pin: string, db: Database = this.db): Promise<void> {
		if (!/^\d{4,12}$/.test(pin)) throw new RangeError('A leader PIN has 4 to 12 digits.');
		const hash = await hashPin(pin);
		await db
			.update(users)
			.set({
				leaderPinHash: hash,
				leaderPinLength: pin.length,
				leaderPinSetAt: new Date(),
				pinFailedAttempts: 0,
				pinLockedAt: null
			})
			.where(eq(users.id, userId));
	}
}
