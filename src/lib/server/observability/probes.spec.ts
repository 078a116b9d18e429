import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../runtime';
import { answerProbe, bearerMatches, type ProbeTarget } from './probes';

const TOKEN = 'm'.repeat(40);

describe('bearerMatches', () => {
	it('accepts exactly "Bearer <token>", the scheme in any case', () => {
		expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
		expect(bearerMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
	});

	it.each([
		undefined,
		'',
		TOKEN,
		`Basic ${TOKEN}`,
		`Bearer ${TOKEN}x`,
		`Bearer ${TOKEN.slice(1)}`,
		'Bearer '
	])('refuses %j', (header) => {
		expect(bearerMatches(header, TOKEN)).toBe(false);
	});
});

describe('answerProbe', () => {
	let server: Server | undefined;
	afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

	/** A bare HTTP server that answers the probes for `target` and 418 for anything else. */
	async function serve(target: ProbeTarget): Promise<string> {
		server = createServer((req, res) => {
			if (!answerProbe(req, res, target)) res.writeHead(418).end();
		});
		await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
		return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}

	/** A runtime whose database answers as `ok` says; nothing else of it is used by the probes. */
	function runtimeWith(ok: boolean): Runtime {
		return {
			services: { status: { health: async () => (ok ? { status: 'ok' } : { status: 'unavailable' }) } },
			metrics: {
				scrape: async () => ({ contentType: 'text/plain; version=0.0.4; charset=utf-8', body: 'x 1\n' })
			}
		} as unknown as Runtime;
	}

	it('answers liveness at once, before the runtime has booted, and passes other paths on', async () => {
		const url = await serve({ runtime: () => null, stopping: () => false, metricsToken: null });
		const live = await fetch(`${url}/healthz`);
		expect(live.status).toBe(200);
		expect(await live.json()).toEqual({ status: 'ok' });
		expect(live.headers.get('cache-control')).toBe('no-store');
		expect((await fetch(`${url}/healthz?probe=1`)).status).toBe(200);
		expect((await fetch(`${url}/`)).status).toBe(418);
		expect((await fetch(`${url}/healthz`, { method: 'POST' })).status).toBe(405);
	});

	it('says why the server is not ready: starting, database unreachable, stopping', async () => {
		let runtime: Runtime | null = null;
		let stopping = false;
		const url = await serve({ runtime: () => runtime, stopping: () => stopping, metricsToken: null });
		const ready = async () => {
			const response = await fetch(`${url}/readyz`);
			return { status: response.status, body: (await response.json()) as unknown };
		};
		expect(await ready()).toEqual({ status: 503, body: { status: 'unavailable', reason: 'starting' } });
		runtime = runtimeWith(false);
		expect(await ready()).toEqual({
			status: 503,
			body: { status: 'unavailable', reason: 'database-unreachable' }
		});
		runtime = runtimeWith(true);
		expect(await ready()).toEqual({ status: 200, body: { status: 'ready' } });
		stopping = true;
		expect(await ready()).toEqual({ status: 503, body: { status: 'unavailable', reason: 'stopping' } });
	});

	it('keeps /metrics off without a token, and asks for it when one is set', async () => {
		let url = await serve({ runtime: () => runtimeWith(true), stopping: () => false, metricsToken: null });
		const off = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
		expect(off.status).toBe(404);
		expect(await off.text()).toMatch(/Set LOBBY_METRICS_TOKEN/);
		await new Promise<void>((resolve) => server!.close(() => resolve()));

		url = await serve({ runtime: () => runtimeWith(true), stopping: () => false, metricsToken: TOKEN });
		const anonymous = await fetch(`${url}/metrics`);
		expect(anonymous.status).toBe(401);
		expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
		expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
		const scraped = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
		expect(scraped.status).toBe(200);
		expect(await scraped.text()).toBe('x 1\n');
	});
});
