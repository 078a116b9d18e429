/**
 * The HTTP API over real HTTP against the built server: tokens (hashed, shown once, revocable,
 * every call audited under the owner), JSON errors with the right statuses, the served OpenAPI
 * document, and reading meetings.
 */
import { wholePin } from '$lib/server/services/engine-test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, must, type Client } from '../helpers/clients';
import { TEST_ADMIN_PASSWORD, TEST_USER_PASSWORD } from '../helpers/directory';
import { serverPerSuite } from '../helpers/suite-server';

describe('the HTTP API', () => {
	const suite = serverPerSuite({ directory: { pins: { 'amos.marble@contoso.com': '48213' } } });
	let adminToken: string;
	let userToken: string;
	const sockets: Client[] = [];

	async function call(
		method: string,
		path: string,
		options: { token?: string | null; body?: unknown; raw?: string; type?: string } = {}
	) {
		const headers: Record<string, string> = {};
		if (options.token) headers.authorization = `Bearer ${options.token}`;
		if (options.body !== undefined || options.raw !== undefined)
			headers['content-type'] = options.type ?? 'application/json';
		const response = await fetch(`${suite.server.url}/api/v1${path}`, {
			method,
			headers,
			body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
		});
		// The specs read arbitrary answers field by field; the shapes are asserted, not assumed.
		// eslint-disable-next-line @typescript-eslint/no-explicit-any
		const json = (await response.json()) as Record<string, any>;
		return { status: response.status, headers: response.headers, json };
	}

	async function login(email: string, password: string): Promise<string> {
		const { status, json } = await call('POST', '/login', { body: { email, password } });
		expect(status, JSON.stringify(json)).toBe(201);
		return json.token as string;
	}

	beforeAll(async () => {
		adminToken = await login('admin@contoso.com', TEST_ADMIN_PASSWORD);
		userToken = await login('amos.marble@contoso.com', TEST_USER_PASSWORD);
	});

	afterAll(async () => {
		for (const s of sockets) s.disconnect();
	});

	it('answers 401 with a JSON error and a Bearer challenge without a valid token', async () => {
		const none = await call('GET', '/meetings');
		expect(none.status).toBe(401);
		expect(none.headers.get('www-authenticate')).toContain('Bearer');
		expect(none.json).toEqual({
			error: { code: 'unauthorized', message: expect.stringContaining('API token') }
		});
		const made = await call('GET', '/meetings', { token: 'lobby_not-a-real-token' });
		expect(made.status).toBe(401);
		expect(made.json.error.message).toContain('unknown, revoked or expired');
		const wrongPassword = await call('POST', '/login', {
			body: { email: 'admin@contoso.com', password: 'nope-nope' }
		});
		expect(wrongPassword.status).toBe(401);
	});

	it('answers 400 naming the problem for bad JSON, a wrong content type, unknown or ill-typed fields', async () => {
		const broken = await call('POST', '/dial-in-users/amos.marble/reset-leader-pin', {
			token: adminToken,
			raw: '{"sendEmail":'
		});
		expect(broken).toMatchObject({
			status: 400,
			json: { error: { code: 'bad-request', message: 'The request body is not valid JSON.' } }
		});
		const form = await call('POST', '/dial-in-users/amos.marble/reset-leader-pin', {
			token: adminToken,
			raw: '<sendEmail>true</sendEmail>',
			type: 'application/xml'
		});
		expect(form.status).toBe(400);
		expect(form.json.error.message).toContain('application/json');
		const unknown = await call('PATCH', '/tenant-settings', { token: adminToken, body: { pinLenght: 6 } });
		expect(unknown).toMatchObject({ status: 400, json: { error: { message: 'Unknown field: pinLenght.' } } });
		const range = await call('PATCH', '/tenant-settings', { token: adminToken, body: { pinLength: 13 } });
		expect(range.status).toBe(400);
		expect(range.json.error.message).toMatch(/pinLength: PinLength must be from 4 to 12/);
		const typed = await call('PATCH', '/dial-in-users/amos.marble', {
			token: adminToken,
			body: { allowPstnOnlyMeetings: 'yes' }
		});
		expect(typed.status).toBe(400);
		expect(typed.json.error.message).toMatch(/^allowPstnOnlyMeetings:/);
		const s15 = await call('POST', '/dial-in-users/amos.marble/reset-leader-pin', {
			token: adminToken,
			body: { sendEmailToAddress: 'amos@contoso.com' }
		});
		expect(s15.status).toBe(400);
		expect(s15.json.error.message).toContain('(S15)');
		const limit = await call('GET', '/dial-in-users?limit=0', { token: adminToken });
		expect(limit).toMatchObject({
			status: 400,
			json: { error: { message: 'limit: must be from 1 to 1000' } }
		});
	});

	it('answers 403 to a user for administrator work, 404 for unknown users and meetings, 409 for a conflict', async () => {
		const reset = await call('POST', '/dial-in-users/amos.marble/reset-leader-pin', {
			token: userToken,
			body: {}
		});
		expect(reset.status).toBe(403);
		expect(reset.json.error.code).toBe('forbidden');
		expect((await call('GET', '/dial-in-users', { token: userToken })).status).toBe(403);
		expect((await call('GET', '/audit', { token: userToken })).status).toBe(403);
		// One token policy at every door: a user may make a token of their own (as `lobby login` does),
		// which carries only a user's rights and expires after 30 days unless told otherwise.
		const own = await call('POST', '/tokens', { token: userToken, body: { name: 'own' } });
		expect(own.status).toBe(201);
		expect(own.json.tokenInfo.owner.email).toBe('amos.marble@contoso.com');
		const days =
			(Date.parse(own.json.tokenInfo.expiresAt) - Date.parse(own.json.tokenInfo.createdAt)) / 86_400_000;
		expect(days).toBe(30);
		const ownReset = await call('POST', '/dial-in-users/amos.marble/reset-leader-pin', {
			token: own.json.token,
			body: {}
		});
		expect(ownReset.status).toBe(403);
		const forever = await call('POST', '/tokens', {
			token: adminToken,
			body: { name: 'x', expiresInDays: 366 }
		});
		expect(forever.status).toBe(400);
		expect(forever.json.error.message).toContain('from 1 to 365');

		const nobody = await call('GET', '/dial-in-users/nobody', { token: adminToken });
		expect(nobody).toMatchObject({ status: 404, json: { error: { code: 'not-found' } } });
		expect((await call('GET', '/meetings/no-such-meeting', { token: userToken })).status).toBe(404);
		// Diego is in the directory but not enabled for dial-in: a reset conflicts with that.
		const diego = await call('POST', '/dial-in-users/diego.siciliani/reset-leader-pin', {
			token: adminToken,
			body: {}
		});
		expect(diego.status).toBe(409);
		expect(diego.json.error.message).toContain('enable dial-in first');
	});

	it('never shows a PIN in reads; the reset answer is the one place it appears', async () => {
		const before = await call('GET', '/dial-in-users/amos.marble@contoso.com', { token: adminToken });
		expect(before.json.user).toMatchObject({
			alias: 'amos.marble',
			leaderPin: '*****',
			conferenceId: '4410273'
		});
		const reset = await call('POST', '/dial-in-users/AMOS.MARBLE/reset-leader-pin', {
			token: adminToken,
			body: { sendEmail: false }
		});
		expect(reset.status).toBe(200);
		expect(reset.json.leaderPin).toMatch(/^\d{5}$/);
		expect(reset.json.email).toEqual({ sent: false, reason: 'email-off' });
		const list = await call('GET', '/dial-in-users?search=amos', { token: adminToken });
		expect(JSON.stringify(list.json)).not.toMatch(wholePin(reset.json.leaderPin));
		const audit = await call('GET', '/audit?limit=1000', { token: adminToken });
		expect(JSON.stringify(audit.json)).not.toMatch(wholePin(reset.json.leaderPin));
	});

	it('audits every call made with a token under its owner, refusals included', async () => {
		await call('GET', '/meetings', { token: userToken });
		await call('GET', '/tenant-settings', { token: userToken });
		const { json } = await call('GET', '/audit?action=api.call&actor=amos.marble@contoso.com&limit=1000', {
			token: adminToken
		});
		const entries = json.entries as {
			outcome: string;
			path: string;
			details: { route: string; status: number; method: string };
		}[];
		expect(entries).toContainEqual(
			expect.objectContaining({
				outcome: 'ok',
				path: 'api',
				details: expect.objectContaining({ route: '/api/v1/meetings', status: 200 })
			})
		);
		expect(entries).toContainEqual(
			expect.objectContaining({
				outcome: 'denied',
				details: expect.objectContaining({ route: '/api/v1/tenant-settings', status: 403, method: 'GET' })
			})
		);
	});

	it('stores tokens so that a list never shows a secret, and a revoked token stops at once', async () => {
		const made = await call('POST', '/tokens', {
			token: adminToken,
			body: { name: 'for revoking', expiresInDays: 1 }
		});
		expect(made.status).toBe(201);
		const secret = made.json.token as string;
		expect(secret).toMatch(/^lobby_[\w-]{43}$/);
		expect(made.json.tokenInfo.expiresAt).not.toBeNull();
		const list = await call('GET', '/tokens', { token: adminToken });
		expect(JSON.stringify(list.json)).not.toContain(secret);
		expect(list.json.tokens.map((t: { id: string }) => t.id)).toContain(made.json.tokenInfo.id);
		// A user sees their own tokens only.
		const own = await call('GET', '/tokens', { token: userToken });
		expect(
			own.json.tokens.every((t: { owner: { email: string } }) => t.owner.email === 'amos.marble@contoso.com')
		).toBe(true);
		// And cannot revoke someone else's (it reads as missing).
		expect(
			(await call('DELETE', `/tokens/${made.json.tokenInfo.id as string}`, { token: userToken })).status
		).toBe(404);

		expect((await call('GET', '/me', { token: secret })).status).toBe(200);
		expect(
			(await call('DELETE', `/tokens/${made.json.tokenInfo.id as string}`, { token: adminToken })).status
		).toBe(200);
		expect((await call('GET', '/me', { token: secret })).status).toBe(401);
	});

	it('reads live meetings and one meeting with its timeline, numbers masked', async () => {
		const phone = await connect(suite.server.url);
		sockets.push(phone);
		await must(phone.emitWithAck('call:dial', { phoneNumber: '+46 8 123 45 67', keys: '4410273#' }));
		const { call: view } = await must(phone.emitWithAck('call:keys', { keys: '#' }));
		const meetings = await call('GET', '/meetings', { token: userToken });
		expect(meetings.json.meetings).toContainEqual(
			expect.objectContaining({ meetingId: view.meetingId, status: 'waiting', lobbySize: 1 })
		);
		const one = await call('GET', `/meetings/${view.meetingId!}`, { token: userToken });
		expect(one.status).toBe(200);
		expect(one.json.meeting.lobby[0].phoneNumber).toBe('+46 8 ••• •• 67');
		expect(one.json.timeline.map((e: { event: { type: string } }) => e.event.type)).toContain(
			'CallerEnteredLobby'
		);
	});

	it('serves its OpenAPI description without a token', async () => {
		const { status, json } = await call('GET', '/openapi.json');
		expect(status).toBe(200);
		expect(json.openapi).toBe('3.1.0');
		expect(Object.keys(json.paths)).toContain('/dial-in-users/{identity}/reset-leader-pin');
	});
});
