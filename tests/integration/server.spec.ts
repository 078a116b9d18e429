import { describe, expect, it } from 'vitest';
import { connect, type Client } from '../helpers/clients';
import { createTestDatabase, startServer } from '../helpers/server';
import { serverPerSuite } from '../helpers/suite-server';

/** Resolves with the next presence count that satisfies `predicate`. */
function presence(socket: Client, predicate: (n: number) => boolean): Promise<number> {
	return new Promise((resolve) => {
		const listener = ({ connectedClients }: { connectedClients: number }) => {
			if (predicate(connectedClients)) {
				socket.off('presence:updated', listener);
				resolve(connectedClients);
			}
		};
		socket.on('presence:updated', listener);
	});
}

describe('the production server', () => {
	const suite = serverPerSuite();

	it('answers /healthz (alive, naming nothing) and /readyz (booted, database answering)', async () => {
		const live = await fetch(`${suite.server.url}/healthz`);
		expect(live.status).toBe(200);
		expect(await live.json()).toEqual({ status: 'ok' });
		const ready = await fetch(`${suite.server.url}/readyz`);
		expect(ready.status).toBe(200);
		expect(await ready.json()).toEqual({ status: 'ready' });
	});

	it('serves the home page and its static assets from the same port', async () => {
		const page = await fetch(`${suite.server.url}/`);
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain('<title>Lobby</title>');
		const favicon = await fetch(`${suite.server.url}/favicon.svg`);
		expect(favicon.status).toBe(200);
		expect(favicon.headers.get('content-type')).toContain('image/svg+xml');
	});

	it('pushes the connected-client count to two real Socket.IO clients and reads the database', async () => {
		const first = await connect(suite.server.url);
		// status:get subscribes the page to presence, as the home page does.
		expect((await first.emitWithAck('status:get')).ok).toBe(true);
		const sawTwo = presence(first, (n) => n === 2);
		const second = await connect(suite.server.url);
		expect(await sawTwo).toBe(2);

		const answer = await first.emitWithAck('status:get');
		expect(answer).toEqual({
			ok: true,
			status: { database: suite.database.kind, tenantName: 'Contoso', dialInUsers: 4, connectedClients: 2 }
		});

		const sawOne = presence(first, (n) => n === 1);
		second.disconnect();
		expect(await sawOne).toBe(1);
		first.disconnect();
	});

	it('ignores a status request without an acknowledgement instead of crashing', async () => {
		const client = await connect(suite.server.url);
		(client.emit as (event: string, ...args: unknown[]) => void)('status:get', { not: 'a function' });
		const answer = await client.emitWithAck('status:get');
		expect(answer.ok).toBe(true);
		client.disconnect();
	});

	it('refuses oversized messages without affecting other clients', async () => {
		const bystander = await connect(suite.server.url);
		const abuser = await connect(suite.server.url);
		const dropped = new Promise<string>((resolve) => abuser.once('disconnect', (reason) => resolve(reason)));
		(abuser.emit as (event: string, ...args: unknown[]) => void)('status:get', 'x'.repeat(64 * 1024));
		expect(await dropped).toBe('transport close');
		const answer = await bystander.emitWithAck('status:get');
		expect(answer.ok).toBe(true);
		bystander.disconnect();
	});
});

describe('shutdown', () => {
	it('closes sockets, HTTP and the database within 5 seconds of SIGTERM, with clients connected', async () => {
		const database = await createTestDatabase();
		const server = await startServer({ env: database.env });
		try {
			const client = await connect(server.url);
			const disconnected = new Promise<void>((resolve) => client.once('disconnect', () => resolve()));
			const { code, ms } = await server.stop('SIGTERM');
			await disconnected;
			expect(code).toBe(0);
			expect(ms).toBeLessThan(5000);
			expect(server.output()).toMatch(/SIGTERM received[\s\S]*Stopped\./);
		} finally {
			await database.drop();
		}
	});

	it('stops on SIGINT as well', async () => {
		const database = await createTestDatabase();
		const server = await startServer({ env: database.env });
		try {
			const { code } = await server.stop('SIGINT');
			expect(code).toBe(0);
			expect(server.output()).toContain('SIGINT received');
		} finally {
			await database.drop();
		}
	});
});

/** Signs in through the sign-in page as a browser on `origin` would; answers the Set-Cookie headers. */
async function signInCookies(url: string, origin: string): Promise<{ status: number; cookies: string[] }> {
	const response = await fetch(`${url}/signin`, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ email: 'admin@contoso.com', password: 'admin-test-password' })
	});
	return { status: response.status, cookies: response.headers.getSetCookie() };
}

describe('session cookies', () => {
	const plain = serverPerSuite();
	const https = serverPerSuite({ env: () => ({ ORIGIN: 'https://lobby.example' }) });

	it('are Secure when the public origin (ORIGIN) is HTTPS, and the session they carry works', async () => {
		const { status, cookies } = await signInCookies(https.server.url, 'https://lobby.example');
		expect(status).toBe(303);
		const session = cookies.find((c) => /session_token=/.test(c));
		expect(session).toMatch(/;\s*Secure/i);
		expect(session).toMatch(/;\s*HttpOnly/i);
		const admin = await fetch(`${https.server.url}/admin/dial-in-users`, {
			headers: { cookie: session!.split(';')[0]!, accept: 'text/html' },
			redirect: 'manual'
		});
		expect(admin.status).toBe(200);
	});

	it('are not Secure on a plain-HTTP server, or a browser on http://127.0.0.1 could not sign in', async () => {
		const { status, cookies } = await signInCookies(plain.server.url, plain.server.url);
		expect(status).toBe(303);
		const session = cookies.find((c) => /session_token=/.test(c));
		expect(session).toMatch(/;\s*HttpOnly/i);
		expect(session).not.toMatch(/;\s*Secure/i);
	});
});
