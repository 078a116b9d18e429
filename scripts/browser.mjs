// Finds the Chromium the end-to-end tests drive: CHROMIUM_PATH, then Debian's /usr/bin/chromium,
// then a browser Playwright itself installed. Shared by scripts/ensure-browser.mjs and playwright.config.ts.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** @returns {{ path: string | null, source?: string, problem?: string }} */
export function findChromium() {
	const fromEnv = process.env.CHROMIUM_PATH;
	if (fromEnv) {
		if (existsSync(fromEnv)) return { path: fromEnv, source: 'CHROMIUM_PATH' };
		return { path: null, problem: `CHROMIUM_PATH is set to ${fromEnv}, but no file is there.` };
	}
	if (existsSync('/usr/bin/chromium')) return { path: '/usr/bin/chromium', source: "Debian's chromium" };
	try {
		const require = createRequire(import.meta.url);
		/** @type {{ chromium: { executablePath(): string } }} */
		const playwright = require('playwright-core');
		const installed = playwright.chromium.executablePath();
		if (installed && existsSync(installed)) return { path: installed, source: 'Playwright' };
	} catch {
		// No playwright-core browser registry available: fall through.
	}
	return { path: null };
}

/** The flags Debian's Chromium needs to run headless on a closed network, as root, with audio autoplay. */
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-dev-shm-usage',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-quic',
	'--autoplay-policy=no-user-gesture-required'
];
