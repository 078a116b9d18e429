import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

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
			demoPassword: null
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
			demoPassword: null
		});
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
});
