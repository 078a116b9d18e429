import { and, asc, count, desc, eq, isNull, lte, min, or, sql } from 'drizzle-orm';
import type { Database } from '../db/index';
import { tenants, webhookDeliveries, webhooks, type WebhookDeliveryRow, type WebhookRow } from '../db/schema';

/** What an endpoint may be given on creation or change. */
export type WebhookValues = Partial<Pick<WebhookRow, 'url' | 'events' | 'description' | 'enabled'>>;

/** A delivery claimed for one attempt, with what it is sent to and signed with. */
export type ClaimedDelivery = WebhookDeliveryRow & { url: string; secret: string };

/** A delivery to queue. */
export interface NewDelivery {
	id: string;
	webhookId: string;
	event: string;
	eventKey: string;
	payload: string;
	createdAt: Date;
}

/**
 * A tenant's webhooks and their outbox (docs/webhooks.md). Deliveries are claimed as the mail
 * outbox's messages are: an attempt moves the next attempt a lease ahead in one conditional
 * update, so two servers on one database never send the same attempt.
 */
export class WebhooksRepository {
	constructor(
		private readonly db: Database,
		private readonly tenantId: string
	) {}

	/** Runs `work` in one transaction. */
	transaction<T>(work: (tx: Database) => Promise<T>): Promise<T> {
		return this.db.transaction(work);
	}

	/**
	 * Locks the tenant's row for the rest of `tx`: registrations take turns, so a limit counted in
	 * one holds against another made at the same moment (on PostgreSQL's read committed).
	 */
	async lockTenant(tx: Database): Promise<void> {
		await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, this.tenantId)).for('update');
	}

	/** The tenant's endpoints, oldest first. */
	list(db: Database = this.db): Promise<WebhookRow[]> {
		return db
			.select()
			.from(webhooks)
			.where(eq(webhooks.tenantId, this.tenantId))
			.orderBy(asc(webhooks.createdAt), asc(webhooks.id));
	}

	async find(id: string, db: Database = this.db): Promise<WebhookRow | null> {
		const [row] = await db
			.select()
			.from(webhooks)
			.where(and(eq(webhooks.id, id), eq(webhooks.tenantId, this.tenantId)));
		return row ?? null;
	}

	async insert(
		row: Omit<WebhookRow, 'tenantId' | 'createdAt'> & { createdAt: Date },
		db: Database
	): Promise<WebhookRow> {
		const [created] = await db
			.insert(webhooks)
			.values({ ...row, tenantId: this.tenantId })
			.returning();
		if (!created) throw new Error('The webhook was not stored.');
		return created;
	}

	async update(id: string, values: WebhookValues, db: Database): Promise<WebhookRow | null> {
		const [row] = await db
			.update(webhooks)
			.set(values)
			.where(and(eq(webhooks.id, id), eq(webhooks.tenantId, this.tenantId)))
			.returning();
		return row ?? null;
	}

	async remove(id: string, db: Database): Promise<boolean> {
		const removed = await db
			.delete(webhooks)
			.where(and(eq(webhooks.id, id), eq(webhooks.tenantId, this.tenantId)))
			.returning({ id: webhooks.id });
		return removed.length > 0;
	}

	/** Deliveries by status for each endpoint. */
	async counts(): Promise<Map<string, Record<WebhookDeliveryRow['status'], number>>> {
		const rows = await this.db
			.select({ webhookId: webhookDeliveries.webhookId, status: webhookDeliveries.status, n: count() })
			.from(webhookDeliveries)
			.innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
			.where(eq(webhooks.tenantId, this.tenantId))
			.groupBy(webhookDeliveries.webhookId, webhookDeliveries.status);
		const out = new Map<string, Record<WebhookDeliveryRow['status'], number>>();
		for (const r of rows) {
			const c = out.get(r.webhookId) ?? { queued: 0, delivered: 0, failed: 0 };
			c[r.status] = Number(r.n);
			out.set(r.webhookId, c);
		}
		return out;
	}

	/** Queues deliveries; one already queued for the same endpoint and event is kept as it is. */
	async enqueue(rows: readonly NewDelivery[]): Promise<number> {
		if (rows.length === 0) return 0;
		const inserted = await this.db
			.insert(webhookDeliveries)
			.values(rows.map((r) => ({ ...r, status: 'queued' as const })))
			.onConflictDoNothing({ target: [webhookDeliveries.webhookId, webhookDeliveries.eventKey] })
			.returning({ id: webhookDeliveries.id });
		return inserted.length;
	}

	/** The ids of queued deliveries due at `now`, oldest first. */
	async due(now: Date, limit: number): Promise<string[]> {
		const rows = await this.db
			.select({ id: webhookDeliveries.id })
			.from(webhookDeliveries)
			.where(
				and(
					eq(webhookDeliveries.status, 'queued'),
					or(isNull(webhookDeliveries.nextAttemptAt), lte(webhookDeliveries.nextAttemptAt, now))
				)
			)
			.orderBy(asc(webhookDeliveries.seq))
			.limit(limit);
		return rows.map((r) => r.id);
	}

	/** Takes a due delivery for one attempt (its next attempt moved to `leaseUntil`); null if another has it. */
	async claim(id: string, now: Date, leaseUntil: Date): Promise<ClaimedDelivery | null> {
		const [row] = await this.db
			.update(webhookDeliveries)
			.set({ nextAttemptAt: leaseUntil })
			.where(
				and(
					eq(webhookDeliveries.id, id),
					eq(webhookDeliveries.status, 'queued'),
					or(isNull(webhookDeliveries.nextAttemptAt), lte(webhookDeliveries.nextAttemptAt, now))
				)
			)
			.returning();
		if (!row) return null;
		const hook = await this.find(row.webhookId);
		return hook ? { ...row, url: hook.url, secret: hook.secret } : null;
	}

	/** Records an attempt: delivered, failed for good, or to be tried again at `nextAttemptAt`. */
	async attempted(
		id: string,
		outcome: {
			status: WebhookDeliveryRow['status'];
			attempts: number;
			lastStatus: number | null;
			lastError: string | null;
			nextAttemptAt: Date | null;
			deliveredAt: Date | null;
		}
	): Promise<void> {
		await this.db.update(webhookDeliveries).set(outcome).where(eq(webhookDeliveries.id, id));
	}

	/** One delivery, by id. */
	async delivery(id: string): Promise<WebhookDeliveryRow | null> {
		const [row] = await this.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
		return row ?? null;
	}

	/** An endpoint's newest deliveries first. */
	deliveries(webhookId: string, limit: number): Promise<WebhookDeliveryRow[]> {
		return this.db
			.select()
			.from(webhookDeliveries)
			.where(eq(webhookDeliveries.webhookId, webhookId))
			.orderBy(desc(webhookDeliveries.seq))
			.limit(limit);
	}

	/** When the next queued delivery is due, or null when none is queued. */
	async nextDue(): Promise<Date | null> {
		const [row] = await this.db
			.select({
				at: min(sql<Date>`coalesce(${webhookDeliveries.nextAttemptAt}, ${webhookDeliveries.createdAt})`)
			})
			.from(webhookDeliveries)
			.where(eq(webhookDeliveries.status, 'queued'));
		const at = row?.at;
		return at ? new Date(at) : null;
	}
}
