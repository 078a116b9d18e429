import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/browser.mjs';

const port = Number(process.env.LOBBY_E2E_PORT ?? 4317);
// One data directory per run, shared by the worker processes through the environment.
process.env.LOBBY_E2E_DATA_DIR ??= join(tmpdir(), `lobby-e2e-${Date.now()}`);

const browser = findChromium();

/** End-to-end specs drive the built production server in Debian's Chromium (see scripts/browser.mjs). */
export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.e2e.ts',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	reporter: process.env.CI ? [['list'], ['junit', { outputFile: 'test-results/e2e-junit.xml' }]] : 'list',
	globalTeardown: './tests/e2e/global-teardown.ts',
	use: {
		baseURL: `http://127.0.0.1:${port}`,
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure'
	},
	projects: [
		{
			name: 'chromium',
			use: {
				...devices['Desktop Chrome'],
				launchOptions: {
					executablePath: browser.path ?? undefined,
					args: CHROMIUM_ARGS
				}
			}
		}
	],
	webServer: {
		command: 'node build/server.js',
		// Ready, not merely alive: the server answers /healthz while it still migrates and restores.
		url: `http://127.0.0.1:${port}/readyz`,
		reuseExistingServer: false,
		timeout: 60_000,
		stdout: 'pipe',
		env: {
			PORT: String(port),
			HOST: '127.0.0.1',
			LOBBY_DATA_DIR: process.env.LOBBY_E2E_DATA_DIR,
			LOBBY_ADMIN_PASSWORD: 'admin-e2e-password',
			LOBBY_DEMO_PASSWORD: 'user-e2e-password',
			// The webhook spec's receiver listens on 127.0.0.1, which the outbound policy refuses otherwise.
			LOBBY_WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8'
		}
	}
});
