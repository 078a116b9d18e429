/**
 * A scenario's timeline, laid out: every step at its time, and every random arrival drawn from the
 * seed and placed on the timeline with its departure or giving up. The runner walks the plan in
 * order; the Scenarios page can show it before anything runs. Pure: the same scenario and seed give
 * the same plan, here and in the browser.
 */
import { simulatedOrganizerNames, stepOffsets, type Arrivals, type Scenario } from './scenario-format';
import { parseDuration, parseDurationRange } from './scenario-time';
import { SeededRandom } from './seeded-random';

/** What one item of the plan does. */
export type PlannedAction =
	/** The step as written in the file (`stepIndex`). */
	| { readonly kind: 'step' }
	/** A random caller dials a meeting (from an `arrivals` step). */
	| {
			readonly kind: 'arrive-caller';
			readonly caller: string;
			readonly phone: string;
			readonly meeting: string;
			readonly then: 'not-leader' | 'wait';
	  }
	/** An organizer arrives: joins from the client, or dials in with the PIN. */
	| { readonly kind: 'arrive-organizer'; readonly organizer: string; readonly via: 'client' | 'phone' }
	/** Someone who arrived leaves after their `stay` (hangs up, or leaves the client). */
	| { readonly kind: 'depart'; readonly who: string; readonly via: 'client' | 'phone' }
	/** A caller still waiting after their `patience` gives up. */
	| { readonly kind: 'give-up'; readonly caller: string }
	/** A dropped caller's softphone reconnects (`dropConnection.resumeAfter`). */
	| { readonly kind: 'resume'; readonly caller: string };

/** One thing to do, at an offset (ms) from the start of the run. */
export interface PlanItem {
	readonly at: number;
	/** The step of the file it comes from. */
	readonly stepIndex: number;
	readonly action: PlannedAction;
}

/** The whole timeline of one run. */
export interface ScenarioPlan {
	/** In the order they run: by time, then by step, then as drawn. */
	readonly items: readonly PlanItem[];
	/** Steps in the file. */
	readonly steps: number;
	/** Offset of the last item: how long the run lasts in scenario time. */
	readonly duration: number;
	/** Every caller the arrivals bring, by name, with their number. */
	readonly generatedCallers: ReadonlyMap<string, string>;
}

/**
 * Lays out `scenario` with `seed` (the file's own seed unless the run overrides it). Arrival steps
 * draw from their own stream each (`arrivals:<step>`), so a change to one leaves the others alone.
 */
export function planScenario(scenario: Scenario, seed: number = scenario.seed): ScenarioPlan {
	const offsets = stepOffsets(scenario.steps);
	const items: (PlanItem & { readonly order: number })[] = [];
	const generatedCallers = new Map<string, string>();
	const counters = new Map<string, number>();
	let order = 0;
	const add = (at: number, stepIndex: number, action: PlannedAction) =>
		items.push({ at: Math.max(0, Math.round(at)), stepIndex, action, order: order++ });

	scenario.steps.forEach((step, stepIndex) => {
		const at = offsets[stepIndex] ?? 0;
		add(at, stepIndex, { kind: 'step' });
		if (step.dropConnection !== undefined && typeof step.dropConnection !== 'string') {
			const { caller, resumeAfter } = step.dropConnection;
			if (resumeAfter !== undefined)
				add(at + parseDuration(resumeAfter), stepIndex, { kind: 'resume', caller });
		}
		const arrivals = step.arrivals;
		if (!arrivals) return;
		const rng = new SeededRandom(seed, `arrivals:${stepIndex}`);
		if (arrivals.callers !== undefined) {
			const meetings = meetingsFor(scenario, arrivals);
			const prefix = arrivals.name ?? 'caller';
			const times = arrivalTimes(arrivals.callers, at, arrivals, rng);
			for (const time of times) {
				const n = (counters.get(prefix) ?? 0) + 1;
				counters.set(prefix, n);
				const caller = `${prefix}-${n}`;
				const phone = randomPhone(rng);
				generatedCallers.set(caller, phone);
				add(time, stepIndex, {
					kind: 'arrive-caller',
					caller,
					phone,
					meeting: rng.pick(meetings),
					then: arrivals.then ?? 'not-leader'
				});
				if (arrivals.patience !== undefined) {
					add(time + draw(arrivals.patience, rng), stepIndex, { kind: 'give-up', caller });
				}
				if (arrivals.stay !== undefined) {
					add(time + draw(arrivals.stay, rng), stepIndex, { kind: 'depart', who: caller, via: 'phone' });
				}
			}
		} else if (arrivals.organizers !== undefined) {
			const names =
				arrivals.organizers === 'simulated' ? simulatedOrganizerNames(scenario) : arrivals.organizers;
			const shuffled = rng.shuffle(names);
			const times = arrivalTimes(shuffled.length, at, arrivals, rng);
			const via = arrivals.via ?? 'client';
			shuffled.forEach((organizer, i) => {
				const time = times[i] ?? at;
				add(time, stepIndex, { kind: 'arrive-organizer', organizer, via });
				if (arrivals.stay !== undefined) {
					add(time + draw(arrivals.stay, rng), stepIndex, { kind: 'depart', who: organizer, via });
				}
			});
		}
	});

	items.sort((a, b) => a.at - b.at || a.stepIndex - b.stepIndex || a.order - b.order);
	return {
		items: items.map(({ at, stepIndex, action }) => ({ at, stepIndex, action })),
		steps: scenario.steps.length,
		duration: items.reduce((max, item) => Math.max(max, item.at), 0),
		generatedCallers
	};
}

/** The meetings arriving callers dial: `all` (default), `simulated`, one organizer, or a list. */
function meetingsFor(scenario: Scenario, arrivals: Arrivals): string[] {
	const declared = Object.keys(scenario.actors.organizers);
	const simulated = simulatedOrganizerNames(scenario);
	const meetings = arrivals.meetings ?? 'all';
	if (meetings === 'all') return [...declared, ...simulated];
	if (meetings === 'simulated') return simulated;
	return typeof meetings === 'string' ? [meetings] : [...meetings];
}

/** When `count` arrivals come, from `start`: spread `over` a time, at a Poisson `perMinute`, or all at once. */
function arrivalTimes(count: number, start: number, arrivals: Arrivals, rng: SeededRandom): number[] {
	if (arrivals.over !== undefined) {
		const span = parseDuration(arrivals.over);
		return Array.from({ length: count }, () => start + Math.floor(rng.next() * span)).sort((a, b) => a - b);
	}
	if (arrivals.perMinute !== undefined) {
		const mean = 60_000 / arrivals.perMinute;
		let t = start;
		return Array.from({ length: count }, () => (t += rng.exponential(mean))).map(Math.round);
	}
	return Array.from({ length: count }, () => start);
}

function draw(range: string, rng: SeededRandom): number {
	const { min, max } = parseDurationRange(range);
	return rng.between(min, max);
}

/** A Swedish mobile number, as the demo tenant's callers have. */
function randomPhone(rng: SeededRandom): string {
	const d = Array.from({ length: 7 }, () => rng.digit()).join('');
	return `+46 70 ${d.slice(0, 3)} ${d.slice(3, 5)} ${d.slice(5)}`;
}
