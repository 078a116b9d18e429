import { describe, expect, it } from 'vitest';
import { clientAddress, normalizeAddress, parseAddressList } from './client-address';

describe('normalizeAddress', () => {
	it.each([
		['10.0.0.7', '10.0.0.7'],
		[' 10.0.0.7 ', '10.0.0.7'],
		['::ffff:10.0.0.7', '10.0.0.7'],
		['::FFFF:10.0.0.7', '10.0.0.7'],
		['2001:DB8::1', '2001:db8::1'],
		['[2001:db8::1]', '2001:db8::1'],
		['[2001:db8::1]:443', '2001:db8::1'],
		['fe80::1%eth0', 'fe80::1'],
		['10.0.0.7:5678', '10.0.0.7'],
		['::1', '::1']
	])('reads %j as %j', (raw, expected) => {
		expect(normalizeAddress(raw)).toBe(expected);
	});

	it.each(['', 'unknown', 'evil.example', '999.1.1.1', '10.0.0', '_hidden', 'x'.repeat(200)])(
		'answers null for %j',
		(raw) => {
			expect(normalizeAddress(raw)).toBeNull();
		}
	);
});

describe('parseAddressList', () => {
	it('reads a comma-separated list and names the entries that are not addresses', () => {
		expect(parseAddressList(' 10.0.0.1, ::ffff:10.0.0.2,,proxy.local , ::1')).toEqual({
			addresses: ['10.0.0.1', '10.0.0.2', '::1'],
			invalid: ['proxy.local']
		});
		expect(parseAddressList('')).toEqual({ addresses: [], invalid: [] });
	});
});

describe('clientAddress', () => {
	const proxy = '10.0.0.1';

	it('given no trusted proxies, it is the peer address, whatever X-Forwarded-For says', () => {
		expect(clientAddress({ remoteAddress: '203.0.113.9', forwardedFor: null, trustedProxies: [] })).toBe(
			'203.0.113.9'
		);
		expect(
			clientAddress({ remoteAddress: '203.0.113.9', forwardedFor: '198.51.100.1', trustedProxies: [] })
		).toBe('203.0.113.9');
	});

	it('ignores a spoofed X-Forwarded-For from a peer that is not a trusted proxy', () => {
		expect(
			clientAddress({
				remoteAddress: '203.0.113.9',
				forwardedFor: '198.51.100.1, 10.0.0.1',
				trustedProxies: [proxy]
			})
		).toBe('203.0.113.9');
	});

	it('behind a trusted proxy, it is the address the proxy appended', () => {
		expect(
			clientAddress({ remoteAddress: proxy, forwardedFor: '198.51.100.1', trustedProxies: [proxy] })
		).toBe('198.51.100.1');
	});

	it('takes the right-most untrusted entry, so a client cannot prepend a chosen address', () => {
		expect(
			clientAddress({
				remoteAddress: proxy,
				forwardedFor: '1.1.1.1, 2.2.2.2, 198.51.100.1',
				trustedProxies: [proxy]
			})
		).toBe('198.51.100.1');
	});

	it('walks a chain of trusted proxies', () => {
		expect(
			clientAddress({
				remoteAddress: '10.0.0.2',
				forwardedFor: '1.1.1.1, 198.51.100.1, 10.0.0.1',
				trustedProxies: ['10.0.0.1', '10.0.0.2']
			})
		).toBe('198.51.100.1');
	});

	it('reads repeated headers as one list', () => {
		expect(
			clientAddress({
				remoteAddress: proxy,
				forwardedFor: ['1.1.1.1', '198.51.100.1'],
				trustedProxies: [proxy]
			})
		).toBe('198.51.100.1');
	});

	it('reads IPv6 and IPv4-mapped peers and entries', () => {
		expect(
			clientAddress({ remoteAddress: '::ffff:203.0.113.9', forwardedFor: null, trustedProxies: [] })
		).toBe('203.0.113.9');
		expect(
			clientAddress({
				remoteAddress: '::ffff:10.0.0.1',
				forwardedFor: '[2001:DB8::7]:51000',
				trustedProxies: [proxy]
			})
		).toBe('2001:db8::7');
		expect(
			clientAddress({ remoteAddress: 'fd00::1', forwardedFor: '2001:db8::7', trustedProxies: ['fd00::1'] })
		).toBe('2001:db8::7');
	});

	it('answers the nearest trusted hop when the entry before it is not an address', () => {
		expect(
			clientAddress({
				remoteAddress: '10.0.0.2',
				forwardedFor: 'unknown, 10.0.0.1',
				trustedProxies: ['10.0.0.1', '10.0.0.2']
			})
		).toBe('10.0.0.1');
	});

	it('answers the proxy itself when the header is empty or lists only trusted proxies', () => {
		expect(clientAddress({ remoteAddress: proxy, forwardedFor: '', trustedProxies: [proxy] })).toBe(proxy);
		expect(clientAddress({ remoteAddress: proxy, forwardedFor: ' , ', trustedProxies: [proxy] })).toBe(proxy);
		expect(
			clientAddress({
				remoteAddress: '10.0.0.2',
				forwardedFor: '10.0.0.1',
				trustedProxies: [proxy, '10.0.0.2']
			})
		).toBe('10.0.0.1');
	});

	it('answers "unknown" when the peer address is missing or unreadable', () => {
		expect(clientAddress({ remoteAddress: undefined, trustedProxies: [] })).toBe('unknown');
		expect(clientAddress({ remoteAddress: 'garbage', forwardedFor: '1.1.1.1', trustedProxies: [] })).toBe(
			'unknown'
		);
	});
});
