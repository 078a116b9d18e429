import * as dns from 'node:dns';
import * as dnsPromises from 'node:dns/promises';
import { createServer, get, type RequestOptions, type Server } from 'node:http';
import { getDefaultAutoSelectFamily, type AddressInfo, type LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
	checkDestination,
	checkUrl,
	guardedLookup,
	inNetwork,
	isOutboundUrlError,
	nonPublicReason,
	OutboundUrlError,
	parseNetwork,
	parseNetworks,
	refusal,
	type OutboundPolicy
} from './outbound-policy';

// The resolvers stay real; a test may replace one answer to stage a name with mixed addresses.
vi.mock('node:dns', async (importOriginal) => {
	const real = await importOriginal<typeof dns>();
	return { ...real, lookup: vi.fn(real.lookup) };
});
vi.mock('node:dns/promises', async (importOriginal) => {
	const real = await importOriginal<typeof dnsPromises>();
	return { ...real, lookup: vi.fn(real.lookup) };
});

/** A public and a private address for one name: what a rebinding attacker's DNS answers. */
const MIXED: dns.LookupAddress[] = [
	{ address: '93.184.215.14', family: 4 },
	{ address: '10.0.0.1', family: 4 }
];

const STRICT: OutboundPolicy = { allowed: [] };
const LOOPBACK_ALLOWED: OutboundPolicy = { allowed: parseNetworks('127.0.0.0/8, ::1/128') };

/** Runs `action` and answers the OutboundUrlError it throws; fails when it throws nothing or something else. */
async function outboundError(action: () => unknown): Promise<OutboundUrlError> {
	try {
		await action();
	} catch (error) {
		expect(error).toBeInstanceOf(OutboundUrlError);
		return error as OutboundUrlError;
	}
	throw new Error('expected an OutboundUrlError, and nothing was thrown');
}

describe('nonPublicReason', () => {
	it.each([
		// Public, both families (an IPv4-mapped or NAT64 address carrying a public IPv4 address is public too).
		['8.8.8.8', null],
		['1.1.1.1', null],
		['11.0.0.1', null],
		['100.128.0.1', null],
		['172.32.0.1', null],
		['192.169.0.1', null],
		['2606:4700:4700::1111', null],
		['2a00:1450:4001:80b::200e', null],
		['::ffff:8.8.8.8', null],
		['64:ff9b::808:808', null],
		// IPv4
		['0.0.0.0', 'unspecified'],
		['0.1.2.3', 'unspecified'],
		['10.0.0.1', 'private'],
		['10.255.255.255', 'private'],
		['127.0.0.1', 'loopback'],
		['127.255.255.254', 'loopback'],
		['169.254.169.254', 'link-local'],
		['172.16.0.1', 'private'],
		['172.31.255.255', 'private'],
		['192.168.1.1', 'private'],
		['100.64.0.1', 'shared'],
		['100.127.255.255', 'shared'],
		['192.0.0.8', 'reserved'],
		['192.0.2.1', 'documentation'],
		['198.18.0.1', 'benchmarking'],
		['198.19.255.255', 'benchmarking'],
		['198.51.100.7', 'documentation'],
		['203.0.113.9', 'documentation'],
		['224.0.0.1', 'multicast'],
		['239.255.255.250', 'multicast'],
		['240.0.0.1', 'reserved'],
		['255.255.255.254', 'reserved'],
		['255.255.255.255', 'broadcast'],
		// IPv6
		['::', 'unspecified'],
		['::1', 'loopback'],
		['0:0:0:0:0:0:0:1', 'loopback'],
		['[::1]', 'loopback'],
		['::ffff:127.0.0.1', 'loopback'],
		['::FFFF:127.0.0.1', 'loopback'],
		['::ffff:7f00:1', 'loopback'],
		['::ffff:10.0.0.1', 'private'],
		['::ffff:169.254.169.254', 'link-local'],
		['64:ff9b::7f00:1', 'loopback'],
		['64:ff9b::10.0.0.1', 'private'],
		['fe80::1', 'link-local'],
		['fe80::1%eth0', 'link-local'],
		['FEBF::1', 'link-local'],
		['fec0::1', 'site-local'],
		['fc00::1', 'private'],
		['fd12:3456::1', 'private'],
		['ff02::1', 'multicast'],
		['2001:db8::1', 'documentation'],
		['2001:DB8:FFFF::1', 'documentation'],
		['3fff::1', 'documentation'],
		['2001::1', 'reserved'],
		['2002:7f00:1::', 'reserved'],
		['::127.0.0.1', 'reserved'],
		['100::1', 'reserved']
	])('given %s, then the reason is %j', (address, reason) => {
		expect(nonPublicReason(address)).toBe(reason);
	});

	it.each(['localhost', '2130706433', '0x7f.0.0.1', '0177.0.0.1', '127.1', '1.2.3.4%eth0', ''])(
		'given %j, which is not a canonical address, then it throws a RangeError',
		(text) => {
			expect(() => nonPublicReason(text)).toThrow(RangeError);
		}
	);
});

describe('parseNetwork', () => {
	it.each([
		['127.0.0.0/8', '127.0.0.0/8', 4, 8],
		[' 10.1.2.3 ', '10.1.2.3/32', 4, 32],
		['0.0.0.0/0', '0.0.0.0/0', 4, 0],
		['::1/128', '::1/128', 6, 128],
		['::1', '::1/128', 6, 128],
		['FD00::/8', 'fd00::/8', 6, 8],
		['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1/128', 6, 128],
		['::ffff:127.0.0.0/104', '::ffff:127.0.0.0/104', 6, 104]
	])('given %j, then it is %s (IPv%i, /%i)', (text, canonical, family, prefix) => {
		expect(parseNetwork(text)).toMatchObject({ text: canonical, family, prefix });
	});

	it.each([
		['10.0.0.0/33', /from 0 to 32/],
		['::/129', /from 0 to 128/],
		['10.0.0.0/', /prefix length/],
		['10.0.0.0/-1', /prefix length/],
		['10.0.0.0/8.5', /prefix length/],
		['10.0.0.0/8/8', /not a network/],
		['abc', /not a network/],
		['', /not a network/],
		['10.0.0.256/32', /not a network/],
		['0x7f.0.0.0/8', /not a network/],
		['fe80::1%eth0/128', /not a network/],
		['[::1]/128', /not a network/],
		['10.1.2.3/8', /did you mean 10\.0\.0\.0\/8\?/],
		['fd00::1/8', /did you mean fd00::\/8\?/]
	])('given %j, then it throws a RangeError that names it', (text, message) => {
		expect(() => parseNetwork(text)).toThrow(RangeError);
		expect(() => parseNetwork(text)).toThrow(message);
		expect(() => parseNetwork(text)).toThrow(`"${text.trim()}"`);
	});
});

describe('parseNetworks', () => {
	it('given a list separated by commas and spaces, then it parses every entry', () => {
		expect(
			parseNetworks(' 10.0.0.0/8   192.168.0.0/16,,fd00::/8 ,::1 ').map((network) => network.text)
		).toEqual(['10.0.0.0/8', '192.168.0.0/16', 'fd00::/8', '::1/128']);
	});

	it('given an empty or blank value, then it allows nothing', () => {
		expect(parseNetworks('')).toEqual([]);
		expect(parseNetworks(' , ')).toEqual([]);
	});

	it('given one bad entry, then it throws a RangeError naming that entry', () => {
		expect(() => parseNetworks('10.0.0.0/8, abc, ::1/128')).toThrow(RangeError);
		expect(() => parseNetworks('10.0.0.0/8, abc, ::1/128')).toThrow('"abc"');
		expect(() => parseNetworks('10.0.0.0/33')).toThrow('"10.0.0.0/33"');
	});
});

describe('inNetwork', () => {
	it('given the edges of an IPv4 network, then the first and last address are in it and their neighbours are not', () => {
		const network = parseNetwork('172.16.0.0/12');
		expect(inNetwork('172.16.0.0', network)).toBe(true);
		expect(inNetwork('172.31.255.255', network)).toBe(true);
		expect(inNetwork('172.15.255.255', network)).toBe(false);
		expect(inNetwork('172.32.0.0', network)).toBe(false);
	});

	it('given the edges of an IPv6 network, then case and zone do not matter', () => {
		const network = parseNetwork('fe80::/10');
		expect(inNetwork('FE80::1%eth0', network)).toBe(true);
		expect(inNetwork('febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', network)).toBe(true);
		expect(inNetwork('fec0::', network)).toBe(false);
	});

	it('given an IPv4-mapped address, then it is its IPv4 address, whichever way the network is written', () => {
		expect(inNetwork('::ffff:127.0.0.1', parseNetwork('127.0.0.0/8'))).toBe(true);
		expect(inNetwork('[::ffff:7f00:1]', parseNetwork('127.0.0.0/8'))).toBe(true);
		expect(inNetwork('127.0.0.1', parseNetwork('::ffff:127.0.0.0/104'))).toBe(true);
		expect(inNetwork('128.0.0.1', parseNetwork('::ffff:127.0.0.0/104'))).toBe(false);
	});

	it('given an IPv6 address and an IPv4 network, then it is not in it', () => {
		expect(inNetwork('::1', parseNetwork('0.0.0.0/0'))).toBe(false);
		expect(inNetwork('2001:db8::1', parseNetwork('0.0.0.0/0'))).toBe(false);
		expect(inNetwork('::7f00:1', parseNetwork('127.0.0.0/8'))).toBe(false);
	});

	it('given text that is not an address, then it throws a RangeError', () => {
		expect(() => inNetwork('localhost', parseNetwork('127.0.0.0/8'))).toThrow(RangeError);
	});
});

describe('refusal', () => {
	it('given no allowed networks, then a loopback address is refused with a sentence naming the setting', () => {
		expect(refusal('127.0.0.1', STRICT)).toMatch(
			/^127\.0\.0\.1 is a loopback address; allow it with LOBBY_WEBHOOK_ALLOWED_NETWORKS/
		);
		expect(refusal('::1', STRICT)).toMatch(/^::1 is a loopback address/);
		expect(refusal('169.254.169.254', STRICT)).toMatch(/link-local/);
	});

	it('given a public address, then it is allowed whatever the policy', () => {
		expect(refusal('8.8.8.8', STRICT)).toBeNull();
		expect(refusal('2606:4700:4700::1111', STRICT)).toBeNull();
		expect(refusal('1.1.1.1', LOOPBACK_ALLOWED)).toBeNull();
	});

	it('given 127.0.0.0/8 allowed, then 127.0.0.1 goes through but 10.0.0.1 does not', () => {
		const policy: OutboundPolicy = { allowed: [parseNetwork('127.0.0.0/8')] };
		expect(refusal('127.0.0.1', policy)).toBeNull();
		expect(refusal('127.8.9.10', policy)).toBeNull();
		expect(refusal('::ffff:127.0.0.1', policy)).toBeNull();
		expect(refusal('10.0.0.1', policy)).toMatch(/^10\.0\.0\.1 is a private address/);
		expect(refusal('::1', policy)).toMatch(/loopback/);
	});

	it('given ::1/128 allowed, then ::1 goes through in any spelling but 127.0.0.1 does not', () => {
		const policy: OutboundPolicy = { allowed: [parseNetwork('::1/128')] };
		expect(refusal('::1', policy)).toBeNull();
		expect(refusal('0:0:0:0:0:0:0:1', policy)).toBeNull();
		expect(refusal('[::1]', policy)).toBeNull();
		expect(refusal('127.0.0.1', policy)).toMatch(/loopback/);
	});

	it('given text that is not an address, then it is refused rather than thrown', () => {
		expect(refusal('example.com', LOOPBACK_ALLOWED)).toMatch(/not an IP address/);
	});
});

describe('checkUrl', () => {
	it.each([
		['ftp://example.com/hook', 'scheme'],
		['file:///etc/passwd', 'scheme'],
		['javascript:alert(1)', 'scheme'],
		['http://user:pw@example.com/', 'credentials'],
		['http://user@example.com/', 'credentials'],
		['not a url', 'malformed'],
		['http://[fe80::1%25eth0]/', 'malformed'],
		['https://example.com/hooks#top', 'fragment'],
		['https://example.com/hooks#', 'fragment'],
		['http://127.0.0.1/', 'refused'],
		['http://[::1]:8080/', 'refused'],
		['http://[::ffff:127.0.0.1]/', 'refused'],
		['http://2130706433/', 'refused'],
		['http://0x7f.0.0.1/', 'refused'],
		['http://0177.0.0.1/', 'refused'],
		['http://127.1/', 'refused'],
		['http://169.254.169.254/latest/meta-data', 'refused'],
		['http://10.0.0.1:8080/hook', 'refused'],
		['http://[fd00::1]/', 'refused']
	])('given %s, then it is refused for its %s', async (text, reason) => {
		const error = await outboundError(() => checkUrl(text, STRICT));
		expect(error.reason).toBe(reason);
		expect(isOutboundUrlError(error)).toBe(true);
		expect(error.message).toMatch(/\.$/);
		expect(error.message).not.toMatch(/undefined|null/);
	});

	it('given other spellings of 127.0.0.1, then the URL parser rewrites them and the refusal names 127.0.0.1', async () => {
		for (const text of ['http://2130706433/', 'http://0x7f.0.0.1/', 'http://0x7f.1/', 'http://127.0.0.1./']) {
			expect(new URL(text).hostname).toBe('127.0.0.1');
			const error = await outboundError(() => checkUrl(text, STRICT));
			expect(error.message).toMatch(/^127\.0\.0\.1 is a loopback address/);
		}
	});

	it('given a public https URL, then it is returned as a URL', () => {
		const url = checkUrl('https://example.com/hooks', STRICT);
		expect(url).toBeInstanceOf(URL);
		expect(url.href).toBe('https://example.com/hooks');
		expect(checkUrl('http://example.com:8443/in?x=1', STRICT).port).toBe('8443');
	});

	it('given a name such as localhost, then the form is fine and DNS is left to checkDestination', () => {
		expect(checkUrl('http://localhost:3000/', STRICT).hostname).toBe('localhost');
	});

	it('given 127.0.0.0/8 allowed, then http://127.0.0.1:9/ is accepted, and [::1] is not', async () => {
		const policy: OutboundPolicy = { allowed: [parseNetwork('127.0.0.0/8')] };
		expect(checkUrl('http://127.0.0.1:9/', policy).port).toBe('9');
		expect((await outboundError(() => checkUrl('http://[::1]:9/', policy))).reason).toBe('refused');
	});

	it('given ::1/128 allowed, then http://[::1]:8080/ is accepted', () => {
		expect(checkUrl('http://[::1]:8080/', { allowed: [parseNetwork('::1/128')] }).hostname).toBe('[::1]');
	});
});

describe('checkDestination', () => {
	it('given localhost and no allowed networks, then it is refused and the message says what it resolved to', async () => {
		const error = await outboundError(() => checkDestination(new URL('http://localhost/'), STRICT));
		expect(error.reason).toBe('refused');
		expect(error.message).toMatch(/^localhost resolves to .*: .* is a loopback address/);
	});

	it('given localhost with 127.0.0.0/8 and ::1/128 allowed, then it answers the loopback addresses', async () => {
		const addresses = await checkDestination(new URL('http://localhost/'), LOOPBACK_ALLOWED);
		expect(addresses.length).toBeGreaterThan(0);
		for (const address of addresses) expect(['127.0.0.1', '::1']).toContain(address);
	});

	it('given a name that does not resolve, then it says so clearly', async () => {
		const error = await outboundError(() =>
			checkDestination(new URL('https://nonexistent.invalid/'), STRICT)
		);
		expect(error.reason).toBe('unresolved');
		expect(error.message).toMatch(/^The webhook host nonexistent\.invalid does not resolve to an address/);
	});

	it('given a name that resolves to a public and a private address, then it is refused', async () => {
		vi.mocked(dnsPromises.lookup).mockResolvedValueOnce(MIXED as never);
		const error = await outboundError(() => checkDestination(new URL('https://mixed.example/'), STRICT));
		expect(error.reason).toBe('refused');
		expect(error.message).toMatch(
			/^mixed\.example resolves to 93\.184\.215\.14, 10\.0\.0\.1: 10\.0\.0\.1 is a private address/
		);
		expect(dnsPromises.lookup).toHaveBeenLastCalledWith('mixed.example', { all: true, verbatim: true });
	});

	it('given an IP-literal host, then it is judged without a lookup', async () => {
		expect(await checkDestination(new URL('http://8.8.8.8/'), STRICT)).toEqual(['8.8.8.8']);
		expect(await checkDestination(new URL('http://[2606:4700:4700::1111]/'), STRICT)).toEqual([
			'2606:4700:4700::1111'
		]);
		const error = await outboundError(() => checkDestination(new URL('http://[::1]/'), STRICT));
		expect(error.message).toMatch(/^::1 is a loopback address/);
	});
});

describe('guardedLookup', () => {
	type Answer = {
		error: NodeJS.ErrnoException | null;
		address: string | dns.LookupAddress[];
		family?: number;
	};

	/** Makes the next node:dns lookup answer `addresses`, whatever it was asked. */
	function stageLookup(addresses: dns.LookupAddress[]): void {
		const staged = (
			_hostname: string,
			_options: object,
			callback: (error: null, all: dns.LookupAddress[]) => void
		) => callback(null, addresses);
		vi.mocked(dns.lookup).mockImplementationOnce(staged as typeof dns.lookup);
	}

	function callLookup(lookup: LookupFunction, hostname: string, options: { all?: boolean }): Promise<Answer> {
		return new Promise((resolve) => {
			lookup(hostname, options, (error, address, family) => resolve({ error, address, family }));
		});
	}

	it('given localhost and no allowed networks, then both call shapes answer an EOUTBOUNDPOLICY error', async () => {
		for (const options of [{ all: true }, { all: false }, {}]) {
			const { error } = await callLookup(guardedLookup(STRICT), 'localhost', options);
			expect(error?.code).toBe('EOUTBOUNDPOLICY');
			expect(error?.message).toMatch(/is a loopback address/);
		}
	});

	it('given localhost allowed and all: true, then it answers every address with its family', async () => {
		const { error, address } = await callLookup(guardedLookup(LOOPBACK_ALLOWED), 'localhost', { all: true });
		expect(error).toBeNull();
		expect(Array.isArray(address)).toBe(true);
		expect(address).toContainEqual(
			expect.objectContaining({ address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) })
		);
	});

	it('given localhost allowed and all: false, then it answers one address and its family', async () => {
		const { error, address, family } = await callLookup(guardedLookup(LOOPBACK_ALLOWED), 'localhost', {
			all: false
		});
		expect(error).toBeNull();
		expect(['127.0.0.1', '::1']).toContain(address);
		expect(family).toBe(address === '::1' ? 6 : 4);
	});

	it('given a name that resolves to a public address first and a private one second, then both shapes refuse it', async () => {
		for (const options of [{ all: true }, { all: false }]) {
			stageLookup(MIXED);
			const { error } = await callLookup(guardedLookup(STRICT), 'mixed.example', options);
			expect(error?.code).toBe('EOUTBOUNDPOLICY');
			expect(error?.message).toMatch(/^10\.0\.0\.1 is a private address/);
		}
		stageLookup(MIXED);
		const allowed = await callLookup(
			guardedLookup({ allowed: parseNetworks('10.0.0.0/8') }),
			'mixed.example',
			{}
		);
		expect(allowed).toEqual({ error: null, address: '93.184.215.14', family: 4 });
	});

	it('given an IP-literal hostname, then it is judged as it is, without asking the resolver', async () => {
		vi.mocked(dns.lookup).mockClear();
		const refused = await callLookup(guardedLookup(STRICT), '127.0.0.1', {});
		expect(refused.error?.code).toBe('EOUTBOUNDPOLICY');
		expect(await callLookup(guardedLookup(STRICT), '8.8.8.8', {})).toEqual({
			error: null,
			address: '8.8.8.8',
			family: 4
		});
		expect(await callLookup(guardedLookup(LOOPBACK_ALLOWED), '::1', { all: true })).toEqual({
			error: null,
			address: [{ address: '::1', family: 6 }],
			family: undefined
		});
		expect(dns.lookup).not.toHaveBeenCalled();
	});

	describe('in a real node:http request', () => {
		let server: Server;
		let port: number;
		let requests = 0;
		let connections = 0;

		beforeAll(async () => {
			server = createServer((_request, response) => {
				requests++;
				response.end('ok');
			});
			server.on('connection', () => connections++);
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			port = (server.address() as AddressInfo).port;
		});

		afterAll(async () => {
			await new Promise((resolve) => server.close(resolve));
		});

		/** GETs the server by name with the guarded lookup, and records the call shape Node used. */
		function fetchLocalhost(
			policy: OutboundPolicy,
			options: RequestOptions = {}
		): Promise<{ status?: number; error?: NodeJS.ErrnoException; shapes: boolean[] }> {
			const shapes: boolean[] = [];
			const guarded = guardedLookup(policy);
			const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
				shapes.push(lookupOptions.all === true);
				guarded(hostname, lookupOptions, callback);
			};
			return new Promise((resolve) => {
				const request = get(`http://localhost:${port}/`, { ...options, lookup, agent: false }, (response) => {
					response.resume();
					response.on('end', () => resolve({ status: response.statusCode, shapes }));
				});
				request.on('error', (error) => resolve({ error, shapes }));
			});
		}

		it('given no allowed networks, then the request fails with EOUTBOUNDPOLICY and the server sees nothing', async () => {
			const before = { requests, connections };
			for (const options of [{}, { family: 4 }]) {
				const result = await fetchLocalhost(STRICT, options);
				expect(result.status).toBeUndefined();
				expect(result.error?.code).toBe('EOUTBOUNDPOLICY');
				expect(result.error?.message).toMatch(/is a loopback address/);
				expect(result.shapes.length).toBeGreaterThan(0);
			}
			expect({ requests, connections }).toEqual(before);
		});

		it('given 127.0.0.0/8 allowed, then the request is answered 200, whichever call shape Node uses', async () => {
			const policy: OutboundPolicy = { allowed: [parseNetwork('127.0.0.0/8'), parseNetwork('::1/128')] };
			const requestsBefore = requests;
			const happyEyeballs = await fetchLocalhost(policy);
			expect(happyEyeballs.status).toBe(200);
			expect(happyEyeballs.shapes).toEqual([getDefaultAutoSelectFamily()]);
			// family 4 makes Node ask for one address (all: false) rather than all of them.
			const single = await fetchLocalhost({ allowed: [parseNetwork('127.0.0.0/8')] }, { family: 4 });
			expect(single.status).toBe(200);
			expect(single.shapes).toEqual([false]);
			expect(requests).toBe(requestsBefore + 2);
		});
	});
});
