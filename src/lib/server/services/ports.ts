/**
 * What the services take from outside: the clock, timers and ids. The production runtime passes the
 * system's; a simulation on virtual time passes its own, so a seed reproduces a run exactly.
 */
import { randomBytes, randomUUID } from 'node:crypto';

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

export const randomIds: IdSource = {
	meetingId: () => randomUUID(),
	callId: () => `call_${randomBytes(12).toString('base64url')}`,
	participantId: () => `client_${randomBytes(12).toString('base64url')}`,
	phoneNumber: () => {
		const d = [...randomBytes(7)].map((b) => String(b % 10)).join('');
		return `+46 70 ${d.slice(0, 3)} ${d.slice(3, 5)} ${d.slice(5, 7)}`;
	}
};
