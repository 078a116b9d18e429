/**
 * Seeded randomness for scenarios: every random choice of a run (arrival times, which meeting a
 * caller dials, new PINs) comes from the run's seed, never from Math.random or the system's source,
 * so the same file and seed repeat exactly. Each use draws from its own stream (`arrivals:3`,
 * `pins`), so adding a step does not change what another step drew.
 *
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator) seeded through a string hash: fast,
 * well distributed, and not cryptographic, which a simulation does not need.
 */

/** A reproducible source of random numbers for one stream of one run. */
export class SeededRandom {
	private a: number;
	private b: number;
	private c: number;
	private d: number;

	constructor(seed: number, stream = '') {
		const h = hash(`${seed >>> 0}:${stream}`);
		this.a = h[0];
		this.b = h[1];
		this.c = h[2];
		this.d = h[3];
		// Warm up, as sfc32 recommends, so nearby seeds diverge at once.
		for (let i = 0; i < 12; i++) this.nextUint32();
	}

	/** A uniform integer in [0, 2^32). */
	nextUint32(): number {
		const t = (((this.a + this.b) | 0) + this.d) | 0;
		this.d = (this.d + 1) | 0;
		this.a = this.b ^ (this.b >>> 9);
		this.b = (this.c + (this.c << 3)) | 0;
		this.c = (this.c << 21) | (this.c >>> 11);
		this.c = (this.c + t) | 0;
		return t >>> 0;
	}

	/** A uniform number in [0, 1). */
	next(): number {
		return this.nextUint32() / 4_294_967_296;
	}

	/** A uniform integer in [0, n). */
	int(n: number): number {
		return Math.floor(this.next() * n);
	}

	/** A uniform integer in [min, max]. */
	between(min: number, max: number): number {
		return min + this.int(max - min + 1);
	}

	/** One element of a non-empty list. */
	pick<T>(items: readonly T[]): T {
		const item = items[this.int(items.length)];
		if (item === undefined) throw new RangeError('Cannot pick from an empty list.');
		return item;
	}

	/** A copy of `items` in random order (Fisher-Yates). */
	shuffle<T>(items: readonly T[]): T[] {
		const out = [...items];
		for (let i = out.length - 1; i > 0; i--) {
			const j = this.int(i + 1);
			[out[i], out[j]] = [out[j]!, out[i]!];
		}
		return out;
	}

	/** An exponentially distributed wait with this mean: the gaps of a Poisson process. */
	exponential(mean: number): number {
		return -Math.log(1 - this.next()) * mean;
	}

	/** A digit 0-9, for PINs. */
	digit(): number {
		return this.int(10);
	}
}

/** cyrb128: four 32-bit words from a string. */
function hash(text: string): [number, number, number, number] {
	let h1 = 1779033703;
	let h2 = 3144134277;
	let h3 = 1013904242;
	let h4 = 2773480762;
	for (let i = 0; i < text.length; i++) {
		const k = text.charCodeAt(i);
		h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
		h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
		h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
		h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
	}
	h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
	h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
	h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
	h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
	h1 ^= h2 ^ h3 ^ h4;
	h2 ^= h1;
	h3 ^= h1;
	h4 ^= h1;
	return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}
