import { isActionFailure, isHttpError } from '@sveltejs/kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_ERRORS, readOrRefuse, toAck, toFormFailure, toJsonResponse } from './edge-errors';
import type { Runtime } from './runtime';
import { isServiceError, SERVICE_ERROR_STATUS, ServiceError, type ServiceErrorCode } from './service-error';

const CODES = Object.keys(SERVICE_ERROR_STATUS) as ServiceErrorCode[];

/** The one thing the JSON edge asks the runtime: whether the database answers. */
function runtimeWithDatabase(status: 'ok' | 'unavailable'): Runtime {
	return { services: { status: { health: () => Promise.resolve({ status }) } } } as unknown as Runtime;
}

/** The log's stderr (where errors go), captured and kept off the test's output. */
function quietLog() {
	return vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
}

afterEach(() => {
	vi.restoreAllMocks();
});

describe('the one error type', () => {
	it.each(CODES)('given the code %s, then the error carries its status and is recognised', (code) => {
		const error = new ServiceError(code, 'Refused.');
		expect(error).toMatchObject({ code, status: SERVICE_ERROR_STATUS[code], message: 'Refused.' });
		expect(isServiceError(error)).toBe(true);
	});

	it('recognises neither plain errors, look-alikes without the brand, nor a brand with an unknown code', () => {
		const lookAlike = Object.assign(new Error('Refused.'), { name: 'ServiceError', code: 'forbidden' });
		const unknownCode = new ServiceError('forbidden', 'Refused.');
		Object.defineProperty(unknownCode, 'code', { value: 'teapot' });
		for (const value of [new Error('x'), lookAlike, unknownCode, null, undefined, 'forbidden', {}]) {
			expect(isServiceError(value)).toBe(false);
		}
	});
});

describe('socket acknowledgements', () => {
	it.each([
		['bad-request', 'bad-request'],
		['unauthenticated', 'unauthenticated'],
		['forbidden', 'forbidden'],
		['not-found', 'not-found'],
		['conflict', 'bad-request'],
		['unavailable', 'unavailable']
	] as const)('given a %s refusal, then the ack says %s with its message', (code, wire) => {
		expect(toAck(new ServiceError(code, 'Refused.'))).toEqual({
			ok: false,
			error: { code: wire, message: 'Refused.' }
		});
	});

	it('given a refusal of the call flow, then the ack keeps its own code', () => {
		const refusal = new ServiceError('no-call', 'Dial first.');
		expect(toAck(refusal)).toEqual({ ok: false, error: { code: 'no-call', message: 'Dial first.' } });
	});

	it('given anything else, then it is logged and the ack says internal without details', () => {
		const logged = quietLog();
		const ack = toAck(new Error('connection to 10.0.0.7 refused'));
		expect(ack).toEqual({
			ok: false,
			error: { code: 'internal', message: expect.not.stringContaining('10.0.0.7') as unknown as string }
		});
		expect(logged).toHaveBeenCalledWith(expect.stringContaining('10.0.0.7'));
	});
});

describe('the JSON API', () => {
	it('states the same status for every refusal as the error type does', async () => {
		for (const code of CODES) {
			const response = await toJsonResponse(new ServiceError(code, 'Refused.'), runtimeWithDatabase('ok'));
			expect(response.status).toBe(SERVICE_ERROR_STATUS[code]);
			const body = (await response.json()) as { error: { code: keyof typeof API_ERRORS; message: string } };
			expect(API_ERRORS[body.error.code]).toBe(response.status);
			expect(body.error.message).toBe('Refused.');
		}
	});

	it('calls a missing sign-in unauthorized, with the bearer challenge', async () => {
		const response = await toJsonResponse(
			new ServiceError('unauthenticated', 'This call needs an API token.'),
			runtimeWithDatabase('ok')
		);
		expect(response.status).toBe(401);
		expect(response.headers.get('www-authenticate')).toBe('Bearer realm="lobby"');
		expect(await response.json()).toEqual({
			error: { code: 'unauthorized', message: 'This call needs an API token.' }
		});
	});

	it('given a fault while the database answers, then it is logged and answered 500 without details', async () => {
		const logged = quietLog();
		const response = await toJsonResponse(new Error('relation "users" is locked'), runtimeWithDatabase('ok'));
		expect(response.status).toBe(500);
		const text = await response.text();
		expect(JSON.parse(text)).toMatchObject({ error: { code: 'internal' } });
		expect(text).not.toContain('users');
		// In the JSON line, as JSON writes the quotes.
		expect(logged).toHaveBeenCalledWith(
			expect.stringContaining(JSON.stringify('relation "users" is locked'))
		);
	});

	it('given a fault while the database is down, then it is a 503 to try again', async () => {
		const response = await toJsonResponse(new Error('ECONNREFUSED'), runtimeWithDatabase('unavailable'));
		expect(response.status).toBe(503);
		expect(response.headers.get('retry-after')).toBe('5');
		expect(await response.json()).toMatchObject({ error: { code: 'unavailable' } });
	});
});

describe('form actions and page reads', () => {
	it.each(CODES)(
		'given a %s refusal, then the form fails with its status and the message as its problem',
		(code) => {
			const failure = toFormFailure(new ServiceError(code, 'Refused.'));
			expect(isActionFailure(failure)).toBe(true);
			expect(failure).toMatchObject({ status: SERVICE_ERROR_STATUS[code], data: { problem: 'Refused.' } });
		}
	);

	it('given anything else, then the action rethrows it, for handleError to log and answer as a 500', () => {
		const fault = new Error('disk full');
		expect(() => toFormFailure(fault)).toThrow(fault);
	});

	it('given a refused read, then the page is an error with the status and message; anything else is rethrown', async () => {
		const refused = await readOrRefuse(() =>
			Promise.reject(new ServiceError('not-found', 'No such user.'))
		).catch((e: unknown) => e);
		expect(isHttpError(refused, 404)).toBe(true);
		expect(refused).toMatchObject({ body: { message: 'No such user.' } });
		const fault = new Error('disk full');
		await expect(readOrRefuse(() => Promise.reject(fault))).rejects.toBe(fault);
		await expect(readOrRefuse(() => Promise.resolve(7))).resolves.toBe(7);
	});
});
