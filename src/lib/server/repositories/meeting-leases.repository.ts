import { sql } from 'drizzle-orm';
import type { Database } from '../db/index';

/** A lease this server holds on a meeting: the fencing token every append of it carries. */
export interface HeldLease {
	meetingId: string;
	token: number;
}

/** Who holds a meeting's lease, and whether that lease has run out. */
export interface LeaseOwner {
	owner: string;
	token: number;
	expired: boolean;
}

type Rows<T> = T[] | { rows: T[] };

/** postgres.js answers an array of rows, PGlite an object holding them. */
function rowsOf<T>(result: Rows<T>): T[] {
	return Array.isArray(result) ? result : result.rows;
}

const ids = (meetingIds: readonly string[]) => JSON.stringify(meetingIds);

/**
 * Meeting leases and the cluster's server list (docs/architecture.md, "Several servers"). Times are
 * PostgreSQL's (`now()`), never a server's own clock, so servers whose clocks differ still agree on
 * when a lease runs out. A takeover adds one to the token; `MeetingEventsRepository.append` refuses
 * a token that is not the row's.
 */
export class MeetingLeasesRepository {
	constructor(private readonly db: Database) {}

	/** Extends every lease `owner` holds by `ms`; answers the leases it still holds. */
	async renew(owner: string, ms: number): Promise<HeldLease[]> {
		const result = (await this.db.execute(sql`
			update meeting_leases set expires_at = now() + ${ms} * interval '1 millisecond'
			where owner = ${owner}
			returning meeting_id, token`)) as Rows<{ meeting_id: string; token: string | number }>;
		return rowsOf(result).map((r) => ({ meetingId: r.meeting_id, token: Number(r.token) }));
	}

	/**
	 * Takes the leases of `meetingIds` for `owner` where nobody holds them now: no lease yet, a lease
	 * that ran out, or one `owner` held before (a restart under the same node id); with `force`,
	 * whoever holds them (a server alone on its database). Answers those taken, with their new tokens.
	 */
	async claim(owner: string, ms: number, meetingIds: readonly string[], force = false): Promise<HeldLease[]> {
		if (meetingIds.length === 0) return [];
		const result = (await this.db.execute(sql`
			insert into meeting_leases (meeting_id, owner, token, expires_at)
			select value, ${owner}, 1, now() + ${ms} * interval '1 millisecond'
			from jsonb_array_elements_text(${ids(meetingIds)}::jsonb)
			on conflict (meeting_id) do update set
				owner = excluded.owner,
				token = meeting_leases.token + 1,
				expires_at = excluded.expires_at
			where ${force} or meeting_leases.expires_at < now() or meeting_leases.owner = ${owner}
			returning meeting_id, token`)) as Rows<{ meeting_id: string; token: string | number }>;
		return rowsOf(result).map((r) => ({ meetingId: r.meeting_id, token: Number(r.token) }));
	}

	/**
	 * Takes over at most `limit` live meetings whose lease ran out (their server stopped renewing),
	 * oldest first; rows another server is taking at the same moment are skipped, not waited for.
	 */
	async claimExpired(owner: string, ms: number, limit: number): Promise<HeldLease[]> {
		const result = (await this.db.execute(sql`
			update meeting_leases l set
				owner = ${owner},
				token = l.token + 1,
				expires_at = now() + ${ms} * interval '1 millisecond'
			where l.meeting_id in (
				select e.meeting_id from meeting_leases e
				join meetings m on m.id = e.meeting_id
				where e.expires_at < now() and m.status <> 'ended'
				order by e.expires_at
				limit ${limit}
				for update of e skip locked)
			returning l.meeting_id, l.token`)) as Rows<{ meeting_id: string; token: string | number }>;
		return rowsOf(result).map((r) => ({ meetingId: r.meeting_id, token: Number(r.token) }));
	}

	/** How many live meetings have a lease that ran out. */
	async countExpired(): Promise<number> {
		const result = (await this.db.execute(sql`
			select count(*)::int as n from meeting_leases e join meetings m on m.id = e.meeting_id
			where e.expires_at < now() and m.status <> 'ended'`)) as Rows<{ n: number }>;
		return Number(rowsOf(result)[0]?.n ?? 0);
	}

	/** Lets every lease `owner` holds run out now, so other servers take the meetings at once. */
	async release(owner: string): Promise<void> {
		await this.db.execute(sql`
			update meeting_leases set expires_at = now() - interval '1 millisecond' where owner = ${owner}`);
	}

	/** Who holds each of `meetingIds` (those with a lease row). */
	async owners(meetingIds: readonly string[]): Promise<Map<string, LeaseOwner>> {
		if (meetingIds.length === 0) return new Map();
		const result = (await this.db.execute(sql`
			select meeting_id, owner, token, expires_at < now() as expired from meeting_leases
			where meeting_id in (select value from jsonb_array_elements_text(${ids(meetingIds)}::jsonb))`)) as Rows<{
			meeting_id: string;
			owner: string;
			token: string | number;
			expired: boolean;
		}>;
		return new Map(
			rowsOf(result).map((r) => [
				r.meeting_id,
				{ owner: r.owner, token: Number(r.token), expired: r.expired }
			])
		);
	}

	/** Deletes the leases of meetings that have ended. */
	async forgetEnded(): Promise<void> {
		await this.db.execute(sql`
			delete from meeting_leases l using meetings m where m.id = l.meeting_id and m.status = 'ended'`);
	}

	/** Marks `nodeId` as running now (every renewal). */
	async heartbeat(nodeId: string): Promise<void> {
		await this.db.execute(sql`
			insert into cluster_nodes (node_id, started_at, seen_at) values (${nodeId}, now(), now())
			on conflict (node_id) do update set seen_at = now()`);
	}

	/** The servers seen within `ms`, by node id. */
	async liveNodes(ms: number): Promise<string[]> {
		const result = (await this.db.execute(sql`
			select node_id from cluster_nodes where seen_at > now() - ${ms} * interval '1 millisecond'
			order by node_id`)) as Rows<{ node_id: string }>;
		return rowsOf(result).map((r) => r.node_id);
	}

	/**
	 * Takes the lock `name` for `owner` for `ms`, if nobody holds it (or it ran out, or `owner` holds
	 * it already): answers null when taken, else the server that holds it.
	 */
	async takeLock(name: string, owner: string, ms: number): Promise<string | null> {
		const taken = rowsOf(
			(await this.db.execute(sql`
				insert into cluster_locks (name, owner, expires_at)
				values (${name}, ${owner}, now() + ${ms} * interval '1 millisecond')
				on conflict (name) do update set owner = excluded.owner, expires_at = excluded.expires_at
				where cluster_locks.expires_at < now() or cluster_locks.owner = excluded.owner
				returning owner`)) as Rows<{ owner: string }>
		);
		if (taken.length > 0) return null;
		const held = rowsOf(
			(await this.db.execute(sql`select owner from cluster_locks where name = ${name}`)) as Rows<{
				owner: string;
			}>
		);
		return held[0]?.owner ?? null;
	}

	/** Lets go of the lock `name` if `owner` holds it. */
	async releaseLock(name: string, owner: string): Promise<void> {
		await this.db.execute(sql`delete from cluster_locks where name = ${name} and owner = ${owner}`);
	}

	/** `nodeId` stopped: it no longer counts as live. */
	async leave(nodeId: string): Promise<void> {
		await this.db.execute(sql`delete from cluster_nodes where node_id = ${nodeId}`);
	}
}
