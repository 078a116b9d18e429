/**
 * Identifiers sent to the built server that break their format (a NUL, a line feed, too long) are
 * bad requests with a message, over real HTTP and a real Socket.IO connection: never an internal
 * error, and never raw bytes in the server's log. Well-formed ids that name nothing are not found.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Client } from '../helpers/clients';
import { TEST_ADMIN_PASSWORD } from '../helpers/directory';
import { loggedFaults } from '../helpers/log-capture';
import { serverPerSuite } from '../helpers/suite-server';

const UNKNOWN_MEETING = 'f3b1c2d4-0000-4000-8000-000000000000';

describe('identifiers at the edge', () => {
	const suite = serverPerSuite();
	let adminToken: string;
	let socket: Client;

	async function call(method: string, path: string, body?: unknown) {
		const response = await fetch(`${suite.server.url}/api/v1${path}`, {
			method,
			headers: {
				authorization: `Bearer ${adminToken}`,
				...(body === undefined ? {} : { 'content-type': 'application/json' })
			},
			body: body === undefined ? undefined : JSON.stringify(body)
		});
		const json = (await response.json()) as { error?: { code: string; message: string } };
		return { status: response.status, json };
	}

	beforeAll(async () => {
		const response = await fetch(`${suite.server.url}/api/v1/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email: 'admin@contoso.com', password: TEST_ADMIN_PASSWORD })
		});
		expect(response.status).toBe(201);
		adminToken = ((await response.json()) as { token: string }).token;
		socket = await connect(suite.server.url);
	});

	afterAll(() => {
		socket?.disconnect();
	});

	describe('GET /api/v1/meetings/:id', () => {
		it.each([
			['a NUL', '%00'],
			['a line feed', '%0a'],
			['a NUL inside a UUID', 'f3b1c2d4-0000-4000-8000-%0000000000'],
			['65 characters', 'a'.repeat(65)]
		])('given a meeting id with %s, then it answers 400 bad-request saying the format', async (_, id) => {
			const { status, json } = await call('GET', `/meetings/${id}`);
			expect(status).toBe(400);
			expect(json.error).toEqual({
				code: 'bad-request',
				message: expect.stringMatching(/^meetingId must be 1 to 64 letters, digits, - or _/)
			});
		});

		it('given a well-formed meeting id that names no meeting, then it answers 404 not-found', async () => {
			const { status, json } = await call('GET', `/meetings/${UNKNOWN_MEETING}`);
			expect(status).toBe(404);
			expect(json.error?.code).toBe('not-found');
		});
	});

	describe('/api/v1/dial-in-users/:identity', () => {
		const routes = [
			['GET', ''],
			['PATCH', ''],
			['POST', '/unlock'],
			['POST', '/enable'],
			['POST', '/disable'],
			['POST', '/reset-leader-pin']
		] as const;
		const bodyFor = (method: string) =>
			method === 'PATCH' ? { allowPstnOnlyMeetings: true } : method === 'POST' ? {} : undefined;

		it.each(routes)(
			'given identities with a NUL, a line feed, 255 characters or bytes that are not UTF-8, when %s %s, then it answers 400 bad-request in JSON',
			async (method, rest) => {
				for (const [identity, message] of [
					['%00', /printable text/],
					['amos.marble%0a', /printable text/],
					['a'.repeat(255), /at most 254 characters/],
					['%ff%fe', /malformed percent-escape/],
					['%C0%AF', /malformed percent-escape/]
				] as const) {
					const { status, json } = await call(method, `/dial-in-users/${identity}${rest}`, bodyFor(method));
					expect(status, `${method} ${identity}${rest}`).toBe(400);
					expect(json.error).toEqual({ code: 'bad-request', message: expect.stringMatching(message) });
				}
			}
		);

		it.each(routes)(
			'given a well-formed identity that names no one, when %s %s, then it answers 404 not-found',
			async (method, rest) => {
				const { status, json } = await call(
					method,
					`/dial-in-users/nobody.here@contoso.com${rest}`,
					bodyFor(method)
				);
				expect(status).toBe(404);
				expect(json.error?.code).toBe('not-found');
			}
		);

		it('given a known user by alias, then it still answers 200', async () => {
			const { status } = await call('GET', '/dial-in-users/amos.marble');
			expect(status).toBe(200);
		});
	});

	describe('monitor:subscribe over Socket.IO', () => {
		it.each([
			['a NUL', '\u0000'],
			['a line feed', 'm1\n'],
			['65 characters', 'a'.repeat(65)]
		])('given a meeting id with %s, then it answers bad-request saying the format', async (_, meetingId) => {
			const answer = await socket.emitWithAck('monitor:subscribe', { scope: 'meeting', meetingId });
			expect(answer).toEqual({
				ok: false,
				error: { code: 'bad-request', message: expect.stringMatching(/^meetingId must be 1 to 64 letters/) }
			});
		});

		it('given a well-formed meeting id that names no meeting, then it answers not-found', async () => {
			const answer = await socket.emitWithAck('monitor:subscribe', {
				scope: 'meeting',
				meetingId: UNKNOWN_MEETING
			});
			expect(answer).toMatchObject({ ok: false, error: { code: 'not-found' } });
		});

		it('given a conference ID with a NUL, when joining from the client, then it answers bad-request', async () => {
			const answer = await socket.emitWithAck('client:join', { conferenceId: '4410273\u0000' });
			expect(answer).toEqual({
				ok: false,
				error: { code: 'bad-request', message: 'conferenceId must be 1 to 20 digits' }
			});
		});
	});

	describe('free text and other inputs', () => {
		it.each([
			['a token id with a NUL', 'DELETE', '/tokens/%00', undefined],
			['a token name with a NUL', 'POST', '/tokens', { name: 'a\u0000b' }],
			['a token name with a lone surrogate', 'POST', '/tokens', { name: 'a\ud800' }],
			['an audit filter with a NUL', 'GET', '/audit?actor=%00', undefined],
			['a directory search with a NUL', 'GET', '/dial-in-users?search=%00', undefined],
			['a scenario file with a NUL', 'POST', '/scenarios/live', { file: '\u0000', speed: 1 }]
		] as const)('given %s, then the API answers 400 bad-request', async (_, method, path, body) => {
			const { status, json } = await call(method, path, body);
			expect(status).toBe(400);
			expect(json.error?.code).toBe('bad-request');
		});

		it('given a 3 MB body, then the API answers 400 naming the limit, not a server error', async () => {
			const response = await fetch(`${suite.server.url}/api/v1/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: 'a'.repeat(3_000_000)
			});
			expect(response.status).toBe(400);
			expect(await response.text()).toContain('larger than 64 KB');
		});

		it('given a sign-in address with a NUL and a forged log line, then the page answers 400 and the log holds neither', async () => {
			const response = await fetch(`${suite.server.url}/signin`, {
				method: 'POST',
				redirect: 'manual',
				headers: {
					origin: suite.server.url,
					accept: 'text/html',
					'content-type': 'application/x-www-form-urlencoded'
				},
				body: new URLSearchParams({
					email: 'x\u0000\n[lobby] Lobby is listening on http://forged-line\nz',
					password: 'x'
				})
			});
			expect(response.status).toBe(400);
			expect(suite.server.output()).not.toContain('forged-line');
		});

		it('given a scenario file with a NUL over Socket.IO, then it answers bad-request', async () => {
			const answer = await socket.emitWithAck('scenario:start', { file: '\u0000', speed: 1 });
			expect(answer).toMatchObject({ ok: false, error: { code: 'bad-request' } });
		});
	});

	it('given no such endpoint or a method the endpoint lacks, then the API answers in JSON with a code, not a page', async () => {
		const missing = await call('GET', '/no-such-endpoint');
		expect(missing).toEqual({
			status: 404,
			json: { error: { code: 'not-found', message: expect.stringContaining('openapi.json') } }
		});
		const response = await fetch(`${suite.server.url}/api/v1/meetings`, {
			method: 'PUT',
			headers: { authorization: `Bearer ${adminToken}` }
		});
		expect(response.status).toBe(405);
		expect(response.headers.get('allow')).toContain('GET');
		expect(await response.json()).toEqual({
			error: { code: 'method-not-allowed', message: expect.stringContaining('PUT /api/v1/meetings') }
		});
	});

	it('after all of that, the server log has no raw NUL and no internal error', () => {
		const output = suite.server.output();
		expect(output).toContain('listening on');
		expect(output).not.toContain('\u0000');
		expect(loggedFaults(output)).toEqual([]);
	});
});
