/**
 * Knowing when a simulation's work is done. The engine's work is asynchronous (the database, group
 * commit, PIN hashing), and some of it starts inside timers (a caller who waits out the leader
 * prompt, a dropped call's grace period, the lobby-timeout tick). Before time moves on, or an
 * expectation is checked, everything started must have finished: otherwise a run would depend on
 * how fast the machine is, and would not repeat.
 *
 * `trackActivity` counts the service calls in flight by wrapping them on the service instances
 * (the services call each other through the same instances, so inner calls count too); `settle`
 * waits until none is left after a turn of the event loop.
 */
import type { Services } from '../services/index';

/** Waits for the simulation's work in flight. */
export interface Activity {
	/** Resolves when no tracked call is in flight and nothing is left to start one. */
	settle(): Promise<void>;
	/** Tracked calls in flight now. */
	inFlight(): number;
}

type AsyncMethod = (...args: never[]) => Promise<unknown>;

/** Starts counting the asynchronous work of `services`. */
export function trackActivity(services: Services): Activity {
	let count = 0;
	let idle: (() => void) | null = null;
	const begin = () => {
		count += 1;
	};
	const end = () => {
		count -= 1;
		if (count === 0 && idle) {
			const resolve = idle;
			idle = null;
			resolve();
		}
	};
	const wrap = <T extends object>(target: T, names: readonly (keyof T & string)[]) => {
		for (const name of names) {
			const original = target[name] as unknown as AsyncMethod;
			const bound = original.bind(target);
			(target as Record<string, unknown>)[name] = (...args: never[]) => {
				begin();
				let result: Promise<unknown>;
				try {
					result = bound(...args);
				} catch (error) {
					end();
					throw error;
				}
				return result.finally(end);
			};
		}
	};
	wrap(services.meetings, ['execute', 'openFor', 'joinFromClient', 'expireLobbyWaits']);
	wrap(services.calls, ['pressKeys', 'hangUp']);
	wrap(services.pins, ['check', 'setPin']);
	wrap(services.dialIn, ['resetLeaderPin', 'updateTenantSettings']);
	// Deliveries run in the outbox's own timers (a scenario with a simulated SMTP server).
	wrap(services.mail, ['deliverDue']);

	const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
	return {
		inFlight: () => count,
		async settle() {
			for (;;) {
				await turn();
				if (count === 0) return;
				await new Promise<void>((resolve) => {
					idle = resolve;
				});
			}
		}
	};
}
