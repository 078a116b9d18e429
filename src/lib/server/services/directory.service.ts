import { and, asc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/index';
import { meetingPolicies, tenants, users, type TenantRow } from '../db/schema';
import { isPrintable } from '../identifier-schemas';
import { requireAdmin, requireSelfOrAdmin } from './access';
import type { Actor } from './audit.service';

/** A dial-in user as the admin center lists them: never the PIN or its hash (S8). */
export interface DialInUserView {
	id: string;
	email: string;
	displayName: string;
	role: 'admin' | 'user';
	hasMailbox: boolean;
	language: 'en' | 'sv';
	dialInEnabled: boolean;
	conferenceId: string | null;
	allowPstnOnlyMeetings: boolean;
	/** The meeting policy granted to the user (`Grant-CsTeamsMeetingPolicy`); null: Global. */
	meetingPolicy: string | null;
	/** S8: shown as `*****` when set; the PIN itself is never readable. */
	pinSetAt: Date | null;
	pinLength: number | null;
	lockedOut: boolean;
	failedAttempts: number;
}

const columns = {
	id: users.id,
	email: users.email,
	displayName: users.displayName,
	role: users.role,
	hasMailbox: users.hasMailbox,
	language: users.language,
	dialInEnabled: users.dialInEnabled,
	conferenceId: users.conferenceId,
	allowPstnOnlyMeetings: users.allowPstnOnlyMeetings,
	meetingPolicy: sql<
		string | null
	>`(select ${meetingPolicies.identity} from ${meetingPolicies} where ${meetingPolicies.id} = ${users.meetingPolicyId})`,
	pinSetAt: users.leaderPinSetAt,
	pinLength: users.leaderPinLength,
	pinLockedAt: users.pinLockedAt,
	failedAttempts: users.pinFailedAttempts
};

type Row = Omit<DialInUserView, 'lockedOut'> & { pinLockedAt: Date | null };

function view({ pinLockedAt, ...row }: Row): DialInUserView {
	return { ...row, lockedOut: pinLockedAt !== null };
}

/** Reads the directory for the admin center (`Get-CsOnlineDialInConferencingUser`). */
export class DirectoryService {
	constructor(
		private readonly db: Database,
		private readonly tenantId: string
	) {}

	/** Users whose name, address or conference ID contains `query`, by name: administrators only. */
	async search(actor: Actor, query = '', limit = 200): Promise<DialInUserView[]> {
		requireAdmin(actor, 'list the dial-in users');
		const conditions: SQL[] = [eq(users.tenantId, this.tenantId)];
		const q = query.trim();
		if (q) {
			const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
			conditions.push(
				or(ilike(users.displayName, like), ilike(users.email, like), ilike(users.conferenceId, like))!
			);
		}
		const rows = await this.db
			.select(columns)
			.from(users)
			.where(and(...conditions))
			.orderBy(asc(users.displayName))
			.limit(Math.min(Math.max(limit, 1), 1000));
		return rows.map(view);
	}

	/**
	 * One user by `-Identity`: the id, the sign-in address, or the alias before the `@`
	 * (`amos.marble`), case-insensitively; null when none matches. Administrators only.
	 */
	async find(actor: Actor, identity: string): Promise<DialInUserView | null> {
		requireAdmin(actor, 'look up dial-in users');
		const wanted = identity.trim().toLowerCase();
		if (!wanted || !isPrintable(identity)) return null;
		const [row] = await this.db
			.select(columns)
			.from(users)
			.where(
				and(
					eq(users.tenantId, this.tenantId),
					sql`(${users.id} = ${identity.trim()} or lower(${users.email}) = ${wanted} or lower(split_part(${users.email}, '@', 1)) = ${wanted})`
				)
			)
			.limit(1);
		return row ? view(row) : null;
	}

	/** The tenant's settings (`Get-CsOnlineDialInConferencingTenantSettings`): administrators only. */
	async tenant(actor: Actor): Promise<TenantRow> {
		requireAdmin(actor, 'read the tenant settings');
		const [row] = await this.db.select().from(tenants).where(eq(tenants.id, this.tenantId));
		if (!row) throw new Error(`The tenant ${this.tenantId} does not exist.`);
		return row;
	}

	/** One user by id, or null: administrators, or a user about themselves. */
	async get(actor: Actor, userId: string): Promise<DialInUserView | null> {
		requireSelfOrAdmin(actor, userId, "read another user's dial-in settings");
		if (!isPrintable(userId)) return null;
		const [row] = await this.db
			.select(columns)
			.from(users)
			.where(and(eq(users.tenantId, this.tenantId), eq(users.id, userId)));
		return row ? view(row) : null;
	}
}
