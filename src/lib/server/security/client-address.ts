import { isIP } from 'node:net';

/**
 * One client address in one spelling: IPv4-mapped IPv6 (`::ffff:10.0.0.1`) becomes the IPv4 address,
 * IPv6 is lower-cased without brackets or zone, and a port a proxy may have added (`1.2.3.4:5678`,
 * `[::1]:80`) is dropped. Answers null for anything that is not an IP address.
 */
export function normalizeAddress(raw: string | null | undefined): string | null {
	if (typeof raw !== 'string') return null;
	let value = raw.trim();
	if (!value || value.length > 100) return null;
	const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(value);
	if (bracketed) value = bracketed[1]!;
	else if (/^[\d.]+:\d{1,5}$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
	value = value.replace(/%.*$/, '').toLowerCase();
	const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(value);
	if (mapped) value = mapped[1]!;
	return isIP(value) === 0 ? null : value;
}

/**
 * Parses a comma-separated list of proxy addresses (LOBBY_TRUSTED_PROXIES); answers the normalized
 * addresses and the entries that are not IP addresses.
 */
export function parseAddressList(list: string): { addresses: string[]; invalid: string[] } {
	const addresses: string[] = [];
	const invalid: string[] = [];
	for (const entry of list.split(',')) {
		const trimmed = entry.trim();
		if (!trimmed) continue;
		const address = normalizeAddress(trimmed);
		if (address) addresses.push(address);
		else invalid.push(trimmed);
	}
	return { addresses, invalid };
}

export interface ClientAddressInput {
	/** The address of the peer the server's socket is connected to. */
	remoteAddress: string | null | undefined;
	/** The `X-Forwarded-For` header as received (Node joins repeated headers with ", "). */
	forwardedFor?: string | readonly string[] | null;
	/** Proxies whose `X-Forwarded-For` is believed (LOBBY_TRUSTED_PROXIES), normalized. */
	trustedProxies: readonly string[];
}

/**
 * The address a client is counted under, for per-client limits (sockets) and sign-in throttling
 * (HTTP). It is the peer's own address, unless that peer is a trusted proxy: then it is the
 * right-most `X-Forwarded-For` entry that is not a trusted proxy itself, since each proxy appends
 * the address it was reached from and only the entries added by trusted proxies can be believed.
 * Anything a client writes into the header from an untrusted address is ignored, so a client
 * cannot choose its own bucket. An entry that is not an IP address stops the walk: the last
 * trusted hop is answered instead (its clients then share one bucket, which is the safe side).
 * Answers `unknown` when not even the peer's address is known.
 */
export function clientAddress({ remoteAddress, forwardedFor, trustedProxies }: ClientAddressInput): string {
	const peer = normalizeAddress(remoteAddress);
	if (!peer) return 'unknown';
	const trusted = new Set(trustedProxies);
	if (!trusted.has(peer) || !forwardedFor) return peer;
	const header = typeof forwardedFor === 'string' ? forwardedFor : forwardedFor.join(',');
	const hops = header.split(',').map((hop) => hop.trim());
	let nearest = peer;
	for (let i = hops.length - 1; i >= 0; i--) {
		const hop = hops[i]!;
		if (!hop) continue;
		const address = normalizeAddress(hop);
		if (!address) return nearest;
		if (!trusted.has(address)) return address;
		nearest = address;
	}
	return nearest;
}
