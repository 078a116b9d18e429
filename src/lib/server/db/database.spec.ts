import { count } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../tests/helpers/server';
import { openDatabase, redactUrl, type DatabaseHandle } from './index';
import { ANONYMOUS_ACTOR, SYSTEM_ACTOR } from '../services/access';
import { accounts, tenants, users } from './schema';
import { DEMO_USERS, seedDemoTenant } from './seed';
import { StatusService } from '../services/status.service';

/** Runs against PGlite, or the PostgreSQL of `npm run test:postgres` when DATABASE_URL is set. */
describe(`the database (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	let target: TestDatabase;
	let handle: DatabaseHandle | undefined;

	afterEach(async () => {
		await handle?.close();
		handle = undefined;
		await target?.drop();
	});

	const open = () => openDatabase({ databaseUrl: target.url, dataDir: target.dataDir ?? '' });

	it('migrates and seeds the demo tenant with the defaults of docs/rules.md', async () => {
		target = await createTestDatabase();
		handle = await open();
		const seed = await seedDemoTenant(handle.db, { admin: 'admin-password' });
		expect(seed.seeded).toBe(true);
		// The admin's password was given; the users' was generated, to be printed once.
		expect(seed.generated.admin).toBeUndefined();
		expect(seed.generated.users).toMatch(/^[\w-]{16}$/);
		const credentials = await handle.db.select().from(accounts);
		expect(credentials).toHaveLength(DEMO_USERS.length);
		for (const c of credentials) {
			expect(c.providerId).toBe('credential');
			expect(c.password).not.toContain('admin-password');
			expect(c.password).not.toContain(seed.generated.users!);
		}
		const [tenant] = await handle.db.select().from(tenants);
		expect(tenant).toMatchObject({
			name: 'Contoso',
			pinLength: 5,
			automaticallySendEmailsToUsers: true,
			allowPstnOnlyMeetingsByDefault: false,
			enableEntryExitNotifications: true,
			entryExitAnnouncementsType: 'UseNames',
			maxParticipants: 250,
			lobbyTimeoutMinutes: 0,
			pinLockoutThreshold: 10
		});
		const directory = await handle.db.select().from(users);
		expect(directory.map((u) => u.email).sort()).toEqual(DEMO_USERS.map((u) => u.email).sort());
		expect(directory.find((u) => u.email === 'admin@contoso.com')?.role).toBe('admin');
		expect(directory.find((u) => u.email === 'amos.marble@contoso.com')?.dialInEnabled).toBe(true);
		expect(directory.some((u) => u.dialInEnabled && !u.hasMailbox)).toBe(true);
		expect(directory.some((u) => !u.dialInEnabled && u.role === 'user')).toBe(true);
	});

	it('seeds once: a second run changes nothing', async () => {
		target = await createTestDatabase();
		handle = await open();
		await seedDemoTenant(handle.db);
		const before = await handle.db.select().from(users).orderBy(users.email);
		expect((await seedDemoTenant(handle.db)).seeded).toBe(false);
		await handle.close();
		handle = await open();
		expect((await seedDemoTenant(handle.db)).seeded).toBe(false);
		const after = await handle.db.select().from(users).orderBy(users.email);
		expect(after).toEqual(before);
		const [{ n }] = (await handle.db.select({ n: count() }).from(tenants)) as [{ n: number }];
		expect(n).toBe(1);
	});

	it('refuses settings outside their ranges in the database too', async () => {
		target = await createTestDatabase();
		handle = await open();
		await seedDemoTenant(handle.db);
		await expect(handle.db.update(tenants).set({ pinLength: 13 })).rejects.toThrow();
		await expect(handle.db.update(tenants).set({ pinLength: 3 })).rejects.toThrow();
	});

	it('reports the database unavailable once it cannot answer', async () => {
		target = await createTestDatabase();
		handle = await open();
		const status = new StatusService(handle);
		expect(await status.health(ANONYMOUS_ACTOR)).toEqual({ status: 'ok', db: handle.kind });
		await handle.close();
		// Anyone may learn that it is down; only an administrator reads the database's own words.
		const health = await status.health(ANONYMOUS_ACTOR);
		expect(health).toEqual({ status: 'unavailable', db: handle.kind, reason: 'database unreachable' });
		const forAdmin = await status.health(SYSTEM_ACTOR);
		expect(forAdmin.status === 'unavailable' && forAdmin.reason).toMatch(/^database unreachable: .+/);
		handle = undefined;
	});
});

describe('PostgreSQL connection strings', () => {
	it('are printed without their password', () => {
		expect(redactUrl('postgres://lobby:s3cret@db:5432/lobby')).toBe('postgres://lobby:***@db:5432/lobby');
		expect(redactUrl('postgres://lobby@db/lobby')).toBe('postgres://lobby@db/lobby');
	});

	it('a server nobody listens on is reported, not thrown', async () => {
		// Port 1 on loopback: nothing listens there, so connecting is refused at once.
		await expect(openDatabase({ databaseUrl: 'postgres://x@127.0.0.1:1/none', dataDir: '' })).rejects.toThrow(
			/ECONNREFUSED|connect/
		);
	});
});
