import { randomBytes, randomUUID } from 'node:crypto';
import { hashPassword } from 'better-auth/crypto';
import { and, eq, isNull, ne, notLike } from 'drizzle-orm';
import type { Database } from './index';
import { accounts, tenants, users } from './schema';

/** The demo tenant's id; the product runs one tenant per database. */
export const DEMO_TENANT_ID = 'contoso';

/**
 * The tenant live scenario runs act in: a copy of the demo tenant's settings with the scenario's
 * own, and stand-ins for the directory users a scenario names. Its users never sign in.
 */
export const LIVE_SCENARIO_TENANT_ID = 'contoso-live-scenarios';

interface DemoUser {
	email: string;
	displayName: string;
	role: 'admin' | 'user';
	hasMailbox: boolean;
	language: 'en' | 'sv';
	conferenceId: string | null;
	allowPstnOnlyMeetings: boolean;
}

/**
 * The demo directory: Amos Marble from the article (S15, S16), an administrator, users enabled for
 * dial-in (one allowing PSTN-only meetings, S6), one without a mailbox (S12, S14) and one not
 * enabled at all.
 */
export const DEMO_USERS: readonly DemoUser[] = [
	{
		email: 'admin@contoso.com',
		displayName: 'Contoso Administrator',
		role: 'admin',
		hasMailbox: true,
		language: 'en',
		conferenceId: null,
		allowPstnOnlyMeetings: false
	},
	{
		email: 'amos.marble@contoso.com',
		displayName: 'Amos Marble',
		role: 'user',
		hasMailbox: true,
		language: 'en',
		conferenceId: '4410273',
		allowPstnOnlyMeetings: false
	},
	{
		email: 'megan.bowen@contoso.com',
		displayName: 'Megan Bowen',
		role: 'user',
		hasMailbox: true,
		language: 'en',
		conferenceId: '5821946',
		allowPstnOnlyMeetings: true
	},
	{
		email: 'astrid.lindqvist@contoso.com',
		displayName: 'Astrid Lindqvist',
		role: 'user',
		hasMailbox: true,
		language: 'sv',
		conferenceId: '6390518',
		allowPstnOnlyMeetings: false
	},
	{
		email: 'lee.gu@contoso.com',
		displayName: 'Lee Gu',
		role: 'user',
		hasMailbox: false,
		language: 'en',
		conferenceId: '7152834',
		allowPstnOnlyMeetings: false
	},
	{
		email: 'diego.siciliani@contoso.com',
		displayName: 'Diego Siciliani',
		role: 'user',
		hasMailbox: true,
		language: 'en',
		conferenceId: null,
		allowPstnOnlyMeetings: false
	}
];

/** Passwords for the demo directory's sign-in; a missing one is generated. */
export interface DemoPasswords {
	admin?: string;
	users?: string;
}

/** What the first start seeded; `generated` holds passwords to print once (never stored in clear). */
export interface SeedResult {
	seeded: boolean;
	generated: { admin?: string; users?: string };
}

function generatedPassword(): string {
	return randomBytes(12).toString('base64url');
}

/**
 * Seeds the Contoso tenant, with the defaults of docs/rules.md, and its directory when the database has no
 * tenant yet, with sign-in passwords (hashed) for the administrator and the users. Idempotent: a
 * database that already has the tenant is left exactly as it is.
 */
export async function seedDemoTenant(db: Database, passwords: DemoPasswords = {}): Promise<SeedResult> {
	const existing = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, DEMO_TENANT_ID));
	if (existing.length > 0) return { seeded: false, generated: {} };
	return db.transaction(async (tx) => {
		const again = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, DEMO_TENANT_ID));
		if (again.length > 0) return { seeded: false, generated: {} };
		await tx
			.insert(tenants)
			.values({
				id: DEMO_TENANT_ID,
				name: 'Contoso',
				domain: 'contoso.com',
				serviceNumber: '+46 8 505 512 00'
			})
			.onConflictDoNothing();
		await tx
			.insert(users)
			.values(
				DEMO_USERS.map((u) => ({
					id: randomUUID(),
					tenantId: DEMO_TENANT_ID,
					email: u.email,
					displayName: u.displayName,
					role: u.role,
					hasMailbox: u.hasMailbox,
					language: u.language,
					dialInEnabled: u.conferenceId !== null,
					conferenceId: u.conferenceId,
					allowPstnOnlyMeetings: u.allowPstnOnlyMeetings
				}))
			)
			.onConflictDoNothing();
		return { seeded: true, generated: await ensureCredentials(tx, passwords) };
	});
}

/**
 * Gives every directory user without a sign-in password one (`passwords`, else generated and
 * returned to print once), so a database made before sign-in existed can be signed in to. A stored
 * password is never changed by this.
 */
export async function ensureCredentials(
	db: Database,
	passwords: DemoPasswords = {}
): Promise<SeedResult['generated']> {
	const missing = await db
		.select({ id: users.id, role: users.role })
		.from(users)
		.leftJoin(accounts, and(eq(accounts.userId, users.id), eq(accounts.providerId, 'credential')))
		// Live scenarios' stand-ins (an administrator among them), in the live run's tenant and in each
		// scenario load copy's (`contoso-live-scenarios-copy-N`), are simulated: no one signs in as them.
		.where(
			and(
				isNull(accounts.id),
				ne(users.tenantId, LIVE_SCENARIO_TENANT_ID),
				notLike(users.tenantId, `${LIVE_SCENARIO_TENANT_ID}-copy-%`)
			)
		);
	if (missing.length === 0) return {};
	const generated: SeedResult['generated'] = {};
	const wantAdmin = missing.some((u) => u.role === 'admin');
	const wantUsers = missing.some((u) => u.role === 'user');
	const adminHash = wantAdmin
		? await hashPassword(passwords.admin ?? (generated.admin = generatedPassword()))
		: '';
	const usersHash = wantUsers
		? await hashPassword(passwords.users ?? (generated.users = generatedPassword()))
		: '';
	await db.insert(accounts).values(
		missing.map((u) => ({
			id: randomUUID(),
			accountId: u.id,
			providerId: 'credential',
			userId: u.id,
			password: u.role === 'admin' ? adminHash : usersHash
		}))
	);
	return generated;
}
