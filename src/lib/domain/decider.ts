/**
 * The shape every aggregate in the domain shares (docs/architecture.md, "Layers"): `decide` turns a
 * command into events or a rejection, `evolve` folds one event into a new state. Time comes in as
 * `now` (epoch milliseconds) so a scenario can run on virtual time and replay exactly.
 */

/**
 * Why a command was refused. `code` is stable and machine-readable; `message` is plain English for
 * people: what happened and what to do next.
 */
export type Rejection<Code extends string = string> = {
	readonly code: Code;
	readonly message: string;
};

/**
 * The outcome of `decide`. A caller can never make `decide` throw: everything it can get wrong comes
 * back as `{ ok: false, rejection }`. An accepted command may produce zero events (nothing to do).
 */
export type Decision<E, Code extends string = string> =
	{ readonly ok: true; readonly events: E[] } | { readonly ok: false; readonly rejection: Rejection<Code> };

/**
 * One aggregate as a value, so services, the simulator and the specs can drive any of them the same way.
 * `evolve` never mutates the state it is given.
 */
export type Decider<S, C, E, Code extends string = string> = {
	readonly initialState: S;
	decide(state: S, command: C, now: number): Decision<E, Code>;
	evolve(state: S, event: E): S;
};

/** An accepted command with the events it produced. */
export function accept<E>(events: E[]): { readonly ok: true; readonly events: E[] } {
	return { ok: true, events };
}

/** A refused command; `message` must say what happened and what to do. */
export function reject<Code extends string>(
	code: Code,
	message: string
): { readonly ok: false; readonly rejection: Rejection<Code> } {
	return { ok: false, rejection: { code, message } };
}

/** Rebuilds a state from its event stream, starting from the aggregate's initial state. */
export function replay<S, E>(
	decider: { readonly initialState: S; evolve(state: S, event: E): S },
	events: Iterable<E>
): S {
	let state = decider.initialState;
	for (const event of events) state = decider.evolve(state, event);
	return state;
}
