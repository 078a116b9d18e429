import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { toAck, toJsonResponse } from './edge-errors';
import type { Runtime } from './runtime';
import { isDatabaseUnavailable } from './service-error';

describe('telling "the database is not reachable now" from a fault', () => {
	it('given a real connection refused by postgres.js, then it is unavailable, and a socket hears so', async () => {
		// Port 9 on loopback: nothing listens there.
		const sql = postgres('postgres://nobody@127.0.0.1:9/none', {
			max: 1,
			connect_timeout: 2,
			onnotice: () => {}
		});
		const error = await sql`select 1`.then(
			() => null,
			(e: unknown) => e
		);
		await sql.end({ timeout: 1 });
		expect(isDatabaseUnavailable(error)).toBe(true);
		expect(toAck(error)).toMatchObject({ ok: false, error: { code: 'unavailable' } });
		// The API answers 503 from the error alone, even where a ping of its own would have said "ok".
		const pingSaysOk = {
			services: { status: { health: async () => ({ status: 'ok' }) } }
		} as unknown as Runtime;
		const response = await toJsonResponse(error, pingSaysOk);
		expect(response.status).toBe(503);
		expect(response.headers.get('retry-after')).toBe('5');
		expect(await response.json()).toMatchObject({ error: { code: 'unavailable' } });
	});

	it.each([
		['a connection exception', '08006'],
		['the server shutting down', '57P01'],
		['a statement timeout', '57014'],
		['a full disk', '53100'],
		['a closed connection', 'CONNECTION_CLOSED'],
		['a connect timeout', 'CONNECT_TIMEOUT']
	])('given %s (%s), even as the cause of another error, then it is unavailable', (_, code) => {
		const failure = Object.assign(new Error('failed'), { code });
		expect(isDatabaseUnavailable(failure)).toBe(true);
		expect(isDatabaseUnavailable(new Error('wrapped', { cause: failure }))).toBe(true);
	});

	it.each([
		['a unique violation', '23505'],
		['a syntax error', '42601'],
		['no code at all', undefined]
	])('given %s, then it is a fault, not unavailable', (_, code) => {
		expect(isDatabaseUnavailable(Object.assign(new Error('failed'), { code }))).toBe(false);
		expect(isDatabaseUnavailable('text')).toBe(false);
		expect(isDatabaseUnavailable(null)).toBe(false);
	});
});
