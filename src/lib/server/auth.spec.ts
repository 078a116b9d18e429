import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth, type Auth } from './auth';
import type { DatabaseHandle } from './db/index';
import { sessions, users } from './db/schema';
import { openSeededDatabase } from './services/engine-test-kit';

/** Signs in and answers the Cookie header a browser would send back. */
async function signedIn(auth: Auth, email: string, password: string): Promise<Headers> {
	const cookies = await auth.signIn(email, password, new Headers());
	if (!cookies) throw new Error(`${email} could not sign in`);
	return new Headers({ cookie: cookies.map((c) => `${c.name}=${encodeURIComponent(c.value)}`).join('; ') });
}

describe('sessions as long-lived connections see them', () => {
	let database: DatabaseHandle;
	let auth: Auth;
	const ended: string[] = [];

	beforeAll(async () => {
		database = await openSeededDatabase();
		auth = await createAuth(database.db, {
			baseURL: 'http://127.0.0.1:3000',
			onSessionEnded: (id) => ended.push(id)
		});
	});

	afterAll(async () => {
		await database?.close();
	});

	it('given a signed-in cookie, sessionFor answers the user, the session id and its expiry', async () => {
		const headers = await signedIn(auth, 'admin@contoso.com', 'admin-password');
		const session = await auth.sessionFor(headers);
		expect(session?.user).toMatchObject({ email: 'admin@contoso.com', role: 'admin' });
		expect(session?.sessionId).toMatch(/\S/);
		// Sessions last 12 hours.
		expect(session!.expiresAt - Date.now()).toBeGreaterThan(11 * 3600_000);
		expect((await auth.userFor(headers))?.email).toBe('admin@contoso.com');
	});

	it('userOfSession answers the user while the session lasts, with the role the directory has now', async () => {
		const headers = await signedIn(auth, 'amos.marble@contoso.com', 'user-password');
		const { sessionId, user } = (await auth.sessionFor(headers))!;
		expect((await auth.userOfSession(sessionId, Date.now()))?.role).toBe('user');
		await database.db.update(users).set({ role: 'admin' }).where(eq(users.id, user.id));
		try {
			expect((await auth.userOfSession(sessionId, Date.now()))?.role).toBe('admin');
		} finally {
			await database.db.update(users).set({ role: 'user' }).where(eq(users.id, user.id));
		}
	});

	it('when the session has expired, userOfSession answers null', async () => {
		const headers = await signedIn(auth, 'amos.marble@contoso.com', 'user-password');
		const { sessionId, expiresAt } = (await auth.sessionFor(headers))!;
		expect(await auth.userOfSession(sessionId, expiresAt)).toBeNull();
		await database.db
			.update(sessions)
			.set({ expiresAt: new Date(Date.now() - 1000) })
			.where(eq(sessions.id, sessionId));
		expect(await auth.userOfSession(sessionId, Date.now())).toBeNull();
	});

	it('when the user signs out, userOfSession answers null and the session’s end is told', async () => {
		const headers = await signedIn(auth, 'admin@contoso.com', 'admin-password');
		const { sessionId } = (await auth.sessionFor(headers))!;
		const cleared = await auth.signOut(headers);
		expect(cleared.map((c) => c.name)).toContain('better-auth.session_token');
		expect(ended).toContain(sessionId);
		expect(await auth.userOfSession(sessionId, Date.now())).toBeNull();
		expect(await auth.userOfSession('no-such-session', Date.now())).toBeNull();
	});

	it('signing out without a session tells nobody', async () => {
		const before = ended.length;
		await auth.signOut(new Headers());
		await auth.signOut(new Headers({ cookie: 'better-auth.session_token=forged.value' }));
		expect(ended).toHaveLength(before);
	});
});
