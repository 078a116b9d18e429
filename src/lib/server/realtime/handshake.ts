import { createHash } from 'node:crypto';
import type { Socket } from 'socket.io';
import type {
	ClientToServerEvents,
	ErrorCode,
	InterServerEvents,
	ServerToClientEvents,
	SocketData
} from '$lib/contract/events';
import { log } from '../log';
import type { Runtime } from '../runtime';
import { originAllowed } from '../security/allowed-origin';
import { clientAddress } from '../security/client-address';
import { actorFor } from '../services/access';
import type { TokenIdentity } from '../services/api-token.service';
import { ClientLimiter, TokenBucket } from '../security/rate-limit';

type LobbySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** A refused handshake: the client's `connect_error` carries the message and `data.code`. */
type Refusal = Error & { data: { code: ErrorCode } };

function refusal(code: ErrorCode, message: string): Refusal {
	return Object.assign(new Error(message), { data: { code } });
}

/** A token's check is remembered this long, so a load run's thousands of handshakes cost one lookup. */
const TOKEN_CHECK_MS = 15_000;
/** At most this many remembered token checks; beyond it the memory starts afresh. */
const TOKEN_CHECKS_MAX = 1000;
/** A lift is written to the audit log at most once per token in this time. */
const LIFT_AUDIT_MS = 60 * 60 * 1000;
/** Forgotten dial buckets are swept this often. */
const SWEEP_MS = 60_000;

/**
 * The live channel's door, run before a socket connects: the page's Origin, the session cookie,
 * the administrator's token that lifts the per-client limits, and those limits. A refusal reaches
 * the client as `connect_error` with a message that names the rule.
 */
export class Handshake {
	readonly limiter: ClientLimiter;
	private readonly tokenChecks = new Map<string, { at: number; identity: Promise<TokenIdentity | null> }>();
	private readonly liftsAudited = new Map<string, number>();
	/** Refusals are logged, but a flood of them does not flood the log. */
	private readonly refusalLog = new TokenBucket(20, 1 / 6);
	private readonly sweep: NodeJS.Timeout;

	constructor(private readonly runtime: Runtime) {
		this.limiter = new ClientLimiter(runtime.config.clientLimits);
		this.sweep = setInterval(() => this.limiter.sweep(), SWEEP_MS);
		this.sweep.unref();
	}

	/** The `io.use` middleware; it never throws, whatever the handshake holds. */
	readonly middleware = (socket: LobbySocket, next: (error?: Error) => void): void => {
		this.admit(socket).then(
			(refused) => next(refused ?? undefined),
			(error: unknown) => {
				log.error('A handshake could not be checked', error);
				next(refusal('internal', 'The server could not check this connection; try again.'));
			}
		);
	};

	/** Takes one dial for the socket's address; true when it may dial. */
	dial(socket: LobbySocket): boolean {
		return socket.data.limitsLifted || this.limiter.dial(socket.data.clientAddress);
	}

	stop(): void {
		clearInterval(this.sweep);
	}

	private async admit(socket: LobbySocket): Promise<Refusal | null> {
		const { config } = this.runtime;
		const { headers } = socket.handshake;
		const address = clientAddress({
			remoteAddress: socket.handshake.address,
			forwardedFor: headers['x-forwarded-for'],
			trustedProxies: config.trustedProxies
		});
		socket.data.clientAddress = address;
		socket.data.userId = null;
		socket.data.sessionId = null;
		socket.data.sessionExpiresAt = null;
		socket.data.limitsLifted = false;

		const origin = headers.origin;
		const publicHost = config.hostHeader ? headers[config.hostHeader] : undefined;
		if (!originAllowed({ origin, host: headers.host, publicHost, allowedOrigins: config.allowedOrigins })) {
			const shown = JSON.stringify(String(origin).slice(0, 200));
			this.logRefusal(`Origin ${shown} from ${address}`);
			return refusal(
				'forbidden',
				`Connections from pages of ${shown} are not allowed: open Lobby from this server's own address, ` +
					'or ask the operator to add that origin to LOBBY_ALLOWED_ORIGINS.'
			);
		}

		// Identity comes from the same session cookie as the pages; anonymous sockets are phone callers.
		const cookie = headers.cookie;
		if (cookie) {
			const session = await this.runtime.auth.sessionFor(new Headers({ cookie })).catch(() => null);
			if (session) {
				socket.data.userId = session.user.id;
				socket.data.sessionId = session.sessionId;
				socket.data.sessionExpiresAt = session.expiresAt;
			}
		}

		const auth: unknown = socket.handshake.auth;
		const token = auth && typeof auth === 'object' && 'token' in auth ? auth.token : undefined;
		if (typeof token === 'string' && token.length > 0) {
			const identity = await this.tokenIdentity(token);
			if (identity?.user.role === 'admin') {
				socket.data.limitsLifted = true;
				this.auditLift(identity, address);
			}
		}
		if (socket.data.limitsLifted) return null;

		// Counted last, and only while the connection is open, so every count has its release.
		if (socket.conn.readyState !== 'open') return null;
		if (!this.limiter.connect(address)) {
			const limit = config.clientLimits.maxConnections;
			this.logRefusal(`connection beyond ${limit} from ${address}`);
			return refusal(
				'rate-limited',
				`Too many connections from your address: at most ${limit} connections per client at once ` +
					'(LOBBY_MAX_CONNECTIONS_PER_CLIENT). Close some tabs or phones, or ask the operator to raise it.'
			);
		}
		socket.conn.once('close', () => this.limiter.disconnect(address));
		return null;
	}

	/** The identity behind an API token, remembered for a few seconds by the token's hash. */
	private tokenIdentity(token: string): Promise<TokenIdentity | null> {
		if (token.length > 200) return Promise.resolve(null);
		const key = createHash('sha256').update(token, 'utf8').digest('hex');
		const now = Date.now();
		const known = this.tokenChecks.get(key);
		if (known && now - known.at < TOKEN_CHECK_MS) return known.identity;
		if (this.tokenChecks.size >= TOKEN_CHECKS_MAX) this.tokenChecks.clear();
		const identity = this.runtime.services.apiTokens.authenticate(token).catch((error: unknown) => {
			log.warn(`An API token in a handshake could not be checked: ${String(error)}`);
			return null;
		});
		this.tokenChecks.set(key, { at: now, identity });
		return identity;
	}

	/** Writes the lift to the audit log, once per token per hour (not once per socket of a load run). */
	private auditLift(identity: TokenIdentity, address: string): void {
		const now = Date.now();
		const last = this.liftsAudited.get(identity.tokenId);
		if (last !== undefined && now - last < LIFT_AUDIT_MS) return;
		for (const [tokenId, at] of this.liftsAudited)
			if (now - at >= LIFT_AUDIT_MS) this.liftsAudited.delete(tokenId);
		this.liftsAudited.set(identity.tokenId, now);
		const { user } = identity;
		this.runtime.services.audit
			.record({
				tenantId: user.tenantId,
				actor: actorFor(user),
				action: 'socket.limits-lifted',
				target: null,
				path: 'socket',
				outcome: 'ok',
				details: { tokenId: identity.tokenId, clientAddress: address }
			})
			.catch((error: unknown) => log.error('The audit log did not take a lifted socket limit', error));
	}

	private logRefusal(what: string): void {
		if (this.refusalLog.take()) log.warn(`Live channel: refused ${what}.`);
	}
}
