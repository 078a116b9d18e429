import { randomUUID } from 'node:crypto';
import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { Database } from '../db/index';
import { auditLog, type AuditRow } from '../db/schema';
import { DEMO_TENANT_ID } from '../db/seed';
import { requireAdmin } from './access';
import { storableText } from '../identifier-schemas';
import type { Clock } from './ports';

/** A detail longer than this is cut: the log records what was tried, not everything that was sent. */
const MAX_DETAIL_LENGTH = 500;

/** Through which door an action came (the audit log's "path"). */
export type AccessPath = 'page' | 'api' | 'cli' | 'socket' | 'system';

/** Who is acting: the server establishes this from the session or token, never from a payload. */
export interface Actor {
	userId: string | null;
	email: string;
	role: 'admin' | 'user' | 'anonymous';
}

/** One audited action. `details` must never hold a PIN (S8); `record` refuses one that looks so. */
export interface AuditEntry {
	/** The tenant acted on; the server's own tenant when left out (an edge refusing a request). */
	tenantId?: string;
	actor: Actor;
	action: string;
	target?: { id: string; email: string } | null;
	path: AccessPath;
	outcome: 'ok' | 'denied' | 'failed';
	details?: Record<string, string | number | boolean | null>;
}

export interface AuditFilter {
	action?: string;
	targetId?: string;
	actorEmail?: string;
	limit?: number;
}

/** Records every administrator action, allowed or refused, and lists them newest first. */
export class AuditService {
	constructor(
		private readonly db: Database,
		private readonly clock: Clock,
		private readonly tenantId = DEMO_TENANT_ID
	) {}

	/** Appends an entry, in `db` when given (the transaction of the action it records). */
	async record(entry: AuditEntry, db: Database = this.db): Promise<void> {
		for (const [key, value] of Object.entries(entry.details ?? {})) {
			if (/pin/i.test(key) && typeof value === 'string' && /\d{4,}/.test(value)) {
				throw new Error(`Audit details must never hold a PIN (field "${key}").`);
			}
		}
		// Whatever a client sent that is recorded here is stored as it can be: an entry never fails
		// because an address or a detail held a NUL, so a refused attempt always leaves its trace.
		const details = Object.fromEntries(
			Object.entries(entry.details ?? {}).map(([key, value]) => [
				key,
				typeof value === 'string' ? storableText(value).slice(0, MAX_DETAIL_LENGTH) : value
			])
		);
		await db.insert(auditLog).values({
			id: randomUUID(),
			tenantId: entry.tenantId ?? this.tenantId,
			at: new Date(this.clock.now()),
			actorId: entry.actor.userId,
			actorEmail: storableText(entry.actor.email),
			action: entry.action,
			targetId: entry.target?.id ?? null,
			targetEmail: entry.target ? storableText(entry.target.email) : null,
			path: entry.path,
			outcome: entry.outcome,
			details
		});
	}

	/** Entries matching `filter`, newest first: administrators only (they name every user and action). */
	async list(actor: Actor, filter: AuditFilter = {}): Promise<AuditRow[]> {
		requireAdmin(actor, 'read the audit log');
		const conditions: SQL[] = [];
		if (filter.action) conditions.push(eq(auditLog.action, filter.action));
		if (filter.targetId) conditions.push(eq(auditLog.targetId, filter.targetId));
		if (filter.actorEmail) conditions.push(eq(auditLog.actorEmail, filter.actorEmail));
		return this.db
			.select()
			.from(auditLog)
			.where(conditions.length ? and(...conditions) : undefined)
			.orderBy(desc(auditLog.at), desc(auditLog.seq))
			.limit(Math.min(Math.max(filter.limit ?? 100, 1), 1000));
	}
}
