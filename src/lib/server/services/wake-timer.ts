import { withLogContext } from '../log';
import type { Clock, Scheduler } from './ports';

/**
 * One timer that makes sure a run happens within a given time: an earlier one is kept, a later one
 * brought forward. The mail and webhook outboxes wake their delivery runs with it. A run logs as a
 * run of its own, not as a part of the request that happened to set the timer.
 */
export class WakeTimer {
	private timer: { at: number; cancel: () => void } | null = null;

	constructor(
		private readonly clock: Clock,
		private readonly scheduler: Scheduler,
		private readonly run: () => void
	) {}

	/** Makes sure a run happens within `ms`. */
	wake(ms: number): void {
		const at = this.clock.now() + ms;
		if (this.timer && this.timer.at <= at) return;
		this.timer?.cancel();
		const timer = { at, cancel: () => {} };
		this.timer = timer;
		timer.cancel = this.scheduler.after(ms, () => {
			if (this.timer === timer) this.timer = null;
			withLogContext({}, this.run);
		});
	}

	/** Cancels the run set, if any. */
	cancel(): void {
		this.timer?.cancel();
		this.timer = null;
	}
}
