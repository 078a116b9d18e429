import { describe, expect, it } from 'vitest';
import type { AppendRefusal, StreamAppend } from '../repositories/meeting-events.repository';
import { CommitRefusedError, GroupCommitWriter, type AppendTarget } from './group-commit';
import { noMetrics } from './ports';

/** An event log whose transactions finish only when the test says so, as a stalled database does. */
class StalledLog implements AppendTarget {
	readonly batches: string[][] = [];
	private release: ((refused: Map<string, AppendRefusal>) => void)[] = [];

	append(batch: readonly StreamAppend[]): Promise<Map<string, AppendRefusal>> {
		this.batches.push(batch.map((s) => `${s.meetingId}:${s.firstSeq}`));
		return new Promise((resolve) => this.release.push(resolve));
	}

	/** The database answers again: every transaction in flight commits, but the meetings in `refused`. */
	answer(refused = new Map<string, AppendRefusal>()): void {
		for (const r of this.release.splice(0)) r(refused);
	}
}

function stream(meetingId: string, firstSeq: number): StreamAppend {
	return { meetingId, tenantId: 't', firstSeq, token: 1, events: [], state: {} as StreamAppend['state'] };
}

const settle = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/** Appends `s` and records how it ended. */
function track(writer: GroupCommitWriter, s: StreamAppend, outcomes: Map<string, string>) {
	const key = `${s.meetingId}:${s.firstSeq}`;
	void writer
		.append(s, () => undefined)
		.then(
			() => outcomes.set(key, 'committed'),
			(error: unknown) => outcomes.set(key, error instanceof CommitRefusedError ? 'refused' : 'failed')
		);
}

describe('the group-commit writer when the database stalls', () => {
	it('given a full queue, when one more change comes, then it is refused at once with its meeting’s queued changes, and the meeting is undone', async () => {
		const log = new StalledLog();
		const failed: string[] = [];
		const writer = new GroupCommitWriter(log, (ids) => failed.push(...ids), noMetrics, {
			maxPending: 3,
			queueDeadlineMs: 60_000
		});
		const outcomes = new Map<string, string>();
		track(writer, stream('a', 1), outcomes);
		await settle(); // a:1 is in flight
		track(writer, stream('b', 1), outcomes);
		track(writer, stream('c', 1), outcomes);
		track(writer, stream('b', 2), outcomes);
		expect(writer.pending).toBe(3);
		track(writer, stream('b', 3), outcomes);
		await settle();
		expect(outcomes.get('b:3')).toBe('refused');
		expect(outcomes.get('b:1')).toBe('refused');
		expect(outcomes.get('b:2')).toBe('refused');
		expect(failed).toEqual(['b']);
		expect(writer.pending).toBe(1);
		log.answer();
		await settle();
		log.answer();
		await writer.drain();
		expect(outcomes.get('a:1')).toBe('committed');
		expect(outcomes.get('c:1')).toBe('committed');
		expect(log.batches).toEqual([['a:1'], ['c:1']]);
	});

	it('given a transaction that does not finish, when the deadline passes, then waiting changes of other meetings are refused, and those behind the one in flight wait for it', async () => {
		const log = new StalledLog();
		const failed: string[] = [];
		const writer = new GroupCommitWriter(log, (ids) => failed.push(...ids), noMetrics, {
			queueDeadlineMs: 30
		});
		const outcomes = new Map<string, string>();
		track(writer, stream('a', 1), outcomes);
		await settle();
		track(writer, stream('a', 2), outcomes);
		track(writer, stream('b', 1), outcomes);
		await settle(80);
		expect(outcomes.get('b:1')).toBe('refused');
		expect(failed).toEqual(['b']);
		expect(outcomes.has('a:2')).toBe(false);
		log.answer();
		await settle();
		log.answer();
		await writer.drain();
		expect(outcomes.get('a:1')).toBe('committed');
		expect(outcomes.get('a:2')).toBe('committed');
		expect(log.batches).toEqual([['a:1'], ['a:2']]);
	});

	it('given a database that answers, then nothing is refused and batches keep append order', async () => {
		const log = new StalledLog();
		const writer = new GroupCommitWriter(log, () => undefined, noMetrics, {
			maxPending: 2,
			queueDeadlineMs: 30
		});
		const outcomes = new Map<string, string>();
		track(writer, stream('a', 1), outcomes);
		track(writer, stream('b', 1), outcomes);
		await settle();
		log.answer();
		await writer.drain();
		expect([...outcomes.values()]).toEqual(['committed', 'committed']);
		expect(log.batches).toEqual([['a:1', 'b:1']]);
	});
});
