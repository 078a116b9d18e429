/**
 * The PIN lockout under concurrency: many entries for one organizer at once, on the database the
 * suite runs on (PGlite, or PostgreSQL under `npm run test:postgres`, where statements truly run in
 * parallel). Each spec states one invariant of LeaderPinService.check.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../tests/helpers/server';
import { openDatabase, type DatabaseHandle } from '../db/index';
import { tenants, users } from '../db/schema';
import { DEMO_TENANT_ID, seedDemoTenant } from '../db/seed';
import { Pin } from '../security/pin';
import { LeaderPinService, type PinVerdict } from './leader-pin.service';

const RIGHT = '48213';
const WRONG = '90817';
const T = 10;

let target: TestDatabase;
let handle: DatabaseHandle;
let pins: LeaderPinService;
let organizerId: string;

async function counters() {
	const [row] = await handle.db
		.select({
			failed: users.pinFailedAttempts,
			pending: users.pinAttemptsPending,
			lockedAt: users.pinLockedAt
		})
		.from(users)
		.where(eq(users.id, organizerId));
	return row!;
}

function tally(verdicts: PinVerdict[]) {
	return {
		correct: verdicts.filter((v) => v === 'correct').length,
		wrong: verdicts.filter((v) => v === 'wrong').length,
		lockedOut: verdicts.filter((v) => v === 'locked-out').length
	};
}

beforeAll(async () => {
	target = await createTestDatabase();
	handle = await openDatabase({
		databaseUrl: target.url,
		dataDir: target.dataDir ?? '',
		afterMigrate: async (db) =>
			void (await seedDemoTenant(db, { admin: 'admin-password', users: 'user-password' }))
	});
	pins = new LeaderPinService(handle.db);
	const [amos] = await handle.db.select().from(users).where(eq(users.email, 'amos.marble@contoso.com'));
	organizerId = amos!.id;
	await handle.db.update(tenants).set({ pinLockoutThreshold: T }).where(eq(tenants.id, DEMO_TENANT_ID));
}, 60_000);

afterAll(async () => {
	await handle?.close();
	await target?.drop();
});

beforeEach(async () => {
	await pins.setPin(organizerId, Pin.of(RIGHT));
});

describe('the leader PIN lockout, whatever the concurrency', () => {
	it('given T-1 wrong entries, when the right PIN follows, then it still starts the meeting and the count is reset', async () => {
		for (let i = 0; i < T - 1; i++) expect(await pins.check(organizerId, Pin.of(WRONG))).toBe('wrong');
		expect(await pins.check(organizerId, Pin.of(RIGHT))).toBe('correct');
		expect(await counters()).toMatchObject({ failed: 0, pending: 0, lockedAt: null });
	});

	it('given 100 wrong entries at once, then exactly T are answered "wrong", the rest "locked-out", and the count ends at exactly T', async () => {
		const verdicts = await Promise.all(
			Array.from({ length: 100 }, () => pins.check(organizerId, Pin.of(WRONG)))
		);
		const { wrong, lockedOut, correct } = tally(verdicts);
		expect(correct).toBe(0);
		expect(wrong).toBeLessThanOrEqual(T);
		// The T-th wrong entry is itself told that the PIN is locked now.
		expect(wrong + lockedOut).toBe(100);
		const after = await counters();
		expect(after.failed).toBe(T);
		expect(after.pending).toBe(0);
		expect(after.lockedAt).not.toBeNull();
	});

	it('given 99 wrong entries at once and the right one sent after the first wrong answer, then at most T wrong answers follow any success, no PIN is accepted once locked, and the count ends at exactly T', async () => {
		const order: { verdict: PinVerdict; pin: string }[] = [];
		const record = (pin: string) => (verdict: PinVerdict) => {
			order.push({ verdict, pin });
			return verdict;
		};
		let firstWrong!: () => void;
		const firstWrongSeen = new Promise<void>((resolve) => (firstWrong = resolve));
		const wrongs = Array.from({ length: 99 }, () =>
			pins.check(organizerId, Pin.of(WRONG)).then((v) => {
				if (v === 'wrong') firstWrong();
				return record(WRONG)(v);
			})
		);
		await firstWrongSeen;
		const right = pins.check(organizerId, Pin.of(RIGHT)).then(record(RIGHT));
		await Promise.all([...wrongs, right]);

		// Wrong answers between two successes (or the start and the end) never exceed T.
		let sinceSuccess = 0;
		let maxRun = 0;
		for (const { verdict } of order) {
			if (verdict === 'correct') sinceSuccess = 0;
			if (verdict === 'wrong') maxRun = Math.max(maxRun, ++sinceSuccess);
		}
		expect(maxRun).toBeLessThanOrEqual(T);
		// The right PIN is either accepted before the lock, or refused as locked: never "wrong".
		const rightVerdict = order.find((o) => o.pin === RIGHT)!.verdict;
		expect(['correct', 'locked-out']).toContain(rightVerdict);
		const after = await counters();
		expect(after.failed).toBe(T);
		expect(after.pending).toBe(0);
		expect(after.lockedAt).not.toBeNull();
		// Once locked, not even the right PIN is compared.
		expect(await pins.check(organizerId, Pin.of(RIGHT))).toBe('locked-out');
	});

	it('given a lock, when 50 right PINs arrive at once, then none is accepted and the count stays at T', async () => {
		for (let i = 0; i < T; i++) await pins.check(organizerId, Pin.of(WRONG));
		const verdicts = await Promise.all(
			Array.from({ length: 50 }, () => pins.check(organizerId, Pin.of(RIGHT)))
		);
		expect(tally(verdicts)).toEqual({ correct: 0, wrong: 0, lockedOut: 50 });
		expect((await counters()).failed).toBe(T);
	});

	it('given T-1 wrong entries, when the right PIN and many wrong ones arrive at once, then the right one is compared only while fewer than T can still fail', async () => {
		for (let i = 0; i < T - 1; i++) await pins.check(organizerId, Pin.of(WRONG));
		const verdicts = await Promise.all([
			pins.check(organizerId, Pin.of(RIGHT)),
			...Array.from({ length: 30 }, () => pins.check(organizerId, Pin.of(WRONG)))
		]);
		const { wrong } = tally(verdicts);
		// One slot was left. If the right PIN took it, the count started again and at most T more
		// wrong answers could follow; if a wrong one took it, that one locked the PIN for everyone.
		const after = await counters();
		expect(after.pending).toBe(0);
		if (verdicts[0] === 'correct') {
			// Every wrong answer after the success is counted, and the lock follows the count.
			expect(wrong).toBeLessThanOrEqual(T);
			expect(after.failed).toBe(wrong);
			expect(after.lockedAt !== null).toBe(wrong === T);
		} else {
			// The wrong entry that took the slot reached T and was told so: the PIN is locked now.
			expect({ right: verdicts[0], wrong }).toEqual({ right: 'locked-out', wrong: 0 });
			expect(after.failed).toBe(T);
			expect(after.lockedAt).not.toBeNull();
		}
	});

	it('given a reset PIN, then failures, reservations and the lock are cleared', async () => {
		for (let i = 0; i < T; i++) await pins.check(organizerId, Pin.of(WRONG));
		await pins.setPin(organizerId, Pin.of(RIGHT));
		expect(await counters()).toMatchObject({ failed: 0, pending: 0, lockedAt: null });
		expect(await pins.check(organizerId, Pin.of(RIGHT))).toBe('correct');
	});
});
