import { and, asc, desc, eq, ne, sql } from 'drizzle-orm';
import type { MeetingEvent, OpenedMeeting } from '$lib/domain';
import type { Database } from '../db/index';
import { meetingEvents, meetings, type MeetingRow } from '../db/schema';

/** Events of one meeting to append at positions `firstSeq`, `firstSeq + 1`, ... */
export interface StreamAppend {
	meetingId: string;
	tenantId: string;
	firstSeq: number;
	/**
	 * The fencing token of the lease the writer holds on the meeting (`meeting_leases`); a meeting's
	 * first append (`firstSeq` 1) creates the lease with token 1.
	 */
	token: number;
	events: readonly MeetingEvent[];
	/** The meeting's state after these events, for the listing projection. */
	state: OpenedMeeting;
}

/** An event as stored, with its position in the meeting's stream. */
export interface StoredEvent {
	seq: number;
	event: MeetingEvent;
}

/**
 * Another writer took a position first (unique key on meeting and sequence number), or opened a live
 * meeting for the same conference ID. The caller reloads the meeting and decides again.
 */
export class AppendConflictError extends Error {
	readonly code = 'append-conflict';
	constructor(cause: unknown) {
		super('Another writer appended to this meeting first.', { cause });
		this.name = 'AppendConflictError';
	}
}

/**
 * This server's lease on the meeting is not the one in the database: another server took the meeting
 * over (this one was paused past its lease, say). The server drops the meeting and asks its owner.
 */
export class FencedOffError extends Error {
	readonly code = 'fenced-off';
	constructor(meetingId: string) {
		super(`Another server has taken over meeting ${meetingId}; this server's lease on it is stale.`);
		this.name = 'FencedOffError';
	}
}

/**
 * Why the log refused a meeting's streams of a batch: `conflict`, another writer took a position or
 * opened a live meeting for the conference ID first; `fenced`, the writer's lease token is not the
 * meeting's (another server took the meeting over). The other meetings of the batch are unaffected.
 */
export type AppendRefusal = 'conflict' | 'fenced';

/** Who appends: the server's node id, and how long a lease it takes on a meeting it opens. */
export interface AppendWriter {
	owner: string;
	leaseMs: number;
}

type Rows<T> = T[] | { rows: T[] };

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown): boolean {
	for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
		if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
	}
	return false;
}

/**
 * A meeting's listing row after its events up to `lastSeq`: the one place the `meetings`
 * projection is derived from a state, for the database's log and the one in memory alike.
 */
export function listingRow(tenantId: string, state: OpenedMeeting, lastSeq: number): MeetingRow {
	const date = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));
	return {
		id: state.meetingId,
		tenantId,
		conferenceId: state.conferenceId,
		organizerId: state.organizer.userId,
		organizerName: state.organizer.displayName,
		status: state.status,
		lobbySize: state.lobby.length,
		participantCount: state.participants.length,
		locked: state.locked,
		lastSeq,
		openedAt: new Date(state.openedAt),
		startedAt: date(state.startedAt),
		endedAt: date(state.endedAt)
	};
}

/**
 * The meeting event log as the engine uses it: the database's (`MeetingEventsRepository`), or, for a
 * run in virtual time, one in memory that answers the same (`MemoryEventStore`).
 */
export interface EventStore {
	append(batch: readonly StreamAppend[], writer: AppendWriter): Promise<Map<string, AppendRefusal>>;
	load(meetingId: string): Promise<StoredEvent[]>;
	loadLive(): Promise<Map<string, { tenantId: string; events: StoredEvent[] }>>;
	list(limit?: number): Promise<MeetingRow[]>;
	liveMeetingFor(conferenceId: string): Promise<{ meetingId: string; tenantId: string } | undefined>;
	get(meetingId: string): Promise<MeetingRow | undefined>;
}

/** The append-only meeting event log and its listing projection. */
export class MeetingEventsRepository implements EventStore {
	constructor(private readonly db: Database) {}

	/**
	 * Appends the events of several meetings and updates their projections (the engine's group
	 * commit), each meeting's all or nothing, and answers the meetings it refused with why. A meeting
	 * whose lease `writer` no longer holds is refused `fenced` in the same statement while the others
	 * commit; a position or conference ID taken first fails the statement, which is then retried one
	 * meeting at a time, so that only the conflicting meeting is refused. Anything else throws.
	 */
	async append(batch: readonly StreamAppend[], writer: AppendWriter): Promise<Map<string, AppendRefusal>> {
		try {
			return await this.appendFenced(batch, writer);
		} catch (error) {
			if (!isUniqueViolation(error)) throw error;
			const byMeeting = new Map<string, StreamAppend[]>();
			for (const s of batch) byMeeting.set(s.meetingId, [...(byMeeting.get(s.meetingId) ?? []), s]);
			const refused = new Map<string, AppendRefusal>();
			if (byMeeting.size === 1) {
				refused.set(batch[0]!.meetingId, 'conflict');
				return refused;
			}
			for (const [meetingId, streams] of byMeeting) {
				try {
					for (const [id, why] of await this.appendFenced(streams, writer)) refused.set(id, why);
				} catch (alone) {
					if (!isUniqueViolation(alone)) throw alone;
					refused.set(meetingId, 'conflict');
				}
			}
			return refused;
		}
	}

	/** One statement: the batch's meetings whose lease `writer` holds commit; the rest are answered `fenced`. */
	private async appendFenced(
		batch: readonly StreamAppend[],
		writer: AppendWriter
	): Promise<Map<string, AppendRefusal>> {
		const rows = batch.flatMap((s) =>
			s.events.map((event, i) => ({
				meeting_id: s.meetingId,
				seq: s.firstSeq + i,
				type: event.type,
				data: event,
				at: new Date(event.at).toISOString()
			}))
		);
		// One projection row and one token per meeting: the last state in the batch wins.
		const latest = new Map<string, MeetingRow>();
		const tokens = new Map<string, { meeting_id: string; token: number; opens: boolean }>();
		for (const s of batch) {
			latest.set(s.meetingId, listingRow(s.tenantId, s.state, s.firstSeq + s.events.length - 1));
			const opens = tokens.get(s.meetingId)?.opens ?? s.firstSeq === 1;
			tokens.set(s.meetingId, { meeting_id: s.meetingId, token: s.token, opens });
		}
		// ONE statement (drizzle/0008_append_function.sql), so one round trip and atomic on its own,
		// planned once per connection. The lease rows are locked FOR SHARE: a takeover (an UPDATE of
		// the row) waits for this statement, and this statement, if the takeover came first, sees the
		// new token and leaves the meeting out. Each input goes in as a single JSON parameter, so a
		// burst of thousands of events is one short statement to parse.
		const result = (await this.db.execute(sql`
			select appended_meeting_id as meeting_id from lobby_append_events(
				${writer.owner}, ${writer.leaseMs}, ${JSON.stringify([...tokens.values()])}::jsonb,
				${JSON.stringify(rows)}::jsonb, ${JSON.stringify([...latest.values()])}::jsonb)`)) as Rows<{
			meeting_id: string;
		}>;
		const allowed = new Set((Array.isArray(result) ? result : result.rows).map((r) => r.meeting_id));
		const refused = new Map<string, AppendRefusal>();
		for (const meetingId of tokens.keys()) if (!allowed.has(meetingId)) refused.set(meetingId, 'fenced');
		return refused;
	}

	/** Every event of one meeting, in order. */
	async load(meetingId: string): Promise<StoredEvent[]> {
		const rows = await this.db
			.select({ seq: meetingEvents.seq, data: meetingEvents.data })
			.from(meetingEvents)
			.where(eq(meetingEvents.meetingId, meetingId))
			.orderBy(asc(meetingEvents.seq));
		return rows.map((r) => ({ seq: r.seq, event: r.data as MeetingEvent }));
	}

	/** The events of every meeting that has not ended, grouped by meeting, for the start-up rebuild. */
	async loadLive(): Promise<Map<string, { tenantId: string; events: StoredEvent[] }>> {
		const rows = await this.db
			.select({
				meetingId: meetingEvents.meetingId,
				tenantId: meetings.tenantId,
				seq: meetingEvents.seq,
				data: meetingEvents.data
			})
			.from(meetingEvents)
			.innerJoin(meetings, eq(meetings.id, meetingEvents.meetingId))
			.where(ne(meetings.status, 'ended'))
			.orderBy(asc(meetingEvents.meetingId), asc(meetingEvents.seq));
		const live = new Map<string, { tenantId: string; events: StoredEvent[] }>();
		for (const r of rows) {
			let entry = live.get(r.meetingId);
			if (!entry) live.set(r.meetingId, (entry = { tenantId: r.tenantId, events: [] }));
			entry.events.push({ seq: r.seq, event: r.data as MeetingEvent });
		}
		return live;
	}

	/** The listing projection, newest first. */
	async list(limit = 100): Promise<MeetingRow[]> {
		return this.db.select().from(meetings).orderBy(desc(meetings.openedAt)).limit(limit);
	}

	/** The live (not ended) meeting of a conference ID, if any writer opened one. */
	async liveMeetingFor(conferenceId: string): Promise<{ meetingId: string; tenantId: string } | undefined> {
		const [row] = await this.db
			.select({ meetingId: meetings.id, tenantId: meetings.tenantId })
			.from(meetings)
			.where(and(eq(meetings.conferenceId, conferenceId), ne(meetings.status, 'ended')));
		return row;
	}

	/** One meeting's projection row. */
	async get(meetingId: string): Promise<MeetingRow | undefined> {
		const [row] = await this.db.select().from(meetings).where(eq(meetings.id, meetingId));
		return row;
	}
}
