/**
 * Password guessing against the built server: attempts are counted in the database before the
 * password is checked, so parallel guesses cannot outrun the limit, the count survives a restart,
 * and every checked attempt is in the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../helpers/clients';
import { createTestDatabase, startServer, type TestDatabase, type TestServer } from '../helpers/server';

const ADMIN_PASSWORD = 'admin-test-password';
const USER_PASSWORD = 'user-test-password';
/** Attempts on one address per window (the service's default). */
const PER_ACCOUNT = 10;

describe('sign-in throttling and audit', () => {
	let database: TestDatabase;
	let server: TestServer;

	beforeAll(async () => {
		database = await createTestDatabase();
		server = await startServer({ env: database.env });
	});

	afterAll(async () => {
		await server?.stop();
		await database?.drop();
	});

	function login(email: string, password: string) {
		return fetch(`${server.url}/api/v1/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email, password })
		});
	}

	async function signInAudit(): Promise<{ outcome: string; targetEmail: string | null; details: object }[]> {
		const admin = (await (await login('admin@contoso.com', ADMIN_PASSWORD)).json()) as { token: string };
		const response = await fetch(`${server.url}/api/v1/audit?action=auth.sign-in&limit=1000`, {
			headers: { authorization: `Bearer ${admin.token}` }
		});
		expect(response.status).toBe(200);
		return ((await response.json()) as { entries: never[] }).entries;
	}

	it('given 50 wrong passwords for one address at once, then at most the limit are checked, the rest refused with 429, and each checked one is audited without the password', async () => {
		const target = 'megan.bowen@contoso.com';
		const answers = await Promise.all(
			Array.from({ length: 50 }, (_, i) => login(target, `wrong-password-${i}`).then((r) => r.status))
		);
		const checked = answers.filter((s) => s === 401).length;
		const refused = answers.filter((s) => s === 429).length;
		expect(checked + refused).toBe(50);
		expect(checked).toBeLessThanOrEqual(PER_ACCOUNT);
		expect(checked).toBeGreaterThan(0);

		// Even the right password waits for the window now: the guesses cannot be outrun.
		const right = await login(target, USER_PASSWORD);
		expect(right.status).toBe(429);
		expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);

		const denied = (await signInAudit()).filter((e) => e.targetEmail === target && e.outcome === 'denied');
		expect(denied).toHaveLength(checked);
		const text = JSON.stringify(denied);
		expect(text).not.toContain('wrong-password');
		expect(text).toContain('clientAddress');
	});

	it('given a throttled address, when the server restarts, then it is still throttled, while other addresses sign in', async () => {
		const target = 'lee.gu@contoso.com';
		for (let i = 0; i < PER_ACCOUNT; i++) expect((await login(target, 'not-it')).status).toBe(401);
		expect((await login(target, USER_PASSWORD)).status).toBe(429);
		await server.stop();
		server = await startServer({ env: database.env });
		expect((await login(target, USER_PASSWORD)).status).toBe(429);
		const other = await login('diego.siciliani@contoso.com', USER_PASSWORD);
		expect(other.status).toBe(201);
		const entries = await signInAudit();
		expect(entries.some((e) => e.targetEmail === 'diego.siciliani@contoso.com' && e.outcome === 'ok')).toBe(
			true
		);
	});

	it('refuses the sign-in page the same way, with a message and no session', async () => {
		const target = 'lee.gu@contoso.com';
		const response = await fetch(`${server.url}/signin`, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				origin: server.url,
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: new URLSearchParams({ email: target, password: USER_PASSWORD })
		});
		expect(response.status).toBe(429);
		expect(response.headers.getSetCookie()).toEqual([]);
		expect(await response.text()).toContain('Too many sign-in attempts');
	});
});

describe('looking up meetings by conference ID', () => {
	let database: TestDatabase;
	let server: TestServer;

	beforeAll(async () => {
		database = await createTestDatabase();
		server = await startServer({ env: database.env });
	});

	afterAll(async () => {
		await server?.stop();
		await database?.drop();
	});

	it('given an anonymous visitor trying conference IDs in a row, then past 60 lookups they are refused with 429, while a signed-in user is not', async () => {
		const statuses: number[] = [];
		for (let i = 0; i < 70; i++) {
			const response = await fetch(`${server.url}/join/${4_000_000 + i}`, {
				headers: { accept: 'text/html' }
			});
			statuses.push(response.status);
			await response.arrayBuffer();
		}
		expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
		expect(statuses.slice(60)).toContain(429);
		const cookie = await signIn(server.url, 'amos.marble@contoso.com', USER_PASSWORD);
		expect(cookie).not.toBeNull();
		const signedIn = await fetch(`${server.url}/join/4410273`, {
			headers: { accept: 'text/html', cookie: cookie! }
		});
		expect(signedIn.status).toBe(200);
		expect(await signedIn.text()).toContain('Amos Marble');
	});
});
