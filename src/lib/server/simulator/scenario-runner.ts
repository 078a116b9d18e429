/**
 * Runs a scenario (docs/scenarios.md): walks its plan item by item on a host's time, drives the
 * services as callers, organizers, users and an administrator would, checks the expectations where
 * they stand on the timeline, and returns a result with a message per expectation and the run's
 * event log.
 *
 * The driver (`ScenarioRun`) knows nothing of virtual time: `step()` asks the host to bring time to
 * the next item and runs it. A virtual host (scenario-host.ts) runs an hour in seconds; a live host
 * would sleep between items at the chosen speed and let a trainer pause and single-step.
 */
import type { CallView } from '$lib/contract/events';
import { TENANT_SETTING_RANGES, type MeetingEvent } from '$lib/domain';
import {
	describeDeadline,
	describeExpectation,
	describeStep,
	describeWatch,
	eventText
} from '$lib/scenario/describe-step';
import type { ScenarioSource } from '$lib/scenario/parse-scenario';
import {
	simulatedOrganizerNames,
	subjectOf,
	VIRTUAL_ONLY_STEPS,
	type EventWatch,
	type Expectation,
	type Scenario,
	type ScenarioStep,
	type VirtualOnlyStep
} from '$lib/scenario/scenario-format';
import { planScenario, type PlanItem, type ScenarioPlan } from '$lib/scenario/scenario-plan';
import { formatOffset, parseDuration } from '$lib/scenario/scenario-time';
import { SeededRandom } from '$lib/scenario/seeded-random';
import { DATABASE_TIMEOUT_SECONDS } from '../db/index';
import { DATABASE_UNREACHABLE, isDatabaseUnavailable, isServiceError } from '../service-error';
import { checkExpectation, type ExpectationContext } from './expectations';
import { describeView, eventSubjects, RunTracker } from './run-tracker';
import type { ScenarioHost } from './scenario-host';
import {
	actorOf,
	runConferenceId,
	runIdentity,
	type World,
	type WorldOrganizer,
	type WorldUser
} from './scenario-world';

/** One checked expectation: an `expect` step, an `expectError`, or a step that failed unexpectedly. */
export interface ExpectationResult {
	/** 1-based step number in the file (0: the setup). */
	readonly step: number;
	/** The line the step starts on, when the scenario came from a file. */
	readonly line: number | null;
	/** Offset from the start of the run, ms. */
	readonly at: number;
	/** Stable, readable name, unique in the scenario: `step 7 at 0:12: meeting amos is in-progress`. */
	readonly name: string;
	readonly passed: boolean;
	/** Passed: what was seen. Failed: `at 0:12 expected ..., but ...`. */
	readonly message: string;
	/** Failed: the last lines of the event log before the failure, where the run diverged. */
	readonly before?: readonly string[];
}

/** The outcome of one run. Serialisable (JSON) as it is. */
export interface ScenarioResult {
	readonly name: string;
	readonly description: string;
	readonly rules: readonly string[];
	readonly file: string | null;
	readonly seed: number;
	readonly passed: boolean;
	readonly expectations: readonly ExpectationResult[];
	/** The event log: one line per fact, offset first; the same file and seed give the same lines. */
	readonly log: readonly string[];
	/** Scenario time the run covered, ms. */
	readonly simulatedMs: number;
	/** Wall time the timeline took, setup excluded, ms. */
	readonly wallMs: number;
	/** Wall time preparing the database and the actors took, ms. */
	readonly setupMs: number;
	readonly steps: number;
	/** Plan items run (steps and every arrival, departure, ...). */
	readonly items: number;
}

/** Where a run is, for progress lines and the Scenarios page. */
export interface RunProgress {
	readonly scenario: string;
	/** 1-based step of the file the current item belongs to. */
	readonly step: number;
	readonly steps: number;
	/** 1-based item of the plan just run. */
	readonly item: number;
	readonly items: number;
	/** Offset of the item, ms. */
	readonly at: number;
	readonly label: string;
}

/** How to run. */
export interface RunOptions {
	/** Overrides the file's seed. */
	seed?: number;
	/** Told after each item of the plan. */
	onProgress?: (progress: RunProgress) => void;
	/** The file it came from, for line numbers in messages. */
	source?: ScenarioSource;
	/**
	 * The services are shared with people and runs outside this one (a live run, a copy of a scenario
	 * load): the run follows only its own tenant's meetings and its own calls.
	 */
	shared?: boolean;
}

/** What one `step()` did. */
export interface StepReport {
	readonly item: PlanItem;
	readonly label: string;
	/** Expectations this item checked (often none). */
	readonly results: readonly ExpectationResult[];
}

/** An action refused: by the services (a code such as `forbidden`) or by the call flow (`wrong-pin`). */
class StepRefusal extends Error {
	constructor(
		readonly code: string,
		message: string
	) {
		super(message);
		this.name = 'StepRefusal';
	}
}

/** A fault step on a host that cannot play it (a live one), refused with why. */
function virtualOnly(action: VirtualOnlyStep): StepRefusal {
	return new StepRefusal(
		'not-supported',
		`${action} runs in virtual time only: ${VIRTUAL_ONLY_STEPS[action]}.`
	);
}

function refusalOf(error: unknown): { code: string; message: string } {
	if (error instanceof StepRefusal) return { code: error.code, message: error.message };
	if (isServiceError(error)) return { code: error.code, message: error.message };
	// As the socket edge answers a phone: the database not answering is `unavailable` (edge-errors.ts).
	if (isDatabaseUnavailable(error)) return { code: 'unavailable', message: DATABASE_UNREACHABLE };
	if (error instanceof Error) {
		const code = (error as { code?: unknown }).code;
		return { code: typeof code === 'string' ? code : 'error', message: error.message };
	}
	return { code: 'error', message: String(error) };
}

/** How many lines of the event log a failure keeps from just before it. */
const LINES_BEFORE_FAILURE = 10;

/** A `never` or `eventually` step, watching committed events from `from` until `until` (null: the end). */
interface Watch {
	readonly item: PlanItem;
	readonly kind: 'never' | 'eventually';
	readonly spec: EventWatch;
	readonly meeting: string;
	readonly conferenceId: string;
	readonly from: number;
	readonly until: number | null;
	readonly name: string;
}

/** An `eventually: { expect }` step: a state checked from `from` until it holds or `until` passes. */
interface StateWatch {
	readonly item: PlanItem;
	readonly expectation: Expectation;
	readonly from: number;
	readonly until: number;
	readonly name: string;
}

/** `within 1:00 of 0:30`, or `from 0:30 on`. */
function windowText(w: Watch, start: number): string {
	const from = formatOffset(w.from - start);
	return w.until === null ? `from ${from} on` : `between ${from} and ${formatOffset(w.until - start)}`;
}

interface CallHandle {
	readonly callId: string;
	readonly resumeToken: string;
	readonly conferenceId: string;
}

/**
 * One run of one scenario on one host. Create it with `startVirtualRun` (virtual-run.ts) or
 * `ScenarioRun.attach` for a host and world prepared elsewhere; then `step()` until `done`, or
 * `runToEnd()`; then `close()`.
 */
export class ScenarioRun {
	readonly plan: ScenarioPlan;
	private position = 0;
	private readonly results: ExpectationResult[] = [];
	private readonly tracker: RunTracker;
	private readonly calls = new Map<string, CallHandle>();
	/** Stops watching the host's services (a live host outlives the run). */
	private readonly detach: (() => void)[] = [];
	private readonly clients = new Map<string, { meetingId: string; participantId: string }>();
	private readonly variables = new Map<string, string>();
	private readonly wrongPins: SeededRandom;
	private readonly defaultMeeting: string | undefined;
	private wallMs = 0;
	/** `never` and `eventually` steps still watching. */
	private readonly watches: Watch[] = [];
	/** `eventually: { expect }` steps whose state has not held yet. */
	private readonly stateWatches: StateWatch[] = [];

	private constructor(
		readonly scenario: Scenario,
		private readonly host: ScenarioHost,
		private readonly world: World,
		readonly seed: number,
		private readonly options: RunOptions,
		private readonly setupMs: number
	) {
		this.plan = planScenario(scenario, seed);
		this.wrongPins = new SeededRandom(seed, 'wrong-pins');
		const organizers = [...Object.keys(scenario.actors.organizers), ...simulatedOrganizerNames(scenario)];
		this.defaultMeeting = organizers.length === 1 ? organizers[0] : undefined;
		this.tracker = new RunTracker(world, host.start, () => host.now(), { shared: options.shared ?? false });
		this.follow();
		this.tracker.onEvent((conferenceId, event) => this.watchEvent(conferenceId, event));
		this.tracker.note(`scenario "${scenario.name}" seed ${seed}: ${this.plan.items.length} items`);
	}

	/**
	 * `fillMeeting`: callers of the run's own (`amos-filler-1`, ...) dial into the organizer's
	 * meeting and wait, until the next one is refused `meeting-full`: the real rule fills it, lobby
	 * included. That last caller's call ends; the others stay until they hang up or the run ends.
	 */
	private async fillMeeting(meeting: string): Promise<void> {
		const conferenceId = this.conferenceOf(meeting);
		const limit = TENANT_SETTING_RANGES.maxParticipants.max + 1;
		for (let n = 1; n <= limit; n++) {
			try {
				await this.dial(`${meeting}-filler-${n}`, conferenceId, 'not-leader', undefined);
			} catch (error) {
				const { code } = refusalOf(error);
				if (code !== 'meeting-full') throw error;
				this.tracker.note(`meeting ${meeting} is full: ${n - 1} caller(s) dialed in to fill it`);
				return;
			}
		}
		throw new StepRefusal('not-full', `Meeting ${meeting} took ${limit} callers and is still not full.`);
	}

	/** Follows the host's services: what they commit, what they tell callers, and what mail goes out. */
	private follow(): void {
		this.detach.push(
			this.host.services.meetings.onCommitted((committed) => this.tracker.committed(committed)),
			this.host.notifier.attach(this.tracker)
		);
		if (this.host.smtp) {
			this.detach.push(
				this.host.smtp.onAttempt((attempt) =>
					this.tracker.note(
						attempt.refused
							? `mail to ${attempt.to}: the SMTP server refused it (${attempt.refused})`
							: `mail to ${attempt.to}: delivered, "${attempt.subject}"`,
						attempt.at
					)
				)
			);
		}
	}

	/**
	 * `pauseDatabase`: the world's database answers nothing for `span` from now (virtual time only).
	 * A request that would wait past the server's timeout fails as unavailable; one the database
	 * would answer in time goes ahead (database-gate.ts).
	 */
	private pauseDatabase(span: string): void {
		const { host } = this;
		if (!host.pauseDatabase) {
			throw virtualOnly('pauseDatabase');
		}
		const until = host.now() + parseDuration(span);
		host.pauseDatabase(until);
		this.tracker.note(
			`database paused until ${formatOffset(until - host.start)}: a request it would not answer within ${DATABASE_TIMEOUT_SECONDS} s fails as unavailable`
		);
	}

	/** The run's own look at the state: past a paused database, which is the world's fault, not the observer's. */
	private look<T>(read: () => Promise<T>): Promise<T> {
		return this.host.observe ? this.host.observe(read) : read();
	}

	/**
	 * `failMail`: the world's SMTP server refuses every delivery for `span` from now (virtual time
	 * only: a run with the step delivers its mail to a simulated SMTP server instead of keeping it in
	 * the mailbox). The outbox retries on its own schedule, so what a message goes through shows in
	 * the log and in `expect: { email: { status, attempts } }`.
	 */
	private failMail(span: string): void {
		const { smtp } = this.host;
		if (!smtp) {
			throw virtualOnly('failMail');
		}
		const until = this.host.now() + parseDuration(span);
		smtp.failUntil(until);
		this.tracker.note(`mail delivery fails until ${formatOffset(until - this.host.start)}`);
	}

	/**
	 * `restartServer`: the server restarts (virtual time only). Its services stop and are rebuilt
	 * from the event log; every caller whose call was live takes it back with its resume token, as a
	 * phone reconnecting does, and hears where it is again.
	 */
	private async restartServer(): Promise<void> {
		const { host } = this;
		if (!host.restart) {
			throw virtualOnly('restartServer');
		}
		const live = [...this.calls].filter(([, call]) => host.services.calls.isLive(call.callId));
		for (const detach of this.detach.splice(0)) detach();
		this.tracker.note('server restarts: the services stop, then are rebuilt from the event log');
		await host.restart();
		this.follow();
		const meetings = host.services.meetings.liveMeetings().length;
		this.tracker.note(`server started: ${meetings} live meeting(s) restored`);
		for (const [name, call] of live) {
			try {
				const view = this.view(call.callId, host.services.calls.resume(call.callId, call.resumeToken));
				this.tracker.note(`call ${name}: resumed, ${describeView(view)}`);
			} catch (error) {
				// The phone learns its call is gone: it was in no meeting the event log could restore.
				const last = this.tracker.lastView(call.callId);
				if (last) {
					this.view(call.callId, {
						...last,
						phase: 'disconnected',
						step: null,
						prompt: null,
						prompts: [],
						music: 'none',
						reason: 'connection-lost'
					});
				}
				this.tracker.note(`call ${name}: could not resume (${refusalOf(error).message})`);
			}
		}
		await host.settle();
	}

	/**
	 * A run on a host and world prepared by the caller: a live host (live-scenarios.ts) or a virtual
	 * one (virtual-run.ts). `setupMs` is how long preparing them took, for the result.
	 */
	static attach(
		scenario: Scenario,
		host: ScenarioHost,
		world: World,
		options: RunOptions = {},
		setupMs = 0
	): ScenarioRun {
		return new ScenarioRun(scenario, host, world, options.seed ?? scenario.seed, options, setupMs);
	}

	/** Mail written before now is not the run's (a live database has its own history). */
	ignoreEarlierMail(): Promise<void> {
		return this.look(() => this.tracker.skipExistingMail(this.host.db));
	}

	/** Whether every item of the plan has run. */
	get done(): boolean {
		return this.position >= this.plan.items.length;
	}

	/** How many items have run. */
	get completed(): number {
		return this.position;
	}

	/** The event log so far. */
	get log(): readonly string[] {
		return this.tracker.log;
	}

	/** The expectations checked so far, in the order they were decided (not a copy: `result()` copies). */
	get expectations(): readonly ExpectationResult[] {
		return this.results;
	}

	/**
	 * Runs the next item of the plan: brings time to it (timers due before it fire on the way), does
	 * it, and waits for its effects. Resolves null when the plan is done.
	 */
	async step(): Promise<StepReport | null> {
		const item = this.plan.items[this.position];
		if (!item) return null;
		const wallStart = performance.now();
		this.position += 1;
		const before = this.results.length;
		await this.advanceWatching(this.host.start + item.at);
		this.closeWatches(false);
		const step = this.scenario.steps[item.stepIndex];
		const label = step ? describeStep(step) : 'step';
		if (item.action.kind === 'step') await this.runStep(item);
		else await this.runGenerated(item);
		await this.host.settle();
		await this.checkStates(false);
		if (this.done) {
			this.closeWatches(true);
			await this.checkStates(true);
		}
		this.wallMs += performance.now() - wallStart;
		this.options.onProgress?.({
			scenario: this.scenario.name,
			step: item.stepIndex + 1,
			steps: this.plan.steps,
			item: this.position,
			items: this.plan.items.length,
			at: item.at,
			label
		});
		return { item, label, results: this.results.slice(before) };
	}

	/** Runs every remaining item and returns the result. */
	async runToEnd(): Promise<ScenarioResult> {
		while (!this.done) await this.step();
		return this.result();
	}

	/** The result so far (complete once `done`). */
	result(): ScenarioResult {
		return {
			name: this.scenario.name,
			description: this.scenario.description,
			rules: this.scenario.rules,
			file: this.options.source?.file ?? null,
			seed: this.seed,
			passed: this.results.every((r) => r.passed),
			expectations: [...this.results],
			log: [...this.tracker.log],
			simulatedMs: this.host.now() - this.host.start,
			wallMs: Math.round(this.wallMs),
			setupMs: Math.round(this.setupMs),
			steps: this.plan.steps,
			items: this.position
		};
	}

	/** Stops watching, then stops the services and releases the host. */
	close(): Promise<void> {
		for (const detach of this.detach.splice(0)) detach();
		return this.host.close();
	}

	// Steps as written

	private lineOf(stepIndex: number): number | null {
		return this.options.source?.stepLines[stepIndex] ?? null;
	}

	private record(item: PlanItem, name: string, passed: boolean, message: string): ExpectationResult {
		const result: ExpectationResult = {
			step: item.stepIndex + 1,
			line: this.lineOf(item.stepIndex),
			at: item.at,
			name: `step ${item.stepIndex + 1} at ${formatOffset(item.at)}: ${name}`,
			passed,
			message,
			...(passed ? {} : { before: this.tracker.log.slice(-LINES_BEFORE_FAILURE) })
		};
		this.results.push(result);
		this.tracker.note(`${passed ? 'pass' : 'FAIL'} ${result.name}${passed ? '' : ` -- ${message}`}`);
		return result;
	}

	private async runStep(item: PlanItem): Promise<void> {
		const step = this.scenario.steps[item.stepIndex];
		if (!step) return;
		const label = describeStep(step);
		this.tracker.note(`step ${item.stepIndex + 1}: ${label}${step.note ? ` -- ${step.note}` : ''}`);
		const when = `at ${formatOffset(item.at)}`;
		if (step.expect) {
			const name = describeExpectation(step.expect, this.defaultMeeting);
			const verdict = await this.look(() => checkExpectation(step.expect!, this.expectationContext()));
			this.record(
				item,
				name,
				verdict.passed,
				verdict.passed ? verdict.message : `${when} ${verdict.message}`
			);
			return;
		}
		if (step.arrivals) return;
		if (step.eventually?.expect) {
			const from = this.host.now();
			this.stateWatches.push({
				item,
				expectation: step.eventually.expect,
				from,
				until: from + parseDuration(step.eventually.within),
				name: `eventually ${describeDeadline(step.eventually, this.defaultMeeting)}`
			});
			await this.checkStates(false);
			return;
		}
		if (step.never || step.eventually) {
			const spec = step.never ?? step.eventually;
			if (spec?.event !== undefined)
				this.watch(item, step.never ? 'never' : 'eventually', { ...spec, event: spec.event });
			return;
		}
		let refusal: { code: string; message: string } | null = null;
		try {
			await this.act(step, item);
		} catch (error) {
			refusal = refusalOf(error);
		}
		await this.host.settle();
		if (step.resetPin !== undefined || step.setTenant)
			await this.look(() => this.tracker.collectMail(this.host.db));
		if (step.expectError !== undefined) {
			const wanted = step.expectError;
			const name = `${label} is refused with ${wanted}`;
			if (refusal?.code === wanted)
				this.record(item, name, true, `refused with ${wanted}: ${refusal.message}`);
			else {
				const happened = refusal ? `it was refused with ${refusal.code}: ${refusal.message}` : 'it succeeded';
				this.record(
					item,
					name,
					false,
					`${when} expected ${label} to be refused with ${wanted}, but ${happened}`
				);
			}
		} else if (refusal) {
			this.record(item, label, false, `${when} ${label} failed with ${refusal.code}: ${refusal.message}`);
		}
	}

	// Events watched over time: `never` and `eventually`

	/** Starts watching for the step's event, from now until `within` (or the end of the run). */
	private watch(item: PlanItem, kind: Watch['kind'], spec: EventWatch): void {
		const name = spec.meeting ?? this.defaultMeeting;
		const organizer = name === undefined ? undefined : this.world.organizers.get(name);
		const from = this.host.now();
		this.watches.push({
			item,
			kind,
			spec,
			meeting: name ?? '',
			conferenceId: organizer?.conferenceId ?? '',
			from,
			until: spec.within === undefined ? null : from + parseDuration(spec.within),
			name: `${kind} ${describeWatch(spec)}`
		});
	}

	/**
	 * A committed event, against every open watch of its meeting: `never` fails the moment it sees
	 * one inside its time, saying when and what came just before; `eventually` passes.
	 */
	private watchEvent(conferenceId: string, event: MeetingEvent): void {
		for (const w of [...this.watches]) {
			if (w.conferenceId !== conferenceId || event.at < w.from || (w.until !== null && event.at >= w.until))
				continue;
			const entry = typeof w.spec.event === 'string' ? { [w.spec.event]: undefined } : w.spec.event;
			const [type, subject] = Object.entries(entry)[0] ?? [];
			if (event.type !== type) continue;
			const subjects = eventSubjects(event, (id) => this.tracker.nameOf(id), w.meeting);
			if (subject !== undefined && !subjects.includes(subject.trim())) continue;
			this.watches.splice(this.watches.indexOf(w), 1);
			const when = formatOffset(event.at - this.host.start);
			const seen = `${event.type}${subjects[0] ? `: ${subjects[0]}` : ''}`;
			if (w.kind === 'eventually') {
				this.record(w.item, w.name, true, `${seen} at ${when}`);
				continue;
			}
			const before = this.tracker.log.slice(-6, -1).join(' | ');
			this.record(
				w.item,
				w.name,
				false,
				`at ${when} ${seen} happened in meeting ${w.meeting}, which must not happen ${windowText(w, this.host.start)}; just before it: ${before || 'nothing'}`
			);
		}
	}

	private expectationContext(): ExpectationContext {
		return {
			world: this.world,
			tracker: this.tracker,
			services: this.host.services,
			defaultMeeting: this.defaultMeeting,
			callOf: (caller) => this.calls.get(caller)?.callId,
			start: this.host.start,
			refreshMail: () => this.tracker.refreshMail(this.host.db)
		};
	}

	/**
	 * Brings time to `at`. While a state is watched on a virtual host, it goes timer by timer (and
	 * stops at each deadline), checking the state after each, so a state that a timer brings about
	 * (a lobby timeout, say) is seen when it happens.
	 */
	private async advanceWatching(at: number): Promise<void> {
		const { host } = this;
		while (this.stateWatches.length > 0 && host.nextDue) {
			const deadline = Math.min(...this.stateWatches.map((w) => w.until));
			const next = Math.min(at, deadline, host.nextDue() ?? Infinity);
			await host.advanceTo(next);
			await this.checkStates(false);
			if (next >= at) return;
		}
		await host.advanceTo(at);
		await this.checkStates(false);
	}

	/**
	 * Checks each watched state now: one that holds passes (saying when); one whose deadline has
	 * passed, or every one at the end of the run, fails with what was seen instead.
	 */
	private async checkStates(end: boolean): Promise<void> {
		const now = this.host.now();
		for (const w of [...this.stateWatches]) {
			const verdict = await this.look(() => checkExpectation(w.expectation, this.expectationContext()));
			const when = formatOffset(now - this.host.start);
			if (verdict.passed) {
				this.stateWatches.splice(this.stateWatches.indexOf(w), 1);
				this.record(w.item, w.name, true, `held at ${when}: ${verdict.message}`);
				continue;
			}
			if (!end && now < w.until) continue;
			this.stateWatches.splice(this.stateWatches.indexOf(w), 1);
			const deadline = formatOffset(w.until - this.host.start);
			const moment =
				now < w.until
					? `when the run ended before the deadline of ${deadline}`
					: now === w.until
						? 'the deadline'
						: `checked after the deadline of ${deadline}`;
			this.record(w.item, w.name, false, `at ${when}, ${moment}: ${verdict.message}`);
		}
	}

	/** Watches whose time is up (all of them at the end of the run) are decided. */
	private closeWatches(end: boolean): void {
		const now = this.host.now();
		for (const w of [...this.watches]) {
			if (!end && (w.until === null || now < w.until)) continue;
			this.watches.splice(this.watches.indexOf(w), 1);
			const until = w.until !== null && w.until <= now ? formatOffset(w.until - this.host.start) : null;
			const span = until ? `by ${until}` : `until the run ended at ${formatOffset(now - this.host.start)}`;
			if (w.kind === 'never')
				this.record(w.item, w.name, true, `${eventText(w.spec.event)} did not happen ${span}`);
			else
				this.record(
					w.item,
					w.name,
					false,
					`at ${formatOffset(w.item.at)} expected ${eventText(w.spec.event)} in meeting ${w.meeting} ${windowText(w, this.host.start)}, but it had not happened ${span}`
				);
		}
	}

	private async act(step: ScenarioStep, item: PlanItem): Promise<void> {
		const { services } = this.host;
		if (step.dial !== undefined) {
			const d = typeof step.dial === 'string' ? { caller: step.dial } : step.dial;
			const own = this.world.organizers.has(d.caller);
			const meeting =
				('meeting' in d ? d.meeting : undefined) ??
				(own && !('conferenceId' in d && d.conferenceId) ? d.caller : this.defaultMeeting);
			const dialed = 'conferenceId' in d ? d.conferenceId : undefined;
			const conferenceId =
				dialed !== undefined ? runConferenceId(this.world, dialed) : this.conferenceOf(meeting);
			const then =
				('then' in d ? d.then : undefined) ?? (own && meeting === d.caller ? 'leader' : 'not-leader');
			await this.dial(d.caller, conferenceId, then, 'pin' in d ? d.pin : undefined);
			return;
		}
		if (step.press) {
			const call = this.liveCall(step.press.caller);
			this.view(call.callId, await services.calls.pressKeys(call.callId, step.press.keys));
			return;
		}
		if (step.enterPin !== undefined) {
			const name = subjectOf(step.enterPin);
			const pin = typeof step.enterPin === 'string' ? undefined : step.enterPin.pin;
			await this.enterPin(name, this.pinFor(name, pin));
			return;
		}
		if (step.wrongPin !== undefined) {
			const times = typeof step.wrongPin === 'string' ? 1 : step.wrongPin.times;
			await this.wrongPin(subjectOf(step.wrongPin), times);
			return;
		}
		if (step.hangUp !== undefined) {
			const call = this.liveCall(step.hangUp);
			this.view(call.callId, await services.calls.hangUp(call.callId));
			return;
		}
		if (step.restartServer) {
			await this.restartServer();
			return;
		}
		if (step.failMail !== undefined) {
			this.failMail(step.failMail);
			return;
		}
		if (step.pauseDatabase !== undefined) {
			this.pauseDatabase(step.pauseDatabase);
			return;
		}
		if (step.fillMeeting !== undefined) {
			await this.fillMeeting(step.fillMeeting);
			return;
		}
		if (step.giveUp !== undefined) {
			const call = this.liveCall(step.giveUp);
			const view = services.calls.current(call.callId);
			if (view.phase !== 'ivr' && view.phase !== 'lobby') {
				throw new StepRefusal(
					'not-waiting',
					`${step.giveUp} is not waiting (${describeView(view)}), so cannot give up.`
				);
			}
			this.tracker.note(`call ${step.giveUp}: gives up`);
			this.view(call.callId, await services.calls.hangUp(call.callId));
			return;
		}
		if (step.dropConnection !== undefined) {
			const name = subjectOf(step.dropConnection);
			const call = this.liveCall(name);
			services.calls.connectionLost(call.callId);
			this.tracker.note(`call ${name}: connection lost`);
			return;
		}
		if (step.joinFromClient !== undefined) {
			const j = typeof step.joinFromClient === 'string' ? { user: step.joinFromClient } : step.joinFromClient;
			const own = this.world.organizers.has(j.user);
			const joined = 'conferenceId' in j ? j.conferenceId : undefined;
			const conferenceId =
				joined !== undefined
					? runConferenceId(this.world, joined)
					: this.conferenceOf(
							('meeting' in j ? j.meeting : undefined) ?? (own ? j.user : this.defaultMeeting)
						);
			await this.joinFromClient(j.user, conferenceId);
			return;
		}
		if (step.leave !== undefined) {
			await this.leave(step.leave, true);
			return;
		}
		if (step.resetPin !== undefined) {
			await this.resetPin(typeof step.resetPin === 'string' ? { user: step.resetPin } : step.resetPin);
			return;
		}
		if (step.admit !== undefined || step.decline !== undefined) {
			await this.lobbyAction(step);
			return;
		}
		if (step.meetingOptions !== undefined) {
			await this.meetingOptions(step.meetingOptions);
			return;
		}
		if (step.setTenant) {
			const { by, ...patch } = step.setTenant;
			const actor = this.actorNamed(by);
			await services.dialIn.updateTenantSettings(actorOf(actor), patch, 'page');
			this.tracker.note(`tenant settings changed by ${actor.email}: ${JSON.stringify(patch)}`);
			return;
		}
		throw new StepRefusal('error', `Step ${item.stepIndex + 1} has no action this runner knows.`);
	}

	// Items the plan generated: arrivals, departures, giving up, reconnecting

	private async runGenerated(item: PlanItem): Promise<void> {
		const { action } = item;
		const { calls } = this.host.services;
		try {
			switch (action.kind) {
				case 'arrive-caller':
					await this.dial(
						action.caller,
						this.conferenceOf(action.meeting),
						action.then,
						undefined,
						action.phone
					);
					return;
				case 'arrive-organizer':
					if (action.via === 'client') {
						await this.joinFromClient(action.organizer, this.conferenceOf(action.organizer));
					} else {
						await this.dial(action.organizer, this.conferenceOf(action.organizer), 'leader', undefined);
					}
					return;
				case 'depart': {
					if (action.via === 'client') {
						await this.leave(action.who, false);
						return;
					}
					const call = this.calls.get(action.who);
					if (call && calls.isLive(call.callId)) this.view(call.callId, await calls.hangUp(call.callId));
					return;
				}
				case 'give-up': {
					const call = this.calls.get(action.caller);
					if (!call || !calls.isLive(call.callId)) return;
					const phase = calls.current(call.callId).phase;
					if (phase !== 'ivr' && phase !== 'lobby') return;
					this.tracker.note(`call ${action.caller}: gives up`);
					this.view(call.callId, await calls.hangUp(call.callId));
					return;
				}
				case 'resume': {
					const call = this.calls.get(action.caller);
					if (!call) throw new StepRefusal('no-call', `${action.caller} has no call to resume.`);
					this.view(call.callId, calls.resume(call.callId, call.resumeToken));
					this.tracker.note(`call ${action.caller}: reconnected`);
					return;
				}
				case 'step':
					return;
				default: {
					const _exhaustive: never = action;
					return _exhaustive;
				}
			}
		} catch (error) {
			const refusal = refusalOf(error);
			// Random arrivals meet full meetings and ended calls: that is load, not a failure. A resume
			// the scenario asked for, or a bug (`error`), is.
			if (action.kind === 'resume' || refusal.code === 'error') {
				const step = this.scenario.steps[item.stepIndex];
				const label = step ? describeStep(step) : action.kind;
				this.record(
					item,
					`${label}: ${action.kind}`,
					false,
					`at ${formatOffset(item.at)} ${action.kind} failed with ${refusal.code}: ${refusal.message}`
				);
			} else {
				this.tracker.note(`${action.kind} refused (${refusal.code}): ${refusal.message}`);
			}
		}
	}

	// Acting

	private view(callId: string, view: CallView): CallView {
		this.tracker.callView(callId, view);
		return view;
	}

	private conferenceOf(meeting: string | undefined): string {
		const organizer = meeting === undefined ? undefined : this.world.organizers.get(meeting);
		if (!organizer)
			throw new StepRefusal('not-found', `No meeting "${meeting ?? '(none named)'}" in this scenario.`);
		return organizer.conferenceId;
	}

	/** The organizer named `by` (or the only organizer), and his live meeting; refused when either is missing. */
	private organizersMeeting(by: string | undefined): { actor: WorldOrganizer; meetingId: string } {
		const name = by ?? this.defaultMeeting;
		const actor = name === undefined ? undefined : this.world.organizers.get(name);
		if (!actor)
			throw new StepRefusal('not-found', `"${name ?? '(none named)'}" is not an organizer of this scenario.`);
		const meetingId = this.host.services.meetings.liveMeetingFor(actor.conferenceId);
		if (meetingId === null) throw new StepRefusal('not-found', `${actor.name} has no live meeting.`);
		return { actor, meetingId };
	}

	/**
	 * `admit` or `decline`: the organizer (`by`, or the only organizer) acts on his meeting's lobby
	 * through the same service as the meeting view, so the same rules refuse him when he may not.
	 */
	private async lobbyAction(step: ScenarioStep): Promise<void> {
		const spec = step.admit ?? step.decline;
		const { by, caller } = typeof spec === 'string' ? { by: undefined, caller: spec } : (spec ?? {});
		const { actor, meetingId } = this.organizersMeeting(by);
		const participantId = caller === undefined ? undefined : this.liveCall(caller).callId;
		const { lobby } = this.host.services;
		if (step.decline !== undefined) {
			if (participantId === undefined) throw new StepRefusal('bad-request', 'Name the caller to decline.');
			await lobby.decline(actorOf(actor), meetingId, participantId);
		} else {
			await lobby.admit(actorOf(actor), meetingId, participantId ? { participantId } : 'all');
		}
		this.tracker.note(
			`${step.decline !== undefined ? 'decline' : 'admit'} ${caller ?? 'the lobby'} (by ${actor.email})`
		);
	}

	/**
	 * `meetingOptions`: the organizer (`by`, or the only organizer) sets his meeting's options
	 * through the same service as the meeting view, so the same rules refuse what he may not.
	 */
	private async meetingOptions(spec: NonNullable<ScenarioStep['meetingOptions']>): Promise<void> {
		const { by, reset, ...options } = spec;
		if (reset && Object.keys(options).length > 0)
			throw new StepRefusal('bad-request', 'reset goes back to the meeting policy: give it alone.');
		const { actor, meetingId } = this.organizersMeeting(by);
		await this.host.services.lobby.setOptions(actorOf(actor), meetingId, reset ? {} : options);
		this.tracker.note(`meeting options ${reset ? 'reset' : JSON.stringify(options)} (by ${actor.email})`);
	}

	private actorNamed(name: string | undefined): WorldUser {
		if (name === undefined) return this.world.admin;
		const user = this.world.users.get(name);
		if (user) return user;
		throw new StepRefusal('not-found', `"${name}" is not a user of this scenario.`);
	}

	private liveCall(name: string): CallHandle {
		const call = this.calls.get(name);
		if (!call) throw new StepRefusal('no-call', `${name} has not dialed.`);
		if (!this.host.services.calls.isLive(call.callId)) {
			const last = this.tracker.lastView(call.callId);
			throw new StepRefusal(
				'call-ended',
				`${name}'s call has ended (${last ? describeView(last) : 'disconnected'}).`
			);
		}
		return call;
	}

	/** The PIN `name` enters: given digits, a captured `$variable`, or the organizer's known PIN. */
	private pinFor(name: string, pin: string | undefined): string {
		if (pin !== undefined && !pin.startsWith('$')) return pin;
		if (pin !== undefined) {
			const value = this.variables.get(pin.slice(1));
			if (value === undefined)
				throw new StepRefusal(
					'pin-unknown',
					`${pin} was never captured: the reset that should capture it failed.`
				);
			return value;
		}
		const known = this.world.knownPins.get(name);
		if (known !== undefined) return known;
		throw new StepRefusal(
			'pin-unknown',
			this.world.organizers.has(name)
				? `The scenario does not know ${name}'s PIN (pin: forgotten): reset it first (resetPin with capture), or give the digits.`
				: `${name} is not an organizer: say which PIN they enter (pin: digits or $variable).`
		);
	}

	private async dial(
		name: string,
		conferenceId: string,
		then: 'not-leader' | 'leader' | 'star' | 'wait',
		pin: string | undefined,
		phoneNumber?: string
	): Promise<void> {
		const { calls } = this.host.services;
		const leaderPin = then === 'leader' ? this.pinFor(name, pin) : undefined;
		const phone =
			phoneNumber ??
			this.world.callers.get(name)?.phone ??
			this.world.organizers.get(name)?.phone ??
			this.plan.generatedCallers.get(name) ??
			this.host.ids.phoneNumber();
		const dialed = calls.dial(phone);
		this.tracker.ownCall(dialed.callId, name);
		this.calls.set(name, { callId: dialed.callId, resumeToken: dialed.resumeToken, conferenceId });
		this.tracker.note(`call ${name}: dials from ${phone} (${dialed.callId})`);
		this.view(dialed.callId, dialed.call);
		let view = this.view(dialed.callId, await calls.pressKeys(dialed.callId, `${conferenceId}#`));
		if (view.phase === 'disconnected')
			throw new StepRefusal(view.reason ?? 'call-ended', `${name}'s call ended: ${view.reason}.`);
		if (view.step !== 'leader-choice') {
			throw new StepRefusal('conference-id-unknown', `The conference ID ${conferenceId} was not found.`);
		}
		if (then === 'not-leader') view = this.view(dialed.callId, await calls.pressKeys(dialed.callId, '#'));
		else if (then === 'star') view = this.view(dialed.callId, await calls.pressKeys(dialed.callId, '*'));
		else if (then === 'leader') {
			view = this.view(dialed.callId, await calls.pressKeys(dialed.callId, `*${leaderPin}#`));
			this.pinOutcome(name, view);
		}
		if (view.phase === 'disconnected') {
			throw new StepRefusal(
				view.reason ?? 'call-ended',
				`${name}'s call was disconnected: ${view.prompt?.text ?? view.reason}`
			);
		}
	}

	/** A PIN entry that did not make the caller the leader is refused, with the reason as the code. */
	private pinOutcome(name: string, view: CallView): void {
		if (view.phase === 'disconnected') {
			throw new StepRefusal(
				view.reason ?? 'pin-failed',
				`${name}'s call was disconnected: ${view.prompt?.text ?? ''}`
			);
		}
		if (view.prompts.some((p) => p.id === 'pin-locked')) {
			throw new StepRefusal(
				'pin-locked',
				`${name}'s leader PIN is locked out; they wait as a caller (${describeView(view)}).`
			);
		}
		if (view.prompt?.id === 'pin-wrong')
			throw new StepRefusal('wrong-pin', `The PIN ${name} entered is not correct.`);
	}

	/** Gets the caller to the PIN prompt: presses `*` at "If you are the leader, press star". */
	private async toPinPrompt(name: string): Promise<CallHandle> {
		const call = this.liveCall(name);
		const { calls } = this.host.services;
		let view = calls.current(call.callId);
		if (view.step === 'leader-choice') view = this.view(call.callId, await calls.pressKeys(call.callId, '*'));
		if (view.step !== 'pin') {
			throw new StepRefusal('not-at-pin-prompt', `${name} is not asked for a PIN (${describeView(view)}).`);
		}
		return call;
	}

	private async enterPin(name: string, pin: string): Promise<void> {
		const call = await this.toPinPrompt(name);
		const view = this.view(call.callId, await this.host.services.calls.pressKeys(call.callId, `${pin}#`));
		this.pinOutcome(name, view);
	}

	private async wrongPin(name: string, times: number): Promise<void> {
		for (let i = 0; i < times; i++) {
			const call = await this.toPinPrompt(name);
			const organizer = this.world.byConference.get(call.conferenceId);
			const userId = organizer === undefined ? undefined : this.world.organizers.get(organizer)?.userId;
			const actual = userId === undefined ? undefined : this.world.actualPins.get(userId);
			const length = actual?.length ?? 5;
			const draw = () => Array.from({ length }, () => this.wrongPins.digit()).join('');
			let wrong = draw();
			while (wrong === actual) wrong = draw();
			this.tracker.note(`call ${name}: enters a wrong PIN`);
			const view = this.view(call.callId, await this.host.services.calls.pressKeys(call.callId, `${wrong}#`));
			if (view.phase === 'disconnected') return;
		}
	}

	private async joinFromClient(name: string, conferenceId: string): Promise<void> {
		const user = this.actorNamed(name);
		const joined = await this.host.services.meetings.joinFromClient(
			{ id: user.userId, displayName: user.displayName },
			conferenceId
		);
		if (!joined.ok) throw new StepRefusal(joined.code, joined.message);
		this.clients.set(name, { meetingId: joined.meetingId, participantId: joined.participantId });
	}

	private async leave(name: string, strict: boolean): Promise<void> {
		const client = this.clients.get(name);
		if (!client) {
			if (strict) throw new StepRefusal('not-in-meeting', `${name} has not joined from the client.`);
			return;
		}
		this.clients.delete(name);
		const decision = await this.host.services.meetings.execute(client.meetingId, {
			type: 'Leave',
			participantId: client.participantId
		});
		if (!decision.ok && strict) throw new StepRefusal(decision.rejection.code, decision.rejection.message);
	}

	private async resetPin(spec: {
		user: string;
		by?: string;
		sendEmail?: boolean;
		sendEmailToAddress?: string;
		capture?: string;
	}): Promise<void> {
		const by = this.actorNamed(spec.by);
		const identity = this.world.users.get(spec.user)?.email ?? runIdentity(this.world, spec.user);
		const options = {
			...(spec.sendEmail !== undefined ? { sendEmail: spec.sendEmail } : {}),
			...(spec.sendEmailToAddress !== undefined
				? { sendEmailToAddress: runIdentity(this.world, spec.sendEmailToAddress) }
				: {})
		};
		const issued = await this.host.services.dialIn.resetLeaderPin(actorOf(by), identity, options, 'page');
		// S8: shown once, to the one who asked; the log says a PIN was issued, never which. The
		// simulated administrator keeps the digits, as a person would, to dial with them.
		const pin = issued.pin.reveal();
		this.world.actualPins.set(issued.user.id, pin);
		if (this.world.organizers.has(spec.user)) this.world.knownPins.set(spec.user, pin);
		if (spec.capture) this.variables.set(spec.capture, pin);
		const email = issued.email.sent ? `email to ${issued.email.to}` : `no email (${issued.email.reason})`;
		this.tracker.note(
			`admin ${by.email} reset the PIN of ${issued.user.email}: a ${issued.pin.length}-digit PIN shown once, ${email}`
		);
	}
}
