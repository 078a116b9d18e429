/**
 * Given / when / then for deciders (docs/architecture.md, "Tests"): `given(events).when(command, now).then(events)`
 * or `.thenRejects(code)`. Every state on the way is deep-frozen, so any spec also proves that `evolve`
 * and `decide` never mutate what they are given. Test-only: not exported from the domain's index.
 */
import { expect } from 'vitest';
import type { Decider, Decision } from './decider';

/** Freezes a value and everything reachable from it; returns it for chaining. */
export function deepFreeze<T>(value: T): T {
	if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
	}
	return value;
}

/** The spec helper for one decider. */
export function specFor<S, C, E, Code extends string>(decider: Decider<S, C, E, Code>) {
	function stateAfter(events: readonly E[]): S {
		let state = deepFreeze(decider.initialState);
		for (const event of events) state = deepFreeze(decider.evolve(state, deepFreeze(event)));
		return state;
	}

	return function given(events: readonly E[] = []) {
		return {
			/** The state the given events lead to. */
			state: () => stateAfter(events),
			when(command: C, now: number) {
				const before = stateAfter(events);
				const decision: Decision<E, Code> = decider.decide(before, command, now);
				return {
					decision,
					/** Expects exactly these events, and returns the state they lead to. */
					then(expected: readonly E[]): S {
						expect(decision).toEqual({ ok: true, events: expected });
						return decision.ok ? stateAfter([...events, ...decision.events]) : before;
					},
					/** Expects a rejection with this code and a message for people; returns it. */
					thenRejects(code: Code) {
						expect(decision.ok, 'expected a rejection').toBe(false);
						if (decision.ok) throw new Error('unreachable');
						expect(decision.rejection.code).toBe(code);
						expect(decision.rejection.message.length).toBeGreaterThan(10);
						return decision.rejection;
					}
				};
			}
		};
	};
}
