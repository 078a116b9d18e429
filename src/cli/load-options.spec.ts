import { describe, expect, it } from 'vitest';
import { UsageError } from './cmdlets';
import { SeededRandom } from '$lib/scenario/seeded-random';
import {
	behaviours,
	DEFAULT_CONCURRENCY,
	DEFAULT_TIMEOUT_MS,
	meetingOf,
	parseDuration,
	parseLoadOptions,
	parseMix,
	parseRate
} from './load-options';

function usageError(argv: string[]): string {
	try {
		parseLoadOptions(argv);
	} catch (error) {
		expect(error).toBeInstanceOf(UsageError);
		return (error as Error).message;
	}
	throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('lobby load options', () => {
	it('takes meetings and callers, with as-fast-as-possible arrivals and 200 dials in flight by default', () => {
		const options = parseLoadOptions(['--meetings', '3', '--callers=60', '--json']);
		expect(options).toMatchObject({
			meetings: 3,
			callers: 60,
			rate: null,
			profile: null,
			durationMs: null,
			concurrency: DEFAULT_CONCURRENCY,
			timeoutMs: DEFAULT_TIMEOUT_MS,
			mix: { stay: 100, abandon: 0, 'wrong-pin': 0, resume: 0 },
			seed: 1,
			thresholds: [],
			seriesFile: null,
			htmlFile: null,
			json: true,
			help: false
		});
		expect([options.arrival.text, options.patience.text, options.hold.text, options.dropAfter.text]).toEqual([
			'fixed',
			'exponential:20s',
			'fixed:0s',
			'uniform:1s..5s'
		]);
	});

	it('takes a rate, or a duration that becomes the rate N/D', () => {
		expect(parseLoadOptions(['--meetings', '1', '--callers', '10', '--rate', '2.5'])).toMatchObject({
			rate: 2.5,
			durationMs: null
		});
		expect(parseLoadOptions(['--meetings', '10', '--callers', '600', '--duration', '2m'])).toMatchObject({
			rate: 5,
			durationMs: 120_000
		});
		expect(
			parseLoadOptions(['--meetings', '1', '--callers', '1', '--concurrency', '5000', '--timeout', '5s'])
		).toMatchObject({ concurrency: 5000, timeoutMs: 5000 });
	});

	it('answers help without checking anything else', () => {
		expect(parseLoadOptions(['--help'])).toMatchObject({ help: true });
		expect(parseLoadOptions(['--rate', 'fast', '-h'])).toMatchObject({ help: true });
	});

	it.each([
		[[], '--meetings M is required'],
		[['--meetings', '3'], '--callers N is required'],
		[['--meetings', '0', '--callers', '5'], '--meetings must be a whole number from 1 to 1000 (got "0")'],
		[['--meetings', '1001', '--callers', '5000'], 'from 1 to 1000'],
		[['--meetings', '2.5', '--callers', '5'], '--meetings must be a whole number'],
		[['--meetings', 'three', '--callers', '5'], '(got "three")'],
		[['--meetings', '3', '--callers', '-5'], '--callers must be a whole number from 1 to 50000'],
		[['--meetings', '3', '--callers', '2'], '--callers (2) must be at least --meetings (3)'],
		[
			['--meetings', '3', '--callers', '9', '--rate', '0'],
			'--rate must be a number of callers per second above 0'
		],
		[['--meetings', '3', '--callers', '9', '--rate', '1e3'], '--rate must be'],
		[['--meetings', '3', '--callers', '9', '--duration', '30 days'], '--duration must be a time'],
		[['--meetings', '3', '--callers', '9', '--duration', '0s'], '--duration must be a time above 0'],
		[['--meetings', '3', '--callers', '9', '--duration', '25h'], 'up to 24h'],
		[['--meetings', '3', '--callers', '9', '--rate', '5', '--duration', '1m'], 'not both'],
		[
			['--meetings', '3', '--callers', '9', '--concurrency', '0'],
			'--concurrency must be a whole number from 1 to 5000'
		],
		[['--meetings', '3', '--callers', '9', '--timeout', '10ms'], '--timeout must be a time from 1s to 10m'],
		[['--meetings', '3', '--callers', '9', '--callers', '10'], '--callers is given twice'],
		[['--meetings', '3', '--callers'], '--callers needs a value'],
		[['--meetings', '--callers', '9'], '--meetings needs a value'],
		[['--meetings', '3', '--callers', '9', '--speed', '2'], 'Unknown option --speed'],
		[['--meetings', '3', '--callers', '9', 'now'], 'takes no argument "now"'],
		[['--meetings', '3', '--callers', '9', '--json=yes'], '--json takes no value']
	])('refuses %j: %s', (argv, message) => {
		expect(usageError(argv)).toContain(message);
	});
});

describe('lobby load options for a real morning', () => {
	const base = ['--meetings', '2', '--callers', '100'];

	it('takes rates per second, minute or hour, and a ramp from one rate to another', () => {
		expect([parseRate('20'), parseRate('20/s'), parseRate('600/m'), parseRate('36000/h')]).toEqual([
			20, 20, 10, 10
		]);
		expect(parseRate('fast')).toBeNull();
		expect(parseLoadOptions([...base, '--rate', '10/s..200/s', '--ramp', '60s'])).toMatchObject({
			rate: 10,
			profile: { from: 10, to: 200, rampMs: 60_000 }
		});
		expect(parseLoadOptions([...base, '--duration', '10s'])).toMatchObject({
			profile: { from: 10, to: 10, rampMs: 0 }
		});
	});

	it('takes an arrival shape, a mix, distributions, a seed, thresholds and output files', () => {
		const options = parseLoadOptions([
			...base,
			'--rate',
			'50',
			'--arrival',
			'exponential',
			'--mix',
			'abandon=10,wrong-pin=5,resume=5',
			'--patience',
			'lognormal:10s,5s',
			'--hold',
			'uniform:1s..3s',
			'--drop-after=fixed:2s',
			'--seed',
			'7',
			'--max-admit-p95',
			'2s',
			'--max-join-p99=1s',
			'--max-errors',
			'0.1%',
			'--series',
			'run.csv',
			'--html',
			'run.html'
		]);
		expect(options).toMatchObject({
			mix: { stay: 80, abandon: 10, 'wrong-pin': 5, resume: 5 },
			seed: 7,
			seriesFile: 'run.csv',
			htmlFile: 'run.html',
			thresholds: [
				{ option: '--max-admit-p95', kind: 'latency', latency: 'admit', stat: 'p95', limitMs: 2000 },
				{ option: '--max-join-p99', kind: 'latency', latency: 'join', stat: 'p99', limitMs: 1000 },
				{ option: '--max-errors', kind: 'errors', percent: 0.1, count: null }
			]
		});
		expect([options.arrival.name, options.patience.text, options.hold.mean, options.dropAfter.mean]).toEqual([
			'exponential',
			'lognormal:10s,5s',
			2000,
			2000
		]);
	});

	it.each([
		[['--rate', '10..200'], 'needs --ramp D'],
		[['--rate', '10', '--ramp', '1m'], '--ramp goes with a ramp of rates'],
		[['--ramp', '1m'], '--ramp goes with --rate A..B'],
		[['--rate', '10/s..fast'], '--rate must be a number of callers per second'],
		[['--rate', '10..20..30', '--ramp', '1m'], 'one rate or one ramp'],
		[['--rate', '10..20', '--ramp', '0s'], '--ramp must be a time above 0'],
		[['--arrival', 'exponential'], '--arrival goes with --rate or --duration'],
		[['--rate', '5', '--arrival', 'bursty'], '--arrival takes a shape: fixed, uniform, exponential'],
		[['--mix', 'abandon=60,resume=50'], 'add up to 110%, more than 100%'],
		[['--mix', 'stay=50,abandon=10'], 'add up to 60%, not 100%'],
		[['--mix', 'dance=5'], 'no behaviour "dance"'],
		[['--mix', 'abandon=5,abandon=5'], 'gives abandon twice'],
		[['--mix', 'abandon'], 'behaviour=percent'],
		[['--patience', '20s'], '--patience needs a distribution and its times'],
		[['--patience', 'gamma:2s'], 'does not know the distribution "gamma"'],
		[['--hold', 'uniform:5s..1s'], 'needs the smaller time first'],
		[['--hold', 'normal:5s'], 'takes 2 value(s) for normal'],
		[['--hold', 'pareto:0,1s'], 'needs a shape above 0'],
		[['--hold', 'exponential:0s'], 'needs a mean above 0'],
		[['--max-admit-p42', '1s'], 'Unknown threshold --max-admit-p42'],
		[['--max-walk-p95', '1s'], 'Unknown threshold --max-walk-p95'],
		[['--max-join-p99', 'soon'], '--max-join-p99 takes a time above 0'],
		[['--max-errors', 'some'], '--max-errors takes a share like 0.1% or a count like 5'],
		[['--max-errors', '150%'], 'from 0% to 100%'],
		[['--max-join-p99', '1s', '--max-join-p99', '2s'], '--max-join-p99 is given twice'],
		[['--seed', '-1'], '--seed must be a whole number'],
		[['--series'], '--series needs a value']
	])('refuses %j: %s', (argv, message) => {
		expect(usageError([...base, ...argv])).toContain(message);
	});
});

describe('durations', () => {
	it.each([
		['30s', 30_000],
		['2m', 120_000],
		['1.5h', 5_400_000],
		['500ms', 500],
		['45', 45_000],
		['2M', 120_000],
		['.5s', 500]
	])('%s is %d ms', (text, ms) => {
		expect(parseDuration(text)).toBe(ms);
	});

	it.each(['', 's', '-5s', '5 sec', '1e3s', '5d'])('"%s" is not a duration', (text) => {
		expect(parseDuration(text)).toBeNull();
	});
});

describe('the arrival plan', () => {
	it('spreads callers round robin, so meeting sizes differ by one at most', () => {
		const sizes = [0, 0, 0];
		for (let i = 0; i < 10; i++) sizes[meetingOf(i, 3)]!++;
		expect(sizes).toEqual([4, 3, 3]);
	});

	it('gives each behaviour exactly its share of the callers, in an order the seed decides', () => {
		const mix = parseMix('abandon=10,wrong-pin=5,resume=5');
		const shuffle = (seed: number) => {
			const random = new SeededRandom(seed, 'mix');
			return <T>(items: readonly T[]) => random.shuffle(items);
		};
		const plan = behaviours(1000, mix, shuffle(1));
		const count = (b: string) => plan.filter((x) => x === b).length;
		expect([count('stay'), count('abandon'), count('wrong-pin'), count('resume')]).toEqual([
			800, 100, 50, 50
		]);
		expect(behaviours(1000, mix, shuffle(1))).toEqual(plan);
		expect(behaviours(1000, mix, shuffle(2))).not.toEqual(plan);
		// Shares that do not divide evenly round by the largest remainders, and still add up.
		const three = behaviours(3, parseMix('stay=50,abandon=50'), (items) => [...items]);
		expect(three).toHaveLength(3);
		expect(three.filter((b) => b === 'abandon').length).toBeGreaterThanOrEqual(1);
	});
});
