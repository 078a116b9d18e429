import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
	it('defaults to port 3000 on 127.0.0.1 with PGlite in ./data', () => {
		expect(loadConfig({})).toEqual({ port: 3000, host: '127.0.0.1', databaseUrl: null, dataDir: './data' });
	});

	it('reads PORT, HOST, DATABASE_URL and LOBBY_DATA_DIR', () => {
		expect(
			loadConfig({
				PORT: '8080',
				HOST: '0.0.0.0',
				DATABASE_URL: 'postgres://u@db:5432/lobby',
				LOBBY_DATA_DIR: '/var/lib/lobby'
			})
		).toEqual({
			port: 8080,
			host: '0.0.0.0',
			databaseUrl: 'postgres://u@db:5432/lobby',
			dataDir: '/var/lib/lobby'
		});
	});

	it('treats an empty DATABASE_URL as unset', () => {
		expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeNull();
	});

	it.each(['eighty', '70000', '-1', '3.5', ''])('refuses PORT=%j with a message naming the range', (port) => {
		expect(() => loadConfig({ PORT: port })).toThrow(ConfigError);
		expect(() => loadConfig({ PORT: port })).toThrow(/PORT must be a whole number from 0 to 65535/);
	});

	it('refuses a DATABASE_URL that is not a PostgreSQL URL', () => {
		expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(
			/DATABASE_URL must start with postgres:\/\//
		);
	});
});
