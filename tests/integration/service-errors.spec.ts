/**
 * Refusals on the production build. There the services run in the Socket.IO server's bundle
 * (`build/server.js`) and the pages in SvelteKit's (`build/handler.js`), each with its own copy of
 * ServiceError: a refusal thrown by a service must still reach a page action, an API call and a
 * socket acknowledgement as itself, with its status, code and message, and never as a server fault.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, signIn, type Client } from '../helpers/clients';
import { TEST_ADMIN_PASSWORD, TEST_USER_PASSWORD } from '../helpers/directory';
import { loggedFaults } from '../helpers/log-capture';
import { ROOT } from '../helpers/server';
import { serverPerSuite } from '../helpers/suite-server';

/** What the server writes when something other than a refusal went wrong. */

describe('a refusal thrown by a service, answered by the other bundle', () => {
	const suite = serverPerSuite();
	const sockets: Client[] = [];

	afterAll(() => {
		for (const socket of sockets) socket.disconnect();
	});

	/** Posts a form action as the page's own script does, and answers SvelteKit's JSON. */
	async function action(path: string, cookie: string, fields: Record<string, string>) {
		const response = await fetch(`${suite.server.url}${path}`, {
			method: 'POST',
			headers: {
				cookie,
				origin: suite.server.url,
				accept: 'application/json',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: new URLSearchParams(fields)
		});
		const answer = (await response.json()) as { type: string; status?: number; data?: string };
		// The data is encoded by devalue: a flat array of values, the problem among them.
		const values = answer.data ? (JSON.parse(answer.data) as unknown[]) : [];
		return { type: answer.type, status: answer.status, values };
	}

	it('given a reset the directory refuses, then the admin page’s action fails with 409 and the reason', async () => {
		const cookie = await signIn(suite.server.url, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
		expect(cookie).toBeTruthy();
		// Diego is in the directory but not enabled for dial-in.
		const reset = await action('/admin/dial-in-users/diego.siciliani?/reset', cookie!, {});
		expect(reset).toMatchObject({ type: 'failure', status: 409 });
		expect(reset.values).toContainEqual(expect.stringContaining('enable dial-in first'));
		const settings = await action('/admin/settings?/save', cookie!, { pinLength: '13' });
		expect(settings).toMatchObject({ type: 'failure', status: 400 });
	});

	it('given a refusal by a service, then the API answers its status and code, not a server error', async () => {
		const login = await fetch(`${suite.server.url}/api/v1/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email: 'amos.marble@contoso.com', password: TEST_USER_PASSWORD })
		});
		const { token } = (await login.json()) as { token: string };
		const revoke = await fetch(`${suite.server.url}/api/v1/tokens/tok_nobody`, {
			method: 'DELETE',
			headers: { authorization: `Bearer ${token}` }
		});
		expect(revoke.status).toBe(404);
		expect(await revoke.json()).toMatchObject({ error: { code: 'not-found' } });
	});

	it('given a user steering a live scenario, then the socket acknowledges forbidden with the reason', async () => {
		const cookie = await signIn(suite.server.url, 'amos.marble@contoso.com', TEST_USER_PASSWORD);
		const socket = await connect(suite.server.url, { cookie: cookie! });
		sockets.push(socket);
		const answer = await socket.timeout(5000).emitWithAck('scenario:control', { action: 'stop' });
		expect(answer).toMatchObject({
			ok: false,
			error: {
				code: 'forbidden',
				message: expect.stringContaining('Only administrators can run scenarios live')
			}
		});
	});

	it('logs none of these refusals as a fault of the server', () => {
		// Refusals are answers, not faults: nothing is logged as an error.
		expect(loggedFaults(suite.server.output())).toEqual([]);
	});
});

describe('the Socket.IO server’s bundle', () => {
	it('loads only production dependencies and Node, though it shares the edge answers with the pages', () => {
		const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
			dependencies: Record<string, string>;
		};
		const allowed = (specifier: string) => {
			if (specifier.startsWith('node:') || builtinModules.includes(specifier)) return true;
			const name = specifier.startsWith('@')
				? specifier.split('/').slice(0, 2).join('/')
				: specifier.split('/')[0]!;
			return Object.hasOwn(pkg.dependencies, name);
		};
		const files = [
			join(ROOT, 'build', 'server.js'),
			...readdirSync(join(ROOT, 'build', 'chunks'))
				.filter((f) => f.endsWith('.js'))
				.map((f) => join(ROOT, 'build', 'chunks', f))
		];
		const imported = new Set<string>();
		for (const file of files) {
			const text = readFileSync(file, 'utf8');
			for (const match of text.matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?["']([^"'.][^"']*)["']/gm)) {
				imported.add(match[1]!);
			}
		}
		expect(imported.size).toBeGreaterThan(0);
		expect([...imported].filter((specifier) => !allowed(specifier))).toEqual([]);
	});
});
