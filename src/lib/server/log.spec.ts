import { AsyncLocalStorage } from 'node:async_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureLog } from '../../../tests/helpers/log-capture';
import {
	addLogContext,
	createLogger,
	escapeControl,
	formatLine,
	log,
	parseLogLevel,
	serializeError,
	withLogContext,
	type LogContext,
	type LogLevel
} from './log';

/** A logger of its own, writing to two arrays: stdout's lines and stderr's. */
function logTo(options: { pretty?: boolean; level?: LogLevel } = {}) {
	const out: string[] = [];
	const err: string[] = [];
	const context = new AsyncLocalStorage<LogContext>();
	const logger = createLogger(
		{
			out: { write: (text: string) => out.push(text) },
			err: { write: (text: string) => err.push(text) },
			pretty: options.pretty ?? false
		},
		options.level ?? 'trace',
		context
	);
	return { logger, out, err, context };
}

/** Any C0 or C1 control character, DEL, or a line separator: what must never reach the log raw. */
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** The same, but for the line feeds between an error's lines on a terminal. */
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const RAW_CONTROL_BUT_LINE_FEED = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

afterEach(() => {
	vi.restoreAllMocks();
});

describe('the log writes one JSON object per line when no terminal reads it', () => {
	it('given a message, when it is logged, then the line has level, time and msg, and ends the line', () => {
		const { logger, out } = logTo();
		logger.info('Lobby is listening on http://127.0.0.1:3000');
		expect(out).toHaveLength(1);
		expect(out[0]!.endsWith('\n')).toBe(true);
		const entry = JSON.parse(out[0]!) as Record<string, unknown>;
		expect(entry).toMatchObject({ level: 'info', msg: 'Lobby is listening on http://127.0.0.1:3000' });
		expect(typeof entry.time).toBe('number');
		// What the tests, the benchmark and scripts wait for still reads the same.
		expect(/listening on http:\/\/([\d.]+):(\d+)/.exec(out[0]!)?.slice(1)).toEqual(['127.0.0.1', '3000']);
	});

	it('given each level, then trace to info go to stdout and warn and above to stderr', () => {
		const { logger, out, err } = logTo();
		logger.trace('t');
		logger.debug('d');
		logger.info('i');
		logger.warn('w');
		logger.error('e');
		logger.fatal('f');
		expect(out.map((line) => (JSON.parse(line) as { level: string }).level)).toEqual([
			'trace',
			'debug',
			'info'
		]);
		expect(err.map((line) => (JSON.parse(line) as { level: string }).level)).toEqual([
			'warn',
			'error',
			'fatal'
		]);
	});

	it('given the level warn, then info is not written', () => {
		const { logger, out, err } = logTo({ level: 'warn' });
		logger.info('quiet');
		logger.warn('loud');
		expect(out).toEqual([]);
		expect(err).toHaveLength(1);
	});

	it('given a message with a line break and a NUL, then it stays on one line and reads back exactly', () => {
		const { logger, out } = logTo();
		const forged = 'mail m1 sent\n{"level":"error","msg":"forged"}\r\u0000';
		logger.info(forged);
		expect(out).toHaveLength(1);
		expect(out[0]!.slice(0, -1)).not.toMatch(RAW_CONTROL);
		expect((JSON.parse(out[0]!) as { msg: string }).msg).toBe(forged);
	});

	it('given DEL, C1 controls and line separators, which JSON allows raw, then they are written as escapes too', () => {
		const { logger, out } = logTo();
		const text = 'bad \u007f \u009b[31m \u0085 \u2028 \u2029 end';
		logger.info(text);
		expect(out[0]!.slice(0, -1)).not.toMatch(RAW_CONTROL);
		expect(out[0]).toContain('\\u009b[31m');
		expect((JSON.parse(out[0]!) as { msg: string }).msg).toBe(text);
	});

	it('given fields named like secrets, then their values are censored', () => {
		const { logger, out } = logTo();
		logger.info({ pin: '48213', leaderPin: '90817', user: { password: 'hunter22' }, token: 't' }, 'x');
		expect(out[0]).not.toMatch(/48213|90817|hunter22|"t"/);
		expect(JSON.parse(out[0]!)).toMatchObject({
			pin: '*****',
			leaderPin: '*****',
			user: { password: '*****' }
		});
	});
});

describe('every line of one request or event carries its ids', () => {
	it('given a context, when lines are logged inside it, also after an await and in a timer, then each carries the ids', async () => {
		const { logger, out, context } = logTo();
		await context.run({ requestId: 'r-1' }, async () => {
			logger.info('first');
			await Promise.resolve();
			logger.info('after an await');
			await new Promise((resolve) => setTimeout(resolve, 1));
			logger.info('in a timer');
		});
		logger.info('outside');
		const entries = out.map((line) => JSON.parse(line) as { requestId?: string });
		expect(entries.map((e) => e.requestId)).toEqual(['r-1', 'r-1', 'r-1', undefined]);
	});

	it('given the shared log, when an event learns its call, then the lines after say the call', () => {
		const capture = captureLog();
		withLogContext({ eventId: 'e-1', socketId: 's-1' }, () => {
			log.info('dialed');
			addLogContext({ callId: 'c-1' });
			log.info('owned');
		});
		addLogContext({ callId: 'nowhere' });
		log.info('outside');
		expect(capture.entries().map(({ eventId, socketId, callId }) => ({ eventId, socketId, callId }))).toEqual(
			[
				{ eventId: 'e-1', socketId: 's-1', callId: undefined },
				{ eventId: 'e-1', socketId: 's-1', callId: 'c-1' },
				{ eventId: undefined, socketId: undefined, callId: undefined }
			]
		);
	});

	it('keeps the API of log.info, log.warn and log.error(message, error?), with optional fields', () => {
		const capture = captureLog();
		log.info('started', { port: 3000 });
		log.warn('slow');
		log.error('failed', new Error('boom'), { meetingId: 'm-1' });
		log.error('failed without an error');
		const entries = capture.entries();
		expect(entries.map((e) => [e.level, e.msg])).toEqual([
			['info', 'started'],
			['warn', 'slow'],
			['error', 'failed'],
			['error', 'failed without an error']
		]);
		expect(entries[0]).toMatchObject({ port: 3000 });
		expect(entries[2]).toMatchObject({ meetingId: 'm-1', err: { type: 'Error', message: 'boom' } });
		expect(entries[3]).not.toHaveProperty('err');
	});
});

describe('errors in the log', () => {
	it('given an error whose message holds raw bytes and a forged frame, then its message is escaped in JSON and its frames are its own', () => {
		const { logger, err } = logTo();
		const error = new Error(
			'invalid byte sequence for encoding "UTF8": 0x00 in "\u0000"\n    at forged (x.js:1:1)'
		);
		logger.error({ err: error }, 'A socket handler failed');
		expect(err).toHaveLength(1);
		expect(err[0]!.slice(0, -1)).not.toMatch(RAW_CONTROL);
		const entry = JSON.parse(err[0]!) as { err: { message: string; stack: string } };
		expect(entry.err.message).toBe(error.message);
		const [head, ...frames] = entry.err.stack.split('\n');
		expect(head).toBe(
			'Error: invalid byte sequence for encoding "UTF8": 0x00 in "\\u0000"\\u000a    at forged (x.js:1:1)'
		);
		expect(frames.length).toBeGreaterThan(0);
		expect(frames.every((line) => /^\s+at\s/.test(line))).toBe(true);
		expect(frames.some((line) => line.includes('forged'))).toBe(false);
	});

	it('given a failed query whose message lists its parameters, then the parameters are not logged', () => {
		const query = Object.assign(
			new Error('Failed query: insert into "mail_outbox" ("secret") values ($1)\nparams: 48213'),
			{ query: 'insert into "mail_outbox" ("secret") values ($1)', params: ['48213'] }
		);
		const serialized = JSON.stringify(serializeError(new Error('outer', { cause: query })));
		expect(serialized).not.toContain('48213');
		expect(serialized).toContain('params: (not logged)');
		expect(serialized).toContain('Failed query: insert into');
	});

	it('given a thrown value that is not an Error, then it is logged as text', () => {
		expect(serializeError('bad \u0007 bell')).toBe('bad \u0007 bell');
		const { logger, err } = logTo();
		logger.error({ err: serializeError('bad \u0007 bell \u009b') }, 'a run failed');
		expect(err[0]!.slice(0, -1)).not.toMatch(RAW_CONTROL);
	});
});

describe('the terminal format', () => {
	it('given a line with ids and fields, then it reads time, level, message, then key=value', () => {
		const { logger, out, context } = logTo({ pretty: true });
		context.run({ requestId: 'r-1' }, () =>
			logger.info({ ms: 12, route: '/api/v1/status' }, 'GET answered 200')
		);
		expect(out[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}GET answered 200 /);
		expect(out[0]).toContain('requestId=r-1');
		expect(out[0]).toContain('ms=12');
		expect(out[0]).toContain('route=/api/v1/status');
		expect(out[0]!.endsWith('\n')).toBe(true);
	});

	it('given a message with a line break, a NUL, DEL and C1 controls, then it stays one line, each written as an escape', () => {
		const { logger, out } = logTo({ pretty: true });
		logger.info('mail m1 sent\n[lobby] error: forged\r\u0000 \u007f \u009b');
		expect(out).toHaveLength(1);
		expect(out[0]!.slice(0, -1)).not.toMatch(RAW_CONTROL);
		expect(out[0]).toContain('mail m1 sent\\u000a[lobby] error: forged\\u000d\\u0000 \\u007f \\u009b');
	});

	it('given an error, then its head and its frames follow on lines of their own, escaped, and nothing else does', () => {
		const { logger, err } = logTo({ pretty: true });
		logger.error({ err: new Error('bad "\u0000"\n    at forged (x.js:1:1)') }, 'A socket handler failed');
		const [first, second, ...frames] = err[0]!.trimEnd().split('\n');
		expect(first).toMatch(/ERROR A socket handler failed$/);
		expect(second).toBe('  Error: bad "\\u0000"\\u000a    at forged (x.js:1:1)');
		expect(frames.length).toBeGreaterThan(0);
		expect(frames.every((line) => /^\s+at\s/.test(line))).toBe(true);
		expect(err[0]).not.toMatch(RAW_CONTROL_BUT_LINE_FEED);
	});

	it('given printable text in any language, then it is left as it is', () => {
		const { logger, out } = logTo({ pretty: true });
		logger.info('Mötet på Ölandsgatan: 48 väntar 🎵');
		expect(out[0]).toContain('INFO  Mötet på Ölandsgatan: 48 väntar 🎵\n');
	});

	it('given something that is not JSON, then it is written escaped', () => {
		expect(formatLine('raw\u0000text\n')).toBe('raw\\u0000text\n');
	});
});

describe('LOG_LEVEL values', () => {
	it.each([
		['info', 'info'],
		[' WARN ', 'warn'],
		['silent', 'silent'],
		['verbose', null],
		[undefined, null]
	] as const)('given %j, then the level is %j', (value, level) => {
		expect(parseLogLevel(value)).toBe(level);
	});
});

describe('escapeControl', () => {
	it.each([
		['\u0000', '\\u0000'],
		['a\tb', 'a\\u0009b'],
		['\u007f', '\\u007f'],
		['\u2028', '\\u2028'],
		['plain', 'plain']
	])('given %j, then it reads %s', (raw, escaped) => {
		expect(escapeControl(raw)).toBe(escaped);
	});
});
