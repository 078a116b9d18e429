import { describe, expect, it } from 'vitest';
import { parseScenario, type ScenarioError } from './parse-scenario';

function errorsOf(text: string): ScenarioError[] {
	const parsed = parseScenario(text, 'test.yaml');
	if (parsed.ok) throw new Error('expected the scenario to be refused');
	return parsed.errors;
}

const HEAD = `name: Test
description: A test.
actors:
  callers:
    alice: '+46 8 123 45 67'
  organizers:
    amos: { user: amos.marble }
steps:
`;
// HEAD has 8 lines: the first step starts on line 9.

describe('parsing a scenario file', () => {
	it('given a valid file, then it answers the scenario with defaults filled in and the line of each step', () => {
		const parsed = parseScenario(
			`${HEAD}  - at: 0s\n    dial: alice\n  - after: 5s\n    expect: { meeting: amos, lobby: 1 }\n`
		);
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		expect(parsed.scenario.seed).toBe(1);
		expect(parsed.scenario.actors.admin).toBe('admin');
		expect(parsed.scenario.actors.organizers.amos?.pin).toBe('known');
		expect(parsed.source.stepLines).toEqual([9, 11]);
	});

	it('given a note with an unquoted " #", then the file is valid but a warning points at the # and says to quote it', () => {
		const parsed = parseScenario(
			`${HEAD}  - at: 0s\n    dial: alice\n    note: Alice does not know the PIN, so she presses # and waits\n`
		);
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		expect(parsed.scenario.steps[0]?.note).toBe('Alice does not know the PIN, so she presses');
		expect(parsed.warnings).toEqual([
			{
				line: 11,
				column: 55,
				path: 'steps[0].note',
				message:
					'The note stops before "# and waits": in YAML an unquoted " #" starts a comment. ' +
					'Quote the whole note (\'...\' or "...") to keep the rest.'
			}
		]);
	});

	it('given prose quoted with a #, or a comment after a value that is not prose, then there is no warning', () => {
		const parsed = parseScenario(
			`${HEAD}  - at: 0s # the first caller\n    dial: alice\n    note: 'she presses # and waits'\n`
		);
		expect(parsed.ok && parsed.warnings).toEqual([]);
	});

	it('given a description cut by " #", then the warning names the description', () => {
		const parsed = parseScenario(
			HEAD.replace('A test.', 'Press # to skip # twice') + `  - at: 0s\n    dial: alice\n`
		);
		expect(parsed.ok && parsed.warnings.map((w) => [w.line, w.column, w.path])).toEqual([
			[2, 20, 'description']
		]);
	});

	it('given a YAML syntax error, then it says where', () => {
		const [error] = errorsOf(`${HEAD}  - at: 0s\n    dial: [alice\n`);
		expect(error).toMatchObject({ line: expect.any(Number), message: expect.stringMatching(/^YAML: /) });
		expect(error!.line).toBeGreaterThanOrEqual(10);
	});

	it("given a misspelt key, then the error is on that key's line with a suggestion", () => {
		const errors = errorsOf(`${HEAD}  - at: 0s\n    dial: alice\n  - at: 1s\n    dail: alice\n`);
		expect(errors).toContainEqual({
			line: 12,
			column: 5,
			path: 'steps[1].dail',
			message: 'Unknown key "dail": did you mean "dial"?'
		});
	});

	it('given a wrong value deep inside a step, then the error points at the value', () => {
		const errors = errorsOf(`${HEAD}  - at: 0s\n    dial:\n      caller: alice\n      then: maybe\n`);
		expect(errors).toEqual([
			{
				line: 12,
				column: 13,
				path: 'steps[0].dial.then',
				message: 'Expected one of "not-leader", "leader", "star", "wait".'
			}
		]);
	});

	it('given a missing key, then the error is at the mapping that lacks it', () => {
		const errors = errorsOf(`${HEAD}  - at: 0s\n    press: { keys: '*6' }\n`);
		expect(errors).toEqual([
			{ line: 10, column: 12, path: 'steps[0].press', message: '"caller" is missing: expected text here.' }
		]);
	});

	it('given a bad time, then the error says how to write one, on its line', () => {
		const errors = errorsOf(`${HEAD}  - at: 5 seconds\n    dial: alice\n`);
		expect(errors).toEqual([
			{
				line: 9,
				column: 9,
				path: 'steps[0].at',
				message: 'Write a time like 0s, 1.5s, 250ms, 2m, 1h or 1m30s.'
			}
		]);
	});

	it('given a step with two actions or none, then it says a step has one', () => {
		const errors = errorsOf(`${HEAD}  - at: 0s\n    dial: alice\n    hangUp: alice\n  - at: 1s\n`);
		expect(errors.map((e) => [e.line, e.message])).toEqual([
			[11, 'A step has one action; this one has dial and hangUp: make them separate steps.'],
			[12, expect.stringMatching(/^A step needs one action or expectation: dial, press, /)]
		]);
	});

	it('given an actor nobody declared, then the error is at the reference', () => {
		const errors = errorsOf(`${HEAD}  - at: 0s\n    dial: { caller: zed }\n`);
		expect(errors).toEqual([
			{
				line: 10,
				column: 21,
				path: 'steps[0].dial.caller',
				message: '"zed" is not a caller or organizer: declare it under actors.callers.'
			}
		]);
	});

	it('given steps out of time order, or a PIN variable used before it is captured, then each is reported where it is', () => {
		const errors = errorsOf(
			`${HEAD}  - at: 1m\n    dial: alice\n  - at: 30s\n    hangUp: alice\n  - enterPin: { caller: amos, pin: $newPin }\n`
		);
		expect(errors.map((e) => [e.line, e.path, e.message])).toEqual([
			[11, 'steps[1].at', 'Steps run in time order: this step (at 30s) comes before the step above it.'],
			[
				13,
				'steps[2].enterPin.pin',
				'$newPin is not captured before this step: capture it with resetPin (capture: newPin).'
			]
		]);
	});

	it('given a tenant setting out of range, then the message gives the range and the rule', () => {
		const errors = errorsOf(
			`name: T\ndescription: T\ntenant:\n  pinLength: 3\nsteps:\n  - expect: { totals: { meetings: 0 } }\n`
		);
		expect(errors).toEqual([
			{ line: 4, column: 14, path: 'tenant.pinLength', message: 'PinLength is 4 to 12 (S13).' }
		]);
	});

	it('given an organizer granted a meeting policy the file does not define, or a policy named Global, then each is reported where it is', () => {
		const errors = errorsOf(
			`name: T\ndescription: T\nmeetingPolicies:\n  Global: { lobbyMode: Teams }\n  Training: { lobbyMode: Teams }\nactors:\n  organizers:\n    amos: { user: amos.marble, meetingPolicy: Course }\nsteps:\n  - expect: { totals: { meetings: 0 } }\n`
		);
		expect(errors.map((e) => [e.line, e.path, e.message])).toEqual([
			[
				4,
				'meetingPolicies.Global',
				'Global is the policy every user has; change it with Set-CsTeamsMeetingPolicy -Identity Global.'
			],
			[
				8,
				'actors.organizers.amos.meetingPolicy',
				'No meeting policy named Course: name one of meetingPolicies (Global, Training) or Global.'
			]
		]);
		const lounge = errorsOf(
			`name: T\ndescription: T\nmeetingPolicies:\n  Training: { lobbyMode: Lounge }\nsteps:\n  - expect: { totals: { meetings: 0 } }\n`
		);
		expect(lounge.map((e) => [e.line, e.path])).toEqual([[4, 'meetingPolicies.Training.lobbyMode']]);
	});

	it.each([
		["'>= 3'", { atLeast: 3 }],
		["'> 2'", { atLeast: 3 }],
		["'<= 5'", { atMost: 5 }],
		["'< 6'", { atMost: 5 }],
		["'= 2'", { atLeast: 2, atMost: 2 }],
		["'2..5'", { atLeast: 2, atMost: 5 }],
		["' 1 .. 1 '", { atLeast: 1, atMost: 1 }]
	])('given the comparison %s where a count is expected, then it means the bounds %j', (text, bounds) => {
		const parsed = parseScenario(`${HEAD}  - expect: { meeting: amos, lobby: ${text} }\n`, 'test.yaml');
		expect(parsed.ok && parsed.scenario.steps[0]?.expect?.lobby).toEqual(bounds);
	});

	it('given a comparison that is not one, or can never hold, then the error says how to write one, on its line', () => {
		const at = (text: string) =>
			errorsOf(`${HEAD}  - expect: { meeting: amos, lobby: ${text} }\n`).map((e) => [
				e.line,
				e.path,
				e.message
			]);
		expect(at("'about 3'")).toEqual([
			[9, 'steps[0].expect.lobby', "A comparison reads '>= 3', '> 2', '<= 5', '< 6', '= 2' or '2..5'."]
		]);
		expect(at("'5..2'")).toEqual([
			[9, 'steps[0].expect.lobby', '5..2 is empty: write the smaller number first.']
		]);
		expect(at("'< 0'")).toEqual([[9, 'steps[0].expect.lobby', '< 0 can never hold: a count is 0 or more.']]);
	});

	it('given a count of two things, or of a meeting with calls, then it says to count one thing', () => {
		const at = (count: string) =>
			errorsOf(`${HEAD}  - expect: { count: ${count} }\n`).map((e) => [e.line, e.message]);
		expect(at('{ event: MeetingStarted, disconnected: pin-failed, is: 1 }')).toEqual([
			[9, 'Count one thing: event (meeting events) or disconnected (calls ended with a reason).']
		]);
		expect(at('{ disconnected: pin-failed, meeting: amos, is: 1 }')).toEqual([
			[9, 'meeting goes with event: calls are counted over the whole run.']
		]);
	});

	it('given eventually with neither or both of an event and a state, or a state that names nobody known, then each is reported where it is', () => {
		const at = (body: string) =>
			errorsOf(`${HEAD}  - eventually: ${body}\n`).map((e) => [e.line, e.path, e.message]);
		const oneOf =
			'Say what must happen by the deadline: event (an event, as in never) or expect (a state, as in an expect step).';
		expect(at('{ within: 1m }')).toEqual([[9, 'steps[0].eventually', oneOf]]);
		expect(at('{ event: MeetingStarted, expect: { meeting: amos, lobby: 2 }, within: 1m }')).toEqual([
			[9, 'steps[0].eventually', oneOf]
		]);
		expect(at('{ expect: { meeting: amos, lobby: 2 }, meeting: amos, within: 1m }')).toEqual([
			[9, 'steps[0].eventually.meeting', 'meeting goes with event; a state names its meeting inside expect.']
		]);
		expect(at('{ expect: { caller: bob, phase: lobby }, within: 1m }')).toEqual([
			[9, 'steps[0].eventually.expect.caller', '"bob" is not a caller or organizer.']
		]);
		expect(at('{ expect: { meeting: amos }, within: 1m }')).toEqual([
			[
				9,
				'steps[0].eventually.expect',
				'Say what to check of the meeting: state, lobby, participants, locked, startedBy, events or order.'
			]
		]);
		const parsed = parseScenario(
			`${HEAD}  - eventually: { expect: { meeting: amos, lobby: '>= 2' }, within: 1m }\n`
		);
		expect(parsed.ok && parsed.scenario.steps[0]?.eventually).toEqual({
			expect: { meeting: 'amos', lobby: { atLeast: 2 } },
			within: '1m'
		});
	});

	it('given the fault steps fillMeeting and restartServer written wrong, then each says how to write it, on its line', () => {
		const at = (step: string) => errorsOf(`${HEAD}  - ${step}\n`).map((e) => [e.line, e.path, e.message]);
		expect(at('fillMeeting: zed')).toEqual([
			[9, 'steps[0].fillMeeting', '"zed" is not an organizer: declare it under actors.organizers.']
		]);
		expect(at('restartServer: false')).toEqual([
			[
				9,
				'steps[0].restartServer',
				'restartServer is written restartServer: true (leave the step out for no restart).'
			]
		]);
		expect(parseScenario(`${HEAD}  - restartServer: true\n  - fillMeeting: amos\n`).ok).toBe(true);
	});

	it('given failMail and pauseDatabase without a time, then each asks for one, on its line', () => {
		const at = (step: string) => errorsOf(`${HEAD}  - ${step}\n`).map((e) => [e.line, e.path, e.message]);
		for (const name of ['failMail', 'pauseDatabase']) {
			expect(at(`${name}: soon`)).toEqual([
				[9, `steps[0].${name}`, 'Write a time like 0s, 1.5s, 250ms, 2m, 1h or 1m30s.']
			]);
		}
		expect(parseScenario(`${HEAD}  - failMail: 10m\n  - pauseDatabase: 30s\n`).ok).toBe(true);
	});

	it('given an empty file, then it says what a scenario needs', () => {
		expect(errorsOf('')).toEqual([
			{
				line: 1,
				column: 1,
				path: '',
				message: 'The file is empty: a scenario has name, description and steps.'
			}
		]);
	});
});

describe('a scenario file made to exhaust the parser', () => {
	it('given two files nested 100,000 levels deep, one after the other, then both are refused with where, and the process lives on', () => {
		for (const text of [
			'['.repeat(100_000) + ']'.repeat(100_000),
			`steps:\n  - ${'- '.repeat(100_000)}x\n`
		]) {
			const [error] = errorsOf(text);
			expect(error).toMatchObject({ message: expect.stringContaining('more than 64 levels deep') });
			expect(error!.line).toBeGreaterThanOrEqual(1);
		}
		const nested = Array.from({ length: 200 }, (_, i) => `${' '.repeat(i * 2)}a:`).join('\n');
		expect(errorsOf(nested)[0]).toMatchObject({ line: 65, column: 129 });
	});

	it('given 2^53 or fifty million simulated organizers, then it names the range at once, and makes none of them', () => {
		for (const count of ['9007199254740992', '50000000']) {
			const started = performance.now();
			const errors = errorsOf(
				`${HEAD.replace('actors:\n', `actors:\n  simulatedOrganizers: { count: ${count} }\n`)}  - at: 0s\n    dial: alice\n`
			);
			expect(performance.now() - started).toBeLessThan(1000);
			expect(errors).toContainEqual({
				line: 4,
				column: 33,
				path: 'actors.simulatedOrganizers.count',
				message: 'Too big: expected number to be <=1000'
			});
		}
	});

	it('given a file over 256 KB, then it is refused at once, naming the limit', () => {
		const started = performance.now();
		const errors = errorsOf(`${HEAD}${'  - wait: 1s\n'.repeat(800_000)}`);
		expect(performance.now() - started).toBeLessThan(1000);
		expect(errors).toEqual([
			{
				line: 1,
				column: 1,
				path: '',
				message: 'The file has 10157 KB; a scenario file may have at most 256 KB.'
			}
		]);
	});

	it('given a YAML alias bomb, then it is refused naming the aliases, without expanding them', () => {
		const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
		for (let i = 1; i < 10; i++) {
			const name = String.fromCharCode(97 + i);
			const previous = String.fromCharCode(96 + i);
			levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
		}
		expect(errorsOf(levels.join('\n'))).toEqual([
			expect.objectContaining({ message: expect.stringContaining('alias count') })
		]);
	});
});
