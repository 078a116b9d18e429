/**
 * The database of a scenario's world pausing, in virtual time (`pauseDatabase`, docs/scenarios.md,
 * "Fault overrides"). A paused database answers nothing; the server gives each request
 * `DATABASE_TIMEOUT_SECONDS` before it fails it as unavailable. So a request made while the pause
 * has longer than that to go fails as it would at its timeout (a statement timeout, SQLSTATE
 * 57014), and one the database would have answered in time goes ahead. In virtual time the wait
 * itself is not played out: the request fails, or goes ahead, at the moment it is made, so what a
 * pause decides (who is refused, what is kept) is exact and its timing is early by at most the
 * timeout.
 *
 * The gate stands in front of both of the world's stores: the PGlite client the services query,
 * and the meeting events' store when it is kept in memory. The run's own looks at the state (its
 * expectations, the mail it follows) pass through `observe`: the one watching is not part of the
 * fault.
 */
import type { PGlite } from '@electric-sql/pglite';
import { DATABASE_TIMEOUT_SECONDS } from '../db/index';
import type { EventStore } from '../repositories/meeting-events.repository';
import type { Clock } from '../services/ports';

/** What a request that waited out the server's timeout on a paused database fails with. */
export const PAUSED_DATABASE_MESSAGE =
	'canceling statement due to statement timeout: the database is paused (pauseDatabase)';

export class DatabaseGate {
	private pausedUntil = Number.NEGATIVE_INFINITY;
	private observing = 0;
	/** Requests failed by a pause so far. */
	timedOut = 0;

	constructor(
		private readonly clock: Clock,
		private readonly timeoutMs = DATABASE_TIMEOUT_SECONDS * 1000
	) {}

	/** The database answers nothing from now until `until` (epoch ms); a later pause extends an open one. */
	pauseUntil(until: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, until);
	}

	/** Throws as a request that timed out on the paused database; returns when it would be answered in time. */
	pass(): void {
		if (this.observing > 0) return;
		if (this.pausedUntil - this.clock.now() <= this.timeoutMs) return;
		this.timedOut += 1;
		throw Object.assign(new Error(PAUSED_DATABASE_MESSAGE), { code: '57014' });
	}

	/** Runs the run's own look at the state past the gate. */
	async observe<T>(look: () => Promise<T>): Promise<T> {
		this.observing += 1;
		try {
			return await look();
		} finally {
			this.observing -= 1;
		}
	}

	/** `client`, with every query and transaction asked at the gate first. */
	client(client: PGlite): PGlite {
		const gated = new Set<PropertyKey>(['query', 'exec', 'transaction', 'sql']);
		return this.behind(client, (property) => gated.has(property));
	}

	/** `store`, with every call asked at the gate first. */
	events(store: EventStore): EventStore {
		return this.behind(store, () => true);
	}

	/**
	 * `target`, whose methods that `asks` names ask at the gate before they run; a refused one
	 * rejects, as the database's answer would. Every method runs on `target` itself (PGlite's use
	 * private fields).
	 */
	private behind<T extends object>(target: T, asks: (property: PropertyKey) => boolean): T {
		return new Proxy(target, {
			get: (object, property) => {
				const value: unknown = Reflect.get(object, property, object);
				if (typeof value !== 'function') return value;
				const method = value as (...args: unknown[]) => unknown;
				if (!asks(property)) return method.bind(object);
				return (...args: unknown[]) => {
					try {
						this.pass();
					} catch (error) {
						return Promise.reject(error);
					}
					return method.apply(object, args);
				};
			}
		});
	}
}
