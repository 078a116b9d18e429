/**
 * Wait timers for presenter mode. Callers' arrival times are the server's; the projector's laptop
 * may be minutes off, so the page estimates the difference from live events, which are stamped by
 * the server just before they are sent.
 */

/** The server's time as seen from the browser. */
export class ServerClock {
	private skew: number | null = null;

	/**
	 * An event stamped `serverAt` arrived at `browserAt`. Each arrival is late by the network delay, so
	 * the largest difference seen is the best estimate of the clocks' offset.
	 */
	observe(serverAt: number, browserAt: number): void {
		const skew = serverAt - browserAt;
		this.skew = this.skew === null ? skew : Math.max(this.skew, skew);
	}

	/** Forget the estimate (after a reconnect, the server may be another one). */
	reset(): void {
		this.skew = null;
	}

	/** Server time at `browserNow`. */
	now(browserNow: number): number {
		return browserNow + (this.skew ?? 0);
	}
}
