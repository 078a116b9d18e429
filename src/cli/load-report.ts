/**
 * What `lobby load` reports: the whole run (`LoadReport`, printed in words or as JSON) and its
 * figures second by second (`SeriesPoint`, written with `--series` and charted with `--html`).
 * Latencies are in milliseconds. Kept apart from the sockets so that reports can be built and
 * rendered on their own.
 */
import type { LatencySummary } from './load-stats';

/** How the callers arrive and what each does (the options as given, checked). */
export interface LoadPlanJson {
	/** `open`: arrivals at a rate, whatever the server answers; `closed`: at most `concurrency` dialing at once. */
	model: 'open' | 'closed';
	/** Callers per second at the start (open model), or null (closed model). */
	rate: number | null;
	/** Callers per second after the ramp; the same as `rate` without a ramp. */
	rateTo: number | null;
	/** How long the rate takes to go from `rate` to `rateTo`, or 0. */
	rampMs: number;
	/** The arrival window when given as --duration, else null. */
	durationMs: number | null;
	/** How gaps between arrivals are drawn: `fixed` (evenly spaced), `exponential` (Poisson), ... */
	arrival: string;
	concurrency: number;
	/** Shares of callers by behaviour, in percent (they add up to 100). */
	mix: Record<string, number>;
	/** The distributions drawn from, as given (`exponential:20s`). */
	patience: string;
	hold: string;
	dropAfter: string;
	seed: number;
}

/** One threshold (`--max-admit-p95 2s`) and how the run measured against it. */
export interface ThresholdResult {
	/** The option as written: `--max-admit-p95`. */
	option: string;
	/** What it limits, in words: `admission p95`. */
	figure: string;
	unit: 'ms' | '%' | 'errors';
	limit: number;
	/** The measured value, or null when nothing was measured (which breaches it). */
	actual: number | null;
	breached: boolean;
	/** `admission p95 2,412 ms is over 2,000 ms by 412 ms (21 %)`, or `... is within 2,000 ms`. */
	text: string;
}

/** The whole run. */
export interface LoadReport {
	url: string;
	meetings: number;
	callers: number;
	plan: LoadPlanJson;
	/** Kept for older readers: the open model's starting rate, the window, the concurrency. */
	arrival: { rate: number | null; durationMs: number | null; concurrency: number };
	startedAt: string;
	elapsedMs: number;
	/** Callers who got into the lobby. */
	joins: number;
	joinsPerSecond: number;
	/** Socket opened, dialed with the conference ID, answered in the lobby. */
	joinLatencyMs: LatencySummary;
	/** Meetings whose organizer's PIN was accepted. */
	meetingsStarted: number;
	admitted: number;
	/** The organizer's PIN `#` sent, to each lobby caller's `call:state` in the meeting. */
	admissionLatencyMs: LatencySummary;
	/** The organizer's PIN `#` sent, to its own answer (the PIN check and the start). */
	pinAcceptedMs: LatencySummary;
	/** Callers who gave up in the lobby (the `abandon` share), as planned, not errors. */
	abandoned: number;
	/** Wrong leader PINs entered (the `wrong-pin` share) before those callers waited as guests. */
	wrongPins: number;
	/** Calls taken back on a new connection after a drop (the `resume` share). */
	resumed: number;
	/** A new connection opened, to the server's answer to `call:resume`. */
	resumeLatencyMs: LatencySummary;
	hungUp: number;
	errors: { total: number; byCode: Record<string, number> };
	/** Connections that ended without this command closing them. */
	disconnects: { total: number; byReason: Record<string, number> };
	thresholds: ThresholdResult[];
	interrupted: boolean;
	/** Every caller joined and was admitted or left as planned, with no error (or errors within --max-errors). */
	ok: boolean;
	/** 0 ok, 1 the server refused or a caller failed, 3 a threshold was breached, 130 interrupted. */
	exitCode: number;
}

/** A latency's p50/p95/p99 within one second, or null when none ended in it. */
export interface SecondLatency {
	p50: number;
	p95: number;
	p99: number;
	count: number;
}

/** The figures of one second of the run. Counts are of what happened in that second. */
export interface SeriesPoint {
	/** Whole seconds since the first arrival: this point covers [second, second + 1). */
	second: number;
	/** Callers who began to dial. */
	arrivals: number;
	/** Callers answered in the lobby. */
	joins: number;
	admitted: number;
	abandoned: number;
	resumed: number;
	errors: number;
	/** Connections the command had open at the end of the second. */
	connected: number;
	/** Callers waiting in lobbies at the end of the second, as this side knows it. */
	lobby: number;
	joinMs: SecondLatency | null;
	admissionMs: SecondLatency | null;
}
