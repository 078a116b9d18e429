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
/** Rows per INSERT statement: well below PostgreSQL's 65,535 bind parameters. */
const CHUNK = 2000;

function isUniqueViolation(error: unknown): boolean {
	for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
		if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
	}
	return false;
}

function projection(tenantId: string, state: OpenedMeeting, lastSeq: number): typeof meetings.$inferInsert {
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
		startedAt: state.startedAt === undefined ? null : new Date(state.startedAt),
		endedAt: state.endedAt === undefined ? null : new Date(state.endedAt)
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
				meetingId: s.meetingId,
				seq: s.firstSeq + i,
				type: event.type,
				data: event,
				at: new Date(event.at)
			}))
		);
		// One projection row per meeting: the last state in the batch wins.
		const latest = new Map<string, typeof meetings.$inferInsert>();
		for (const s of batch)
			latest.set(s.meetingId, projection(s.tenantId, s.state, s.firstSeq + s.events.length - 1));
		try {
			await this.db.transaction(async (tx) => {
				for (let i = 0; i < rows.length; i += CHUNK) {
					await tx.insert(meetingEvents).values(rows.slice(i, i + CHUNK));
				}
				const projections = [...latest.values()];
				for (let i = 0; i < projections.length; i += CHUNK) {
					await tx
						.insert(meetings)
						.values(projections.slice(i, i + CHUNK))
						.onConflictDoUpdate({
							target: meetings.id,
							set: {
								status: sql`excluded.status`,
								lobbySize: sql`excluded.lobby_size`,
								participantCount: sql`excluded.participant_count`,
								locked: sql`excluded.locked`,
								lastSeq: sql`excluded.last_seq`,
								startedAt: sql`excluded.started_at`,
								endedAt: sql`excluded.ended_at`
							}
						});
				}
			});
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
