import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

/**
 * The fault suite (`npm run faults`, and its short form in `npm test`): real server processes that
 * are killed, databases that go away, fuzzed clients. One file at a time, since each owns servers
 * and load that would disturb the others' figures.
 */
export default defineConfig({
	plugins: [sveltekit()],
	test: {
		include: ['tests/faults/**/*.fault.ts'],
		environment: 'node',
		globalSetup: ['tests/faults/global-setup.ts'],
		fileParallelism: false,
		testTimeout: 30 * 60_000,
		hookTimeout: 120_000
	}
});
