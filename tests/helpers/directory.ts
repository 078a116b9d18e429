import { eq } from 'drizzle-orm';
import { openDatabase } from '$lib/server/db/index';
import { tenants, users } from '$lib/server/db/schema';
import { seedDemoTenant } from '$lib/server/db/seed';
import { Pin } from '$lib/server/security/pin';
import { LeaderPinService } from '$lib/server/services/leader-pin.service';
import type { TestDatabase } from './server';

/** Sign-in passwords of the test directory (the test servers get the same through the environment). */
export const TEST_ADMIN_PASSWORD = 'admin-test-password';
export const TEST_USER_PASSWORD = 'user-test-password';

/**
 * Prepares a test database before its server starts (PGlite allows one process at a time): seeds
 * the demo tenant, sets leader PINs and tenant settings the way an administrator would.
 */
export async function prepareDirectory(
	target: TestDatabase,
	options: { pins?: Record<string, string>; tenant?: Partial<typeof tenants.$inferInsert> } = {}
): Promise<void> {
	const handle = await openDatabase({
		databaseUrl: target.url,
		dataDir: target.dataDir ?? '',
		afterMigrate: async (db) => {
			await seedDemoTenant(db, { admin: TEST_ADMIN_PASSWORD, users: TEST_USER_PASSWORD });
		}
	});
	try {
		const pins = new LeaderPinService(handle.db);
		for (const [email, pin] of Object.entries(options.pins ?? {})) {
			const [user] = await handle.db.select({ id: users.id }).from(users).where(eq(users.email, email));
			if (!user) throw new Error(`No user ${email} in the demo directory`);
			await pins.setPin(user.id, Pin.of(pin));
		}
		if (options.tenant) await handle.db.update(tenants).set(options.tenant);
	} finally {
		await handle.close();
	}
}
