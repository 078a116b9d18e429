/**
 * The server's log, through pino: one JSON object per line (`level`, `time`, `msg`, and the request
 * or socket event it belongs to) when standard output is a pipe or a file, one readable line when it
 * is a terminal. Lines from `trace` to `info` go to stdout, `warn` and above to stderr. `LOG_LEVEL`
 * chooses the least severe level written (config.ts; default `info`).
 *
 * Never pass a PIN, a password or a token to it. A PIN is a `Pin` (security/pin.ts), which prints as
 * `*****` everywhere; fields named like a secret are censored as well (`SECRET_FIELDS`).
 *
 * Messages and error texts often carry what a client sent (an id, a file name). A client can
 * neither put raw control bytes into the log nor start a line of its own that reads like the
 * server's: in JSON every control character is a `\u` escape (pino escapes C0, `streamWrite` below
 * the rest), and the terminal format writes them escaped as well. Only the line breaks between an
 * error's stack frames stay as they are there.
 *
 * The terminal format is this file's own (`formatLine`), in development as in production: it needs
 * no development dependency and escapes what pino-pretty would print raw. pino-pretty, a development
 * dependency, reads a JSON log back: `npx pino-pretty < lobby.log`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type DestinationStream, type Logger } from 'pino';

/** The levels `LOG_LEVEL` takes, from the most talkative; `silent` writes nothing. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `value` as a level (any case, spaces trimmed), or null when it is none. */
export function parseLogLevel(value: string | undefined): LogLevel | null {
	const level = (value ?? '').trim().toLowerCase();
	return (LOG_LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : null;
}

/**
 * What ties a line to the work it was logged in: an HTTP request (`hooks.server.ts`), or one
 * Socket.IO event (`realtime/socket-server.ts`) with its connection and, once known, its call.
 * The ids are the server's own; a client's id is never taken.
 */
export interface LogContext {
	requestId?: string;
	eventId?: string;
	socketId?: string;
	callId?: string;
}

/** Structured fields beside the message. Never a PIN, a password or a token. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `text` with each control character written as a `\uXXXX` escape. */
export function escapeControl(text: string): string {
	return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Field names whose values are censored wherever they appear, one level deep. */
const SECRET_FIELDS = ['pin', 'leaderPin', 'password', 'token', 'secret', 'resumeToken', 'authorization'];
const CENSOR = '*****';

/** Drizzle writes a failed query's parameters into its error message: a PIN or a hash can be one. */
const QUERY_PARAMS = /\nparams: [\s\S]*$/;

/**
 * An error as the log writes it: type, message, the stack (its head escaped, one frame a line), its
 * code and its cause; never a failed query's parameters.
 */
export function serializeError(error: unknown, depth = 0): unknown {
	if (!(error instanceof Error)) return error === undefined || error === null ? error : String(error);
	const withParams = 'params' in error;
	const scrub = (text: string) => (withParams ? text.replace(QUERY_PARAMS, '\nparams: (not logged)') : text);
	const head = `${error.name}: ${error.message}`;
	const stack = error.stack ?? head;
	// The stack starts with the head; what follows are the frames ("    at f (file:1:2)").
	const frames = (stack.startsWith(head) ? stack.slice(head.length) : stack)
		.split('\n')
		.filter((line) => /^\s+at\s/.test(line));
	const serialized: Record<string, unknown> = {
		type: error.name,
		message: scrub(error.message),
		// Its frames one per line; the head escaped, so a message cannot add a frame or a line.
		stack: [scrub(head), ...frames].map(escapeControl).join('\n')
	};
	const code = (error as { code?: unknown }).code;
	if (typeof code === 'string' || typeof code === 'number') serialized.code = code;
	if (error.cause !== undefined && depth < 3) serialized.cause = serializeError(error.cause, depth + 1);
	return serialized;
}

const LEVEL_NAMES: Record<number, string> = {
	10: 'trace',
	20: 'debug',
	30: 'info',
	40: 'warn',
	50: 'error',
	60: 'fatal'
};
/** The fields a terminal line shows in its own place rather than as `key=value`. */
const OWN_PLACE = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'err']);

function fieldText(value: unknown): string {
	if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
	return JSON.stringify(value) ?? String(value);
}

/**
 * One JSON log line as a person reads it on a terminal: the time, the level, the message, the
 * fields as `key=value`, then the error's head and stack frames on lines of their own. Every
 * control character a value carries is escaped; the line breaks are the formatter's own.
 */
export function formatLine(json: string): string {
	let entry: Record<string, unknown>;
	try {
		entry = JSON.parse(json) as Record<string, unknown>;
	} catch {
		return `${escapeControl(json.trimEnd())}\n`;
	}
	const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
	const level = typeof entry.level === 'number' ? LEVEL_NAMES[entry.level] : String(entry.level ?? '');
	const fields = Object.entries(entry)
		.filter(([key]) => !OWN_PLACE.has(key))
		.map(([key, value]) => `${key}=${fieldText(value)}`);
	const head = [time, (level ?? '').toUpperCase().padEnd(5), String(entry.msg ?? ''), ...fields]
		.filter((part) => part !== '')
		.map(escapeControl)
		.join(' ');
	const err = entry.err;
	if (err === undefined || err === null) return `${head}\n`;
	if (typeof err !== 'object') return `${head}\n  ${escapeControl(String(err))}\n`;
	const { stack, message } = err as { stack?: unknown; message?: unknown };
	const lines = typeof stack === 'string' ? stack.split('\n') : [String(message)];
	return `${head}\n${lines.map((line) => `  ${escapeControl(line)}`).join('\n')}\n`;
}

/** Writable ends the log writes to; the process's own stdout and stderr unless a spec gives others. */
export interface LogOutput {
	out: { write(text: string): unknown };
	err: { write(text: string): unknown };
	/** Readable lines (a terminal) rather than JSON. */
	pretty: boolean;
}

/** pino's level of warn: from here on a line goes to stderr. */
const WARN = 40;

/** A destination that sends each line to stdout or stderr by its level, as JSON or as a readable line. */
function destination(output: LogOutput): DestinationStream {
	const stream = {
		[Symbol.for('pino.metadata')]: true,
		lastLevel: 0,
		write(line: string) {
			const text = output.pretty ? formatLine(line) : line;
			(stream.lastLevel >= WARN ? output.err : output.out).write(text);
		}
	};
	return stream;
}

/** The characters pino's JSON leaves raw: DEL, C1 and the line separators, written as JSON escapes. */
const RAW_IN_JSON = /[\u007f-\u009f\u2028\u2029]/g;

/** A pino logger writing to `output`, with the ids of the current request or event on every line. */
export function createLogger(
	output: LogOutput,
	level: LogLevel,
	context: AsyncLocalStorage<LogContext>
): Logger {
	return pino(
		{
			level,
			formatters: { level: (label) => ({ level: label }) },
			serializers: { err: serializeError },
			redact: { paths: SECRET_FIELDS.flatMap((name) => [name, `*.${name}`]), censor: CENSOR },
			mixin: () => ({ ...context.getStore() }),
			hooks: {
				streamWrite: (line) =>
					line.replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
			}
		},
		destination(output)
	);
}

/*
 * Production runs two bundles (build/handler.js for the pages, build/server.js for Socket.IO), and
 * dev loads separate copies of this module too. The request context set by the pages' hook must be
 * seen by the services, which whichever bundle booted them log through: one context storage and one
 * logger for the process, on globalThis.
 */
const KEY = Symbol.for('lobby-sim.log');
interface Shared {
	context: AsyncLocalStorage<LogContext>;
	logger: Logger | null;
}
const shared: Shared = ((globalThis as Record<symbol, unknown>)[KEY] as Shared | undefined) ?? {
	context: new AsyncLocalStorage<LogContext>(),
	logger: null
};
(globalThis as Record<symbol, unknown>)[KEY] = shared;

/** The process's logger, made on first use: JSON unless stdout is a terminal, at LOG_LEVEL (default info). */
function logger(): Logger {
	shared.logger ??= createLogger(
		{ out: process.stdout, err: process.stderr, pretty: process.stdout.isTTY === true },
		parseLogLevel(process.env.LOG_LEVEL) ?? 'info',
		shared.context
	);
	return shared.logger;
}

/** Sets the least severe level written (the validated `LOG_LEVEL`, at boot). */
export function setLogLevel(level: LogLevel): void {
	logger().level = level;
}

/** Runs `work` with `context` on every line it logs, through every `await` and timer it starts. */
export function withLogContext<T>(context: LogContext, work: () => T): T {
	return shared.context.run({ ...context }, work);
}

/** Adds to the current context (a call id once the event has one); does nothing outside a context. */
export function addLogContext(more: LogContext): void {
	const current = shared.context.getStore();
	if (current) Object.assign(current, more);
}

function errorFields(error: unknown, fields: LogFields | undefined): object {
	return error === undefined ? { ...fields } : { ...fields, err: error };
}

export const log = {
	trace(message: string, fields?: LogFields): void {
		logger().trace({ ...fields }, message);
	},
	debug(message: string, fields?: LogFields): void {
		logger().debug({ ...fields }, message);
	},
	info(message: string, fields?: LogFields): void {
		logger().info({ ...fields }, message);
	},
	warn(message: string, fields?: LogFields): void {
		logger().warn({ ...fields }, message);
	},
	error(message: string, error?: unknown, fields?: LogFields): void {
		logger().error(errorFields(error, fields), message);
	}
};
