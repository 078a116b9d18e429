import { describe, expect, it } from 'vitest';
import { originAllowed, parseOrigin } from './allowed-origin';

describe('parseOrigin', () => {
	it.each([
		['https://lobby.example', 'https://lobby.example'],
		['HTTPS://Lobby.Example/', 'https://lobby.example'],
		['http://10.0.0.5:3000', 'http://10.0.0.5:3000'],
		['https://lobby.example:443', 'https://lobby.example']
	])('reads %j as %j', (raw, expected) => {
		expect(parseOrigin(raw)).toBe(expected);
	});

	it.each([
		'null',
		'',
		'lobby.example',
		'ftp://lobby.example',
		'https://lobby.example/path',
		'https://u:p@x.example'
	])('refuses %j', (raw) => {
		expect(parseOrigin(raw)).toBeNull();
	});
});

describe('originAllowed', () => {
	const none: string[] = [];

	it('given no Origin (the CLI, scripts), it allows the handshake', () => {
		expect(originAllowed({ origin: undefined, host: '127.0.0.1:3000', allowedOrigins: none })).toBe(true);
		expect(originAllowed({ origin: '', host: '127.0.0.1:3000', allowedOrigins: none })).toBe(true);
	});

	it('allows a page from the host and port the request was sent to', () => {
		expect(
			originAllowed({ origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000', allowedOrigins: none })
		).toBe(true);
		expect(
			originAllowed({ origin: 'https://Lobby.example', host: 'lobby.example', allowedOrigins: none })
		).toBe(true);
		expect(
			originAllowed({ origin: 'https://lobby.example', host: 'lobby.example:443', allowedOrigins: none })
		).toBe(true);
	});

	it('refuses another site, another port, and the opaque origin', () => {
		for (const origin of ['http://evil.example', 'http://127.0.0.1:3001', 'null', 'not a url']) {
			expect(originAllowed({ origin, host: '127.0.0.1:3000', allowedOrigins: none }), origin).toBe(false);
		}
		expect(originAllowed({ origin: 'http://evil.example', host: undefined, allowedOrigins: none })).toBe(
			false
		);
	});

	it('allows the origins the operator listed, exactly', () => {
		const allowed = ['https://lobby.example', 'http://trainer.example:8080'];
		expect(
			originAllowed({ origin: 'https://lobby.example', host: '10.0.0.5:3000', allowedOrigins: allowed })
		).toBe(true);
		expect(
			originAllowed({ origin: 'http://lobby.example', host: '10.0.0.5:3000', allowedOrigins: allowed })
		).toBe(false);
		expect(
			originAllowed({ origin: 'http://trainer.example', host: '10.0.0.5:3000', allowedOrigins: allowed })
		).toBe(false);
	});

	it('allows the public host a proxy names, when the operator told adapter-node to read it', () => {
		expect(
			originAllowed({
				origin: 'https://lobby.example',
				host: '10.0.0.5:3000',
				publicHost: 'lobby.example',
				allowedOrigins: none
			})
		).toBe(true);
	});
});
