/**
 * Webhooks end to end, against a built server (docs/webhooks.md): an administrator registers an
 * endpoint with `lobby New-LobbyWebhook` (the secret printed once), a real Socket.IO caller waits in
 * a lobby, and the endpoint, a real HTTP server on loopback (which this server is configured to
 * allow), receives `lobby.entered`, signed; `Test-LobbyWebhook` and the delivery log work from the
 * command line; a user is refused; the server's log never holds the secret.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookDeliveryJson, WebhookJson, WebhookPayload } from '../../src/lib/contract/webhooks';
import { verifyWebhook } from '../../src/lib/server/security/webhook-signature';
import { connect, must, type Client } from '../helpers/clients';
import { TEST_ADMIN_PASSWORD, TEST_USER_PASSWORD } from '../helpers/directory';
import { lobby, loggedIn } from '../helpers/lobby-cli';
import { serverPerSuite } from '../helpers/suite-server';

interface Received {
	headers: IncomingMessage['headers'];
	body: string;
}

async function until<T>(what: string, probe: () => T | undefined, ms = 10_000): Promise<T> {
	const deadline = Date.now() + ms;
	for (;;) {
		const value = probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

describe('webhooks against a running server', () => {
	const suite = serverPerSuite({
		directory: {},
		env: () => ({ LOBBY_WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' })
	});
	const received: Received[] = [];
	let endpoint: Server;
	let url: string;
	let home: string;
	let admin: Record<string, string>;
	let user: Record<string, string>;
	const clients: Client[] = [];

	beforeAll(async () => {
		endpoint = createServer((req, res) => {
			let body = '';
			req.setEncoding('utf8');
			req.on('data', (chunk: string) => (body += chunk));
			req.on('end', () => {
				received.push({ headers: req.headers, body });
				res.end('ok');
			});
		});
		await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/lobby`;
		home = mkdtempSync(join(tmpdir(), 'lobby-webhooks-'));
		admin = await loggedIn(suite.server.url, home, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
		user = await loggedIn(suite.server.url, home, 'amos.marble@contoso.com', TEST_USER_PASSWORD);
	});

	afterAll(async () => {
		for (const c of clients) c.close();
		await new Promise<void>((resolve) => endpoint?.close(() => resolve()));
		if (home) rmSync(home, { recursive: true, force: true });
	});

	it('registers an endpoint from the command line, and a caller entering a lobby reaches it, signed; the test event and the delivery log work too', async () => {
		const made = await lobby(
			['New-LobbyWebhook', '-Url', url, '-Events', 'lobby.entered,meeting.started', '--json'],
			{ env: admin }
		);
		expect(made, made.stderr).toMatchObject({ code: 0 });
		const { webhook, secret } = JSON.parse(made.stdout) as { webhook: WebhookJson; secret: string };
		expect(webhook.events).toEqual(['lobby.entered', 'meeting.started']);

		const shown = await lobby(['Get-LobbyWebhook'], { env: admin });
		expect(shown.stdout).toContain(url);
		expect(shown.stdout).toContain(webhook.secretHint);
		expect(shown.stdout).not.toContain(secret);

		const amos = JSON.parse(
			(await lobby(['Get-CsOnlineDialInConferencingUser', 'amos.marble', '--json'], { env: admin })).stdout
		) as { conferenceId: string };
		const caller = await connect(suite.server.url);
		clients.push(caller);
		const dialed = await must(
			caller.timeout(5000).emitWithAck('call:dial', {
				phoneNumber: '+46 8 123 45 67',
				keys: `${amos.conferenceId}##`
			})
		);
		expect(dialed.call.phase).toBe('lobby');

		const delivery = await until('lobby.entered at the endpoint', () =>
			received.find((r) => r.headers['lobby-event'] === 'lobby.entered')
		);
		const timestamp = String(delivery.headers['lobby-timestamp']);
		expect(
			verifyWebhook(
				secret,
				timestamp,
				delivery.body,
				String(delivery.headers['lobby-signature']),
				Math.floor(Date.now() / 1000)
			)
		).toBe(true);
		const payload = JSON.parse(delivery.body) as WebhookPayload;
		expect(payload).toMatchObject({
			event: 'lobby.entered',
			meeting: { conferenceId: amos.conferenceId, organizer: 'Amos Marble' },
			data: { participant: { phoneNumber: '+46 8 ••• •• 67' } }
		});
		expect(delivery.headers['idempotency-key']).toBe(payload.idempotencyKey);

		const tested = await lobby(['Test-LobbyWebhook', webhook.id], { env: admin });
		expect(tested, tested.stderr).toMatchObject({ code: 0 });
		expect(tested.stdout).toContain('Test event delivered (200)');
		expect(received.some((r) => r.headers['lobby-event'] === 'webhook.test')).toBe(true);

		const log = await lobby(['Get-LobbyWebhookDelivery', webhook.id, '--json'], { env: admin });
		const deliveries = JSON.parse(log.stdout) as WebhookDeliveryJson[];
		expect(deliveries.map((d) => [d.event, d.status])).toEqual([
			['webhook.test', 'delivered'],
			['lobby.entered', 'delivered']
		]);
		// The secret is never logged.
		expect(suite.server.output()).not.toContain(secret);
		await must(caller.timeout(5000).emitWithAck('call:hangup'));
	}, 30_000);

	it('holds the limit of 20 endpoints when 40 registrations arrive at once', async () => {
		const { token } = JSON.parse(readFileSync(admin.LOBBY_CREDENTIALS!, 'utf8')) as { token: string };
		const api = (init?: RequestInit) =>
			fetch(`${suite.server.url}/api/v1/webhooks`, {
				...init,
				headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
			});
		const before = ((await (await api()).json()) as { webhooks: WebhookJson[] }).webhooks.length;
		const statuses = await Promise.all(
			Array.from({ length: 40 }, (_, i) =>
				api({
					method: 'POST',
					body: JSON.stringify({ url: `${url}?n=${i}`, events: ['lobby.entered'] })
				}).then((r) => r.status)
			)
		);
		expect(statuses.filter((s) => s === 201)).toHaveLength(20 - before);
		expect(statuses.filter((s) => s === 409)).toHaveLength(20 + before);
		expect(((await (await api()).json()) as { webhooks: WebhookJson[] }).webhooks).toHaveLength(20);
	}, 30_000);

	it('refuses a user (exit 1, 403), an unknown event and a URL that is not HTTP, with the server’s reason', async () => {
		const refused = await lobby(['New-LobbyWebhook', '-Url', url, '-Events', 'lobby.entered'], { env: user });
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain('403');
		const unknown = await lobby(['New-LobbyWebhook', '-Url', url, '-Events', 'lobby.exploded'], {
			env: admin
		});
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toContain('lobby.entered');
		const ftp = await lobby(['New-LobbyWebhook', '-Url', 'ftp://example.com/x', '-Events', 'lobby.entered'], {
			env: admin
		});
		expect(ftp.code).toBe(1);
		expect(ftp.stderr).toMatch(/http/i);
		const missing = await lobby(['New-LobbyWebhook', '-Events', 'lobby.entered'], { env: admin });
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain('-Url');
	});
});
