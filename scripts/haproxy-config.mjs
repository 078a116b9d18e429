// Renders deploy/haproxy.cfg for servers on this machine: the port HAProxy listens on, and one
// `server` line per Lobby server. `npm run cluster` and the cluster tests use it, so the file in
// deploy/ is the one that is tested.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const HAPROXY_TEMPLATE = fileURLToPath(new URL('../deploy/haproxy.cfg', import.meta.url));

/**
 * @param {{ port: number, servers: { name: string, port: number }[] }} options
 * @returns {string} the configuration
 */
export function renderHaproxyConfig({ port, servers }) {
	const lines = readFileSync(HAPROXY_TEMPLATE, 'utf8').split('\n');
	const out = [];
	let serversWritten = false;
	for (const line of lines) {
		if (/^\s*bind\s/.test(line)) out.push(line.replace(/:\d+\b/, `:${port}`));
		else if (/^\s*server\s/.test(line)) {
			if (serversWritten) continue;
			serversWritten = true;
			for (const s of servers) out.push(`\tserver ${s.name} 127.0.0.1:${s.port} check cookie ${s.name}`);
		} else out.push(line);
	}
	if (!serversWritten) throw new Error(`${HAPROXY_TEMPLATE} has no server line to replace`);
	return out.join('\n');
}

/** @returns {string | null} the haproxy program, if installed */
export function findHaproxy() {
	return (
		['/usr/sbin/haproxy', '/usr/bin/haproxy', '/usr/local/sbin/haproxy'].find((p) => existsSync(p)) ?? null
	);
}
