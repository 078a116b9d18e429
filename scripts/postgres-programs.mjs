// What `npm run test:postgres` and the fault suite's own durable cluster share: where Debian keeps
// PostgreSQL's server programs, running them as their owner, and a free loopback port.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** initdb refuses to run as root, so as root a cluster belongs to Debian's postgres user. */
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Debian keeps each major version's server programs in /usr/lib/postgresql/<major>/bin.
 * @returns {string | null} the newest such folder, else the one holding `initdb` on the PATH
 */
export function findPgBin() {
	const base = '/usr/lib/postgresql';
	if (existsSync(base)) {
		const majors = readdirSync(base)
			.filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
			.sort((a, b) => Number(b) - Number(a));
		if (majors[0]) return join(base, majors[0], 'bin');
	}
	const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
	const initdb = which.stdout.trim();
	return initdb ? initdb.replace(/\/initdb$/, '') : null;
}

/**
 * The command line that runs `program` of `bin` as the cluster's owner (the postgres user as root).
 * @param {string} bin @param {string} program @param {string[]} args
 * @returns {[string, string[]]}
 */
export function asOwner(bin, program, args) {
	const full = join(bin, program);
	return isRoot ? ['runuser', ['-u', 'postgres', '--', full, ...args]] : [full, args];
}

/** @returns {Promise<number>} a loopback port nobody listens on right now */
export function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}
