import { z } from 'zod';

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
}

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
	LOBBY_DEMO_PASSWORD: z.string().min(8, 'must have at least 8 characters').optional()
});

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
	const result = schema.safeParse(env);
	if (!result.success) {
		const lines = result.error.issues.map((issue) => {
			const name = String(issue.path[0]);
			// Never echo a password back, not even a wrong one.
			const shown = name.includes('PASSWORD') ? '' : ` (got ${JSON.stringify(env[name])})`;
			return `${issue.path.join('.')} ${issue.message}${shown}`;
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
		demoPassword: v.LOBBY_DEMO_PASSWORD ?? null
	};
}
