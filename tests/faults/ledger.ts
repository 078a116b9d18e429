/**
 * The ledger: every acknowledgement a client received, with what it confirmed, compared afterwards
 * with the meetings' event log (`meeting_events`). Something acknowledged must be in the log exactly
 * once (else it was lost, or doubled), and what one client was told had happened before another
 * client asked must come first in the log (else the log is out of order).
 */

/** What an acknowledgement confirmed, and the events that record it. */
export type Confirmed =
	/** `call:dial` answered "in the lobby": a `CallerEnteredLobby`. */
	| 'entered-lobby'
	/** `call:dial` answered "in the meeting" (it had started): a `ParticipantJoined`. */
	| 'joined'
	/** The caller was told "in the meeting" after waiting: a `LobbyAdmitted` or `CallerAdmitted` naming it. */
	| 'admitted'
	/** The organizer's PIN answered "in the meeting", and the meeting started with it: a `MeetingStarted`. */
	| 'started';

export interface Acknowledgement {
	confirmed: Confirmed;
	meetingId: string;
	participantId: string;
	/** When the request that led to it was sent, and when the answer arrived (one monotonic clock). */
	sentAt: number;
	ackedAt: number;
}

/** One row of `meeting_events`, as much as the comparison needs. */
export interface LoggedEvent {
	meetingId: string;
	seq: number;
	type: string;
	data: Record<string, unknown>;
}

export interface LedgerVerdict {
	acknowledged: number;
	/** Acknowledged, not in the log. */
	lost: number;
	/** Acknowledged once, in the log more than once. */
	doubled: number;
	/** Told to one client before another asked, yet later in the log. */
	outOfOrder: number;
	/** Sequence numbers missing or repeated within a meeting's log. */
	seqGaps: number;
	/** The first few problems, in words, for the failure message. */
	examples: string[];
}

/** The participant ids an event records for what `confirmed` says. */
function recorded(event: LoggedEvent, confirmed: Confirmed): readonly string[] {
	const { type, data } = event;
	const one = typeof data.participantId === 'string' ? [data.participantId] : [];
	switch (confirmed) {
		case 'entered-lobby':
			return type === 'CallerEnteredLobby' ? one : [];
		case 'joined':
			return type === 'ParticipantJoined' ? one : [];
		case 'started':
			return type === 'MeetingStarted' ? one : [];
		case 'admitted':
			if (type === 'CallerAdmitted') return one;
			if (type === 'LobbyAdmitted' && Array.isArray(data.participantIds)) {
				return data.participantIds.filter((id): id is string => typeof id === 'string');
			}
			return [];
	}
}

const KINDS: readonly Confirmed[] = ['entered-lobby', 'joined', 'admitted', 'started'];

/** Collects acknowledgements while a fault scenario runs. */
export class Ledger {
	readonly entries: Acknowledgement[] = [];

	record(entry: Acknowledgement): void {
		this.entries.push(entry);
	}

	get size(): number {
		return this.entries.length;
	}
}

/** Compares what clients were told with what the log holds. */
export function verifyLedger(
	entries: readonly Acknowledgement[],
	log: readonly LoggedEvent[]
): LedgerVerdict {
	const examples: string[] = [];
	const note = (text: string) => {
		if (examples.length < 10) examples.push(text);
	};
	// Where each (meeting, kind, participant) is in the log: the seqs of the events recording it.
	const where = new Map<string, number[]>();
	const byMeeting = new Map<string, LoggedEvent[]>();
	for (const event of log) {
		byMeeting.set(event.meetingId, [...(byMeeting.get(event.meetingId) ?? []), event]);
		for (const kind of KINDS) {
			for (const id of recorded(event, kind)) {
				const key = `${event.meetingId} ${kind} ${id}`;
				where.set(key, [...(where.get(key) ?? []), event.seq]);
			}
		}
	}
	let seqGaps = 0;
	for (const [meetingId, events] of byMeeting) {
		const seqs = events.map((e) => e.seq).sort((a, b) => a - b);
		seqs.forEach((seq, i) => {
			if (seq !== i + 1) {
				seqGaps++;
				note(`meeting ${meetingId}: event ${i + 1} has seq ${seq}`);
			}
		});
	}
	let lost = 0;
	let doubled = 0;
	const placed: (Acknowledgement & { seq: number })[] = [];
	const seen = new Set<string>();
	for (const entry of entries) {
		const key = `${entry.meetingId} ${entry.confirmed} ${entry.participantId}`;
		if (seen.has(key)) continue; // told twice (an answer and a resume), recorded once: fine
		seen.add(key);
		const seqs = where.get(key) ?? [];
		if (seqs.length === 0) {
			lost++;
			note(`lost: ${key}`);
			continue;
		}
		if (seqs.length > 1) {
			doubled++;
			note(`doubled: ${key} at seqs ${seqs.join(', ')}`);
		}
		placed.push({ ...entry, seq: Math.min(...seqs) });
	}
	// Happens-before within a meeting: if A was answered before B was sent, A precedes B in the log.
	let outOfOrder = 0;
	const meetings = new Map<string, (Acknowledgement & { seq: number })[]>();
	for (const p of placed) meetings.set(p.meetingId, [...(meetings.get(p.meetingId) ?? []), p]);
	for (const [meetingId, list] of meetings) {
		const bySent = [...list].sort((a, b) => a.sentAt - b.sentAt);
		const byAcked = [...list].sort((a, b) => a.ackedAt - b.ackedAt);
		let i = 0;
		let maxSeq = 0;
		let maxKey = '';
		for (const b of bySent) {
			while (i < byAcked.length && byAcked[i]!.ackedAt < b.sentAt) {
				if (byAcked[i]!.seq > maxSeq) {
					maxSeq = byAcked[i]!.seq;
					maxKey = `${byAcked[i]!.confirmed} ${byAcked[i]!.participantId}`;
				}
				i++;
			}
			if (b.seq < maxSeq) {
				outOfOrder++;
				note(
					`out of order in meeting ${meetingId}: ${b.confirmed} ${b.participantId} at seq ${b.seq}, ` +
						`after ${maxKey} (seq ${maxSeq}) was acknowledged`
				);
			}
		}
	}
	return { acknowledged: seen.size, lost, doubled, outOfOrder, seqGaps, examples };
}

/**
 * Whether the lobby order before a crash survived it: the callers waiting in both lists must be in
 * the same order. Answers how many of them moved (0 when the order was kept).
 */
export function positionsMoved(before: readonly string[], after: readonly string[]): number {
	const inAfter = new Set(after);
	const inBefore = new Set(before);
	const a = before.filter((id) => inAfter.has(id));
	const b = after.filter((id) => inBefore.has(id));
	return a.reduce((moved, id, i) => (b[i] === id ? moved : moved + 1), 0);
}
