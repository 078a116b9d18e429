// How Lobby's server process is started so that its memory at rest stays small (see
// docs/reliability.md, "Memory at rest"). Shared by `npm start`, `npm run cluster`, the test helpers
// and the benchmark, so each runs the server the way a user's `npm start` does.
//
// Each PIN and password check runs scrypt, which takes a 16 MB buffer on one of libuv's worker
// threads. glibc's malloc raises its mmap threshold after the first such buffer is freed, and from
// then on keeps every later one in the worker thread's arena, where it stays resident after the
// hash is done: about 16 MB for each of the four workers, plus the arenas of other threads. A fixed
// threshold of 4 MB keeps buffers that large out of the arenas, so the memory goes back to the
// system when the hash is done. Allocations below 4 MB are served from the arenas as before.

/** The glibc tunable Lobby's server runs with; other platforms ignore the variable. */
export const MALLOC_TUNABLE = 'glibc.malloc.mmap_threshold=4194304';

/**
 * `env` with the malloc tunable added to `GLIBC_TUNABLES`, unless it already sets an mmap threshold
 * (an operator's own choice wins).
 * @param {NodeJS.ProcessEnv} env
 * @returns {NodeJS.ProcessEnv}
 */
export function withServerMemory(env) {
	const current = env.GLIBC_TUNABLES ?? '';
	if (hasMallocTunable(current)) return env;
	return { ...env, GLIBC_TUNABLES: current ? `${current}:${MALLOC_TUNABLE}` : MALLOC_TUNABLE };
}

/**
 * Whether `tunables` (a `GLIBC_TUNABLES` value) already sets malloc's mmap threshold.
 * @param {string | undefined} tunables
 */
export function hasMallocTunable(tunables) {
	return (tunables ?? '').split(':').some((t) => t.startsWith('glibc.malloc.mmap_threshold='));
}
