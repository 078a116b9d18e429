import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CLIENT_LIMITS, loadConfig } from './config';

describe('loadConfig', () => {
	it('defaults to port 3000 on 127.0.0.1 with PGlite in ./data', () => {
		expect(loadConfig({})).toEqual({
			port: 3000,
			host: '127.0.0.1',
			databaseUrl: null,
			dataDir: './data',
			smtpUrl: null,
			mailFrom: 'Lobby <no-reply@contoso.com>',
			adminPassword: null,
			demoPassword: null,
			allowedOrigins: [],
			publicOrigin: null,
			hostHeader: null,
			trustedProxies: [],
			clientLimits: { maxConnections: 200, dialBurst: 100, dialsPerMinute: 60 },
			nodeId: `${hostname()}:3000`,
			metricsToken: null,
			logLevel: 'info',
			leaseMs: 6000,
			webhookAllowedNetworks: []
		});
	});

	it('reads PORT, HOST, DATABASE_URL and LOBBY_DATA_DIR', () => {
		expect(
			loadConfig({
				PORT: '8080',
				HOST: '0.0.0.0',
				DATABASE_URL: 'postgres://u@db:5432/lobby',
				LOBBY_DATA_DIR: '/var/lib/lobby',
				LOBBY_MAIL_FROM: 'Dial-in <dialin@contoso.com>'
			})
		).toEqual({
			port: 8080,
			host: '0.0.0.0',
			databaseUrl: 'postgres://u@db:5432/lobby',
			dataDir: '/var/lib/lobby',
			smtpUrl: null,
			mailFrom: 'Dial-in <dialin@contoso.com>',
			adminPassword: null,
			demoPassword: null,
			allowedOrigins: [],
			publicOrigin: null,
			hostHeader: null,
			trustedProxies: [],
			clientLimits: { maxConnections: 200, dialBurst: 100, dialsPerMinute: 60 },
			nodeId: `${hostname()}:8080`,
			metricsToken: null,
			logLevel: 'info',
			leaseMs: 6000,
			webhookAllowedNetworks: []
		});
	});

	it.each(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const)(
		'reads LOG_LEVEL=%s',
		(level) => {
			expect(loadConfig({ LOG_LEVEL: level }).logLevel).toBe(level);
		}
	);

	it('reads LOG_LEVEL in any case, and an empty one as the default info', () => {
		expect(loadConfig({ LOG_LEVEL: ' Debug ' }).logLevel).toBe('debug');
		expect(loadConfig({ LOG_LEVEL: '' }).logLevel).toBe('info');
	});

	it.each(['verbose', '30', 'warning'])('refuses LOG_LEVEL=%j with a message naming the levels', (level) => {
		expect(() => loadConfig({ LOG_LEVEL: level })).toThrow(ConfigError);
		expect(() => loadConfig({ LOG_LEVEL: level })).toThrow(
			`LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent (got "${level}")`
		);
	});

	it('treats an empty DATABASE_URL as unset', () => {
		expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeNull();
	});

	it.each(['eighty', '70000', '-1', '3.5', ''])('refuses PORT=%j with a message naming the range', (port) => {
		expect(() => loadConfig({ PORT: port })).toThrow(ConfigError);
		expect(() => loadConfig({ PORT: port })).toThrow(/PORT must be a whole number from 0 to 65535/);
	});

	it('reads SMTP_URL and refuses one that is not an SMTP URL', () => {
		expect(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:2525' }).smtpUrl).toBe('smtp://127.0.0.1:2525');
		expect(() => loadConfig({ SMTP_URL: 'http://mail' })).toThrow(/SMTP_URL must start with smtp:\/\//);
	});

	it('refuses a short demo password without echoing it', () => {
		expect(() => loadConfig({ LOBBY_ADMIN_PASSWORD: 'secret' })).toThrow(
			/LOBBY_ADMIN_PASSWORD must have at least 8 characters/
		);
		expect(() => loadConfig({ LOBBY_ADMIN_PASSWORD: 'secret' })).not.toThrow(/secret"/);
		expect(loadConfig({ LOBBY_DEMO_PASSWORD: 'long enough' }).demoPassword).toBe('long enough');
	});

	it('refuses a DATABASE_URL that is not a PostgreSQL URL', () => {
		expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(
			/DATABASE_URL must start with postgres:\/\//
		);
	});

	it('reads the allowed origins from ORIGIN and LOBBY_ALLOWED_ORIGINS, spelled as browsers send them', () => {
		expect(
			loadConfig({
				ORIGIN: 'https://lobby.example.com',
				LOBBY_ALLOWED_ORIGINS: ' HTTP://Trainer.example:8080/ , https://lobby.example.com,'
			}).allowedOrigins
		).toEqual(['https://lobby.example.com', 'http://trainer.example:8080']);
		// ORIGIN is also the public origin: sign-in cookies are Secure when it is HTTPS.
		expect(loadConfig({ ORIGIN: 'https://lobby.example.com' }).publicOrigin).toBe(
			'https://lobby.example.com'
		);
		expect(loadConfig({ HOST_HEADER: 'X-Forwarded-Host' }).hostHeader).toBe('x-forwarded-host');
	});

	it.each(['lobby.example.com', 'https://lobby.example.com/app', 'ftp://x.example', 'null'])(
		'refuses LOBBY_ALLOWED_ORIGINS with %j, naming the entry',
		(entry) => {
			expect(() => loadConfig({ LOBBY_ALLOWED_ORIGINS: `https://ok.example,${entry}` })).toThrow(
				new RegExp(`LOBBY_ALLOWED_ORIGINS has "${entry.replace(/[./]/g, '\\$&')}", which is not an origin`)
			);
		}
	);

	it('reads LOBBY_TRUSTED_PROXIES as IP addresses and refuses names', () => {
		expect(
			loadConfig({ LOBBY_TRUSTED_PROXIES: '10.0.0.1, ::ffff:10.0.0.2, fd00::1' }).trustedProxies
		).toEqual(['10.0.0.1', '10.0.0.2', 'fd00::1']);
		expect(() => loadConfig({ LOBBY_TRUSTED_PROXIES: '10.0.0.1,proxy.local' })).toThrow(
			/LOBBY_TRUSTED_PROXIES must list IP addresses separated by commas; not addresses: proxy\.local/
		);
	});

	it('reads the per-client limits; 0 turns one off, and an empty value is the default', () => {
		expect(
			loadConfig({
				LOBBY_MAX_CONNECTIONS_PER_CLIENT: '1000',
				LOBBY_DIAL_BURST_PER_CLIENT: '0',
				LOBBY_DIALS_PER_MINUTE_PER_CLIENT: ''
			}).clientLimits
		).toEqual({ maxConnections: 1000, dialBurst: 0, dialsPerMinute: DEFAULT_CLIENT_LIMITS.dialsPerMinute });
	});

	it.each(['-1', 'many', '2.5', '99999999'])('refuses LOBBY_MAX_CONNECTIONS_PER_CLIENT=%j', (value) => {
		expect(() => loadConfig({ LOBBY_MAX_CONNECTIONS_PER_CLIENT: value })).toThrow(
			/LOBBY_MAX_CONNECTIONS_PER_CLIENT must be a whole number from 0 to 9999999/
		);
	});

	it('names the server in the metrics by LOBBY_NODE_ID, else by host name and port (or process with PORT=0)', () => {
		expect(loadConfig({ LOBBY_NODE_ID: 'lobby-eu-1' }).nodeId).toBe('lobby-eu-1');
		expect(loadConfig({ PORT: '0' }).nodeId).toBe(`${hostname()}:pid-${process.pid}`);
		expect(loadConfig({ LOBBY_NODE_ID: '' }).nodeId).toBe(`${hostname()}:3000`);
		expect(() => loadConfig({ LOBBY_NODE_ID: 'two words' })).toThrow(
			/LOBBY_NODE_ID must be at most 128 letters/
		);
	});

	it('reads LOBBY_LEASE_MS and refuses what is not a whole number of milliseconds from 1000 to 600000', () => {
		expect(loadConfig({ LOBBY_LEASE_MS: '2500' }).leaseMs).toBe(2500);
		for (const bad of ['999', '600001', '1.5', 'soon']) {
			expect(() => loadConfig({ LOBBY_LEASE_MS: bad })).toThrow(
				/LOBBY_LEASE_MS.*must be a whole number of milliseconds from 1000 to 600000/
			);
		}
	});

	it('reads LOBBY_METRICS_TOKEN, refuses a short one without echoing it, and leaves metrics off when unset', () => {
		const token = 'a'.repeat(32);
		expect(loadConfig({ LOBBY_METRICS_TOKEN: token }).metricsToken).toBe(token);
		expect(loadConfig({ LOBBY_METRICS_TOKEN: '' }).metricsToken).toBeNull();
		expect(() => loadConfig({ LOBBY_METRICS_TOKEN: 'short-secret' })).toThrow(
			/LOBBY_METRICS_TOKEN must be 32 to 512 visible characters/
		);
		expect(() => loadConfig({ LOBBY_METRICS_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
		expect(() => loadConfig({ LOBBY_METRICS_TOKEN: `${token} ${token}` })).toThrow(/without spaces/);
	});

	it('reads LOBBY_WEBHOOK_ALLOWED_NETWORKS as networks, and refuses one that is not, naming it', () => {
		const { webhookAllowedNetworks } = loadConfig({ LOBBY_WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8, ::1/128' });
		expect(webhookAllowedNetworks.map((n) => n.text)).toEqual(['127.0.0.0/8', '::1/128']);
		expect(() => loadConfig({ LOBBY_WEBHOOK_ALLOWED_NETWORKS: '10.0.0.0/33' })).toThrow(
			/LOBBY_WEBHOOK_ALLOWED_NETWORKS must list networks like 10\.0\.0\.0\/8.*10\.0\.0\.0\/33/
		);
	});
});
