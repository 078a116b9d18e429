import { and, count, eq } from 'drizzle-orm';
import type { ServerStatus } from '$lib/contract/events';
import type { DatabaseHandle } from '../db/index';
import { DEMO_TENANT_ID } from '../db/seed';
import { tenants, users } from '../db/schema';
import { isAdmin } from './access';
import type { Actor } from './audit.service';

/** Whether the database answers: `/readyz` asks, and the API before it calls a fault a 500. */
export type Health =
	| { status: 'ok'; db: DatabaseHandle['kind'] }
	| { status: 'unavailable'; db: DatabaseHandle['kind']; reason: string };

/** Reports whether the server and its database are usable, and what the home page shows. */
export class StatusService {
	constructor(private readonly database: DatabaseHandle) {}

	/**
	 * `ok` when the database answers within `timeoutMs` (two seconds unless told); otherwise that it
	 * did not. Only an administrator is told the database's own error text (it may name hosts and
	 * users); everyone else, load balancers included, gets the status alone.
	 */
	async health(actor: Actor, timeoutMs = 2000): Promise<Health> {
		try {
			await this.database.ping(timeoutMs);
			return { status: 'ok', db: this.database.kind };
		} catch (error) {
			const detail = error instanceof Error ? error.message : String(error);
			return {
				status: 'unavailable',
				db: this.database.kind,
				reason: isAdmin(actor) ? `database unreachable: ${detail}` : 'database unreachable'
			};
		}
	}

	/** Reads the tenant and its dial-in directory size from the database. */
	async status(connectedClients: number): Promise<ServerStatus> {
		const { db } = this.database;
		const [tenant] = await db
			.select({ name: tenants.name })
			.from(tenants)
			.where(eq(tenants.id, DEMO_TENANT_ID));
		const [dialIn] = await db
			.select({ n: count() })
			.from(users)
			.where(and(eq(users.tenantId, DEMO_TENANT_ID), eq(users.dialInEnabled, true)));
		return {
			database: this.database.kind,
			tenantName: tenant?.name ?? null,
			dialInUsers: dialIn?.n ?? 0,
			connectedClients
		};
	}
}
