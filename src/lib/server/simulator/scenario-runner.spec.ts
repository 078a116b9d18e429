import { describe, expect, it } from 'vitest';
import { parseScenario } from '$lib/scenario/parse-scenario';
import type { Scenario } from '$lib/scenario/scenario-format';
import { ScenarioRun, type RunProgress } from './scenario-runner';
import { openVirtualHost } from './scenario-host';
import { setUpWorld } from './scenario-world';
import { runScenario, startVirtualRun } from './virtual-run';

function scenario(text: string): Scenario {
	const parsed = parseScenario(text);
	if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
	return parsed.scenario;
}

const LOBBY = `
name: Two callers wait
description: Alice and Bob wait in Amos's lobby; a crowd arrives at random.
seed: 42
actors:
  callers:
    alice: '+46 8 123 45 67'
    bob: '+46 8 765 43 21'
  organizers:
    amos: { user: amos.marble }
steps:
  - at: 0s
    dial: alice
  - after: 3s
    dial: bob
  - at: 5s
    arrivals: { callers: 8, over: 1m, stay: 10s..40s }
  - at: 12s
    expect: { meeting: amos, state: in-progress }
  - at: 2m
    joinFromClient: amos
  - expect: { meeting: amos, state: in-progress, lobby: 0 }
`;

describe('running a scenario in virtual time', () => {
	it('given a broken expectation, then it fails saying what was expected and what happened, and when', async () => {
		const result = await runScenario(scenario(LOBBY));
		expect(result.passed).toBe(false);
		const failed = result.expectations.filter((e) => !e.passed);
		expect(failed).toHaveLength(1);
		expect(failed[0]).toMatchObject({
			step: 4,
			at: 12_000,
			name: 'step 4 at 0:12: meeting amos is in-progress',
			message: expect.stringMatching(
				/^at 0:12 expected meeting amos to be in-progress, but meeting amos is waiting with \d+ callers in the lobby and 0 participants$/
			)
		});
		// The other expectation held: the client start admitted everyone still waiting (S4, S10).
		expect(result.expectations.at(-1)).toMatchObject({ passed: true });
		expect(result.log).toContain(`00:00:12.000 FAIL ${failed[0]!.name} -- ${failed[0]!.message}`);
	}, 60_000);

	it('given one file and one seed, when it runs twice, then the event logs are identical, byte for byte; another seed changes the random arrivals', async () => {
		const first = await runScenario(scenario(LOBBY));
		const second = await runScenario(scenario(LOBBY));
		expect(second.log.join('\n')).toBe(first.log.join('\n'));
		expect(JSON.stringify(second.expectations)).toBe(JSON.stringify(first.expectations));
		expect(first.log.some((line) => line.includes('call caller-8: dials'))).toBe(true);

		const other = await runScenario(scenario(LOBBY), { seed: 43 });
		expect(other.seed).toBe(43);
		const arrivals = (log: readonly string[]) => log.filter((line) => /call caller-\d+: dials/.test(line));
		expect(arrivals(other.log)).toHaveLength(8);
		expect(arrivals(other.log)).not.toEqual(arrivals(first.log));
	}, 120_000);

	it('given expectError, then a refusal with that code passes, and success or another code fails, saying which', async () => {
		const result = await runScenario(
			scenario(`
name: Refusals
description: Who may reset a PIN.
actors:
  organizers:
    amos: { user: amos.marble }
steps:
  - resetPin: { user: amos, by: amos }
    expectError: forbidden
  - resetPin: amos
    expectError: forbidden
  - setTenant: { pinLength: 30 }
    expectError: conflict
  - hangUp: amos
`)
		);
		expect(result.expectations.map((e) => [e.passed, e.message])).toEqual([
			[true, expect.stringMatching(/^refused with forbidden: Only administrators can do this\./)],
			[false, 'at 0:00 expected resetPin amos to be refused with forbidden, but it succeeded'],
			[
				false,
				expect.stringMatching(
					/^at 0:00 expected setTenant pinLength 30 to be refused with conflict, but it was refused with bad-request: PinLength/
				)
			],
			[false, 'at 0:00 hangUp amos failed with no-call: amos has not dialed.']
		]);
		expect(result.log.join('\n')).not.toMatch(/\b\d{5}\b(?!.*(?:caller|call-|\+))/);
	}, 60_000);

	it('given never and eventually, then never fails the moment the event happens, saying when and after what, and eventually fails at its deadline', async () => {
		const result = await runScenario(
			scenario(`
name: Watches
description: What must not happen, and what must happen by when.
actors:
  callers:
    alice: '+46 8 123 45 67'
  organizers:
    amos: { user: amos.marble }
steps:
  - at: 0s
    never: { event: MeetingStarted, within: 1m }
  - never: { event: { MeetingStarted: pstn-only } }
  - eventually: { event: { MeetingStarted: leader-pin }, within: 1m }
  - eventually: { event: LobbyAdmitted, within: 10s }
  - dial: alice
  - at: 30s
    dial: amos
  - at: 2m
    expect: { meeting: amos, lobby: '< 1', participants: '2..2' }
  - expect: { count: { event: CallerEnteredLobby, is: 1 } }
  - expect: { count: { event: { MeetingStarted: leader-pin }, meeting: amos, is: '>= 2' } }
  - expect: { count: { disconnected: pin-failed, is: 0 } }
  - expect: { meeting: amos, order: { before: [CallerEnteredLobby], after: [MeetingStarted, LobbyAdmitted] } }
  - expect: { meeting: amos, order: { before: [MeetingStarted], after: [{ CallerEnteredLobby: alice }] } }
`)
		);
		const byName = Object.fromEntries(result.expectations.map((e) => [e.name, e]));
		expect(byName['step 1 at 0:00: never MeetingStarted within 1m']).toMatchObject({
			passed: false,
			message: expect.stringMatching(
				/^at 0:30 MeetingStarted: leader-pin happened in meeting amos, which must not happen between 0:00 and 1:00; just before it: .*call amos/
			)
		});
		expect(byName['step 2 at 0:00: never MeetingStarted: pstn-only for the rest of the run']).toMatchObject({
			passed: true,
			message: 'MeetingStarted: pstn-only did not happen until the run ended at 2:00'
		});
		expect(byName['step 3 at 0:00: eventually MeetingStarted: leader-pin within 1m']).toMatchObject({
			passed: true,
			message: 'MeetingStarted: leader-pin at 0:30'
		});
		expect(byName['step 4 at 0:00: eventually LobbyAdmitted within 10s']).toMatchObject({
			passed: false,
			message:
				'at 0:00 expected LobbyAdmitted in meeting amos between 0:00 and 0:10, but it had not happened by 0:10'
		});
		expect(
			byName['step 7 at 2:00: meeting amos has at most 0 in the lobby, has 2 participant(s)']
		).toMatchObject({
			passed: true
		});
		expect(byName['step 8 at 2:00: 1 CallerEnteredLobby so far']).toMatchObject({ passed: true });
		expect(
			byName['step 9 at 2:00: at least 2 MeetingStarted: leader-pin in meeting amos so far']
		).toMatchObject({
			passed: false,
			message:
				'at 2:00 expected at least 2 MeetingStarted: leader-pin in meeting amos, but MeetingStarted: leader-pin happened once'
		});
		expect(byName['step 10 at 2:00: 0 calls disconnected (pin-failed) so far']).toMatchObject({
			passed: true
		});
		expect(
			byName[
				'step 11 at 2:00: meeting amos had every CallerEnteredLobby before every MeetingStarted, LobbyAdmitted'
			]
		).toMatchObject({ passed: true });
		expect(
			byName['step 12 at 2:00: meeting amos had every MeetingStarted before every CallerEnteredLobby: alice']
		).toMatchObject({
			passed: false,
			message: expect.stringMatching(
				/; CallerEnteredLobby: alice at 0:00 came before MeetingStarted: leader-pin at 0:30$/
			)
		});
	}, 60_000);

	it('given eventually with a state, then it passes the moment a timer or a step brings the state about, and fails at its deadline with what was seen', async () => {
		const result = await runScenario(
			scenario(`
name: State deadlines
description: A lobby timeout ends a call between steps; a deadline for a start that never comes.
tenant:
  lobbyTimeoutMinutes: 5
actors:
  callers:
    alice: '+46 8 123 45 67'
    bob: '+46 8 765 43 21'
  organizers:
    amos: { user: amos.marble }
steps:
  - dial: alice
  - eventually: { expect: { caller: alice, phase: disconnected, reason: lobby-timeout }, within: 10m }
  - eventually: { expect: { meeting: amos, state: in-progress }, within: 1m }
  - eventually: { expect: { meeting: amos, lobby: 1 }, within: 1s }
  - at: 30m
    dial: bob
  - eventually: { expect: { meeting: amos, lobby: '>= 2' }, within: 1h }
`)
		);
		const byName = Object.fromEntries(result.expectations.map((e) => [e.name, e]));
		// The timeout fires between steps, at 5:00, and is seen then, not at the next step (30:00).
		expect(
			byName['step 2 at 0:00: eventually caller alice is disconnected (lobby-timeout) within 10m']
		).toMatchObject({ passed: true, message: expect.stringMatching(/^held at 5:00: /) });
		expect(byName['step 3 at 0:00: eventually meeting amos is in-progress within 1m']).toMatchObject({
			passed: false,
			message: expect.stringMatching(
				/^at 1:00, the deadline: expected meeting amos to be in-progress, but meeting amos is waiting with 1 caller/
			),
			before: expect.arrayContaining([expect.stringContaining('CallerEnteredLobby alice')])
		});
		expect(byName['step 4 at 0:00: eventually meeting amos has 1 in the lobby within 1s']).toMatchObject({
			passed: true,
			message: expect.stringMatching(/^held at 0:00: /)
		});
		// Bob alone is in the lobby by then, and the run ends before the deadline.
		expect(
			byName['step 6 at 30:00: eventually meeting amos has at least 2 in the lobby within 1h']
		).toMatchObject({
			passed: false,
			message: expect.stringMatching(
				/^at 30:00, when the run ended before the deadline of 1:30:00: expected meeting amos to have at least 2 in the lobby/
			)
		});
	}, 60_000);

	it('given restartServer, then the services are rebuilt from the event log and live callers resume where they were, on either event store', async () => {
		for (const events of ['memory', 'database'] as const) {
			const result = await runScenario(
				scenario(`
name: Restart
description: A caller waits through a restart, and a leader admits her after it.
actors:
  callers:
    alice: '+46 8 123 45 67'
  organizers:
    amos: { user: amos.marble }
steps:
  - dial: alice
  - at: 10s
    restartServer: true
  - expect: { caller: alice, phase: lobby, music: lobby }
  - at: 20s
    dial: amos
  - expect: { caller: alice, phase: in-meeting }
`),
				{ events }
			);
			expect(result.expectations.filter((e) => !e.passed)).toEqual([]);
			expect(result.expectations).toHaveLength(2);
			const log = result.log.join('\n');
			expect(log).toContain('server restarts: the services stop, then are rebuilt from the event log');
			expect(log).toContain('server started: 1 live meeting(s) restored');
			expect(log).toMatch(/call alice: resumed, in the lobby/);
			// One meeting throughout: the rebuilt services carried it on, they did not open another.
			expect(log.match(/MeetingOpened/g)).toHaveLength(1);
		}
	}, 60_000);

	it('given fillMeeting, then callers of the run fill the meeting to MaxParticipants, lobby included, the next caller is refused meeting-full, and the leader still gets in', async () => {
		const result = await runScenario(
			scenario(`
name: Full
description: The meeting fills up before its organizer comes.
tenant:
  maxParticipants: 5
actors:
  callers:
    alice: '+46 8 123 45 67'
    bob: '+46 8 765 43 21'
  organizers:
    amos: { user: amos.marble }
steps:
  - dial: alice
  - fillMeeting: amos
  - expect: { meeting: amos, lobby: 5 }
  - dial: bob
    expectError: meeting-full
  - expect: { caller: bob, phase: disconnected, reason: meeting-full }
  - dial: amos
  - expect: { meeting: amos, state: in-progress, participants: 6 }
`)
		);
		expect(result.expectations.filter((e) => !e.passed)).toEqual([]);
		expect(result.expectations).toHaveLength(4);
		expect(result.log.join('\n')).toContain('meeting amos is full: 4 caller(s) dialed in to fill it');
	}, 60_000);

	it('given failMail, then every attempt in the window is refused and logged at its time, the outbox retries, and the first attempt after it delivers', async () => {
		const result = await runScenario(
			scenario(`
name: Mail outage
description: A PIN reset while the mail server is down for a minute.
actors:
  organizers:
    amos: { user: amos.marble }
steps:
  - failMail: 1m
  - at: 10s
    resetPin: amos
  - expect: { email: { to: amos, kind: pin-reset, status: queued, attempts: 1 } }
  - at: 50s
    expect: { email: { to: amos, status: queued, attempts: 3 } }
  - at: 5m
    expect: { email: { to: amos, status: sent, attempts: 4 } }
  - expect: { email: { to: amos, status: failed, count: 0 } }
  - expect: { email: { to: amos, status: sent, attempts: '>= 5' } }
`)
		);
		const failed = result.expectations.filter((e) => !e.passed);
		// The last one is wrong on purpose: it says what it wanted and what each message went through.
		expect(failed).toEqual([
			expect.objectContaining({
				step: 7,
				message: expect.stringMatching(
					/^at 5:00 expected an email to amos\.marble@contoso\.com sent after at least 5 attempt\(s\), but 0 such emails were sent \(all mail: pin-reset to amos\.marble@contoso\.com, sent after 4 attempts\)$/
				)
			})
		]);
		expect(result.expectations).toHaveLength(5);
		const mailLines = result.log.filter((line) => /^\S+ mail to amos\.marble@contoso\.com: /.test(line));
		// The reset at 0:10 and the retries after 5 s, 30 s and 2 min: 0:10, 0:15, 0:45 refused; 2:45 delivered.
		expect(mailLines.map((line) => line.slice(0, 12))).toEqual([
			'00:00:10.000',
			'00:00:15.000',
			'00:00:45.000',
			'00:02:45.000'
		]);
		expect(mailLines.slice(0, 3).every((line) => line.includes('the SMTP server refused it (451'))).toBe(
			true
		);
		expect(mailLines[3]).toContain('delivered');
		expect(result.log.join('\n')).toContain('mail delivery fails until 1:00');
	}, 60_000);

	it('given pauseDatabase, then a request the database would not answer within the timeout fails as unavailable, one it would goes ahead, and the run itself still looks, on either event store', async () => {
		for (const events of ['memory', 'database'] as const) {
			const result = await runScenario(
				scenario(`
name: Pause
description: The database pauses for 20 s while callers dial in.
actors:
  callers:
    alice: '+46 8 123 45 67'
    bob: '+46 8 765 43 21'
  organizers:
    amos: { user: amos.marble }
steps:
  - pauseDatabase: 20s
  - at: 14s
    dial: alice
    expectError: unavailable
  - expect: { user: amos, lockedOut: false }
  - expect: { caller: alice, phase: ivr, prompt: enter-conference-id }
  - at: 15s
    dial: bob
  - expect: { meeting: amos, state: waiting, lobby: 1 }
`),
				{ events }
			);
			expect(result.expectations.filter((e) => !e.passed)).toEqual([]);
			expect(result.expectations).toHaveLength(4);
			expect(result.log.join('\n')).toContain(
				'database paused until 0:20: a request it would not answer within 5 s fails as unavailable'
			);
		}
	}, 60_000);

	it('given failMail or pauseDatabase on a host that cannot fake them, then the step is refused, saying so', async () => {
		const story = scenario(`
name: No faults here
description: Both faults, on a host opened without them (as a live host is).
actors:
  organizers:
    amos: { user: amos.marble }
steps:
  - failMail: 1m
  - pauseDatabase: 1m
`);
		const host = await openVirtualHost({ seed: 1 });
		const run = ScenarioRun.attach(story, host, await setUpWorld(host, story, 1));
		try {
			const result = await run.runToEnd();
			expect(result.expectations.map((e) => [e.passed, e.message])).toEqual([
				[false, expect.stringContaining('failMail runs in virtual time only')],
				[false, expect.stringContaining('pauseDatabase runs in virtual time only')]
			]);
		} finally {
			await run.close();
		}
	}, 60_000);

	it('given no failMail, then mail stays in the simulated mailbox, as before', async () => {
		const result = await runScenario(
			scenario(`
name: Mailbox
description: A PIN reset with the mail kept in the simulated mailbox.
actors:
  organizers:
    amos: { user: amos.marble }
steps:
  - resetPin: amos
  - expect: { email: { to: amos, status: mailbox, attempts: 0 } }
`)
		);
		expect(result.expectations.filter((e) => !e.passed)).toEqual([]);
		expect(result.log.join('\n')).not.toContain('SMTP');
	}, 60_000);

	it('given an actor missing from the directory, then the run fails at setup, saying who', async () => {
		const result = await runScenario(
			scenario(`
name: Nobody
description: An organizer the directory does not have.
actors:
  organizers:
    zed: { user: zed.nobody }
steps:
  - dial: zed
`)
		);
		expect(result.passed).toBe(false);
		expect(result.expectations).toEqual([
			expect.objectContaining({
				name: 'setup',
				message: expect.stringContaining('Actor zed: no user "zed.nobody"')
			})
		]);
	}, 60_000);

	it('given a run driven step by step, then each step reports progress and the results add up to the whole run', async () => {
		const progress: RunProgress[] = [];
		const run = await startVirtualRun(scenario(LOBBY), { onProgress: (p) => progress.push(p) });
		try {
			expect(run.done).toBe(false);
			const first = await run.step();
			expect(first?.label).toBe('dial alice');
			expect(run.completed).toBe(1);
			while (!run.done) await run.step();
			expect(await run.step()).toBeNull();
			const result = run.result();
			expect(result.items).toBe(run.plan.items.length);
			expect(progress).toHaveLength(run.plan.items.length);
			expect(progress[0]).toMatchObject({ scenario: 'Two callers wait', step: 1, steps: 6, item: 1 });
			expect(progress.at(-1)).toMatchObject({ step: 6, item: run.plan.items.length, at: 120_000 });
			expect(result.simulatedMs).toBe(run.plan.duration);
		} finally {
			await run.close();
		}
	}, 60_000);
});
