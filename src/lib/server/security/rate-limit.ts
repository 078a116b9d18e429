/**
 * A token bucket (rate limits here are kept in memory): `burst` messages at once, refilled at
 * `perSecond`. Per socket, one that keeps sending while empty is flooding and may be disconnected;
 * other clients are never slowed by it.
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
		this.refill();
		if (this.tokens >= 1) {
			this.tokens -= 1;
			this.refusedInARow = 0;
			return true;
		}
		this.refusedInARow += 1;
		return false;
	}

	/** Whether the bucket has refilled to its burst: forgetting it then loses nothing. */
	full(): boolean {
		this.refill();
		return this.tokens >= this.burst;
	}

	private refill(): void {
		const now = this.now();
		this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
		this.last = now;
	}
}

/** What one client address may do; 0 turns a limit off (see `ClientLimits` in config.ts). */
export interface PerClientLimits {
	maxConnections: number;
	dialBurst: number;
	dialsPerMinute: number;
}

/**
 * Per client address, in memory: open connections, and a dial bucket shared by all of the
 * address's connections (so hanging up, reconnecting or opening more tabs does not reset it).
 * A connection count is forgotten when it reaches zero; a dial bucket once it has refilled and
 * its address has no connection left (at that moment or at the next `sweep`), so the maps hold
 * only addresses that are connected or dialed within the last refill time.
 */
export class ClientLimiter {
	private readonly connections = new Map<string, number>();
	private readonly dials = new Map<string, TokenBucket>();

	constructor(
		readonly limits: PerClientLimits,
		private readonly now: () => number = () => Date.now()
	) {}

	/** Counts one more connection of `address`; false (and nothing counted) when it is at its limit. */
	connect(address: string): boolean {
		const open = this.connections.get(address) ?? 0;
		if (this.limits.maxConnections > 0 && open >= this.limits.maxConnections) return false;
		this.connections.set(address, open + 1);
		return true;
	}

	/** One connection of `address` closed. */
	disconnect(address: string): void {
		const open = (this.connections.get(address) ?? 0) - 1;
		if (open > 0) {
			this.connections.set(address, open);
			return;
		}
		this.connections.delete(address);
		if (this.dials.get(address)?.full()) this.dials.delete(address);
	}

	/** Takes one dial for `address`; false when the address has used its burst and the refill. */
	dial(address: string): boolean {
		const { dialBurst, dialsPerMinute } = this.limits;
		if (dialBurst <= 0 || dialsPerMinute <= 0) return true;
		let bucket = this.dials.get(address);
		if (!bucket)
			this.dials.set(address, (bucket = new TokenBucket(dialBurst, dialsPerMinute / 60, this.now)));
		return bucket.take();
	}

	/** Forgets the dial buckets that have refilled and whose address has no connection. */
	sweep(): void {
		for (const [address, bucket] of this.dials) {
			if (!this.connections.has(address) && bucket.full()) this.dials.delete(address);
		}
	}

	/** How many addresses each map holds (for specs and diagnostics). */
	size(): { connections: number; dials: number } {
		return { connections: this.connections.size, dials: this.dials.size };
	}
}

/**
 * One token bucket per key (a client address), in memory, for lookups a client may repeat only so
 * often. Buckets that have refilled are forgotten as they are met and at most every `sweepEveryMs`,
 * so the map holds only keys seen within the last refill time.
 */
export class KeyedBuckets {
	private readonly buckets = new Map<string, TokenBucket>();
	private lastSweep: number;

	constructor(
		private readonly burst: number,
		private readonly perMinute: number,
		private readonly now: () => number = () => Date.now(),
		private readonly sweepEveryMs = 60_000
	) {
		this.lastSweep = now();
	}

	/** Takes one token for `key`; false when its bucket is empty. */
	take(key: string): boolean {
		if (this.now() - this.lastSweep >= this.sweepEveryMs) this.sweep();
		let bucket = this.buckets.get(key);
		if (!bucket) this.buckets.set(key, (bucket = new TokenBucket(this.burst, this.perMinute / 60, this.now)));
		return bucket.take();
	}

	/** How many keys are remembered (for specs and diagnostics). */
	get size(): number {
		return this.buckets.size;
	}

	private sweep(): void {
		this.lastSweep = this.now();
		for (const [key, bucket] of this.buckets) if (bucket.full()) this.buckets.delete(key);
	}
}
