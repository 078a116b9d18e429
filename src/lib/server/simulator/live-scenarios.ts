/**
 * Scenarios run live against the running app, for trainers: one run at a time, at 0.25x to 100x,
 * with pause, resume and single step. The run drives the same meetings and calls real callers use,
 * so the dashboard, the meeting view and presenter mode follow it as they follow anyone. It acts on
 * stand-ins in a tenant of its own (live-world.ts), never on the real directory users, their PINs
 * or the demo tenant's settings. Only administrators may start or steer one, and every start,
 * control and end is audited under the administrator who asked.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type {
	LiveRunView,
	ScenarioControl,
	ScenarioExpectationView,
	ScenarioInfo
} from '$lib/contract/events';
import { firstVirtualOnlyStep, VIRTUAL_ONLY_STEPS, type Scenario } from '$lib/scenario/scenario-format';
import type { ScenarioSource } from '$lib/scenario/parse-scenario';
import { DEMO_TENANT_ID } from '../db/seed';
import { log } from '../log';
import { ServiceError } from '../service-error';
import { SYSTEM_ACTOR } from '../services/access';
import type { Services } from '../services/index';
import type { AccessPath, Actor } from '../services/audit.service';
import { LiveHost, RunStopped, type LiveHostDeps } from './live-host';
import { endLeftoverMeetings, literalPins, liveRunServices, setUpLiveWorld } from './live-world';
import { expandScenarioPaths, loadScenarioFile, SCENARIOS_DIR } from './scenario-files';
import { ScenarioRun, type ExpectationResult } from './scenario-runner';
import type { World } from './scenario-world';

/** Who asked for a change of the live run, and through which door (for the audit log). */
export interface LiveRunRequester {
	actor: Actor;
	path: AccessPath;
}

/** Runs stopped by the server itself (shutting down). */
const SYSTEM: LiveRunRequester = { actor: SYSTEM_ACTOR, path: 'system' };

/** The first problem of a file that does not parse, as `line:column: message`. */
export function problemOf(errors: readonly { line: number; column: number; message: string }[]): string {
	const first = errors[0];
	return first ? `${first.line}:${first.column}: ${first.message}` : 'The file does not parse.';
}

/**
 * Why `scenario` cannot run live (on the Scenarios page or as a scenario load), or null when it can:
 * a PIN written in the file, or a fault step that only virtual time can play. Names the line.
 */
export function liveRefusal(file: string, scenario: Scenario, source: ScenarioSource): ServiceError | null {
	const literal = literalPins(scenario, source)[0];
	if (literal) {
		return new ServiceError(
			'bad-request',
			`${file}${literal.line ? `:${literal.line}` : ''}: organizer ${literal.organizer} has a PIN written in the file; a live run gives its organizers PINs nobody can read from a file. Use pin: known or pin: forgotten, or run it in virtual time.`
		);
	}
	const virtualOnly = firstVirtualOnlyStep(scenario.steps);
	if (!virtualOnly) return null;
	const line = source.stepLines[virtualOnly.index];
	return new ServiceError(
		'bad-request',
		`${file}${line ? `:${line}` : ''}: ${virtualOnly.action} runs in virtual time only; ${VIRTUAL_ONLY_STEPS[virtualOnly.action]}. Run it with lobby scenario run ${file} --virtual.`
	);
}

/** An expectation as the Scenarios page and a scenario load's copies show it. */
export function expectationView(e: ExpectationResult): ScenarioExpectationView {
	return { name: e.name, passed: e.passed, message: e.message, at: e.at };
}

/**
 * Records a live run's or a scenario load's start, control, end or refusal in the one audit log,
 * under the administrator who asked and the door they came through.
 */
export function auditScenario(
	services: Services,
	by: LiveRunRequester,
	action: string,
	outcome: 'ok' | 'denied' | 'failed',
	details: Record<string, string | number | boolean | null>
): Promise<void> {
	return services.audit.record({
		tenantId: DEMO_TENANT_ID,
		actor: by.actor,
		action,
		target: null,
		path: by.path,
		outcome,
		details
	});
}

interface Current {
	view: LiveRunView;
	/** The last meeting seen per conference ID, so a link stays after the meeting ends. */
	seen: Map<string, string>;
	host: LiveHost;
	run: ScenarioRun | null;
	world: World | null;
	/** The administrator who started it: its end is audited under them. */
	startedBy: LiveRunRequester;
}

export class LiveScenarios {
	private current: Current | null = null;
	private readonly listeners = new Set<(view: LiveRunView) => void>();

	constructor(
		private readonly deps: LiveHostDeps,
		private readonly cwd = process.cwd()
	) {}

	/** Told of every change of the run (the socket layer fans it out). */
	onChange(listener: (view: LiveRunView) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/**
	 * The shipped scenario files, with a problem line for any that does not parse, and why for any a
	 * live run cannot play (`liveRefusal`), so the Scenarios page can say so before anyone tries.
	 */
	async list(): Promise<ScenarioInfo[]> {
		const out: ScenarioInfo[] = [];
		for (const file of await this.files()) {
			const parsed = await loadScenarioFile(file, this.cwd);
			out.push(
				parsed.ok
					? {
							file,
							name: parsed.scenario.name,
							description: parsed.scenario.description,
							rules: [...parsed.scenario.rules],
							steps: parsed.scenario.steps.length,
							problem: null,
							notLive: liveRefusal(file, parsed.scenario, parsed.source)?.message ?? null
						}
					: {
							file,
							name: basename(file),
							description: '',
							rules: [],
							steps: 0,
							problem: problemOf(parsed.errors),
							notLive: null
						}
			);
		}
		return out;
	}

	/** The scenario files the server may run: those in its scenarios folder, and no other path. */
	private files(): Promise<string[]> {
		return expandScenarioPaths([SCENARIOS_DIR], this.cwd).catch(() => []);
	}

	view(): LiveRunView | null {
		return this.current ? this.snapshot(this.current) : null;
	}

	/**
	 * Starts `file` (one of the listed files) live for `by`, an administrator; a run in progress is
	 * stopped first. Refused, and audited as refused: anyone else, an unknown or invalid file, and a
	 * file that writes an organizer's PIN out (a live run's PINs come from a cryptographic source).
	 */
	async start(
		file: string,
		options: { speed: number; paused?: boolean },
		by: LiveRunRequester
	): Promise<LiveRunView> {
		await this.authorize(by, 'scenario.start', { file });
		const refuse = async (error: ServiceError): Promise<never> => {
			await this.audit(by, 'scenario.start', 'failed', { file, reason: error.message });
			throw error;
		};
		if (!(await this.files()).includes(file)) {
			return refuse(new ServiceError('not-found', `There is no scenario file ${file}.`));
		}
		const parsed = await loadScenarioFile(file, this.cwd);
		if (!parsed.ok) return refuse(new ServiceError('bad-request', `${file}:${problemOf(parsed.errors)}`));
		const refusal = liveRefusal(file, parsed.scenario, parsed.source);
		if (refusal) return refuse(refusal);
		await this.stop(by);
		const holder = await this.deps.runLock?.take();
		if (holder) {
			return refuse(
				new ServiceError(
					'conflict',
					`A scenario is running live on the server ${holder}: one runs at a time across the servers. Stop it there, or wait until it ends.`
				)
			);
		}
		const host = new LiveHost(
			{ ...this.deps, services: liveRunServices(this.deps.services, this.deps.db) },
			{ speed: options.speed, paused: options.paused }
		);
		const current: Current = {
			seen: new Map(),
			host,
			run: null,
			world: null,
			startedBy: by,
			view: {
				runId: `live-${randomBytes(6).toString('hex')}`,
				file,
				name: parsed.scenario.name,
				description: parsed.scenario.description,
				rules: [...parsed.scenario.rules],
				status: 'preparing',
				speed: host.speed,
				at: 0,
				item: 0,
				items: 0,
				step: 0,
				steps: parsed.scenario.steps.length,
				last: null,
				expectations: [],
				meetings: [],
				problem: null
			}
		};
		// No run goes ahead unaudited.
		await this.audit(by, 'scenario.start', 'ok', {
			file,
			runId: current.view.runId,
			speed: host.speed,
			paused: host.paused
		});
		this.current = current;
		void this.drive(current, parsed.scenario, parsed.source);
		return this.snapshot(current);
	}

	/** Pause, resume, step, stop or a new speed for the run in progress, by an administrator (audited). */
	async control(request: ScenarioControl, by: LiveRunRequester): Promise<LiveRunView> {
		await this.authorize(by, `scenario.${request.action}`, {});
		const current = this.current;
		if (!current) throw new ServiceError('not-found', 'No scenario is running; start one first.');
		const { host } = current;
		if (request.action !== 'stop') {
			await this.audit(by, `scenario.${request.action}`, 'ok', {
				file: current.view.file,
				runId: current.view.runId,
				...(request.action === 'speed' ? { speed: request.speed } : {})
			});
		}
		switch (request.action) {
			case 'pause':
				host.pause();
				break;
			case 'resume':
				host.resume();
				break;
			case 'step':
				if (!host.paused) host.pause();
				host.stepOnce();
				break;
			case 'speed':
				host.setSpeed(request.speed);
				break;
			case 'stop':
				await this.stop(by);
				return this.snapshot(current);
		}
		this.publish(current);
		return this.snapshot(current);
	}

	/**
	 * Stops the run in progress, if any (audited under `by`; the server itself when it shuts down).
	 * What it did stays done, on its stand-ins only.
	 */
	async stop(by: LiveRunRequester = SYSTEM): Promise<void> {
		const current = this.current;
		if (!current || !this.running(current)) return;
		current.host.stop();
		current.view.status = 'stopped';
		this.publish(current);
		await this.deps.runLock?.release();
		await this.audit(by, 'scenario.stop', 'ok', {
			file: current.view.file,
			runId: current.view.runId
		}).catch((error: unknown) => log.error('A live scenario stop could not be audited', error));
		await current.run?.close();
	}

	/** Only administrators start or steer a run; a refusal is audited too. */
	private async authorize(
		by: LiveRunRequester,
		action: string,
		details: Record<string, string>
	): Promise<void> {
		if (by.actor.role === 'admin') return;
		await this.audit(by, action, 'denied', details);
		throw by.actor.role === 'anonymous'
			? new ServiceError('unauthenticated', 'Sign in as an administrator to run scenarios live.')
			: new ServiceError(
					'forbidden',
					'Only administrators can run scenarios live: a run adds stand-ins and a tenant of its own to the live database.'
				);
	}

	private audit(
		by: LiveRunRequester,
		action: string,
		outcome: 'ok' | 'denied' | 'failed',
		details: Record<string, string | number | boolean | null>
	): Promise<void> {
		return auditScenario(this.deps.services, by, action, outcome, details);
	}

	private running(current: Current): boolean {
		return ['preparing', 'running', 'paused'].includes(current.view.status);
	}

	private async drive(current: Current, scenario: Scenario, source: ScenarioSource): Promise<void> {
		const { host } = current;
		// Scenario time moves between items too: viewers get it once a second.
		const ticker = setInterval(() => {
			if (this.running(current)) this.publish(current);
		}, 1000);
		ticker.unref?.();
		try {
			// The seed draws arrivals and faults; never a PIN (live-world.ts).
			const seed = scenario.seed;
			current.world = await setUpLiveWorld(host, scenario);
			await endLeftoverMeetings(this.deps.services, current.world);
			const run = ScenarioRun.attach(scenario, host, current.world, {
				seed,
				source,
				shared: true,
				onProgress: (p) => {
					current.view.item = p.item;
					current.view.items = p.items;
					current.view.step = p.step;
					current.view.at = p.at;
					current.view.last = p.label;
				}
			});
			current.run = run;
			await run.ignoreEarlierMail();
			current.view.items = run.plan.items.length;
			current.view.status = host.paused ? 'paused' : 'running';
			this.publish(current);
			while (!run.done && this.current === current && this.running(current)) {
				await run.step();
				current.view.expectations = run.expectations.map(expectationView);
				this.publish(current);
			}
			if (this.current === current && this.running(current)) {
				current.view.status = run.result().passed ? 'passed' : 'failed';
				this.publish(current);
				await this.finished(current, 'ok');
			}
		} catch (error) {
			if (error instanceof RunStopped) return;
			log.error(`The live scenario ${current.view.file} stopped with an error`, error);
			current.view.status = 'error';
			current.view.problem = error instanceof Error ? error.message : String(error);
			this.publish(current);
			await this.finished(current, 'failed');
		} finally {
			clearInterval(ticker);
			if (current.run && !this.running(current)) await current.run.close().catch(() => undefined);
		}
	}

	/** A run that ended by itself is audited under the administrator who started it. */
	private async finished(current: Current, outcome: 'ok' | 'failed'): Promise<void> {
		const { view } = current;
		await this.deps.runLock?.release();
		return this.audit(current.startedBy, 'scenario.finish', outcome, {
			file: view.file,
			runId: view.runId,
			status: view.status,
			problem: view.problem
		}).catch((error: unknown) => log.error('A live scenario end could not be audited', error));
	}

	private snapshot(current: Current): LiveRunView {
		const { host, world, view } = current;
		const status =
			view.status === 'running' || view.status === 'paused'
				? host.paused
					? 'paused'
					: 'running'
				: view.status;
		const meetings = world
			? [...world.organizers.values()].slice(0, 20).map((o) => ({
					organizer: o.name,
					displayName: o.displayName,
					conferenceId: o.conferenceId,
					meetingId: this.meetingOf(current, o.conferenceId)
				}))
			: [];
		return {
			...view,
			status,
			speed: host.speed,
			at: this.running(current) ? Math.max(view.at, host.now() - host.start) : view.at,
			expectations: [...view.expectations],
			meetings
		};
	}

	private meetingOf(current: Current, conferenceId: string): string | null {
		const live = this.deps.services.meetings.liveMeetingFor(conferenceId);
		if (live) current.seen.set(conferenceId, live);
		return live ?? current.seen.get(conferenceId) ?? null;
	}

	private publish(current: Current): void {
		if (this.current !== current) return;
		const view = this.snapshot(current);
		for (const listener of this.listeners) listener(view);
	}
}
