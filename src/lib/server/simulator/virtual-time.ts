/**
 * Virtual time for simulations and specs: a clock that stands still and timers that fire only when
 * the run moves time on. A scenario's hour passes in as long as its work takes, and the same steps
 * always see the same times (docs/architecture.md: time is an input, so a seed reproduces a run exactly).
 */
import type { Clock, Scheduler } from '../services/ports';

/** Monday 3 March 2025, 09:00 UTC: where virtual time starts. */
export const T0 = Date.UTC(2025, 2, 3, 9, 0, 0);

interface Timer {
	readonly at: number;
	/** Scheduling order: timers due at the same time fire in the order they were set. */
	readonly order: number;
	readonly fn: () => void;
	cancelled: boolean;
}

/**
 * A clock and a scheduler on virtual time. `advance` moves it synchronously, as specs that check
 * timers step by step want; `advanceTo` waits after each timer until the work it started is done
 * (`settle`), as a scenario run needs when a timer's work sets further timers.
 *
 * Timers sit in a binary heap by (due time, order), so a run with thousands of waiting callers costs
 * O(log n) per timer; a cancelled timer is dropped when it reaches the top.
 */
export class VirtualTime implements Clock, Scheduler {
	private current: number;
	private heap: Timer[] = [];
	private scheduled = 0;
	private live = 0;

	constructor(start = T0) {
		this.current = start;
	}

	now(): number {
		return this.current;
	}

	after(ms: number, fn: () => void): () => void {
		const timer: Timer = {
			at: this.current + Math.max(0, Number.isFinite(ms) ? ms : 0),
			order: this.scheduled++,
			fn,
			cancelled: false
		};
		this.push(timer);
		this.live += 1;
		return () => {
			if (timer.cancelled) return;
			timer.cancelled = true;
			this.live -= 1;
		};
	}

	/** Moves time forward by `ms`, firing every timer that falls due on the way, in due order. */
	advance(ms: number): void {
		const until = this.current + ms;
		for (let timer = this.takeDue(until); timer; timer = this.takeDue(until)) {
			this.current = timer.at;
			timer.fn();
		}
		this.current = Math.max(this.current, until);
	}

	/**
	 * Moves time to `at` (epoch ms), firing each timer due on the way at its own time and awaiting
	 * `settle` after it, so that work a timer starts (a caller joining after the leader prompt's wait,
	 * a tick setting the next tick) is done before the next timer or step. Never moves time back.
	 */
	async advanceTo(at: number, settle: () => Promise<void>): Promise<void> {
		for (let timer = this.takeDue(at); timer; timer = this.takeDue(at)) {
			this.current = timer.at;
			timer.fn();
			await settle();
		}
		this.current = Math.max(this.current, at);
	}

	/** When the next timer is due, or null when none is set. */
	nextDue(): number | null {
		this.dropCancelled();
		return this.heap[0]?.at ?? null;
	}

	/** Timers scheduled and neither fired nor cancelled. */
	pending(): number {
		return this.live;
	}

	private takeDue(until: number): Timer | null {
		this.dropCancelled();
		const top = this.heap[0];
		if (!top || top.at > until) return null;
		this.pop();
		this.live -= 1;
		top.cancelled = true;
		return top;
	}

	private dropCancelled(): void {
		while (this.heap[0]?.cancelled) this.pop();
	}

	private push(timer: Timer): void {
		const heap = this.heap;
		heap.push(timer);
		let i = heap.length - 1;
		while (i > 0) {
			const parent = (i - 1) >> 1;
			if (!before(heap[i]!, heap[parent]!)) break;
			[heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
			i = parent;
		}
	}

	private pop(): void {
		const heap = this.heap;
		const last = heap.pop();
		if (!last || heap.length === 0) return;
		heap[0] = last;
		let i = 0;
		for (;;) {
			const left = 2 * i + 1;
			const right = left + 1;
			let smallest = i;
			if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
			if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
			if (smallest === i) return;
			[heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
			i = smallest;
		}
	}
}

function before(a: Timer, b: Timer): boolean {
	return a.at < b.at || (a.at === b.at && a.order < b.order);
}
