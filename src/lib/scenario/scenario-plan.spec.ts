import { describe, expect, it } from 'vitest';
import { parseScenario } from './parse-scenario';
import { planScenario } from './scenario-plan';

const TEXT = `
name: Plan
description: Random arrivals and a step.
seed: 7
actors:
  organizers:
    amos: { user: amos.marble }
steps:
  - at: 1m
    arrivals: { callers: 50, over: 10m, stay: 1m..2m }
  - at: 5m
    expect: { meeting: amos, state: waiting }
`;

function plan(seed?: number) {
	const parsed = parseScenario(TEXT);
	if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
	return planScenario(parsed.scenario, seed);
}

describe('the plan of a scenario', () => {
	it('given one scenario and seed, then the plan is the same every time (the seed decides arrivals)', () => {
		expect(plan()).toEqual(plan());
		expect(plan(7)).toEqual(plan());
	});

	it('given another seed, then the random arrivals change', () => {
		const arrivals = (seed?: number) => plan(seed).items.filter((i) => i.action.kind === 'arrive-caller');
		expect(arrivals(8).map((i) => i.at)).not.toEqual(arrivals(7).map((i) => i.at));
	});

	it('puts every arrival inside its window, each departure after its arrival, and everything in time order', () => {
		const { items, duration } = plan();
		const arrivals = items.filter((i) => i.action.kind === 'arrive-caller');
		expect(arrivals).toHaveLength(50);
		for (const a of arrivals) {
			expect(a.at).toBeGreaterThanOrEqual(60_000);
			expect(a.at).toBeLessThan(660_000);
		}
		const arrivedAt = new Map(
			arrivals.map((a) => [a.action.kind === 'arrive-caller' ? a.action.caller : '', a.at])
		);
		for (const d of items.filter((i) => i.action.kind === 'depart')) {
			const who = d.action.kind === 'depart' ? d.action.who : '';
			const gap = d.at - (arrivedAt.get(who) ?? 0);
			expect(gap).toBeGreaterThanOrEqual(60_000);
			expect(gap).toBeLessThanOrEqual(120_000);
		}
		const times = items.map((i) => i.at);
		expect(times).toEqual([...times].sort((a, b) => a - b));
		expect(duration).toBe(times.at(-1));
	});
});
