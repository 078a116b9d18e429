import { log } from '../log';
import type { StreamAppend } from '../repositories/meeting-events.repository';
import { noMetrics, type Metrics } from './ports';

interface Entry {
	stream: StreamAppend;
	onCommitted: (stream: StreamAppend) => void;
	resolve: () => void;
	reject: (error: unknown) => void;
}

/** The part of the event log the writer needs. */
export interface AppendTarget {
	append(batch: readonly StreamAppend[]): Promise<void>;
}

/** Most streams in one transaction; more wait for the next one. */
const MAX_BATCH = 5000;

/**
 * Group commit: everything decided while one transaction is in flight is appended together in the
 * next, so a burst of thousands of callers costs a handful of transactions, and each is still
 * durable before anyone is told. Commits, and their listeners, run strictly in append order.
 */
export class GroupCommitWriter {
	private queue: Entry[] = [];
	private running: Promise<void> | null = null;

	/**
	 * `onFailed` is told synchronously which meetings' appends failed, before anyone is answered;
	 * `metrics` hears of every transaction (its size and how long the database took).
	 */
	constructor(
		private readonly target: AppendTarget,
		private readonly onFailed: (meetingIds: readonly string[]) => void,
		private readonly metrics: Metrics = noMetrics
	) {}

	/** Resolves once `stream` is durable and `onCommitted` has run; rejects if the append failed. */
	append(stream: StreamAppend, onCommitted: (stream: StreamAppend) => void): Promise<void> {
		return new Promise<void>((resolve, reject) => {
			this.queue.push({ stream, onCommitted, resolve, reject });
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

	private async run(): Promise<void> {
		// Let everything decided in the current turn of the event loop join the first batch.
		await new Promise<void>((resolve) => setImmediate(resolve));
		while (this.queue.length > 0) {
			const batch = this.queue.splice(0, MAX_BATCH);
			// Wall time even on a simulation's virtual clock: this is how long the database took.
			const started = performance.now();
			const measured = (ok: boolean) =>
				this.metrics.committed({ streams: batch.length, seconds: (performance.now() - started) / 1000, ok });
			try {
				await this.target.append(batch.map((e) => e.stream));
				measured(true);
			} catch (error) {
				measured(false);
				const failed = new Set(batch.map((e) => e.stream.meetingId));
				// Entries queued meanwhile for these meetings were decided on events that never became durable.
				const doomed = this.queue.filter((e) => failed.has(e.stream.meetingId));
				this.queue = this.queue.filter((e) => !failed.has(e.stream.meetingId));
				this.onFailed([...failed]);
				for (const entry of [...batch, ...doomed]) entry.reject(error);
				continue;
			}
			for (const entry of batch) {
				try {
					entry.onCommitted(entry.stream);
				} catch (error) {
					log.error('A commit listener failed', error);
				}
				entry.resolve();
			}
		}
	}
}
