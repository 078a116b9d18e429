import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	test: {
		include: ['src/**/*.spec.ts', 'tests/integration/**/*.spec.ts', 'tests/faults/**/*.spec.ts'],
		environment: 'node',
		globalSetup: ['tests/integration/global-setup.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000
	}
});
