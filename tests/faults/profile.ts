/**
 * How big the fault suite's runs are. `npm run faults` runs the full suite (`LOBBY_FAULTS=full`);
 * `npm test` runs the short form, with fewer callers, crashes and payloads, to stay within CI's time.
 */
export const FULL = process.env.LOBBY_FAULTS === 'full';

/** `short` in the CI form, `full` in `npm run faults`. */
export function sized<T>(short: T, full: T): T {
	return FULL ? full : short;
}

/** The seed of every random choice in one run: `LOBBY_FAULTS_SEED`, else the time (printed, to repeat a run). */
export const SEED = Number(process.env.LOBBY_FAULTS_SEED ?? Date.now() % 2 ** 31);

/** A small seeded generator (mulberry32): the same seed gives the same sequence. */
export function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
