/**
 * The operators' figures, in Prometheus's text format (`GET /metrics`, see `probes.ts`). Each
 * runtime has a registry of its own, never prom-client's global one, so specs and several runtimes
 * in one process do not collide. The services report what happens through the `Metrics` port
 * (`services/ports.ts`); what can be read off the live meetings is computed when scraped.
 */
import { performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { longestWaitMs, type OpenedMeeting } from '$lib/domain';
import type { Metrics } from '../services/ports';

/** What the scrape-time gauges read: the engine's live meetings, and the clock their waits are measured on. */
export interface LiveMeetingSource {
	liveMeetings(): readonly OpenedMeeting[];
}

/** The lobby figures of a set of live meetings at `now`: pure, so a spec can check them directly. */
export interface LobbyFigures {
	meetings: { waiting: number; 'in-progress': number };
	callersInLobby: number;
	longestWaitSeconds: number;
}

/** Counts meetings by state, callers waiting and the longest current wait, in one pass. */
export function lobbyFigures(meetings: readonly OpenedMeeting[], now: number): LobbyFigures {
	const figures: LobbyFigures = {
		meetings: { waiting: 0, 'in-progress': 0 },
		callersInLobby: 0,
		longestWaitSeconds: 0
	};
	for (const meeting of meetings) {
		if (meeting.status === 'ended') continue;
		figures.meetings[meeting.status] += 1;
		figures.callersInLobby += meeting.lobby.length;
		figures.longestWaitSeconds = Math.max(figures.longestWaitSeconds, longestWaitMs(meeting, now) / 1000);
	}
	return figures;
}

/** Seconds from entering the lobby to admission: from a quick start to an hour's wait. */
const ADMIT_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];
/** One group-commit transaction, in seconds. */
const COMMIT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** How late the loop-delay timer fired, in seconds. */
const LOOP_DELAY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** The loop-delay timer's period. */
const LOOP_TICK_MS = 10;
/** Streams (one command's events each) in one transaction; the writer takes at most 5000. */
const BATCH_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

/** One runtime's metrics: the recorder the services report to, and the registry a scrape reads. */
export interface LobbyMetrics {
	/** Handed to the services (`ServiceDeps.metrics`). */
	readonly recorder: Metrics;
	/** Reads meetings by state, callers waiting and the longest wait from `source` at each scrape. */
	observeMeetings(source: LiveMeetingSource, now?: () => number): void;
	/** Reads the open live-channel connections from `count` at each scrape. */
	observeConnections(count: () => number): void;
	/** The scrape: every metric in Prometheus's text format, and its content type. */
	scrape(): Promise<{ contentType: string; body: string }>;
	/** Stops the loop-delay timer (when the runtime closes). */
	stop(): void;
}

/**
 * A registry with the process's default metrics (CPU, memory, event-loop lag, garbage collection)
 * and Lobby's own, every series labelled `node` with `nodeId` so that several servers behind one
 * load balancer can be told apart.
 */
export function createLobbyMetrics(options: { nodeId: string }): LobbyMetrics {
	const registry = new Registry();
	const registers = [registry];
	registry.setDefaultLabels({ node: options.nodeId });
	collectDefaultMetrics({ register: registry });

	let meetings: LiveMeetingSource | null = null;
	let clock: () => number = Date.now;
	let connections: (() => number) | null = null;
	let figures: LobbyFigures | null = null;
	// The three lobby gauges read one pass over the meetings, taken by whichever is collected first.
	const current = (): LobbyFigures => {
		figures ??= lobbyFigures(meetings?.liveMeetings() ?? [], clock());
		queueMicrotask(() => (figures = null));
		return figures;
	};

	new Gauge({
		name: 'lobby_meetings',
		help: 'Live meetings by state: waiting for a leader, or in progress.',
		labelNames: ['state'],
		registers,
		collect() {
			const { meetings: byState } = current();
			this.set({ state: 'waiting' }, byState.waiting);
			this.set({ state: 'in-progress' }, byState['in-progress']);
		}
	});
	new Gauge({
		name: 'lobby_callers_in_lobby',
		help: 'Callers waiting in the lobbies of all live meetings.',
		registers,
		collect() {
			this.set(current().callersInLobby);
		}
	});
	new Gauge({
		name: 'lobby_longest_wait_seconds',
		help: 'How long the longest-waiting lobby caller has waited so far (0 when nobody waits).',
		registers,
		collect() {
			this.set(current().longestWaitSeconds);
		}
	});
	new Gauge({
		name: 'lobby_socket_connections',
		help: 'Open live-channel (Socket.IO) connections: softphones, client joins and monitors.',
		registers,
		collect() {
			this.set(connections?.() ?? 0);
		}
	});
	const timeToAdmit = new Histogram({
		name: 'lobby_time_to_admit_seconds',
		help: 'Seconds from entering the lobby to admission into the meeting.',
		buckets: ADMIT_BUCKETS,
		registers
	});
	const joins = new Counter({
		name: 'lobby_joins_total',
		help: 'Joins committed: callers by phone (into the lobby or the meeting) and client participants.',
		labelNames: ['via'],
		registers
	});
	const rejections = new Counter({
		name: 'lobby_rejections_total',
		help: "Commands the meeting's rules refused, by command and rejection code.",
		labelNames: ['command', 'code'],
		registers
	});
	const pinFailures = new Counter({
		name: 'lobby_pin_failures_total',
		help: 'Wrong leader PINs compared.',
		registers
	});
	const pinLockouts = new Counter({
		name: 'lobby_pin_lockouts_total',
		help: 'Leader PINs locked after too many wrong entries in a row.',
		registers
	});
	const commits = new Counter({
		name: 'lobby_commits_total',
		help: 'Group-commit transactions of meeting events, by outcome (ok or failed).',
		labelNames: ['outcome'],
		registers
	});
	const commitSeconds = new Histogram({
		name: 'lobby_commit_duration_seconds',
		help: 'How long one group-commit transaction took.',
		buckets: COMMIT_BUCKETS,
		registers
	});
	const batchSize = new Histogram({
		name: 'lobby_commit_batch_size',
		help: 'Streams (one command’s events each) written by one group-commit transaction.',
		buckets: BATCH_BUCKETS,
		registers
	});
	// Present at 0 before the first of each, so a rate() has a start.
	joins.inc({ via: 'phone' }, 0);
	joins.inc({ via: 'client' }, 0);
	commits.inc({ outcome: 'ok' }, 0);
	commits.inc({ outcome: 'failed' }, 0);

	/*
	 * The event loop's delay as a cumulative histogram: a 10 ms timer notes how late it fires. The
	 * default `nodejs_eventloop_lag_p99_seconds` restarts at every scrape, so it cannot answer "what
	 * was the p99 over the last ten minutes"; buckets that only grow can (rate over any window).
	 */
	const loopDelay = new Histogram({
		name: 'lobby_event_loop_delay_seconds',
		help: `How late a ${LOOP_TICK_MS} ms timer fired: the event loop's delay, counted since start.`,
		buckets: LOOP_DELAY_BUCKETS,
		registers
	});
	let expected = performance.now() + LOOP_TICK_MS;
	const loopTimer = setInterval(() => {
		const now = performance.now();
		loopDelay.observe(Math.max(0, now - expected) / 1000);
		expected = now + LOOP_TICK_MS;
	}, LOOP_TICK_MS);
	loopTimer.unref();

	const recorder: Metrics = {
		joined: (via) => joins.inc({ via }),
		rejected: (command, code) => rejections.inc({ command, code }),
		admitted: (seconds) => timeToAdmit.observe(seconds),
		pinFailed(lockedOut) {
			pinFailures.inc();
			if (lockedOut) pinLockouts.inc();
		},
		committed({ streams, seconds, ok }) {
			commits.inc({ outcome: ok ? 'ok' : 'failed' });
			commitSeconds.observe(seconds);
			batchSize.observe(streams);
		}
	};

	return {
		recorder,
		observeMeetings(source, now = Date.now) {
			meetings = source;
			clock = now;
		},
		observeConnections(count) {
			connections = count;
		},
		async scrape() {
			return { contentType: registry.contentType, body: await registry.metrics() };
		},
		stop() {
			clearInterval(loopTimer);
		}
	};
}
