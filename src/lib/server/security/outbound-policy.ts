/**
 * The outbound policy for webhooks: which addresses Lobby may connect to when it calls a URL an
 * administrator registered. Without it a webhook is a server-side request forgery (SSRF) tool: a URL
 * such as `http://169.254.169.254/latest/meta-data` or `http://localhost:5432/` makes the server reach
 * into its own network on the caller's behalf.
 *
 * The rule is one sentence: a webhook may go to a public address, or to an address inside a network
 * the administrator allowed in LOBBY_WEBHOOK_ALLOWED_NETWORKS. It is applied three times, because each
 * step alone has a gap: `checkUrl` when the URL is saved (form, and IP-literal hosts), `checkDestination`
 * before sending (every address the name resolves to), and `guardedLookup` inside the connection itself
 * (a name may resolve to a public address for the check and a private one a moment later: DNS rebinding).
 *
 * Addresses are compared as 128-bit numbers in one space: an IPv4 address a.b.c.d is its IPv4-mapped
 * IPv6 address ::ffff:a.b.c.d, so `127.0.0.1` and `::ffff:127.0.0.1` are the same address everywhere.
 */

import { lookup as lookupCallback, type LookupAddress, type LookupOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { isIPv4, isIPv6, type LookupFunction } from 'node:net';

/** The setting an administrator uses to allow non-public networks; named in every refusal. */
export const ALLOWED_NETWORKS_SETTING = 'LOBBY_WEBHOOK_ALLOWED_NETWORKS';

/** The `code` of the error `guardedLookup` answers with when the policy refuses an address. */
export const OUTBOUND_POLICY_ERROR_CODE = 'EOUTBOUNDPOLICY';

// Addresses as numbers

/** The IPv4-mapped prefix ::ffff:0:0/96: an IPv4 address is this plus its 32 bits. */
const MAPPED = 0xffffn << 32n;
const LOW_32 = 0xffff_ffffn;

/** An address parsed into the one 128-bit space, with the family it was written in. */
interface Address {
	readonly family: 4 | 6;
	readonly value: bigint;
}

/** The 32 bits of a dotted quad that `net.isIPv4` accepted. */
function ipv4Bits(text: string): bigint {
	return text.split('.').reduce((bits, octet) => (bits << 8n) | BigInt(octet), 0n);
}

/**
 * The 128 bits of an IPv6 address that `net.isIPv6` accepted, lower-case and without a zone: `::`
 * stands for as many zero groups as are missing, and a trailing dotted quad for the last two groups.
 */
function ipv6Bits(text: string): bigint {
	let hex = text;
	const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
	if (quad) {
		const bits = ipv4Bits(quad[1]!);
		hex = `${text.slice(0, quad.index)}${(bits >> 16n).toString(16)}:${(bits & 0xffffn).toString(16)}`;
	}
	const [head = '', tail] = hex.split('::');
	const headGroups = head ? head.split(':') : [];
	const tailGroups = tail ? tail.split(':') : [];
	const missing = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
	const groups = [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
	return groups.reduce((bits, group) => (bits << 16n) | BigInt(`0x${group}`), 0n);
}

/**
 * Reads an address as a client, a resolver or a URL may spell it: IPv4 as a canonical dotted quad,
 * IPv6 in any case, with or without brackets and a zone (`[fe80::1%eth0]`). Answers null for
 * anything else, including IPv4 in octal, hex or a single number (URL parsing rewrites those first).
 */
function parseAddress(text: string): Address | null {
	const bare = text.trim().replace(/^\[(.*)\]$/, '$1');
	if (isIPv4(bare)) return { family: 4, value: MAPPED | ipv4Bits(bare) };
	if (!isIPv6(bare)) return null;
	return { family: 6, value: ipv6Bits(bare.replace(/%.*$/, '').toLowerCase()) };
}

/** `parseAddress` for callers that were promised an address: anything else is a programming error. */
function requireAddress(text: string): Address {
	const address = parseAddress(text);
	if (!address) throw new RangeError(`"${text}" is not an IPv4 or IPv6 address.`);
	return address;
}

/** An address in its usual spelling: dotted quad, or RFC 5952 IPv6 (`::` for the longest zero run). */
function formatAddress({ family, value }: Address): string {
	const low = value & LOW_32;
	const quad = [24n, 16n, 8n, 0n].map((shift) => (low >> shift) & 0xffn).join('.');
	if (family === 4) return quad;
	if (value >> 32n === 0xffffn) return `::ffff:${quad}`;
	const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) =>
		((value >> shift) & 0xffffn).toString(16)
	);
	let best = { start: -1, length: 1 };
	for (let start = 0; start < groups.length; start++) {
		let length = 0;
		while (groups[start + length] === '0') length++;
		if (length > best.length) best = { start, length };
	}
	if (best.start === -1) return groups.join(':');
	return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}

// Networks

/** A network in CIDR form, parsed: IPv4 or IPv6. */
export interface Network {
	/** The network in its usual spelling, always with a prefix length: `127.0.0.0/8`, `::1/128`. */
	readonly text: string;
	/** The family it was written in. */
	readonly family: 4 | 6;
	/** The prefix length in that family's terms: 0 to 32 for IPv4, 0 to 128 for IPv6. */
	readonly prefix: number;
	/** Its first and last address in the one 128-bit space (IPv4 as ::ffff:a.b.c.d). */
	readonly first: bigint;
	readonly last: bigint;
}

/**
 * Parses '127.0.0.0/8', '::1/128', '10.1.2.3' (a single address = /32 or /128). Throws RangeError with
 * a clear sentence on bad input. A network with bits set after its prefix (`10.1.2.3/8`) is refused
 * rather than rounded down, since it is more likely a typo than a way of writing 10.0.0.0/8.
 */
export function parseNetwork(text: string): Network {
	const written = text.trim();
	const [addressText = '', prefixText, ...extra] = written.split('/');
	const family = isIPv4(addressText) ? 4 : isIPv6(addressText) && !addressText.includes('%') ? 6 : null;
	if (!family || extra.length > 0) {
		throw new RangeError(
			`"${written}" is not a network: write an IPv4 or IPv6 address, optionally with a prefix length, such as 10.0.0.0/8 or fd00::/8.`
		);
	}
	const width = family === 4 ? 32 : 128;
	if (prefixText !== undefined && !(/^\d{1,3}$/.test(prefixText) && Number(prefixText) <= width)) {
		throw new RangeError(
			`"${written}" is not a network: the prefix length after "/" must be a whole number from 0 to ${width}.`
		);
	}
	const prefix = prefixText === undefined ? width : Number(prefixText);
	const bits = family === 4 ? ipv4Bits(addressText) : ipv6Bits(addressText.toLowerCase());
	const hostMask = (1n << BigInt(width - prefix)) - 1n;
	const first = (family === 4 ? MAPPED : 0n) | (bits & ~hostMask);
	const network = `${formatAddress({ family, value: first })}/${prefix}`;
	if ((bits & hostMask) !== 0n) {
		throw new RangeError(
			`"${written}" is not a network: it has address bits set after its /${prefix} prefix (did you mean ${network}?).`
		);
	}
	return { text: network, family, prefix, first, last: first | hostMask };
}

/**
 * Parses a comma- or space-separated list, e.g. the value of LOBBY_WEBHOOK_ALLOWED_NETWORKS; '' gives [].
 * Throws RangeError naming the bad entry.
 */
export function parseNetworks(text: string): Network[] {
	return text
		.split(/[\s,]+/)
		.filter((entry) => entry !== '')
		.map(parseNetwork);
}

function contains(network: Network, address: Address): boolean {
	return address.value >= network.first && address.value <= network.last;
}

/**
 * Whether `address` (IPv4 or IPv6 text, IPv4-mapped IPv6 like ::ffff:127.0.0.1 treated as its IPv4) lies
 * in `network`. Throws RangeError when `address` is not an address.
 */
export function inNetwork(address: string, network: Network): boolean {
	return contains(network, requireAddress(address));
}

// Which addresses are public

/** Why an address is not public; each has a phrase below for the refusal sentence. */
export type NonPublicReason =
	| 'unspecified'
	| 'loopback'
	| 'private'
	| 'shared'
	| 'link-local'
	| 'site-local'
	| 'documentation'
	| 'benchmarking'
	| 'multicast'
	| 'broadcast'
	| 'reserved';

const REASON_PHRASES: Record<NonPublicReason, string> = {
	unspecified: 'an unspecified ("this network") address',
	loopback: 'a loopback address',
	private: 'a private address',
	shared: 'a shared (carrier-grade NAT) address',
	'link-local': 'a link-local address',
	'site-local': 'a site-local address',
	documentation: 'a documentation address',
	benchmarking: 'a benchmarking address',
	multicast: 'a multicast address',
	broadcast: 'the broadcast address',
	reserved: 'a reserved address'
};

/**
 * The special-purpose networks (IANA's IPv4 and IPv6 special-purpose address registries, RFC 6890 and
 * its updates) that a webhook must not reach unless allowed. Where two overlap the smaller one decides
 * (255.255.255.255 is the broadcast address, not merely reserved), so they are sorted by size.
 * Besides these, every IPv6 address outside global unicast (2000::/3) is reserved, and the IPv4-mapped
 * (::ffff:0:0/96) and NAT64 (64:ff9b::/96) ranges are judged by the IPv4 address they carry.
 */
const SPECIAL_NETWORKS: readonly { network: Network; reason: NonPublicReason }[] = (
	[
		['0.0.0.0/8', 'unspecified'],
		['10.0.0.0/8', 'private'],
		['100.64.0.0/10', 'shared'],
		['127.0.0.0/8', 'loopback'],
		['169.254.0.0/16', 'link-local'],
		['172.16.0.0/12', 'private'],
		['192.0.0.0/24', 'reserved'],
		['192.0.2.0/24', 'documentation'],
		['192.88.99.0/24', 'reserved'],
		['192.168.0.0/16', 'private'],
		['198.18.0.0/15', 'benchmarking'],
		['198.51.100.0/24', 'documentation'],
		['203.0.113.0/24', 'documentation'],
		['224.0.0.0/4', 'multicast'],
		['240.0.0.0/4', 'reserved'],
		['255.255.255.255/32', 'broadcast'],
		['::/128', 'unspecified'],
		['::1/128', 'loopback'],
		['2001::/23', 'reserved'],
		['2001:db8::/32', 'documentation'],
		['2002::/16', 'reserved'],
		['3fff::/20', 'documentation'],
		['fc00::/7', 'private'],
		['fe80::/10', 'link-local'],
		['fec0::/10', 'site-local'],
		['ff00::/8', 'multicast']
	] as const
)
	.map(([text, reason]) => ({ network: parseNetwork(text), reason }))
	.sort((a, b) => (a.network.last - a.network.first < b.network.last - b.network.first ? -1 : 1));

const IPV4_MAPPED = parseNetwork('::ffff:0:0/96');
const NAT64 = parseNetwork('64:ff9b::/96');
const GLOBAL_UNICAST = parseNetwork('2000::/3');

function reasonFor(address: Address): NonPublicReason | null {
	if (contains(NAT64, address)) return reasonFor({ family: 4, value: MAPPED | (address.value & LOW_32) });
	const special = SPECIAL_NETWORKS.find(({ network }) => contains(network, address));
	if (special) return special.reason;
	if (!contains(GLOBAL_UNICAST, address) && !contains(IPV4_MAPPED, address)) return 'reserved';
	return null;
}

/**
 * Why an address is not public, or null when it is. IPv4-mapped (::ffff:a.b.c.d) and NAT64
 * (64:ff9b::/96) addresses are judged by the IPv4 address inside them. Throws RangeError when
 * `address` is not an address.
 */
export function nonPublicReason(address: string): NonPublicReason | null {
	return reasonFor(requireAddress(address));
}

// The policy

export interface OutboundPolicy {
	/** Networks an administrator allowed in configuration, even though they are not public (e.g. 127.0.0.0/8 in tests). */
	readonly allowed: readonly Network[];
}

/**
 * Whether the policy lets a connection go to `address`: public, or inside an allowed network. Returns
 * null when allowed, else a sentence like "127.0.0.1 is a loopback address; allow it with
 * LOBBY_WEBHOOK_ALLOWED_NETWORKS". Text that is not an address is refused, never thrown.
 */
export function refusal(address: string, policy: OutboundPolicy): string | null {
	const parsed = parseAddress(address);
	if (!parsed) return `"${address}" is not an IP address, so webhooks cannot be sent to it.`;
	if (policy.allowed.some((network) => contains(network, parsed))) return null;
	const reason = reasonFor(parsed);
	if (!reason) return null;
	return `${address} is ${REASON_PHRASES[reason]}; allow it with ${ALLOWED_NETWORKS_SETTING} if webhooks should go there.`;
}

/**
 * The refusal of the first refused address among all a name resolves to, or null when every one is
 * allowed. One refused address refuses the name: a connection may pick any of them.
 */
function refusalOfAny(addresses: readonly string[], policy: OutboundPolicy): string | null {
	return addresses.map((address) => refusal(address, policy)).find((text) => text !== null) ?? null;
}

// URLs

/** What was wrong with a webhook URL, for code; the message says it for people. */
export type OutboundUrlReason =
	'malformed' | 'scheme' | 'credentials' | 'host' | 'fragment' | 'refused' | 'unresolved';

/** Shared by every copy of this module in the process, whichever bundle loaded it (see service-error.ts). */
const BRAND = Symbol.for('lobby.outbound-url-error');

/**
 * A webhook URL the policy refuses, with a message written for the administrator who entered it.
 * Recognise it with `isOutboundUrlError` across bundles; `instanceof` works only inside one.
 */
export class OutboundUrlError extends Error {
	readonly reason: OutboundUrlReason;

	constructor(reason: OutboundUrlReason, message: string, options?: ErrorOptions) {
		super(message, options);
		this.name = 'OutboundUrlError';
		this.reason = reason;
		Object.defineProperty(this, BRAND, { value: true });
	}
}

/** Whether `error` is an OutboundUrlError from any copy of this module. */
export function isOutboundUrlError(error: unknown): error is OutboundUrlError {
	return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

/** A URL's host without the brackets the URL puts around an IPv6 address. */
function hostOf(url: URL): string {
	return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Checks a webhook URL's form (before any DNS): http: or https: only, no user:password, a host, no
 * fragment; any port. Returns the URL object or throws OutboundUrlError. An IP-literal host is checked
 * against the policy right away. The WHATWG URL parser has already rewritten the other IPv4 spellings
 * (`http://2130706433/`, `http://0x7f.1/`) to a dotted quad, so they are caught here too.
 */
export function checkUrl(text: string, policy: OutboundPolicy): URL {
	let url: URL;
	try {
		url = new URL(text.trim());
	} catch (error) {
		throw new OutboundUrlError('malformed', `"${text}" is not a URL.`, { cause: error });
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new OutboundUrlError(
			'scheme',
			`A webhook URL must start with http:// or https://, and "${text}" uses ${url.protocol}.`
		);
	}
	if (url.username || url.password) {
		throw new OutboundUrlError(
			'credentials',
			'A webhook URL must not contain a user name or password; use the webhook secret to authenticate.'
		);
	}
	const host = hostOf(url);
	if (!host) throw new OutboundUrlError('host', `The webhook URL "${text}" has no host.`);
	// In a serialized URL "#" only ever starts the fragment; elsewhere it is percent-encoded.
	if (url.href.includes('#')) {
		throw new OutboundUrlError(
			'fragment',
			'A webhook URL must not contain a fragment (#...): it is never sent to the server.'
		);
	}
	if (parseAddress(host)) {
		const refused = refusal(host, policy);
		if (refused) throw new OutboundUrlError('refused', refused);
	}
	return url;
}

/**
 * Resolves the URL's host (node:dns/promises lookup with { all: true, verbatim: true }) and refuses when
 * ANY resolved address is refused by the policy (a name that resolves to both a public and a private
 * address is refused). Returns the addresses. Throws OutboundUrlError on refusal or when the name does
 * not resolve.
 */
export async function checkDestination(url: URL, policy: OutboundPolicy): Promise<string[]> {
	const host = hostOf(url);
	const literal = parseAddress(host) !== null;
	const addresses = literal ? [host] : await resolve(host);
	const refused = refusalOfAny(addresses, policy);
	if (refused) {
		throw new OutboundUrlError(
			'refused',
			literal ? refused : `${host} resolves to ${addresses.join(', ')}: ${refused}`
		);
	}
	return addresses;
}

/** Every address `host` resolves to, in the resolver's order; OutboundUrlError when there is none. */
async function resolve(host: string): Promise<string[]> {
	let addresses: string[];
	try {
		addresses = (await lookup(host, { all: true, verbatim: true })).map(({ address }) => address);
	} catch (error) {
		const code = (error as { code?: unknown }).code;
		const detail = typeof code === 'string' ? ` (${code})` : '';
		const message = `The webhook host ${host} does not resolve to an address${detail}.`;
		throw new OutboundUrlError('unresolved', message, { cause: error });
	}
	if (addresses.length === 0) {
		throw new OutboundUrlError('unresolved', `The webhook host ${host} does not resolve to an address.`);
	}
	return addresses;
}

// The connection

/** The error a refused lookup answers with; Node destroys the socket with it, so the request emits it. */
function policyError(hostname: string, message: string): NodeJS.ErrnoException {
	return Object.assign(new Error(message), { code: OUTBOUND_POLICY_ERROR_CODE, hostname });
}

/**
 * A `lookup` function for node:http / node:https `request({ lookup })` that resolves like dns.lookup and
 * then refuses (calls back with an Error whose `code` is 'EOUTBOUNDPOLICY' and whose message is the
 * refusal sentence) when a resolved address is refused: this closes the DNS-rebinding gap between
 * checkDestination and the connection, since the address checked is the address connected to. It
 * always resolves every address and refuses if any is refused, the same rule as checkDestination, then
 * answers in the shape asked for: `options.all` true gives `callback(err, addresses[])`, otherwise
 * `callback(err, address, family)`. IP-literal hostnames are checked without a lookup (Node 20 does not
 * call `lookup` for them, so `checkUrl` must catch them before the request).
 */
export function guardedLookup(policy: OutboundPolicy): LookupFunction {
	return (hostname, options, callback) => {
		const wantsAll = options?.all === true;
		const answer = (addresses: readonly LookupAddress[]): void => {
			const refused = refusalOfAny(
				addresses.map(({ address }) => address),
				policy
			);
			const first = addresses[0];
			if (refused) callback(policyError(hostname, refused), wantsAll ? [] : '');
			else if (wantsAll) callback(null, [...addresses]);
			else if (first) callback(null, first.address, first.family);
			else callback(policyError(hostname, `${hostname} does not resolve to an address.`), '');
		};

		const literal = parseAddress(hostname);
		if (literal) {
			answer([{ address: hostname.replace(/^\[(.*)\]$/, '$1'), family: literal.family }]);
			return;
		}
		const lookupOptions: LookupOptions & { all: true } = { ...options, all: true };
		lookupCallback(hostname, lookupOptions, (error, addresses) => {
			if (error) callback(error, wantsAll ? [] : '');
			else answer(addresses);
		});
	};
}
