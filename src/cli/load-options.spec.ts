import { describe, expect, it } from 'vitest';
import { UsageError } from './cmdlets';
import {
	arrivalOffset,
	DEFAULT_CONCURRENCY,
	DEFAULT_TIMEOUT_MS,
	meetingOf,
	parseDuration,
	parseLoadOptions
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
		expect(parseLoadOptions(['--meetings', '3', '--callers=60', '--json'])).toEqual({
			meetings: 3,
			callers: 60,
			rate: null,
			durationMs: null,
			concurrency: DEFAULT_CONCURRENCY,
			timeoutMs: DEFAULT_TIMEOUT_MS,
			json: true,
			help: false
		});
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

	it('spaces arrivals evenly at the rate, or starts them all at once without one', () => {
		expect([0, 1, 10].map((i) => arrivalOffset(i, 4))).toEqual([0, 250, 2500]);
		expect(arrivalOffset(1000, null)).toBe(0);
	});
});
