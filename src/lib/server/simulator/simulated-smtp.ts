/**
 * The SMTP server of a scenario's world, in virtual time: what the outbox delivers to when a
 * scenario has a `failMail` step (docs/scenarios.md, "Fault overrides"). It takes every message,
 * except while a `failMail` window is open: then it refuses each attempt with a temporary failure,
 * as a real server that is down or overloaded does, and the outbox retries on its own schedule.
 * Every attempt, taken or refused, is told to the listeners, so the run's log shows it at its time.
 */
import type { SmtpTransport } from '../services/mail.service';
import type { Clock } from '../services/ports';

/** One delivery attempt as the server saw it. */
export interface SmtpAttempt {
	readonly at: number;
	readonly to: string;
	readonly subject: string;
	/** Null when the message was taken; else the server's answer. */
	readonly refused: string | null;
}

/** The reply to an attempt inside a `failMail` window: a temporary failure (RFC 5321, 451). */
export const FAIL_MAIL_REPLY = '451 4.3.0 Mail delivery is failing (failMail): try again later';

export class SimulatedSmtp implements SmtpTransport {
	private failingUntil = Number.NEGATIVE_INFINITY;
	private readonly listeners = new Set<(attempt: SmtpAttempt) => void>();

	constructor(private readonly clock: Clock) {}

	/** Refuses every attempt from now until `until` (epoch ms); a later window extends an open one. */
	failUntil(until: number): void {
		this.failingUntil = Math.max(this.failingUntil, until);
	}

	/** Whether an attempt now would be refused. */
	get failing(): boolean {
		return this.clock.now() < this.failingUntil;
	}

	/** Told of every attempt; returns the way to stop listening. */
	onAttempt(listener: (attempt: SmtpAttempt) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	sendMail(message: { to: string; subject: string }): Promise<unknown> {
		const refused = this.failing ? FAIL_MAIL_REPLY : null;
		const attempt: SmtpAttempt = { at: this.clock.now(), to: message.to, subject: message.subject, refused };
		for (const listener of this.listeners) listener(attempt);
		if (refused) return Promise.reject(Object.assign(new Error(refused), { responseCode: 451 }));
		return Promise.resolve({ accepted: [message.to] });
	}

	/** Nothing to close: the server lives as long as the run. */
	close(): void {}
}
