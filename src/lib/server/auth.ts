import { randomBytes } from 'node:crypto';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { APIError } from 'better-auth/api';
import { eq } from 'drizzle-orm';
import type { Database } from './db/index';
import { accounts, serverSecrets, sessions, users, verifications } from './db/schema';
import { DEMO_TENANT_ID } from './db/seed';

/** The signed-in user as the app needs them; the role comes from the directory, never from a request. */
export interface SessionUser {
	id: string;
	email: string;
	displayName: string;
	role: 'admin' | 'user';
}

/**
 * A signed-in user with the session that vouches for them: a long-lived connection keeps the
 * session's id and expiry, and asks again (`userOfSession`) before anything privileged.
 */
export interface SessionIdentity {
	user: SessionUser;
	sessionId: string;
	/** When the session ends, ms since the epoch. */
	expiresAt: number;
}

/** A cookie the authentication library asked the response to set (or clear). */
export interface CookieToSet {
	name: string;
	value: string;
	options: {
		path: string;
		httpOnly: boolean;
		secure: boolean;
		sameSite: 'lax' | 'strict' | 'none';
		maxAge?: number;
		expires?: Date;
	};
}

/** Parses one Set-Cookie header into what SvelteKit's `cookies.set` takes. */
export function parseSetCookie(header: string): CookieToSet | null {
	const [pair, ...attributes] = header.split(';').map((part) => part.trim());
	const eq = pair?.indexOf('=') ?? -1;
	if (!pair || eq <= 0) return null;
	const cookie: CookieToSet = {
		name: pair.slice(0, eq),
		value: decodeURIComponent(pair.slice(eq + 1)),
		options: { path: '/', httpOnly: false, secure: false, sameSite: 'lax' }
	};
	for (const attribute of attributes) {
		const [key = '', ...rest] = attribute.split('=');
		const value = rest.join('=');
		switch (key.toLowerCase()) {
			case 'path':
				cookie.options.path = value || '/';
				break;
			case 'httponly':
				cookie.options.httpOnly = true;
				break;
			case 'secure':
				cookie.options.secure = true;
				break;
			case 'samesite':
				cookie.options.sameSite =
					value.toLowerCase() === 'strict' ? 'strict' : value.toLowerCase() === 'none' ? 'none' : 'lax';
				break;
			case 'max-age':
				cookie.options.maxAge = Number(value);
				break;
			case 'expires':
				cookie.options.expires = new Date(value);
				break;
		}
	}
	return cookie;
}

const SECRET_NAME = 'auth-secret';

/** A refusal (bad password, no session) is an answer; anything else (a schema mismatch) is a bug to see. */
function expected(error: unknown): null {
	if (error instanceof APIError) return null;
	throw error;
}

/** The signing secret: BETTER_AUTH_SECRET when set, else one made at first start and kept in the database. */
async function authSecret(db: Database): Promise<string> {
	const fromEnv = process.env.BETTER_AUTH_SECRET?.trim();
	if (fromEnv) return fromEnv;
	await db
		.insert(serverSecrets)
		.values({ name: SECRET_NAME, value: randomBytes(32).toString('base64url') })
		.onConflictDoNothing();
	const [row] = await db.select().from(serverSecrets).where(eq(serverSecrets.name, SECRET_NAME));
	if (!row) throw new Error('The sign-in secret could not be stored.');
	return row.value;
}

/**
 * Sign-in with email and password through better-auth, on the directory's own `users` table.
 * Sessions are HTTP-only cookies. Sign-up is off: people come from the directory, passwords are set
 * at first start (LOBBY_ADMIN_PASSWORD, LOBBY_DEMO_PASSWORD) and by administrators.
 */
export async function createAuth(
	db: Database,
	options: {
		baseURL: string;
		/** Told the id of every session that signs out, so connections of that session can be closed. */
		onSessionEnded?: (sessionId: string) => void;
	}
) {
	const auth = betterAuth({
		baseURL: options.baseURL,
		secret: await authSecret(db),
		telemetry: { enabled: false },
		database: drizzleAdapter(db, {
			provider: 'pg',
			schema: { users, sessions, accounts, verifications },
			usePlural: true
		}),
		user: {
			fields: { name: 'displayName' },
			additionalFields: {
				role: { type: 'string', required: false, defaultValue: 'user', input: false },
				// Sign-up is off, so no user is ever created here; declared so the schema check knows it.
				tenantId: { type: 'string', required: false, defaultValue: DEMO_TENANT_ID, input: false }
			}
		},
		emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 8 },
		// A refreshed expiry would need a new cookie that server-side calls cannot set: sessions last 12 h.
		session: { expiresIn: 60 * 60 * 12, disableSessionRefresh: true },
		logger: { level: 'error' },
		advanced: {
			database: { generateId: () => randomBytes(16).toString('hex') },
			// Behind HTTPS (ORIGIN https://…) the session cookie is Secure, so it never travels in clear.
			useSecureCookies: options.baseURL.startsWith('https:')
		}
	});

	/** The signed-in user for these request headers (the session cookie), or null. */
	async function userFor(headers: Headers): Promise<SessionUser | null> {
		return (await sessionFor(headers))?.user ?? null;
	}

	/** The signed-in user and their session for these request headers (the session cookie), or null. */
	async function sessionFor(headers: Headers): Promise<SessionIdentity | null> {
		const session = await auth.api.getSession({ headers }).catch(expected);
		if (!session) return null;
		// The role is read from the directory, so a change by an administrator applies at once.
		const [row] = await db
			.select({ id: users.id, email: users.email, displayName: users.displayName, role: users.role })
			.from(users)
			.where(eq(users.id, session.user.id));
		if (!row) return null;
		return {
			user: row,
			sessionId: session.session.id,
			expiresAt: new Date(session.session.expiresAt).getTime()
		};
	}

	/**
	 * The user of session `sessionId` if the session still exists (not signed out) and has not
	 * expired at `now`, with the role the directory has now; null otherwise.
	 */
	async function userOfSession(sessionId: string, now: number): Promise<SessionUser | null> {
		const [row] = await db
			.select({
				id: users.id,
				email: users.email,
				displayName: users.displayName,
				role: users.role,
				expiresAt: sessions.expiresAt
			})
			.from(sessions)
			.innerJoin(users, eq(users.id, sessions.userId))
			.where(eq(sessions.id, sessionId));
		if (!row || row.expiresAt.getTime() <= now) return null;
		return { id: row.id, email: row.email, displayName: row.displayName, role: row.role };
	}

	/** Signs in; answers the cookies to set, or null for a wrong address or password. */
	async function signIn(email: string, password: string, headers: Headers): Promise<CookieToSet[] | null> {
		const response = await auth.api
			.signInEmail({ body: { email: email.trim().toLowerCase(), password }, headers, asResponse: true })
			.catch(expected);
		if (!response || !response.ok) return null;
		return response.headers
			.getSetCookie()
			.map(parseSetCookie)
			.filter((c): c is CookieToSet => c !== null);
	}

	/**
	 * Checks an address and password without leaving a session behind (for `lobby login`, which gets
	 * an API token instead of a cookie). Answers the user, or null for a wrong address or password.
	 */
	async function verifyPassword(
		email: string,
		password: string,
		headers: Headers
	): Promise<SessionUser | null> {
		const result = await auth.api
			.signInEmail({ body: { email: email.trim().toLowerCase(), password }, headers })
			.catch(expected);
		if (!result) return null;
		if (result.token) await db.delete(sessions).where(eq(sessions.token, result.token));
		const [row] = await db
			.select({ id: users.id, email: users.email, displayName: users.displayName, role: users.role })
			.from(users)
			.where(eq(users.id, result.user.id));
		return row ?? null;
	}

	/**
	 * Signs out; answers the cookies that clear the session, and tells `onSessionEnded` which
	 * session ended, so its open connections are closed too.
	 */
	async function signOut(headers: Headers): Promise<CookieToSet[]> {
		const session = await auth.api.getSession({ headers }).catch(expected);
		const response = await auth.api.signOut({ headers, asResponse: true }).catch(expected);
		if (session && response?.ok) options.onSessionEnded?.(session.session.id);
		return (response?.headers.getSetCookie() ?? [])
			.map(parseSetCookie)
			.filter((c): c is CookieToSet => c !== null);
	}

	return { auth, userFor, sessionFor, userOfSession, signIn, signOut, verifyPassword };
}

export type Auth = Awaited<ReturnType<typeof createAuth>>;
