import { describe, expect, it } from 'vitest';
import { UsageError } from './cmdlets';
import { isScenarioLoad, parseScenarioLoadOptions } from './load-scenario';

describe('lobby load --scenario', () => {
	it('given a file, a count and a speed, then it reads them, with 1x and no reports by default', () => {
		expect(isScenarioLoad(['--scenario', 'scenarios/s10.yaml', '--repeat', '5'])).toBe(true);
		expect(isScenarioLoad(['--meetings', '2', '--callers', '10'])).toBe(false);
		expect(parseScenarioLoadOptions(['--scenario', 'scenarios/s10.yaml', '--repeat', '5'])).toEqual({
			file: 'scenarios/s10.yaml',
			repeat: 5,
			speed: 1,
			junit: null,
			json: null
		});
		expect(
			parseScenarioLoadOptions([
				'--scenario=scenarios/s10.yaml',
				'--repeat=50',
				'--speed',
				'20x',
				'--junit',
				'r.xml'
			])
		).toMatchObject({ repeat: 50, speed: 20, junit: 'r.xml' });
	});

	it('given a missing or wrong count, a wrong speed, or an option of the other load, then it says which', () => {
		const error = (argv: string[]) => {
			try {
				parseScenarioLoadOptions(argv);
			} catch (e) {
				expect(e).toBeInstanceOf(UsageError);
				return (e as Error).message;
			}
			return null;
		};
		const file = ['--scenario', 'scenarios/s10.yaml'];
		expect(error(file)).toBe('--scenario needs --repeat N: how many copies to run at once.');
		for (const n of ['0', '51', '2.5', 'many']) {
			expect(error([...file, '--repeat', n])).toBe(
				`--repeat must be a whole number from 1 to 50 (got "${n}").`
			);
		}
		expect(error([...file, '--repeat', '2', '--speed', '500'])).toMatch(/--speed .*\(got "500"\)\.$/);
		expect(error([...file, '--repeat', '2', '--rate', '10/s'])).toBe(
			'--rate does not go with --scenario: a scenario load takes --scenario, --repeat, --speed, --junit, --json.'
		);
		expect(error([...file, '--repat', '2'])).toBe(
			'Unknown option --repat; a scenario load takes --scenario, --repeat, --speed, --junit, --json.'
		);
		expect(error([...file, '--repeat', '2', '--repeat', '3'])).toBe('--repeat is given twice.');
		expect(error([...file, '--repeat'])).toBe('--repeat needs a value.');
		expect(error(['scenarios/s10.yaml'])).toBe(
			'lobby load takes no argument "scenarios/s10.yaml"; options start with --.'
		);
	});
});
