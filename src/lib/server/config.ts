import { hostname } from 'node:os';
import { z } from 'zod';
import { LOG_LEVELS, parseLogLevel, type LogLevel } from './log';
import { parseOrigin } from './security/allowed-origin';
import { parseAddressList } from './security/client-address';
import { parseNetworks, type Network } from './security/outbound-policy';
import { issueSentence } from './zod-sentence';

/** The server's configuration, read once from the environment at start-up. */
export interface Config {
	port: number;
	host: string;
	/** PostgreSQL connection string; when absent the embedded PGlite database is used. */
	databaseUrl: string | null;
	/** Where PGlite keeps its files (ignored with DATABASE_URL). */
	dataDir: string;
	/** SMTP server for outgoing mail; when absent the Mail page is the users' simulated mailbox. */
	smtpUrl: string | null;
	/** The sender of every message. */
	mailFrom: string;
	/** Sign-in password for admin@contoso.com at first start; generated and printed once when absent. */
	adminPassword: string | null;
	/** Sign-in password for the demo users at first start; generated and printed once when absent. */
	demoPassword: string | null;
	/**
	 * Origins (`scheme://host[:port]`) whose pages may open the live channel besides the server's own
	 * host: ORIGIN (the public origin adapter-node knows) and LOBBY_ALLOWED_ORIGINS.
	 */
	allowedOrigins: string[];
	/** The public origin (ORIGIN) when a proxy serves the app under another address, e.g. over HTTPS. */
	publicOrigin: string | null;
	/** The header a proxy names the public host in, when adapter-node is told to read it (HOST_HEADER). */
	hostHeader: string | null;
	/** Proxies whose X-Forwarded-For names the client (LOBBY_TRUSTED_PROXIES); none by default. */
	trustedProxies: string[];
	/** Per-client limits of the live channel; see `ClientLimits`. */
	clientLimits: ClientLimits;
	/**
	 * Names this server in every metric (the `node` label): LOBBY_NODE_ID, else `hostname:port`
	 * (`hostname:pid-N` with PORT=0, whose port is known only once listening).
	 */
	nodeId: string;
	/**
	 * The bearer token a scraper sends to read `/metrics` (LOBBY_METRICS_TOKEN). Null when unset:
	 * the figures reveal activity, so `/metrics` is off until an operator chooses a token.
	 */
	metricsToken: string | null;
	/** The least severe level the log writes (LOG_LEVEL): `info` unless told otherwise. */
	logLevel: LogLevel;
	/**
	 * How long a server's hold on a meeting lasts without renewal (LOBBY_LEASE_MS): a server silent
	 * this long (stopped, or paused) loses its meetings to the others. Renewed every third of it.
	 */
	leaseMs: number;
	/**
	 * Networks webhooks may reach although they are not public (LOBBY_WEBHOOK_ALLOWED_NETWORKS,
	 * e.g. `10.0.0.0/8`); none by default, so no loopback, link-local or private address.
	 */
	webhookAllowedNetworks: Network[];
}

/** The default of `Config.leaseMs`. */
export const DEFAULT_LEASE_MS = 6000;

/**
 * What one client address may do on the live channel, unless its handshake carries an
 * administrator's API token (`lobby load`, `npm run bench`). A classroom of 50 phones behind one
 * NAT is the case to survive: 200 connections leave each phone a softphone, a meeting view and
 * reconnects to spare; a burst of 100 dials lets every phone dial at once twice over, and 60 a
 * minute after that lets the whole class hang up and dial again within a minute. 0 turns a limit off.
 */
export interface ClientLimits {
	maxConnections: number;
	dialBurst: number;
	dialsPerMinute: number;
}

/** The defaults of `ClientLimits`, in one place for the configuration and its documentation. */
export const DEFAULT_CLIENT_LIMITS: ClientLimits = Object.freeze({
	maxConnections: 200,
	dialBurst: 100,
	dialsPerMinute: 60
});

/** A configuration value that cannot be used; the message names the variable and what it takes. */
export class ConfigError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ConfigError';
	}
}

const port = z.coerce
	.number<string>({ error: 'must be a whole number from 0 to 65535' })
	.int('must be a whole number from 0 to 65535')
	.min(0, 'must be a whole number from 0 to 65535')
	.max(65535, 'must be a whole number from 0 to 65535');

/** A per-client limit: a whole number, 0 for none; empty reads as unset. */
const limit = z
	.string()
	.trim()
	.regex(/^\d{0,7}$/, 'must be a whole number from 0 to 9999999 (0 turns the limit off)')
	.transform((v) => (v === '' ? undefined : Number(v)))
	.optional();

const originList = z
	.string()
	.optional()
	.transform((value, context) => {
		const origins: string[] = [];
		for (const entry of (value ?? '').split(',')) {
			const trimmed = entry.trim();
			if (!trimmed) continue;
			const origin = parseOrigin(trimmed);
			if (origin) origins.push(origin);
			else {
				context.addIssue({
					code: 'custom',
					message: `has ${JSON.stringify(trimmed)}, which is not an origin like https://lobby.example.com or http://10.0.0.5:3000`
				});
			}
		}
		return origins;
	});

/** A log level in any case; empty reads as unset. */
const logLevel = z
	.string()
	.optional()
	.refine(
		(v) => v === undefined || v.trim() === '' || parseLogLevel(v) !== null,
		`must be one of ${LOG_LEVELS.join(', ')}`
	)
	.transform((v): LogLevel => parseLogLevel(v) ?? 'info');

const schema = z.object({
	PORT: z.string().trim().min(1, 'must be a whole number from 0 to 65535').pipe(port).default(3000),
	HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
	DATABASE_URL: z
		.string()
		.trim()
		.refine((v) => v === '' || /^postgres(ql)?:\/\//.test(v), 'must start with postgres:// or postgresql://')
		.optional(),
	LOBBY_DATA_DIR: z.string().trim().min(1, 'must not be empty').default('./data'),
	SMTP_URL: z
		.string()
		.trim()
		.refine((v) => v === '' || /^smtps?:\/\//.test(v), 'must start with smtp:// or smtps://')
		.optional(),
	LOBBY_MAIL_FROM: z
		.string()
		.trim()
		.min(3, 'must be a sender address')
		.default('Lobby <no-reply@contoso.com>'),
	LOBBY_ADMIN_PASSWORD: z.string().min(8, 'must have at least 8 characters').optional(),
	LOBBY_DEMO_PASSWORD: z.string().min(8, 'must have at least 8 characters').optional(),
	ORIGIN: originList,
	HOST_HEADER: z.string().trim().toLowerCase().optional(),
	LOBBY_ALLOWED_ORIGINS: originList,
	LOBBY_TRUSTED_PROXIES: z
		.string()
		.optional()
		.transform((value, context) => {
			const { addresses, invalid } = parseAddressList(value ?? '');
			if (invalid.length > 0) {
				context.addIssue({
					code: 'custom',
					message: `must list IP addresses separated by commas; not addresses: ${invalid.join(', ')}`
				});
			}
			return addresses;
		}),
	LOBBY_MAX_CONNECTIONS_PER_CLIENT: limit,
	LOBBY_DIAL_BURST_PER_CLIENT: limit,
	LOBBY_DIALS_PER_MINUTE_PER_CLIENT: limit,
	LOBBY_NODE_ID: z
		.string()
		.trim()
		.regex(
			/^[\w.:@/-]{0,128}$/,
			'must be at most 128 letters, digits and . _ : @ / - (a name for this server in the metrics)'
		)
		.optional(),
	LOBBY_METRICS_TOKEN: z
		.string()
		.regex(
			/^$|^[\x21-\x7e]{32,512}$/,
			'must be 32 to 512 visible characters without spaces (for example from `openssl rand -hex 32`)'
		)
		.optional(),
	LOBBY_LEASE_MS: z.coerce
		.number<string>({ error: 'must be a whole number of milliseconds from 1000 to 600000' })
		.int('must be a whole number of milliseconds from 1000 to 600000')
		.min(1000, 'must be a whole number of milliseconds from 1000 to 600000')
		.max(600_000, 'must be a whole number of milliseconds from 1000 to 600000')
		.optional(),
	LOBBY_WEBHOOK_ALLOWED_NETWORKS: z
		.string()
		.optional()
		.transform((value, context) => {
			try {
				return parseNetworks(value ?? '');
			} catch (error) {
				context.addIssue({
					code: 'custom',
					message: `must list networks like 10.0.0.0/8 or ::1/128, separated by commas: ${error instanceof Error ? error.message : String(error)}`
				});
				return [];
			}
		}),
	LOG_LEVEL: logLevel
});

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
	const result = schema.safeParse(env);
	if (!result.success) {
		const lines = result.error.issues.map((issue) => {
			const name = String(issue.path[0]);
			// Never echo a password or a token back, not even a wrong one.
			const shown = /PASSWORD|TOKEN/.test(name) ? '' : ` (got ${JSON.stringify(env[name])})`;
			return `${issueSentence(issue, { joiner: ' ' })}${shown}`;
		});
		throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
	}
	const v = result.data;
	return {
		port: v.PORT,
		host: v.HOST,
		databaseUrl: v.DATABASE_URL ? v.DATABASE_URL : null,
		dataDir: v.LOBBY_DATA_DIR,
		smtpUrl: v.SMTP_URL ? v.SMTP_URL : null,
		mailFrom: v.LOBBY_MAIL_FROM,
		adminPassword: v.LOBBY_ADMIN_PASSWORD ?? null,
		demoPassword: v.LOBBY_DEMO_PASSWORD ?? null,
		allowedOrigins: [...new Set([...v.ORIGIN, ...v.LOBBY_ALLOWED_ORIGINS])],
		publicOrigin: v.ORIGIN[0] ?? null,
		hostHeader: v.HOST_HEADER ? v.HOST_HEADER : null,
		trustedProxies: v.LOBBY_TRUSTED_PROXIES,
		clientLimits: {
			maxConnections: v.LOBBY_MAX_CONNECTIONS_PER_CLIENT ?? DEFAULT_CLIENT_LIMITS.maxConnections,
			dialBurst: v.LOBBY_DIAL_BURST_PER_CLIENT ?? DEFAULT_CLIENT_LIMITS.dialBurst,
			dialsPerMinute: v.LOBBY_DIALS_PER_MINUTE_PER_CLIENT ?? DEFAULT_CLIENT_LIMITS.dialsPerMinute
		},
		nodeId: v.LOBBY_NODE_ID || `${hostname()}:${v.PORT === 0 ? `pid-${process.pid}` : v.PORT}`,
		metricsToken: v.LOBBY_METRICS_TOKEN ? v.LOBBY_METRICS_TOKEN : null,
		logLevel: v.LOG_LEVEL,
		leaseMs: v.LOBBY_LEASE_MS ?? DEFAULT_LEASE_MS,
		webhookAllowedNetworks: v.LOBBY_WEBHOOK_ALLOWED_NETWORKS
	};
}
