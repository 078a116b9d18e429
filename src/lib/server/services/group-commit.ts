import { log } from '../log';
import {
	AppendConflictError,
	FencedOffError,
	type AppendRefusal,
	type StreamAppend
} from '../repositories/meeting-events.repository';
import { noMetrics, type Metrics } from './ports';

interface Entry {
	stream: StreamAppend;
	onCommitted: (stream: StreamAppend) => void;
	resolve: () => void;
	reject: (error: unknown) => void;
}

/** An append the writer refused without sending it: nothing of it is durable. */
export class CommitRefusedError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'CommitRefusedError';
	}
}

/** The part of the event log the writer needs: it answers the meetings it refused, and why. */
export interface AppendTarget {
	append(batch: readonly StreamAppend[]): Promise<Map<string, AppendRefusal>>;
}

export interface GroupCommitOptions {
	/**
	 * Most appends waiting behind the one in flight. Past it, a new append is refused at once
	 * (the caller hears `unavailable`), so a database that stops answering cannot grow the queue without bound.
	 */
	maxPending?: number;
	/**
	 * How long appends may wait behind one in flight before they are refused (the caller hears `unavailable`): they
	 * were never sent, so nothing of theirs is durable, and their callers hear so in time.
	 */
	queueDeadlineMs?: number;
	/** Told of every transaction's committed streams, after their own listeners (other servers hear of them). */
	afterBatch?: (committed: readonly StreamAppend[]) => void;
}

/** Most streams in one transaction; more wait for the next one. */
const MAX_BATCH = 5000;
export const DEFAULT_MAX_PENDING = 20_000;
export const DEFAULT_QUEUE_DEADLINE_MS = 5000;

/**
 * Group commit: everything decided while one transaction is in flight is appended together in the
 * next, so a burst of thousands of callers costs a handful of transactions, and each is still
 * durable before anyone is told. Commits, and their listeners, run strictly in append order.
 *
 * When the database stops answering, the queue is bounded twice: by `maxPending` entries, and by
 * `queueDeadlineMs` of waiting. A refused entry's meeting is reported to `onFailed` (its decided
 * state is undone), together with every later entry of that meeting.
 */
export class GroupCommitWriter {
	private queue: Entry[] = [];
	private running: Promise<void> | null = null;
	/** Meetings with a stream in the transaction in flight: their queued entries wait for its outcome. */
	private inFlight = new Set<string>();
	private readonly maxPending: number;
	private readonly queueDeadlineMs: number;
	private readonly afterBatch: (committed: readonly StreamAppend[]) => void;

	/**
	 * `onFailed` is told synchronously which meetings' appends failed, before anyone is answered;
	 * `metrics` hears of every transaction (its size and how long the database took).
	 */
	constructor(
		private readonly target: AppendTarget,
		private readonly onFailed: (meetingIds: readonly string[]) => void,
		private readonly metrics: Metrics = noMetrics,
		options: GroupCommitOptions = {}
	) {
		this.maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
		this.queueDeadlineMs = options.queueDeadlineMs ?? DEFAULT_QUEUE_DEADLINE_MS;
		this.afterBatch = options.afterBatch ?? (() => {});
	}

	/** Appends waiting behind the transaction in flight. */
	get pending(): number {
		return this.queue.length;
	}

	/** Resolves once `stream` is durable and `onCommitted` has run; rejects if the append failed. */
	append(stream: StreamAppend, onCommitted: (stream: StreamAppend) => void): Promise<void> {
		return new Promise<void>((resolve, reject) => {
			const entry = { stream, onCommitted, resolve, reject };
			if (this.queue.length >= this.maxPending) {
				this.refuse(
					[entry],
					`The server has ${this.maxPending} changes waiting for its database, which is not keeping up. Try again in a moment.`
				);
				return;
			}
			this.queue.push(entry);
			this.kick();
		});
	}

	/** Waits until the queue is empty. */
	async drain(): Promise<void> {
		while (this.running) await this.running;
	}

	private kick(): void {
		if (this.running) return;
		this.running = this.run().finally(() => {
			this.running = null;
			if (this.queue.length > 0) this.kick();
		});
	}

	/**
	 * Refuses `entries` (never sent to the database) and every queued entry of their meetings, except
	 * those of meetings in flight, which wait for the transaction's outcome.
	 */
	private refuse(entries: readonly Entry[], message: string): void {
		const meetings = new Set(entries.map((e) => e.stream.meetingId));
		const doomed = this.queue.filter((e) => meetings.has(e.stream.meetingId));
		this.queue = this.queue.filter((e) => !meetings.has(e.stream.meetingId));
		this.onFailed([...meetings]);
		const error = new CommitRefusedError(message);
		for (const entry of new Set([...entries, ...doomed])) entry.reject(error);
	}

	/**
	 * The appends of `failed` meetings did not commit: reject them, and every entry queued meanwhile
	 * for those meetings (decided on events that never became durable), with `errorFor` their meeting.
	 */
	private fail(
		meetings: ReadonlySet<string>,
		entries: readonly Entry[],
		errorFor: (meetingId: string) => unknown
	): void {
		const doomed = this.queue.filter((e) => meetings.has(e.stream.meetingId));
		this.queue = this.queue.filter((e) => !meetings.has(e.stream.meetingId));
		this.onFailed([...meetings]);
		const errors = new Map<string, unknown>();
		for (const entry of [...entries, ...doomed]) {
			const id = entry.stream.meetingId;
			if (!errors.has(id)) errors.set(id, errorFor(id));
			entry.reject(errors.get(id));
		}
	}

	private async run(): Promise<void> {
		// Let everything decided in the current turn of the event loop join the first batch.
		await new Promise<void>((resolve) => setImmediate(resolve));
		while (this.queue.length > 0) {
			const batch = this.queue.splice(0, MAX_BATCH);
			this.inFlight = new Set(batch.map((e) => e.stream.meetingId));
			const overdue = setTimeout(() => {
				const waiting = this.queue.filter((e) => !this.inFlight.has(e.stream.meetingId));
				if (waiting.length === 0) return;
				log.warn(
					`The database has not confirmed a commit for ${this.queueDeadlineMs} ms; refusing ${waiting.length} waiting change(s).`
				);
				this.refuse(
					waiting,
					'The database did not answer in time, so the change was not saved. Try again in a moment.'
				);
			}, this.queueDeadlineMs);
			// Wall time even on a simulation's virtual clock: this is how long the database took.
			const started = performance.now();
			const measured = (ok: boolean) =>
				this.metrics.committed({ streams: batch.length, seconds: (performance.now() - started) / 1000, ok });
			let refused: Map<string, AppendRefusal>;
			try {
				refused = await this.target.append(batch.map((e) => e.stream));
				measured(true);
			} catch (error) {
				measured(false);
				this.fail(new Set(batch.map((e) => e.stream.meetingId)), batch, () => error);
				continue;
			} finally {
				clearTimeout(overdue);
				this.inFlight = new Set();
			}
			// Only the refused meetings fail; every other meeting of the batch committed.
			const committed = refused.size === 0 ? batch : batch.filter((e) => !refused.has(e.stream.meetingId));
			if (refused.size > 0) {
				const failed = batch.filter((e) => refused.has(e.stream.meetingId));
				this.fail(new Set(refused.keys()), failed, (meetingId) =>
					refused.get(meetingId) === 'fenced'
						? new FencedOffError(meetingId)
						: new AppendConflictError(new Error(`Meeting ${meetingId}: a position was taken first`))
				);
			}
			for (const entry of committed) {
				try {
					entry.onCommitted(entry.stream);
				} catch (error) {
					log.error('A commit listener failed', error);
				}
				entry.resolve();
			}
			if (committed.length > 0) {
				try {
					this.afterBatch(committed.map((e) => e.stream));
				} catch (error) {
					log.error('Telling other servers of a commit failed', error);
				}
			}
		}
	}
}
