/**
 * `lobby load`'s options: parsed and checked before anything touches the server, so a mistake is a
 * usage error (exit 2) with a sentence that says what the option takes.
 */
import { UsageError } from './cmdlets';

/** The simulated-organizers endpoint makes at most this many; one organizer per meeting. */
export const MAX_MEETINGS = 1000;
/** Callers are one socket each; the command is built for 5,000 and allows ten times that. */
export const MAX_CALLERS = 50_000;
export const MAX_RATE = 10_000;
export const MAX_CONCURRENCY = 5000;
/** Dials in flight at once when nothing else is said. */
export const DEFAULT_CONCURRENCY = 200;
/** How long each step (connect, dial, admission, hang-up) may take before it counts as an error. */
export const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_DURATION_MS = 24 * 3600_000;

export const LOAD_USAGE = `Usage: lobby load --meetings M --callers N [--rate R | --duration D] [options]

Drives a running server (LOBBY_URL with LOBBY_TOKEN, or the saved login of an administrator) with
real Socket.IO connections, one per caller. It makes M simulated organizers with fresh leader PINs,
then N callers dial in, spread over the M meetings, and wait in the lobby; once all callers of a
meeting wait, its organizer dials in with the PIN and the lobby is admitted (S10); then everyone
hangs up. Progress goes to stderr once a second; the report to stdout.

Options:
  --meetings M       meetings, one simulated organizer each (1 to ${MAX_MEETINGS})
  --callers N        callers in all, spread evenly over the meetings (M to ${MAX_CALLERS})
  --rate R           callers arriving per second (default: as fast as --concurrency allows)
  --duration D       spread the arrivals over D instead: 30s, 2m, 1h, 500ms (not with --rate)
  --concurrency C    dials in flight at once, at most (default ${DEFAULT_CONCURRENCY}, up to ${MAX_CONCURRENCY})
  --timeout D        time each step may take before it counts as an error (default ${DEFAULT_TIMEOUT_MS / 1000}s)
  --json             the report as JSON
  -h, --help         show this help

Reported: joins per second; join latency (connect, dial, in the lobby) and admission latency
(the organizer's PIN # sent, to each lobby caller in the meeting) as p50, p95 and p99; errors by
code; unexpected disconnects by reason. The tenant's MaxParticipants must allow N/M callers plus
the organizer per meeting.

Exit codes: 0 every caller was admitted, 1 the server refused or a caller failed, 2 usage error,
130 interrupted (Ctrl-C hangs up every call, then reports).
`;

/** A checked `lobby load` command line. */
export interface LoadOptions {
	meetings: number;
	callers: number;
	/** Callers per second, or null for as fast as the concurrency allows. */
	rate: number | null;
	/** The arrival window when given as --duration (the rate is derived from it), else null. */
	durationMs: number | null;
	concurrency: number;
	timeoutMs: number;
	json: boolean;
	help: boolean;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3600_000 };

/** `30s`, `2m`, `1.5h`, `500ms`, or a bare number of seconds; null when it is none of those. */
export function parseDuration(text: string): number | null {
	const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?$/i.exec(text.trim());
	if (!match) return null;
	const ms = Number(match[1]) * UNITS[(match[2] ?? 's').toLowerCase()]!;
	return Number.isFinite(ms) ? ms : null;
}

/** A whole number from `min` to `max`, or a usage error naming the option. */
function wholeNumber(name: string, text: string, min: number, max: number): number {
	const value = /^\d+$/.test(text) ? Number(text) : NaN;
	if (!Number.isSafeInteger(value) || value < min || value > max) {
		throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${text}").`);
	}
	return value;
}

const VALUED = ['meetings', 'callers', 'rate', 'duration', 'concurrency', 'timeout'] as const;
type Valued = (typeof VALUED)[number];

/** Parses `lobby load`'s arguments (after the word `load`); throws UsageError on any mistake. */
export function parseLoadOptions(argv: readonly string[]): LoadOptions {
	const values: Partial<Record<Valued, string>> = {};
	let json = false;
	let help = false;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg === '-h' || arg === '--help') {
			help = true;
			continue;
		}
		if (!arg.startsWith('--')) {
			throw new UsageError(`lobby load takes no argument "${arg}"; options start with --.`);
		}
		const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
		if (name === 'json') {
			if (inline !== undefined) throw new UsageError('--json takes no value.');
			json = true;
			continue;
		}
		if (!(VALUED as readonly string[]).includes(name)) {
			throw new UsageError(`Unknown option --${name}.`);
		}
		const key = name as Valued;
		if (values[key] !== undefined) throw new UsageError(`--${key} is given twice.`);
		const value = inline ?? argv[++i];
		if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) {
			throw new UsageError(`--${key} needs a value.`);
		}
		values[key] = value;
	}
	const defaults = {
		rate: null,
		durationMs: null,
		concurrency: DEFAULT_CONCURRENCY,
		timeoutMs: DEFAULT_TIMEOUT_MS,
		json
	};
	if (help) return { meetings: 0, callers: 0, ...defaults, help };

	if (values.meetings === undefined) throw new UsageError('--meetings M is required, e.g. --meetings 10.');
	if (values.callers === undefined) throw new UsageError('--callers N is required, e.g. --callers 500.');
	const meetings = wholeNumber('meetings', values.meetings, 1, MAX_MEETINGS);
	const callers = wholeNumber('callers', values.callers, 1, MAX_CALLERS);
	if (callers < meetings) {
		throw new UsageError(
			`--callers (${callers}) must be at least --meetings (${meetings}): every meeting needs a caller to admit.`
		);
	}
	if (values.rate !== undefined && values.duration !== undefined) {
		throw new UsageError('Give --rate or --duration, not both: --duration D means a rate of N/D.');
	}
	let rate: number | null = null;
	let durationMs: number | null = null;
	if (values.rate !== undefined) {
		rate = /^(\d+(\.\d+)?|\.\d+)$/.test(values.rate) ? Number(values.rate) : NaN;
		if (!(rate > 0 && rate <= MAX_RATE)) {
			throw new UsageError(
				`--rate must be a number of callers per second above 0, up to ${MAX_RATE} (got "${values.rate}").`
			);
		}
	}
	if (values.duration !== undefined) {
		durationMs = parseDuration(values.duration);
		if (durationMs === null || durationMs <= 0 || durationMs > MAX_DURATION_MS) {
			throw new UsageError(
				`--duration must be a time above 0 and up to 24h, like 30s, 2m or 1h (got "${values.duration}").`
			);
		}
		rate = (callers * 1000) / durationMs;
	}
	const concurrency =
		values.concurrency === undefined
			? DEFAULT_CONCURRENCY
			: wholeNumber('concurrency', values.concurrency, 1, MAX_CONCURRENCY);
	let timeoutMs = DEFAULT_TIMEOUT_MS;
	if (values.timeout !== undefined) {
		const parsed = parseDuration(values.timeout);
		if (parsed === null || parsed < 1000 || parsed > 600_000) {
			throw new UsageError(`--timeout must be a time from 1s to 10m, like 30s (got "${values.timeout}").`);
		}
		timeoutMs = parsed;
	}
	return { meetings, callers, rate, durationMs, concurrency, timeoutMs, json, help: false };
}

/**
 * Which meeting the i-th caller dials: round robin, so every lobby fills at once, as a busy morning
 * does, and sizes differ by one at most.
 */
export function meetingOf(caller: number, meetings: number): number {
	return caller % meetings;
}

/**
 * When the i-th caller arrives, in milliseconds after the start: evenly spaced at `rate` per second,
 * or all at once (0) when no rate is given and the concurrency alone paces them.
 */
export function arrivalOffset(caller: number, rate: number | null): number {
	return rate === null ? 0 : (caller * 1000) / rate;
}
