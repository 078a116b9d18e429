/**
 * `/healthz`, `/readyz` and `/metrics`, answered on the HTTP server itself, before SvelteKit: the
 * production server (`src/server/main.ts`) and the dev server (`vite.config.ts`) both hand every
 * request here first. SvelteKit's `handle` hook waits for the runtime and looks up the session in
 * the database on every request, so a probe routed through it would hang while the server boots
 * and fail while the database is down, which is exactly when a load balancer needs an answer.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Runtime } from '../runtime';
import { ANONYMOUS_ACTOR } from '../services/access';

/** Why `/readyz` says no: still booting, shutting down, or the database did not answer in time. */
export type NotReadyReason = 'starting' | 'stopping' | 'database-unreachable';

/** What the probes look at; the server that owns the runtime keeps it current. */
export interface ProbeTarget {
	/** The booted runtime (migrations run, live meetings rebuilt), or null while it boots. */
	runtime(): Runtime | null;
	/** True once shutdown has begun. */
	stopping(): boolean;
	/** LOBBY_METRICS_TOKEN; null leaves `/metrics` off. */
	metricsToken: string | null;
}

/** How long `/readyz` waits for the database: well inside a load balancer's usual probe timeout. */
export const READY_DATABASE_TIMEOUT_MS = 1000;

const PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Answers the request when it is for one of the probes and returns true; returns false for any
 * other path, to be passed on. Never throws: a failure is answered as a 500.
 */
export function answerProbe(req: IncomingMessage, res: ServerResponse, target: ProbeTarget): boolean {
	const path = (req.url ?? '/').split('?', 1)[0]!;
	if (!PATHS.has(path)) return false;
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		send(req, res, 405, { allow: 'GET, HEAD' }, 'text/plain; charset=utf-8', 'Use GET.\n');
		return true;
	}
	const answer =
		path === '/healthz'
			? Promise.resolve(json(200, { status: 'ok' }))
			: path === '/readyz'
				? readiness(target)
				: metrics(req, target);
	answer
		.catch(() => text(500, 'The server could not answer this probe.'))
		.then(({ status, headers, contentType, body }) => send(req, res, status, headers, contentType, body))
		.catch(() => res.destroy());
	return true;
}

interface Answer {
	status: number;
	headers: Record<string, string>;
	contentType: string;
	body: string;
}

function json(status: number, value: unknown): Answer {
	return { status, headers: {}, contentType: 'application/json', body: `${JSON.stringify(value)}\n` };
}

function text(status: number, sentence: string, headers: Record<string, string> = {}): Answer {
	return { status, headers, contentType: 'text/plain; charset=utf-8', body: `${sentence}\n` };
}

function send(
	req: IncomingMessage,
	res: ServerResponse,
	status: number,
	headers: Record<string, string>,
	contentType: string,
	body: string
): void {
	res.writeHead(status, {
		...headers,
		'content-type': contentType,
		'content-length': Buffer.byteLength(body),
		'cache-control': 'no-store',
		'x-content-type-options': 'nosniff'
	});
	res.end(req.method === 'HEAD' ? undefined : body);
}

/** 200 when the server can serve; 503 with the reason while it cannot. */
async function readiness(target: ProbeTarget): Promise<Answer> {
	const notReady = (reason: NotReadyReason) => json(503, { status: 'unavailable', reason });
	if (target.stopping()) return notReady('stopping');
	const runtime = target.runtime();
	if (!runtime) return notReady('starting');
	const health = await runtime.services.status.health(ANONYMOUS_ACTOR, READY_DATABASE_TIMEOUT_MS);
	if (health.status !== 'ok') return notReady('database-unreachable');
	// Shutdown may have begun while the database answered.
	return target.stopping() ? notReady('stopping') : json(200, { status: 'ready' });
}

/** The figures, for a scraper that sends the token; off without one (see SECURITY.md). */
async function metrics(req: IncomingMessage, target: ProbeTarget): Promise<Answer> {
	if (target.metricsToken === null) {
		return text(
			404,
			'Metrics are off. Set LOBBY_METRICS_TOKEN on the server and scrape /metrics with the header "Authorization: Bearer <that token>".'
		);
	}
	if (!bearerMatches(req.headers.authorization, target.metricsToken)) {
		return text(401, 'Send the header "Authorization: Bearer <LOBBY_METRICS_TOKEN>" to read the metrics.', {
			'www-authenticate': 'Bearer realm="lobby-metrics"'
		});
	}
	const runtime = target.runtime();
	if (!runtime)
		return text(503, 'Lobby is starting; the metrics follow in a moment.', { 'retry-after': '5' });
	const { contentType, body } = await runtime.metrics.scrape();
	return { status: 200, headers: {}, contentType, body };
}

/**
 * Whether an Authorization header carries `Bearer <token>`. Compared in constant time over SHA-256
 * digests, so neither the token's characters nor its length show in how long a refusal takes.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
	const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
	const digest = (value: string) => createHash('sha256').update(value).digest();
	// Compared even without a match, so a malformed header takes as long as a wrong token.
	const same = timingSafeEqual(digest(match?.[1] ?? ''), digest(token));
	return match !== null && same;
}
