/**
 * Scenarios run live against the running app, for trainers: one run at a time, at 0.25x to 100x,
 * with pause, resume and single step. The run drives the same services real callers use, so the
 * dashboard, the meeting view and presenter mode follow it as they follow anyone. It changes the
 * live tenant as the scenario says (settings, PINs of its organizers): that is the point of a
 * demonstration, and why only administrators may start one.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { LiveRunView, ScenarioControl, ScenarioInfo } from '$lib/contract/events';
import type { Scenario } from '$lib/scenario/scenario-format';
import type { ScenarioSource } from '$lib/scenario/parse-scenario';
import { log } from '../log';
import { LiveHost, RunStopped, type LiveHostDeps } from './live-host';
import { expandScenarioPaths, loadScenarioFile, SCENARIOS_DIR } from './scenario-files';
import { ScenarioRun } from './scenario-runner';
import { setUpWorld, type World } from './scenario-world';

/** A request the live runner refuses, with a code for the socket answer. */
export class LiveScenarioError extends Error {
	constructor(
		readonly code: 'not-found' | 'bad-request',
		message: string
	) {
		super(message);
		this.name = 'LiveScenarioError';
	}
}

/** The first problem of a file that does not parse, as `line:column: message`. */
function problemOf(errors: readonly { line: number; column: number; message: string }[]): string {
	const first = errors[0];
	return first ? `${first.line}:${first.column}: ${first.message}` : 'The file does not parse.';
}

interface Current {
	view: LiveRunView;
	/** The last meeting seen per conference ID, so a link stays after the meeting ends. */
	seen: Map<string, string>;
	host: LiveHost;
	run: ScenarioRun | null;
	world: World | null;
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

	/** The shipped scenario files, with a problem line for any that does not parse. */
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
							problem: null
						}
					: {
							file,
							name: basename(file),
							description: '',
							rules: [],
							steps: 0,
							problem: problemOf(parsed.errors)
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

	/** Starts `file` (one of the listed files) live; a run in progress is stopped first. */
	async start(file: string, options: { speed: number; paused?: boolean }): Promise<LiveRunView> {
		if (!(await this.files()).includes(file)) {
			throw new LiveScenarioError('not-found', `There is no scenario file ${file}.`);
		}
		const parsed = await loadScenarioFile(file, this.cwd);
		if (!parsed.ok) throw new LiveScenarioError('bad-request', `${file}:${problemOf(parsed.errors)}`);
		await this.stop();
		const host = new LiveHost(this.deps, { speed: options.speed, paused: options.paused });
		const current: Current = {
			seen: new Map(),
			host,
			run: null,
			world: null,
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
		this.current = current;
		void this.drive(current, parsed.scenario, parsed.source);
		return this.snapshot(current);
	}

	/** Pause, resume, step, stop or a new speed for the run in progress. */
	async control(request: ScenarioControl): Promise<LiveRunView> {
		const current = this.current;
		if (!current) throw new LiveScenarioError('not-found', 'No scenario is running; start one first.');
		const { host } = current;
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
				await this.stop();
				return this.snapshot(current);
		}
		this.publish(current);
		return this.snapshot(current);
	}

	/** Stops the run in progress, if any; what it did stays done. */
	async stop(): Promise<void> {
		const current = this.current;
		if (!current || !this.running(current)) return;
		current.host.stop();
		current.view.status = 'stopped';
		this.publish(current);
		await current.run?.close();
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
			const seed = scenario.seed;
			current.world = await setUpWorld(host, scenario, seed);
			const run = ScenarioRun.attach(scenario, host, current.world, {
				seed,
				source,
				onProgress: (p) => {
					current.view.item = p.item;
					current.view.items = p.items;
					current.view.step = p.step;
					current.view.at = p.at;
					current.view.last = p.label;
				}
			});
			current.run = run;
			current.view.items = run.plan.items.length;
			current.view.status = host.paused ? 'paused' : 'running';
			this.publish(current);
			while (!run.done && this.current === current && this.running(current)) {
				await run.step();
				const result = run.result();
				current.view.expectations = result.expectations.map((e) => ({
					name: e.name,
					passed: e.passed,
					message: e.message,
					at: e.at
				}));
				this.publish(current);
			}
			if (this.current === current && this.running(current)) {
				current.view.status = run.result().passed ? 'passed' : 'failed';
				this.publish(current);
			}
		} catch (error) {
			if (error instanceof RunStopped) return;
			log.error(`The live scenario ${current.view.file} stopped with an error`, error);
			current.view.status = 'error';
			current.view.problem = error instanceof Error ? error.message : String(error);
			this.publish(current);
		} finally {
			clearInterval(ticker);
			if (current.run && !this.running(current)) await current.run.close().catch(() => undefined);
		}
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
