/**
 * A scenario host on the running app: the same services the dashboard, meeting view and presenter
 * mode watch, on scenario time that runs at a chosen speed (0.25x to 100x) and can be paused and
 * stepped one item at a time. The services' own timers (the leader-prompt wait, lobby timeouts)
 * keep real time: a live run speeds up the story, not the engine.
 */
import type { Database } from '../db/index';
import type { Services } from '../services/index';
import { NotifierHub, type Notifier } from '../services/notifier';
import type { IdSource } from '../services/ports';
import type { ScenarioHost } from './scenario-host';
import { LIVE_SPEED_MAX, LIVE_SPEED_MIN } from '$lib/scenario/live-speed';

export { LIVE_SPEED_MAX, LIVE_SPEED_MIN };

/** Thrown out of `advanceTo` when the run is stopped while it waits. */
export class RunStopped extends Error {
	constructor() {
		super('The scenario run was stopped.');
		this.name = 'RunStopped';
	}
}

/** Lets a run "attach" its tracker to the live hub without displacing the sockets: it taps instead. */
class TappedHub extends NotifierHub {
	constructor(private readonly hub: NotifierHub) {
		super();
	}

	override attach(target: Notifier): () => void {
		return this.hub.tap(target);
	}
}

export interface LiveHostDeps {
	services: Services;
	db: Database;
	ids: IdSource;
	notifier: NotifierHub;
	/** Wall clock, ms (a spec may pass its own). */
	wallNow?: () => number;
	/** Keeps a live run alone among the servers of a cluster; none for a server alone. */
	runLock?: RunLock;
}

/** One live run at a time across the servers sharing a database (docs/architecture.md). */
export interface RunLock {
	/** Takes the lock and keeps it until `release`; answers the server that holds it when another does. */
	take(): Promise<string | null>;
	release(): Promise<void>;
}

export class LiveHost implements ScenarioHost {
	readonly services: Services;
	readonly db: Database;
	readonly ids: IdSource;
	readonly notifier: NotifierHub;
	readonly start: number;

	private readonly wallNow: () => number;
	/** Scenario time gone by at `since` (wall ms), and the speed it runs at from then. */
	private elapsed = 0;
	private since: number;
	private speedNow = 1;
	private pausedNow = false;
	private stepsAllowed = 0;
	private stopped = false;
	private wake: (() => void) | null = null;

	constructor(deps: LiveHostDeps, options: { speed: number; paused?: boolean }) {
		this.services = deps.services;
		this.db = deps.db;
		this.ids = deps.ids;
		this.notifier = new TappedHub(deps.notifier);
		this.wallNow = deps.wallNow ?? (() => Date.now());
		this.since = this.wallNow();
		this.start = this.since;
		this.speedNow = clampSpeed(options.speed);
		this.pausedNow = options.paused ?? false;
	}

	get speed(): number {
		return this.speedNow;
	}

	get paused(): boolean {
		return this.pausedNow;
	}

	now(): number {
		return this.start + this.elapsed + (this.pausedNow ? 0 : (this.wallNow() - this.since) * this.speedNow);
	}

	setSpeed(speed: number): void {
		this.rebase();
		this.speedNow = clampSpeed(speed);
		this.poke();
	}

	pause(): void {
		this.rebase();
		this.pausedNow = true;
		this.poke();
	}

	resume(): void {
		this.rebase();
		this.pausedNow = false;
		this.poke();
	}

	/** While paused: lets exactly one more item run now, then holds again. */
	stepOnce(): void {
		this.stepsAllowed += 1;
		this.poke();
	}

	stop(): void {
		this.stopped = true;
		this.poke();
	}

	async advanceTo(at: number): Promise<void> {
		for (;;) {
			if (this.stopped) throw new RunStopped();
			if (this.pausedNow) {
				if (this.stepsAllowed > 0) {
					this.stepsAllowed -= 1;
					// Scenario time jumps to the item: stepping skips the wait.
					this.elapsed = Math.max(this.elapsed, at - this.start);
					this.since = this.wallNow();
					return;
				}
				await this.sleep(1000);
				continue;
			}
			const left = at - this.now();
			if (left <= 0) return;
			await this.sleep(Math.min(250, left / this.speedNow));
		}
	}

	async settle(): Promise<void> {
		// The services answer when their work is durable; give pushes a turn of the event loop.
		await new Promise((resolve) => setImmediate(resolve));
	}

	async close(): Promise<void> {
		this.stop();
	}

	/** Folds the time run so far into `elapsed`, so a change of speed or pause starts from now. */
	private rebase(): void {
		const wall = this.wallNow();
		if (!this.pausedNow) this.elapsed += (wall - this.since) * this.speedNow;
		this.since = wall;
	}

	private sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const done = () => {
				clearTimeout(timer);
				if (this.wake === done) this.wake = null;
				resolve();
			};
			const timer = setTimeout(done, Math.max(1, ms));
			this.wake = done;
		});
	}

	private poke(): void {
		this.wake?.();
	}
}

function clampSpeed(speed: number): number {
	if (!Number.isFinite(speed)) return 1;
	return Math.min(LIVE_SPEED_MAX, Math.max(LIVE_SPEED_MIN, speed));
}
