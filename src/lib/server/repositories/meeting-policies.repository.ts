import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/index';
import { meetingPolicies, tenants, users, type MeetingPolicyRow, type TenantRow } from '../db/schema';

/** The lobby settings and description a named meeting policy may be given. */
export type MeetingPolicyValues = Partial<
	Pick<
		MeetingPolicyRow,
		| 'description'
		| 'lobbyMode'
		| 'autoAdmittedUsers'
		| 'allowPstnUsersToBypassLobby'
		| 'allowAnonymousUsersToStartMeeting'
		| 'usersCanAdmitFromLobby'
	>
>;

/**
 * The named meeting policies of a tenant and who is granted which (docs/rules.md, "The lobby
 * policy"). Names are matched whatever their case, as Teams matches them. Methods that take `db`
 * run in the caller's transaction.
 */
export class MeetingPoliciesRepository {
	constructor(
		private readonly db: Database,
		private readonly tenantId: string
	) {}

	/** Runs `work` in one transaction. */
	transaction<T>(work: (tx: Database) => Promise<T>): Promise<T> {
		return this.db.transaction(work);
	}

	async tenant(): Promise<TenantRow | null> {
		const [tenant] = await this.db.select().from(tenants).where(eq(tenants.id, this.tenantId));
		return tenant ?? null;
	}

	/** The named policies, by name. */
	list(db: Database = this.db): Promise<MeetingPolicyRow[]> {
		return db
			.select()
			.from(meetingPolicies)
			.where(eq(meetingPolicies.tenantId, this.tenantId))
			.orderBy(asc(sql`lower(${meetingPolicies.identity})`));
	}

	/** How many users each policy is granted to; `null`: those granted none, who have Global. */
	async grantCounts(): Promise<Map<string | null, number>> {
		const rows = await this.db
			.select({ policyId: users.meetingPolicyId, n: count() })
			.from(users)
			.where(eq(users.tenantId, this.tenantId))
			.groupBy(users.meetingPolicyId);
		return new Map(rows.map((r) => [r.policyId, Number(r.n)]));
	}

	/** The policy of that name, locked for the rest of the transaction when `lock`. */
	async find(name: string, db: Database = this.db, lock = false): Promise<MeetingPolicyRow | null> {
		const query = db.select().from(meetingPolicies).where(this.named(name));
		const [row] = lock ? await query.for('update') : await query;
		return row ?? null;
	}

	async insert(
		id: string,
		name: string,
		values: MeetingPolicyValues,
		db: Database
	): Promise<MeetingPolicyRow> {
		const [row] = await db
			.insert(meetingPolicies)
			.values({ id, tenantId: this.tenantId, identity: name, ...values })
			.returning();
		if (!row) throw new Error('The meeting policy was not stored.');
		return row;
	}

	async update(name: string, values: MeetingPolicyValues, db: Database): Promise<MeetingPolicyRow | null> {
		const [row] = await db.update(meetingPolicies).set(values).where(this.named(name)).returning();
		return row ?? null;
	}

	/** Removes the policy; its users have Global again (the foreign key sets theirs to null). */
	async remove(id: string, db: Database): Promise<void> {
		await db.delete(meetingPolicies).where(eq(meetingPolicies.id, id));
	}

	/** How many users the policy is granted to. */
	async holders(id: string, db: Database): Promise<number> {
		const [row] = await db.select({ n: count() }).from(users).where(eq(users.meetingPolicyId, id));
		return Number(row?.n ?? 0);
	}

	/** Grants the user the policy; null: Global. */
	async grant(userId: string, policyId: string | null, db: Database): Promise<void> {
		await db
			.update(users)
			.set({ meetingPolicyId: policyId })
			.where(and(eq(users.id, userId), eq(users.tenantId, this.tenantId)));
	}

	private named(name: string) {
		return and(
			eq(meetingPolicies.tenantId, this.tenantId),
			eq(sql`lower(${meetingPolicies.identity})`, name.trim().toLowerCase())
		);
	}
}
