/**
 * What the services take from outside: the clock, timers and ids. The production runtime passes the
 * system's; a simulation on virtual time passes its own, so a seed reproduces a run exactly.
 */
import { randomFillSync, randomUUID } from 'node:crypto';

/** Epoch milliseconds now. */
export interface Clock {
	now(): number;
}

/** Runs `fn` after `ms`; the returned function cancels it. */
export interface Scheduler {
	after(ms: number, fn: () => void): () => void;
}

/** Makes unique ids for meetings, calls and client participants. */
export interface IdSource {
	meetingId(): string;
	callId(): string;
	participantId(): string;
	/** A made-up caller number for a simulated caller who gave none. */
	phoneNumber(): string;
}

export const systemClock: Clock = { now: () => Date.now() };

export const systemScheduler: Scheduler = {
	after(ms, fn) {
		const timer = setTimeout(fn, ms);
		timer.unref?.();
		return () => clearTimeout(timer);
	}
};

/**
 * Bytes from the system's cryptographic generator, drawn a page at a time: a call for each id cost
 * about 3 % of a server's time while thousands of callers joined. Each byte is handed out once.
 */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
function randomText(bytes: number, encoding: 'base64url' | 'digits'): string {
	if (poolAt + bytes > pool.length) {
		randomFillSync(pool);
		poolAt = 0;
	}
	const drawn = pool.subarray(poolAt, (poolAt += bytes));
	return encoding === 'digits' ? Array.from(drawn, (b) => String(b % 10)).join('') : drawn.toString(encoding);
}

export const randomIds: IdSource = {
	meetingId: () => randomUUID(),
	callId: () => `call_${randomText(12, 'base64url')}`,
	participantId: () => `client_${randomText(12, 'base64url')}`,
	phoneNumber: () => {
		const d = randomText(7, 'digits');
		return `+46 70 ${d.slice(0, 3)} ${d.slice(3, 5)} ${d.slice(5, 7)}`;
	}
};

/**
 * What the services report as it happens, for the operators' figures (`/metrics`). The services
 * call it and never read it back; the runtime passes the Prometheus recorder
 * (`observability/metrics.ts`), specs and simulations `noMetrics`. Figures that can be read off
 * the live meetings (meetings by state, callers waiting) are not reported here: they are computed
 * when scraped.
 */
export interface Metrics {
	/** A join was committed: a caller by phone (into the lobby or the meeting) or a client participant. */
	joined(via: 'phone' | 'client'): void;
	/** The meeting's rules refused a command (`code` is the rejection's). */
	rejected(command: string, code: string): void;
	/** A caller left the lobby for the meeting after waiting `seconds` (S10). */
	admitted(seconds: number): void;
	/** A wrong leader PIN was compared; `lockedOut` when this one locked the PIN. */
	pinFailed(lockedOut: boolean): void;
	/** One group-commit transaction: how many streams it held, how long it took, whether it committed. */
	committed(batch: { streams: number; seconds: number; ok: boolean }): void;
}

/** Records nothing: specs, simulations and benchmarks that do not publish figures. */
export const noMetrics: Metrics = Object.freeze({
	joined() {},
	rejected() {},
	admitted() {},
	pinFailed() {},
	committed() {}
});
