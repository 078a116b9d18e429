/**
 * When `lobby load`'s callers arrive, in the open model: at a rate that may ramp linearly from one
 * figure to another (`--rate 10/s..200/s --ramp 60s`), with the gaps between arrivals evenly spaced
 * or drawn in a shape (`--arrival exponential`: a Poisson process). Random gaps are drawn with mean
 * one and laid on the rate's cumulative curve, so that the rate over time stays what was asked for
 * whatever the shape (the time change of a non-homogeneous Poisson process).
 */
import type { SeededRandom } from '$lib/scenario/seeded-random';
import type { Distribution } from './load-distributions';

/** Callers per second: `from` at the start, `to` after `rampMs` (linear in between), then `to`. */
export interface RateProfile {
	readonly from: number;
	readonly to: number;
	readonly rampMs: number;
}

/** How many callers have arrived `t` ms after the start at this rate (the rate's integral). */
export function arrivedBy(profile: RateProfile, t: number): number {
	const a = profile.from / 1000;
	const b = profile.to / 1000;
	const ramp = profile.rampMs;
	if (t <= 0) return 0;
	if (ramp <= 0) return b * t;
	if (t <= ramp) return a * t + ((b - a) * t * t) / (2 * ramp);
	return ((a + b) * ramp) / 2 + b * (t - ramp);
}

/** When (ms after the start) `n` callers have arrived at this rate: `arrivedBy`'s inverse. */
export function timeOfArrival(profile: RateProfile, n: number): number {
	if (n <= 0) return 0;
	const a = profile.from / 1000;
	const b = profile.to / 1000;
	const ramp = profile.rampMs;
	if (ramp <= 0) return n / b;
	const duringRamp = ((a + b) * ramp) / 2;
	if (n > duringRamp) return ramp + (n - duringRamp) / b;
	// Solves a t + c t² = n; this form is stable for a flat ramp (c = 0) and for a = 0.
	const c = (b - a) / (2 * ramp);
	return (2 * n) / (a + Math.sqrt(Math.max(0, a * a + 4 * c * n)));
}

/**
 * The arrival times (ms after the start) of `count` callers: the first at 0, then one gap after
 * another. `profile` null is the closed model: everyone at once, and the concurrency paces them.
 */
export function arrivalOffsets(
	count: number,
	profile: RateProfile | null,
	gaps: Distribution,
	random: SeededRandom
): Float64Array {
	const offsets = new Float64Array(count);
	if (profile === null) return offsets;
	let arrived = 0;
	for (let i = 1; i < count; i++) {
		arrived += gaps.sample(random);
		offsets[i] = timeOfArrival(profile, arrived);
	}
	return offsets;
}
