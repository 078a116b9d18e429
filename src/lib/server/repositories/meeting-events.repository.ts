import { and, asc, desc, eq, ne, sql } from 'drizzle-orm';
import type { MeetingEvent, OpenedMeeting } from '$lib/domain';
import type { Database } from '../db/index';
import { meetingEvents, meetings, type MeetingRow } from '../db/schema';

/** Events of one meeting to append at positions `firstSeq`, `firstSeq + 1`, ... */
export interface StreamAppend {
	meetingId: string;
	tenantId: string;
	firstSeq: number;
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

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown): boolean {
	for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
		if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
	}
	return false;
}

/** A meeting's listing row, in the column names of the `meetings` table. */
function projection(tenantId: string, state: OpenedMeeting, lastSeq: number) {
	const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
	return {
		id: state.meetingId,
		tenant_id: tenantId,
		conference_id: state.conferenceId,
		organizer_id: state.organizer.userId,
		organizer_name: state.organizer.displayName,
		status: state.status,
		lobby_size: state.lobby.length,
		participant_count: state.participants.length,
		locked: state.locked,
		last_seq: lastSeq,
		opened_at: iso(state.openedAt),
		started_at: iso(state.startedAt),
		ended_at: iso(state.endedAt)
	};
}

/** The append-only meeting event log and its listing projection. */
export class MeetingEventsRepository {
	constructor(private readonly db: Database) {}

	/**
	 * Appends the events of several meetings and updates their projections in ONE transaction (the
	 * engine's group commit): all become durable together, or none do. Throws AppendConflictError
	 * when a position or a live conference ID is already taken.
	 */
	async append(batch: readonly StreamAppend[]): Promise<void> {
		const rows = batch.flatMap((s) =>
			s.events.map((event, i) => ({
				meeting_id: s.meetingId,
				seq: s.firstSeq + i,
				type: event.type,
				data: event,
				at: new Date(event.at).toISOString()
			}))
		);
		// One projection row per meeting: the last state in the batch wins.
		const latest = new Map<string, ReturnType<typeof projection>>();
		for (const s of batch)
			latest.set(s.meetingId, projection(s.tenantId, s.state, s.firstSeq + s.events.length - 1));
		try {
			// ONE statement, so one round trip and atomic on its own: the events and the projection
			// become durable together or not at all. Each goes in as a single JSON parameter, so a
			// burst of thousands of events is one short statement to parse.
			await this.db.execute(sql`
				with appended as (
					insert into ${meetingEvents} (meeting_id, seq, type, data, at)
					select meeting_id, seq, type, data, at
					from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
						as r(meeting_id text, seq integer, type text, data jsonb, at timestamptz)
					returning 1
				)
				insert into ${meetings} (id, tenant_id, conference_id, organizer_id, organizer_name, status,
					lobby_size, participant_count, locked, last_seq, opened_at, started_at, ended_at)
				select id, tenant_id, conference_id, organizer_id, organizer_name, status,
					lobby_size, participant_count, locked, last_seq, opened_at, started_at, ended_at
				from jsonb_to_recordset(${JSON.stringify([...latest.values()])}::jsonb)
					as p(id text, tenant_id text, conference_id text, organizer_id text, organizer_name text,
						status text, lobby_size integer, participant_count integer, locked boolean, last_seq integer,
						opened_at timestamptz, started_at timestamptz, ended_at timestamptz)
				where (select count(*) from appended) >= 0
				on conflict (id) do update set
					status = excluded.status,
					lobby_size = excluded.lobby_size,
					participant_count = excluded.participant_count,
					locked = excluded.locked,
					last_seq = excluded.last_seq,
					started_at = excluded.started_at,
					ended_at = excluded.ended_at`);
		} catch (error) {
			if (isUniqueViolation(error)) throw new AppendConflictError(error);
			throw error;
		}
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
