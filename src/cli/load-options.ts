/**
 * `lobby load`'s options: parsed and checked before anything touches the server, so a mistake is a
 * usage error (exit 2) with a sentence that says what the option takes.
 */
import { UsageError } from './cmdlets';
import type { RateProfile } from './load-arrivals';
import {
	DISTRIBUTION_NAMES,
	parseDistribution,
	unitGaps,
	type Distribution,
	type DistributionName
} from './load-distributions';
import { isThresholdOption, parseThreshold, THRESHOLD_FORMS, type Threshold } from './load-thresholds';
import { parseDuration } from './load-time';

export { parseDuration };

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

/** What a caller does, and the share of callers who do it (the rest stay to the end). */
export const BEHAVIOURS = ['stay', 'abandon', 'wrong-pin', 'resume'] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export const DEFAULT_PATIENCE = 'exponential:20s';
export const DEFAULT_HOLD = 'fixed:0s';
export const DEFAULT_DROP_AFTER = 'uniform:1s..5s';

export const LOAD_USAGE = `Usage: lobby load --meetings M --callers N [--rate R | --duration D] [options]

Drives a running server (LOBBY_URL with LOBBY_TOKEN, or the saved login of an administrator) with
real Socket.IO connections, one per caller. It makes M simulated organizers with fresh leader PINs,
then N callers dial in, spread over the M meetings, and wait in the lobby; once all callers of a
meeting have come, its organizer dials in with the PIN and the lobby is admitted (S10); callers stay
for their hold time, then everyone hangs up. Progress goes to stderr once a second; the report to
stdout.

Arrivals:
  --meetings M       meetings, one simulated organizer each (1 to ${MAX_MEETINGS})
  --callers N        callers in all, spread evenly over the meetings (M to ${MAX_CALLERS})
  --rate R           open model: callers arriving per second, as 20, 20/s, 600/m; or a ramp
                     from one rate to another, as 10/s..200/s, with --ramp
  --ramp D           how long the ramp takes (then the second rate holds): 60s, 2m
  --duration D       spread the arrivals over D instead: 30s, 2m, 1h (not with --rate)
  --arrival SHAPE    gaps between arrivals: fixed (evenly spaced, the default), exponential
                     (a Poisson process), uniform, normal, lognormal or pareto; the rate sets the mean
  --concurrency C    dials in flight at once, at most (default ${DEFAULT_CONCURRENCY}, up to ${MAX_CONCURRENCY}); without
                     --rate or --duration this is the closed model: a new caller as each one gets in

What callers do:
  --mix SHARES       percent of callers by behaviour, as stay=80,abandon=10,wrong-pin=5,resume=5;
                     the rest stay. abandon: hang up in the lobby after their patience; wrong-pin:
                     try the leader PIN once, wrongly, then call again and wait as a guest (wrong PINs
                     count toward the organizer's lockout, as on the real bridge); resume: lose the
                     connection in the lobby and take the call back on a new one
  --patience DIST    how long abandoning callers wait (default ${DEFAULT_PATIENCE})
  --hold DIST        how long admitted callers stay in the meeting (default ${DEFAULT_HOLD})
  --drop-after DIST  how long resuming callers wait before the drop (default ${DEFAULT_DROP_AFTER})
  --seed N           seed for every draw and the mix (default 1): the same seed, the same run
                     DIST is fixed:2s, uniform:1s..5s, exponential:20s, normal:10s,2s (mean,
                     deviation), lognormal:10s,5s (mean, deviation) or pareto:2,5s (shape, least)

Thresholds (a breach exits 3 and the report says which, by how much):
  --max-join-p99 D, --max-admit-p95 D, ...
                     any of ${THRESHOLD_FORMS}
                     join, admit(ssion), resume and pin (PIN accepted) latencies at p50, p90,
                     p95, p99 or max; --max-errors as a share of callers (0.1%) or a count (5).
                     With --max-errors, errors within it do not fail the run.

Output:
  --json             the report as JSON on stdout
  --series FILE      the figures second by second, as CSV (or JSON when FILE ends in .json)
  --html FILE        a report to open in a browser, with charts of arrivals, lobby sizes,
                     latencies and errors over time
  --timeout D        time each step may take before it counts as an error (default ${DEFAULT_TIMEOUT_MS / 1000}s)
  -h, --help         show this help

Reported: joins per second; join latency (connect, dial, in the lobby; for wrong-PIN callers from
their second call), admission latency (the organizer's PIN # sent, to each lobby caller in the
meeting), PIN accepted and resume latency as p50, p90, p95, p99 and max; abandons, wrong PINs and
resumes; errors by code; unexpected disconnects by reason. The tenant's MaxParticipants must allow
N/M callers plus the organizer per meeting.

A scenario's story as load: lobby load --scenario FILE --repeat N runs one of the server's scenario
files N times at once, each copy with users and meetings of its own, and checks every copy's
expectations ("lobby load --scenario FILE --help").

Exit codes: 0 every caller was admitted or left as planned, 1 the server refused or a caller failed
(beyond --max-errors, when given), 2 usage error, 3 a threshold was breached (1 wins over 3),
130 interrupted (Ctrl-C hangs up every call, then reports).
`;

/** A checked `lobby load` command line. */
export interface LoadOptions {
	meetings: number;
	callers: number;
	/** Callers per second at the start (open model), or null for the closed model. */
	rate: number | null;
	/** The open model's rate over time, or null for the closed model. */
	profile: RateProfile | null;
	/** The arrival window when given as --duration (the rate is derived from it), else null. */
	durationMs: number | null;
	/** The shape of the gaps between arrivals, with mean 1. */
	arrival: Distribution;
	concurrency: number;
	timeoutMs: number;
	/** Percent of callers by behaviour; they add up to 100. */
	mix: Record<Behaviour, number>;
	patience: Distribution;
	hold: Distribution;
	dropAfter: Distribution;
	seed: number;
	thresholds: Threshold[];
	seriesFile: string | null;
	htmlFile: string | null;
	json: boolean;
	help: boolean;
}

/** A whole number from `min` to `max`, or a usage error naming the option. */
export function wholeNumber(name: string, text: string, min: number, max: number): number {
	const value = /^\d+$/.test(text) ? Number(text) : NaN;
	if (!Number.isSafeInteger(value) || value < min || value > max) {
		throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${text}").`);
	}
	return value;
}

const RATE_UNITS: Record<string, number> = { s: 1, m: 1 / 60, min: 1 / 60, h: 1 / 3600 };

/** A rate as `20`, `20/s`, `600/m` or `36000/h`, in callers per second; null when it is none of those. */
export function parseRate(text: string): number | null {
	const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(?:\/\s*(s|m|min|h))?$/i.exec(text.trim());
	if (!match) return null;
	return Number(match[1]) * RATE_UNITS[(match[2] ?? 's').toLowerCase()]!;
}

function checkedRate(text: string, whole: string): number {
	const rate = parseRate(text);
	if (rate === null || !(rate > 0 && rate <= MAX_RATE)) {
		throw new UsageError(
			`--rate must be a number of callers per second above 0, up to ${MAX_RATE}, as 20, 20/s or 600/m, or a ramp as 10/s..200/s (got "${whole}").`
		);
	}
	return rate;
}

/** `stay=80,abandon=10,...` as percentages that add up to 100 (the rest stay). */
export function parseMix(text: string): Record<Behaviour, number> {
	const mix: Record<Behaviour, number> = { stay: 0, abandon: 0, 'wrong-pin': 0, resume: 0 };
	const given = new Set<string>();
	for (const part of text.split(',')) {
		const match = /^\s*([a-z-]+)\s*=\s*(\d+(?:\.\d+)?)\s*%?\s*$/i.exec(part);
		if (!match) {
			throw new UsageError(
				`--mix takes shares as behaviour=percent, as stay=80,abandon=10,wrong-pin=5,resume=5 (got "${text}").`
			);
		}
		const name = match[1]!.toLowerCase();
		if (!(BEHAVIOURS as readonly string[]).includes(name)) {
			throw new UsageError(`--mix: no behaviour "${match[1]}"; the behaviours are ${BEHAVIOURS.join(', ')}.`);
		}
		if (given.has(name)) throw new UsageError(`--mix gives ${name} twice.`);
		given.add(name);
		mix[name as Behaviour] = Number(match[2]);
	}
	const others = mix.abandon + mix['wrong-pin'] + mix.resume;
	if (given.has('stay')) {
		if (Math.abs(others + mix.stay - 100) > 1e-9) {
			throw new UsageError(
				`--mix shares add up to ${others + mix.stay}%, not 100% (leave stay out for "the rest").`
			);
		}
	} else if (others > 100) {
		throw new UsageError(`--mix shares add up to ${others}%, more than 100%.`);
	} else {
		mix.stay = 100 - others;
	}
	return mix;
}

const VALUED = [
	'meetings',
	'callers',
	'rate',
	'ramp',
	'duration',
	'arrival',
	'concurrency',
	'timeout',
	'mix',
	'patience',
	'hold',
	'drop-after',
	'seed',
	'series',
	'html'
] as const;
type Valued = (typeof VALUED)[number];

/** Whether `--name` is one of `lobby load`'s own options (a scenario load takes others). */
export function isLoadOption(name: string): boolean {
	return (VALUED as readonly string[]).includes(name) || isThresholdOption(name) || name === 'json';
}

/** Parses `lobby load`'s arguments (after the word `load`); throws UsageError on any mistake. */
export function parseLoadOptions(argv: readonly string[]): LoadOptions {
	const values: Partial<Record<Valued, string>> = {};
	const thresholds = new Map<string, Threshold>();
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
		const threshold = isThresholdOption(name);
		if (!threshold && !(VALUED as readonly string[]).includes(name)) {
			throw new UsageError(`Unknown option --${name}.`);
		}
		if ((values as Record<string, string>)[name] !== undefined || thresholds.has(name)) {
			throw new UsageError(`--${name} is given twice.`);
		}
		const value = inline ?? argv[++i];
		if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) {
			throw new UsageError(`--${name} needs a value.`);
		}
		if (help) continue;
		if (threshold) thresholds.set(name, parseThreshold(name, value));
		else values[name as Valued] = value;
	}
	const base = {
		rate: null,
		profile: null,
		durationMs: null,
		arrival: unitGaps('fixed'),
		concurrency: DEFAULT_CONCURRENCY,
		timeoutMs: DEFAULT_TIMEOUT_MS,
		mix: { stay: 100, abandon: 0, 'wrong-pin': 0, resume: 0 },
		patience: parseDistribution('patience', DEFAULT_PATIENCE),
		hold: parseDistribution('hold', DEFAULT_HOLD),
		dropAfter: parseDistribution('drop-after', DEFAULT_DROP_AFTER),
		seed: 1,
		thresholds: [...thresholds.values()],
		seriesFile: null,
		htmlFile: null,
		json
	};
	if (help) return { meetings: 0, callers: 0, ...base, help };

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
	let profile: RateProfile | null = null;
	let durationMs: number | null = null;
	if (values.rate !== undefined) {
		const [from, to, extra] = values.rate.split('..');
		if (extra !== undefined)
			throw new UsageError(`--rate takes one rate or one ramp A..B (got "${values.rate}").`);
		const a = checkedRate(from!, values.rate);
		const b = to === undefined ? a : checkedRate(to, values.rate);
		let rampMs = 0;
		if (values.ramp !== undefined) {
			if (to === undefined) {
				throw new UsageError(`--ramp goes with a ramp of rates, as --rate 10/s..200/s --ramp 60s.`);
			}
			const ramp = parseDuration(values.ramp);
			if (ramp === null || ramp <= 0 || ramp > MAX_DURATION_MS) {
				throw new UsageError(`--ramp must be a time above 0 and up to 24h, like 60s (got "${values.ramp}").`);
			}
			rampMs = ramp;
		} else if (to !== undefined) {
			throw new UsageError(`A ramp of rates needs --ramp D: how long it takes to go from ${from} to ${to}.`);
		}
		profile = { from: a, to: b, rampMs };
	} else if (values.ramp !== undefined) {
		throw new UsageError('--ramp goes with --rate A..B.');
	}
	if (values.duration !== undefined) {
		durationMs = parseDuration(values.duration);
		if (durationMs === null || durationMs <= 0 || durationMs > MAX_DURATION_MS) {
			throw new UsageError(
				`--duration must be a time above 0 and up to 24h, like 30s, 2m or 1h (got "${values.duration}").`
			);
		}
		const rate = (callers * 1000) / durationMs;
		profile = { from: rate, to: rate, rampMs: 0 };
	}
	let arrival = base.arrival;
	if (values.arrival !== undefined) {
		const shape = values.arrival.trim().toLowerCase();
		if (!(DISTRIBUTION_NAMES as readonly string[]).includes(shape)) {
			throw new UsageError(
				`--arrival takes a shape: ${DISTRIBUTION_NAMES.join(', ')} (got "${values.arrival}"); the rate sets the mean.`
			);
		}
		if (profile === null) throw new UsageError('--arrival goes with --rate or --duration (the open model).');
		arrival = unitGaps(shape as DistributionName);
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
	const file = (name: 'series' | 'html') => {
		const value = values[name];
		if (value === undefined) return null;
		if (/[\0\n]/.test(value)) throw new UsageError(`--${name} takes a file name.`);
		return value;
	};
	return {
		...base,
		meetings,
		callers,
		rate: profile?.from ?? null,
		profile,
		durationMs,
		arrival,
		concurrency,
		timeoutMs,
		mix: values.mix === undefined ? base.mix : parseMix(values.mix),
		patience: values.patience === undefined ? base.patience : parseDistribution('patience', values.patience),
		hold: values.hold === undefined ? base.hold : parseDistribution('hold', values.hold),
		dropAfter:
			values['drop-after'] === undefined
				? base.dropAfter
				: parseDistribution('drop-after', values['drop-after']),
		seed: values.seed === undefined ? 1 : wholeNumber('seed', values.seed, 0, 0xffff_ffff),
		seriesFile: file('series'),
		htmlFile: file('html'),
		help: false
	};
}

/**
 * Which meeting the i-th caller dials: round robin, so every lobby fills at once, as a busy morning
 * does, and sizes differ by one at most.
 */
export function meetingOf(caller: number, meetings: number): number {
	return caller % meetings;
}

/**
 * Each caller's behaviour: exactly the mix's shares of `count` (largest remainders round), in an
 * order drawn from `random`, so that 10 % of 1,000 callers is 100 callers, wherever they fall.
 */
export function behaviours(
	count: number,
	mix: Record<Behaviour, number>,
	shuffle: <T>(items: readonly T[]) => T[]
): Behaviour[] {
	const exact = BEHAVIOURS.map((b) => ({ b, n: (mix[b] * count) / 100 }));
	const counts = exact.map((e) => ({ b: e.b, n: Math.floor(e.n), rest: e.n - Math.floor(e.n) }));
	let left = count - counts.reduce((sum, c) => sum + c.n, 0);
	for (const c of [...counts].sort((x, y) => y.rest - x.rest)) {
		if (left <= 0) break;
		c.n += 1;
		left -= 1;
	}
	return shuffle(counts.flatMap((c) => Array.from({ length: c.n }, () => c.b)));
}
