import type { MeetingEvent } from '$lib/domain';
import type { MeetingRow } from '../db/schema';
import {
	listingRow,
	type AppendRefusal,
	type AppendWriter,
	type EventStore,
	type StoredEvent,
	type StreamAppend
} from './meeting-events.repository';

interface Stream {
	tenantId: string;
	events: StoredEvent[];
	row: MeetingRow;
}

/**
 * The meeting event log in this process's memory, for runs in virtual time (a scenario's own
 * database is thrown away when it ends, and nobody else writes to it). It answers as the
 * database's log does (`MeetingEventsRepository`), rule for rule: a position taken or a second live
 * meeting for a conference ID refuses that meeting `conflict`, a lease token that is not the
 * meeting's refuses it `fenced`, each meeting of a batch all or nothing, the others unaffected.
 * Events are stored as the database stores them, through JSON, so a caller's object is never
 * shared. `scenarios.spec.ts` runs every shipped scenario on both and compares their logs.
 */
export class MemoryEventStore implements EventStore {
	private readonly streams = new Map<string, Stream>();
	private readonly leases = new Map<string, { owner: string; token: number }>();
	/** Conference ID → the meeting that is live for it (the unique index of `meetings`). */
	private readonly liveByConference = new Map<string, string>();

	async append(batch: readonly StreamAppend[], writer: AppendWriter): Promise<Map<string, AppendRefusal>> {
		const byMeeting = new Map<string, StreamAppend[]>();
		for (const s of batch) {
			const streams = byMeeting.get(s.meetingId);
			if (streams) streams.push(s);
			else byMeeting.set(s.meetingId, [s]);
		}
		const refused = new Map<string, AppendRefusal>();
		for (const [meetingId, streams] of byMeeting) {
			const why = this.refusal(meetingId, streams, writer);
			if (why) refused.set(meetingId, why);
			else this.apply(meetingId, streams, writer);
		}
		return refused;
	}

	/** Why the log would refuse this meeting's streams, or null. */
	private refusal(meetingId: string, streams: StreamAppend[], writer: AppendWriter): AppendRefusal | null {
		const first = streams[0]!;
		const lease = this.leases.get(meetingId);
		const opens = first.firstSeq === 1 && !lease;
		if (!opens && (lease?.owner !== writer.owner || lease.token !== first.token)) return 'fenced';
		let last = this.streams.get(meetingId)?.events.length ?? 0;
		for (const s of streams) {
			if (s.firstSeq <= last) return 'conflict';
			last = s.firstSeq + s.events.length - 1;
		}
		const final = streams[streams.length - 1]!.state;
		const holder = this.liveByConference.get(final.conferenceId);
		if (final.status !== 'ended' && holder !== undefined && holder !== meetingId) return 'conflict';
		return null;
	}

	private apply(meetingId: string, streams: StreamAppend[], writer: AppendWriter): void {
		if (!this.leases.has(meetingId))
			this.leases.set(meetingId, { owner: writer.owner, token: streams[0]!.token });
		let stream = this.streams.get(meetingId);
		for (const s of streams) {
			const events = s.events.map((event, i) => stored(s.firstSeq + i, event));
			const next = listingRow(s.tenantId, s.state, s.firstSeq + s.events.length - 1);
			if (!stream) {
				stream = { tenantId: s.tenantId, events: [], row: next };
				this.streams.set(meetingId, stream);
			} else {
				// As the database's upsert: who opened it, and when, stay as first written.
				stream.row = { ...next, openedAt: stream.row.openedAt, conferenceId: stream.row.conferenceId };
			}
			stream.events.push(...events);
		}
		const row = stream!.row;
		if (row.status === 'ended') {
			if (this.liveByConference.get(row.conferenceId) === meetingId)
				this.liveByConference.delete(row.conferenceId);
		} else this.liveByConference.set(row.conferenceId, meetingId);
	}

	async load(meetingId: string): Promise<StoredEvent[]> {
		return copy(this.streams.get(meetingId)?.events ?? []);
	}

	async loadLive(): Promise<Map<string, { tenantId: string; events: StoredEvent[] }>> {
		const live = new Map<string, { tenantId: string; events: StoredEvent[] }>();
		const ids = [...this.streams.keys()].sort();
		for (const id of ids) {
			const stream = this.streams.get(id)!;
			if (stream.row.status !== 'ended')
				live.set(id, { tenantId: stream.tenantId, events: copy(stream.events) });
		}
		return live;
	}

	async list(limit = 100): Promise<MeetingRow[]> {
		return [...this.streams.values()]
			.map((s) => ({ ...s.row }))
			.sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime())
			.slice(0, limit);
	}

	async liveMeetingFor(conferenceId: string): Promise<{ meetingId: string; tenantId: string } | undefined> {
		const meetingId = this.liveByConference.get(conferenceId);
		return meetingId === undefined
			? undefined
			: { meetingId, tenantId: this.streams.get(meetingId)!.tenantId };
	}

	async get(meetingId: string): Promise<MeetingRow | undefined> {
		const row = this.streams.get(meetingId)?.row;
		return row && { ...row };
	}
}

/** A copy through JSON, as the database stores an event: nobody shares a caller's object. */
function stored(seq: number, event: MeetingEvent): StoredEvent {
	return { seq, event: JSON.parse(JSON.stringify(event)) as MeetingEvent };
}

function copy(events: readonly StoredEvent[]): StoredEvent[] {
	return events.map((e) => stored(e.seq, e.event));
}
