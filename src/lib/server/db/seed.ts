import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from './index';
import { tenants, users } from './schema';

/** The demo tenant's id; the product runs one tenant per database. */
export const DEMO_TENANT_ID = 'contoso';

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

/**
 * Seeds the Contoso tenant, with MISSION.md's defaults, and its directory when the database has no
 * tenant yet. Idempotent: a database that already has the tenant is left exactly as it is.
 * Returns whether anything was written.
 */
export async function seedDemoTenant(db: Database): Promise<boolean> {
	return db.transaction(async (tx) => {
		const existing = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, DEMO_TENANT_ID));
		if (existing.length > 0) return false;
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
		return true;
	});
}
