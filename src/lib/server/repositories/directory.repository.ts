import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { lobbyPolicyFrom, type LobbyPolicy } from '$lib/domain';
import type { Database } from '../db/index';
import { meetingPolicies, tenants, users, type TenantRow, type UserRow } from '../db/schema';
import { isPrintable } from '../identifier-schemas';

/** A dial-in user as the engine needs them: whose meeting a conference ID leads to. */
export interface DialInOrganizer {
	userId: string;
	tenantId: string;
	displayName: string;
	conferenceId: string;
	allowPstnOnlyMeetings: boolean;
	/** The meeting policy granted to the organizer (`Grant-CsTeamsMeetingPolicy`); null or missing: Global. */
	meetingPolicyId?: string | null;
}

/** Reads the tenant directory for the engine. */
export class DirectoryRepository {
	constructor(private readonly db: Database) {}

	/** The dial-in user a conference ID belongs to (S1), or null. */
	async organizerByConferenceId(conferenceId: string): Promise<DialInOrganizer | null> {
		const [row] = await this.db
			.select({
				userId: users.id,
				tenantId: users.tenantId,
				displayName: users.displayName,
				conferenceId: users.conferenceId,
				allowPstnOnlyMeetings: users.allowPstnOnlyMeetings,
				meetingPolicyId: users.meetingPolicyId
			})
			.from(users)
			.where(and(eq(users.conferenceId, conferenceId), eq(users.dialInEnabled, true)));
		return row && row.conferenceId ? { ...row, conferenceId: row.conferenceId } : null;
	}

	/** A user by id, for client joins. */
	async user(userId: string): Promise<{
		id: string;
		tenantId: string;
		email: string;
		displayName: string;
		role: 'admin' | 'user';
	} | null> {
		const [row] = await this.db
			.select({
				id: users.id,
				tenantId: users.tenantId,
				email: users.email,
				displayName: users.displayName,
				role: users.role
			})
			.from(users)
			.where(eq(users.id, userId));
		return row ?? null;
	}

	/**
	 * A directory user by `-Identity` as the cmdlets take it: the user id, the sign-in address, or
	 * the alias before the `@` (`amos.marble`), case-insensitively.
	 */
	async findByIdentity(tenantId: string, identity: string, db: Database = this.db): Promise<UserRow | null> {
		const wanted = identity.trim().toLowerCase();
		// No directory entry holds a control character; the database would refuse the text anyway.
		if (!wanted || !isPrintable(identity)) return null;
		const [row] = await db
			.select()
			.from(users)
			.where(
				and(
					eq(users.tenantId, tenantId),
					sql`(${users.id} = ${identity.trim()} or lower(${users.email}) = ${wanted} or lower(split_part(${users.email}, '@', 1)) = ${wanted})`
				)
			)
			.limit(2);
		return row ?? null;
	}

	async tenant(tenantId: string): Promise<TenantRow | null> {
		const [row] = await this.db.select().from(tenants).where(eq(tenants.id, tenantId));
		return row ?? null;
	}

	/**
	 * The lobby policy an organizer's new meeting gets: the named meeting policy granted to him, or
	 * the tenant's Global one (docs/rules.md, "The lobby policy").
	 */
	async lobbyPolicyOf(tenant: TenantRow, meetingPolicyId: string | null | undefined): Promise<LobbyPolicy> {
		if (!meetingPolicyId) return lobbyPolicyFrom(tenant);
		const [row] = await this.db.select().from(meetingPolicies).where(eq(meetingPolicies.id, meetingPolicyId));
		return lobbyPolicyFrom(row ?? tenant);
	}

	/** The lobby policy of every user of the tenant granted a named meeting policy, by user id. */
	async grantedLobbyPolicies(tenantId: string): Promise<Map<string, LobbyPolicy>> {
		const rows = await this.db
			.select({ userId: users.id, policy: meetingPolicies })
			.from(users)
			.innerJoin(meetingPolicies, eq(users.meetingPolicyId, meetingPolicies.id))
			.where(and(eq(users.tenantId, tenantId), isNotNull(users.meetingPolicyId)));
		return new Map(rows.map((r) => [r.userId, lobbyPolicyFrom(r.policy)]));
	}
}
