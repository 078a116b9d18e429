// Makes sure a Chromium is available for the end-to-end tests (run by `npm test` first).
// As root on Debian it installs Debian's chromium package; otherwise it says how to get one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium } from './browser.mjs';

const found = findChromium();
if (found.path) {
	console.log(`Browser for end-to-end tests: ${found.path} (${found.source})`);
	process.exit(0);
}
if (found.problem) {
	console.error(found.problem);
	process.exit(1);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && existsSync('/etc/debian_version')) {
	console.log("No Chromium found; installing Debian's chromium package (apt-get)…");
	/** @param {string[]} args */
	const apt = (args) =>
		spawnSync('apt-get', args, {
			stdio: 'inherit',
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
		}).status === 0;
	if (!apt(['update']) || !apt(['install', '-y', '--no-install-recommends', 'chromium'])) {
		console.error('Installing chromium failed; see the apt-get output above.');
		process.exit(1);
	}
	const again = findChromium();
	if (again.path) {
		console.log(`Browser for end-to-end tests: ${again.path}`);
		process.exit(0);
	}
}

console.error(
	[
		'No Chromium found for the end-to-end tests. Any one of these works:',
		'  - on Debian or Ubuntu: sudo apt-get install chromium',
		'  - point CHROMIUM_PATH at a Chromium or Chrome executable',
		'  - npx playwright install chromium (where downloads are allowed)'
	].join('\n')
);
process.exit(1);
