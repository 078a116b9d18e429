/**
 * A token bucket per socket: `burst` messages at once, refilled at `perSecond`. A socket that keeps
 * sending while empty is flooding and may be disconnected; other clients are never slowed by it.
 */
export class TokenBucket {
	private tokens: number;
	private last: number;
	/** Messages refused since the bucket was last non-empty. */
	refusedInARow = 0;

	constructor(
		private readonly burst: number,
		private readonly perSecond: number,
		private readonly now: () => number = () => Date.now()
	) {
		this.tokens = burst;
		this.last = now();
	}

	/** Takes one token; false when the bucket is empty. */
	take(): boolean {
		const now = this.now();
		this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
		this.last = now;
		if (this.tokens >= 1) {
			this.tokens -= 1;
			this.refusedInARow = 0;
			return true;
		}
		this.refusedInARow += 1;
		return false;
	}
}
