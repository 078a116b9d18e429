/**
 * The wait-time distribution: how long each meeting's longest-waiting lobby caller has waited,
 * counted into a few buckets an admin reads at a glance.
 */

/** Upper edges of the buckets in seconds; the last bucket is open-ended (over 10 minutes). */
export const BUCKET_EDGES_S = [30, 60, 120, 300, 600] as const;

/** One bucket per edge, plus the open-ended one: `<30s, 30s–1m, 1–2m, 2–5m, 5–10m, >10m`. */
export const BUCKET_COUNT = BUCKET_EDGES_S.length + 1;

/** The bucket a wait falls in; a wait exactly on an edge belongs to the bucket above it. */
export function bucketOf(waitMs: number): number {
	const s = waitMs / 1000;
	for (let i = 0; i < BUCKET_EDGES_S.length; i++) if (s < BUCKET_EDGES_S[i]!) return i;
	return BUCKET_EDGES_S.length;
}

/** Counts per bucket; meetings without a lobby (`null`) are not counted. */
export function histogram(waits: Iterable<number | null>): number[] {
	const counts = new Array<number>(BUCKET_COUNT).fill(0);
	for (const w of waits) if (w !== null) counts[bucketOf(w)]!++;
	return counts;
}
