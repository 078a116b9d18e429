/**
 * Scenario load (`lobby load --scenario FILE --repeat N`, `POST /api/v1/scenarios/load`): one
 * scenario's story run N times at once on the live server, for QA engineers who want a realistic
 * mix of joins, PINs and admissions rather than one kind of call, with every copy's expectations
 * checked. Each copy plays in a world of its own (live-world.ts, `liveWorldPlace`): a tenant, the
 * stand-ins of the users it names, simulated organizers and conference IDs, so copies never share a
 * meeting and never touch the demo users. Copies are prepared one after another (their conference
 * IDs are drawn from one range), then run together, each at the chosen speed.
 *
 * One load at a time, across the servers sharing a database too (copy N's stand-ins are the same
 * on every server), beside a live run of the Scenarios page (they share nothing but the engine).
 * Only administrators may start or stop one; every start, stop and end is audited.
 */
import { randomBytes } from 'node:crypto';
import {
	isScenarioLoadRepeat,
	SCENARIO_LOAD_REPEAT_RULE,
	type ScenarioLoadCopyJson,
	type ScenarioLoadJson
} from '$lib/contract/api';
import type { Scenario } from '$lib/scenario/scenario-format';
import type { ScenarioSource } from '$lib/scenario/parse-scenario';
import { log } from '../log';
import { ServiceError } from '../service-error';
import type { Services } from '../services/index';
import { LiveHost, RunStopped, type LiveHostDeps } from './live-host';
import type { LiveRunRequester } from './live-scenarios';
import { auditScenario, expectationView, liveRefusal, problemOf } from './live-scenarios';
import { endLeftoverMeetings, liveRunServices, liveWorldPlace, setUpLiveWorld } from './live-world';
import { expandScenarioPaths, loadScenarioFile, SCENARIOS_DIR } from './scenario-files';
import { ScenarioRun } from './scenario-runner';
import type { World } from './scenario-world';

interface Copy {
	view: ScenarioLoadCopyJson;
	/** The live services bound to the copy's place (its tenant, stand-ins and mailbox). */
	services: Services;
	host: LiveHost;
	run: ScenarioRun | null;
}

interface Current {
	view: ScenarioLoadJson;
	copies: Copy[];
	startedAt: number;
	startedBy: LiveRunRequester;
	stopped: boolean;
	done: Promise<void>;
}

const RUNNING = new Set<ScenarioLoadJson['status']>(['preparing', 'running']);

export class ScenarioLoads {
	private current: Current | null = null;
	/** A start between its checks and its load (it waits for the lease and the audit log). */
	private starting = false;

	constructor(
		private readonly deps: LiveHostDeps,
		private readonly cwd = process.cwd()
	) {}

	/** The load in progress, or the last one, or null; for administrators (it names the copies' stand-ins). */
	view(by: LiveRunRequester): ScenarioLoadJson | null {
		if (by.actor.role !== 'admin') {
			throw new ServiceError('forbidden', 'Only administrators can follow a scenario load.');
		}
		return this.current ? this.snapshot(this.current) : null;
	}

	/**
	 * Starts `repeat` copies of `file` (one of the server's scenario files) at `speed`, for `by`, an
	 * administrator. Refused, and audited as refused: anyone else, a count or speed out of range, an
	 * unknown or invalid file, a file a live run cannot play (a written PIN, a virtual-only fault),
	 * and a second load while one runs.
	 */
	async start(
		file: string,
		options: { repeat: number; speed: number },
		by: LiveRunRequester
	): Promise<ScenarioLoadJson> {
		const details = { file, repeat: options.repeat, speed: options.speed };
		if (by.actor.role !== 'admin') {
			await auditScenario(this.deps.services, by, 'scenario.load.start', 'denied', details);
			throw by.actor.role === 'anonymous'
				? new ServiceError('unauthenticated', 'Sign in as an administrator to run a scenario load.')
				: new ServiceError(
						'forbidden',
						'Only administrators can run a scenario load: it adds tenants and stand-ins of its own to the live database.'
					);
		}
		const refuse = async (error: ServiceError): Promise<never> => {
			await auditScenario(this.deps.services, by, 'scenario.load.start', 'failed', {
				...details,
				reason: error.message
			});
			throw error;
		};
		if (!isScenarioLoadRepeat(options.repeat)) {
			return refuse(new ServiceError('bad-request', `${SCENARIO_LOAD_REPEAT_RULE}; got ${options.repeat}.`));
		}
		const files = await expandScenarioPaths([SCENARIOS_DIR], this.cwd).catch(() => [] as string[]);
		if (!files.includes(file)) {
			return refuse(
				new ServiceError(
					'not-found',
					`There is no scenario file ${file}: the server runs those in scenarios/.`
				)
			);
		}
		const parsed = await loadScenarioFile(file, this.cwd);
		if (!parsed.ok) return refuse(new ServiceError('bad-request', `${file}:${problemOf(parsed.errors)}`));
		const refusal = liveRefusal(file, parsed.scenario, parsed.source);
		if (refusal) return refuse(refusal);
		if (this.starting || (this.current && RUNNING.has(this.current.view.status))) {
			return refuse(
				new ServiceError(
					'conflict',
					`A scenario load of ${this.current?.view.file ?? 'another file'} is running on this server: one at a time. Stop it, or wait until it ends.`
				)
			);
		}
		// Claimed before the first wait, so two requests at once cannot both start one.
		this.starting = true;
		let locked = false;
		try {
			const holder = await this.deps.runLock?.take();
			if (holder) {
				return await refuse(
					new ServiceError(
						'conflict',
						`A scenario load is running on the server ${holder}: one at a time across the servers (their copies share stand-ins). Stop it there, or wait until it ends.`
					)
				);
			}
			locked = this.deps.runLock !== undefined;
			const copies: Copy[] = Array.from({ length: options.repeat }, (_, i) => {
				const copy = i + 1;
				const services = liveRunServices(this.deps.services, this.deps.db, liveWorldPlace(copy));
				return {
					services,
					host: this.hostOf(services, options.speed),
					run: null,
					view: { copy, status: 'preparing', item: 0, items: 0, at: 0, expectations: [], problem: null }
				};
			});
			const current: Current = {
				copies,
				startedAt: Date.now(),
				startedBy: by,
				stopped: false,
				done: Promise.resolve(),
				view: {
					loadId: `load-${randomBytes(6).toString('hex')}`,
					file,
					name: parsed.scenario.name,
					repeat: options.repeat,
					speed: copies[0]!.host.speed,
					status: 'preparing',
					copies: [],
					wallMs: 0,
					problem: null
				}
			};
			await auditScenario(this.deps.services, by, 'scenario.load.start', 'ok', {
				...details,
				loadId: current.view.loadId
			});
			this.current = current;
			// From here the load's own end releases the lease.
			locked = false;
			current.done = this.drive(current, parsed.scenario, parsed.source);
			return this.snapshot(current);
		} catch (error) {
			if (locked) await this.deps.runLock?.release();
			throw error;
		} finally {
			this.starting = false;
		}
	}

	/** Stops the load in progress, if any (audited under `by`). What the copies did stays done. */
	async stop(by: LiveRunRequester): Promise<ScenarioLoadJson | null> {
		if (by.actor.role !== 'admin') {
			await auditScenario(this.deps.services, by, 'scenario.load.stop', 'denied', {});
			throw new ServiceError('forbidden', 'Only administrators can stop a scenario load.');
		}
		const current = this.current;
		if (!current) return null;
		if (RUNNING.has(current.view.status)) {
			current.stopped = true;
			for (const copy of current.copies) copy.host.stop();
			await auditScenario(this.deps.services, by, 'scenario.load.stop', 'ok', {
				file: current.view.file,
				loadId: current.view.loadId
			}).catch((error: unknown) => log.error('A scenario load stop could not be audited', error));
			await current.done;
		}
		return this.snapshot(current);
	}

	/** A host on a copy's services, at `speed`; its scenario time starts now. */
	private hostOf(services: Services, speed: number): LiveHost {
		return new LiveHost({ ...this.deps, services }, { speed });
	}

	/** Resolves when the load in progress, if any, has ended (specs; the server's shutdown). */
	async idle(): Promise<void> {
		await this.current?.done;
	}

	private async drive(current: Current, scenario: Scenario, source: ScenarioSource): Promise<void> {
		const { view } = current;
		try {
			// Prepared one after another: their conference IDs come from one range.
			const worlds: World[] = [];
			for (const copy of current.copies) {
				if (current.stopped) throw new RunStopped();
				worlds.push(await setUpLiveWorld(copy.host, scenario, liveWorldPlace(copy.view.copy)));
			}
			for (const world of worlds) await endLeftoverMeetings(this.deps.services, world);
			// Then every copy's scenario time starts now, together: preparing the last copy must not
			// have eaten into the first one's story.
			for (const [i, copy] of current.copies.entries()) {
				if (current.stopped) throw new RunStopped();
				copy.host = this.hostOf(copy.services, view.speed);
				copy.run = ScenarioRun.attach(scenario, copy.host, worlds[i]!, {
					seed: scenario.seed,
					source,
					shared: true,
					onProgress: (p) => {
						copy.view.item = p.item;
						copy.view.items = p.items;
						copy.view.at = p.at;
					}
				});
				await copy.run.ignoreEarlierMail();
				copy.view.items = copy.run.plan.items.length;
			}
			view.status = 'running';
			await Promise.all(current.copies.map((copy) => this.runCopy(current, copy)));
			if (current.stopped) {
				view.status = 'stopped';
				return;
			}
			view.status = current.copies.every((c) => c.view.status === 'passed') ? 'passed' : 'failed';
			await this.finished(current, 'ok');
		} catch (error) {
			if (error instanceof RunStopped || current.stopped) {
				view.status = 'stopped';
				for (const copy of current.copies) if (RUNNING.has(copy.view.status)) copy.view.status = 'stopped';
				return;
			}
			log.error(`The scenario load of ${view.file} stopped with an error`, error);
			view.status = 'error';
			view.problem = error instanceof Error ? error.message : String(error);
			for (const copy of current.copies) {
				copy.host.stop();
				if (RUNNING.has(copy.view.status)) {
					copy.view.status = 'error';
					copy.view.problem = `The load stopped before this copy ended: ${view.problem}`;
				}
			}
			await this.finished(current, 'failed');
		} finally {
			view.wallMs = Date.now() - current.startedAt;
			await Promise.all(current.copies.map((copy) => copy.run?.close().catch(() => undefined)));
			await this.deps.runLock?.release();
		}
	}

	/** Runs one copy to its end; a copy that fails or errs never stops the others. */
	private async runCopy(current: Current, copy: Copy): Promise<void> {
		const run = copy.run;
		if (!run) return;
		copy.view.status = 'running';
		try {
			while (!run.done && !current.stopped) {
				await run.step();
				copy.view.expectations = run.expectations.map(expectationView);
			}
			if (!current.stopped) copy.view.status = run.result().passed ? 'passed' : 'failed';
			else copy.view.status = 'stopped';
		} catch (error) {
			if (error instanceof RunStopped || current.stopped) {
				copy.view.status = 'stopped';
				return;
			}
			copy.view.status = 'error';
			copy.view.problem = error instanceof Error ? error.message : String(error);
		}
	}

	private finished(current: Current, outcome: 'ok' | 'failed'): Promise<void> {
		const { view } = current;
		const passed = current.copies.filter((c) => c.view.status === 'passed').length;
		return auditScenario(this.deps.services, current.startedBy, 'scenario.load.finish', outcome, {
			file: view.file,
			loadId: view.loadId,
			status: view.status,
			passed,
			failed: current.copies.length - passed,
			problem: view.problem
		}).catch((error: unknown) => log.error('A scenario load end could not be audited', error));
	}

	private snapshot(current: Current): ScenarioLoadJson {
		const running = RUNNING.has(current.view.status);
		return {
			...current.view,
			wallMs: running ? Date.now() - current.startedAt : current.view.wallMs,
			copies: current.copies.map((copy) => ({
				...copy.view,
				at:
					copy.view.status === 'running'
						? Math.max(copy.view.at, copy.host.now() - copy.host.start)
						: copy.view.at,
				expectations: [...copy.view.expectations]
			}))
		};
	}
}
