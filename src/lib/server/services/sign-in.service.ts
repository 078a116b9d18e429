import { eq, sql } from 'drizzle-orm';
import type { Auth, CookieToSet, SessionUser } from '../auth';
import type { Database } from '../db/index';
import { signInAttempts } from '../db/schema';
import { identitySchema } from '../identifier-schemas';
import { actorFor, ANONYMOUS_ACTOR } from './access';
import type { AccessPath, AuditService } from './audit.service';
import type { DirectoryRepository } from '../repositories/directory.repository';
import type { Clock } from './ports';

/** How many sign-in attempts a window allows, per address being tried and per client address. */
export interface SignInLimits {
	/** Attempts on one email address per window (default 10). */
	perAccount: number;
	/** Attempts from one client address per window (default 100: a classroom behind one NAT). */
	perClient: number;
	/** The window, in seconds (default 15 minutes). */
	windowSeconds: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
	perAccount: 10,
	perClient: 100,
	windowSeconds: 15 * 60
};

/** What a sign-in attempt came to. */
export type SignInOutcome =
	| { ok: true; user: SessionUser; cookies: CookieToSet[] }
	| { ok: false; reason: 'wrong-password' }
	| { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export interface SignInAttempt {
	email: string;
	password: string;
	/** The client's address as the server established it (never from a payload). */
	clientAddress: string;
	/** The request's headers, for the session library. */
	headers: Headers;
	path: AccessPath;
	/** `session` sets a cookie (the sign-in page); `verify` only proves the password (`lobby login`). */
	mode: 'session' | 'verify';
}

/**
 * Password sign-in for every door (the sign-in page, `POST /api/v1/login`), slowed per account and
 * per client address. An attempt is counted in the database before the password is checked, so
 * parallel guesses cannot outrun the limit, and the counts are shared by every server and survive a
 * restart. A success clears its account's count and gives its client's attempt back. Every attempt
 * that reaches the password check is audited (`auth.sign-in`), the password never.
 */
export class SignInService {
	constructor(
		private readonly deps: {
			db: Database;
			auth: Auth;
			audit: AuditService;
			directory: DirectoryRepository;
			clock: Clock;
			tenantId: string;
			limits?: Partial<SignInLimits>;
		}
	) {}

	private get limits(): SignInLimits {
		return { ...DEFAULT_SIGN_IN_LIMITS, ...this.deps.limits };
	}

	async signIn(attempt: SignInAttempt): Promise<SignInOutcome> {
		const email = attempt.email.trim().toLowerCase();
		const accountKey = `email:${email}`;
		const clientKey = `client:${attempt.clientAddress}`;
		// An address no directory can hold is answered as a wrong one, and counted for the client only.
		const plausible = identitySchema.safeParse(email).success;
		const { perAccount, perClient } = this.limits;
		const checks = [{ key: clientKey, limit: perClient }];
		if (plausible) checks.push({ key: accountKey, limit: perAccount });
		const counted = await Promise.all(
			checks.map(async ({ key, limit }) => ({ ...(await this.count(key)), limit }))
		);
		const over = counted.filter((c) => c.attempts > c.limit);
		if (over.length > 0) {
			return {
				ok: false,
				reason: 'throttled',
				retryAfterSeconds: Math.max(1, ...over.map((c) => c.retryAfterSeconds))
			};
		}
		if (!plausible) return { ok: false, reason: 'wrong-password' };
		const user =
			attempt.mode === 'session'
				? await this.deps.auth.signIn(email, attempt.password, attempt.headers).then(async (cookies) => {
						if (!cookies) return null;
						const found = await this.deps.directory.findByIdentity(this.deps.tenantId, email);
						return found
							? {
									cookies,
									user: {
										id: found.id,
										email: found.email,
										displayName: found.displayName,
										role: found.role
									}
								}
							: null;
					})
				: await this.deps.auth
						.verifyPassword(email, attempt.password, attempt.headers)
						.then((found) => (found ? { cookies: [], user: found } : null));
		const target = user
			? { id: user.user.id, email: user.user.email }
			: await this.deps.directory
					.findByIdentity(this.deps.tenantId, email)
					.then((row) =>
						row && row.email.toLowerCase() === email ? { id: row.id, email: row.email } : null
					);
		await this.deps.audit.record({
			tenantId: this.deps.tenantId,
			actor: user ? actorFor(user.user) : ANONYMOUS_ACTOR,
			action: 'auth.sign-in',
			target,
			path: attempt.path,
			outcome: user ? 'ok' : 'denied',
			details: { email, clientAddress: attempt.clientAddress }
		});
		if (!user) return { ok: false, reason: 'wrong-password' };
		await Promise.all([
			this.deps.db.delete(signInAttempts).where(eq(signInAttempts.key, accountKey)),
			this.deps.db
				.update(signInAttempts)
				.set({ attempts: sql`greatest(${signInAttempts.attempts} - 1, 0)` })
				.where(eq(signInAttempts.key, clientKey))
		]);
		return { ok: true, user: user.user, cookies: user.cookies };
	}

	/**
	 * Counts one more attempt under `key` in the current window (a new window once the old one is
	 * over) and answers the count with it, and when the window ends.
	 */
	private async count(key: string): Promise<{ attempts: number; retryAfterSeconds: number }> {
		const now = new Date(this.deps.clock.now());
		const windowMs = this.limits.windowSeconds * 1000;
		// Instants go to SQL as typed text: postgres.js takes no Date inside a raw fragment.
		const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;
		const stale = sql`${signInAttempts.windowStartedAt} <= ${at(new Date(now.getTime() - windowMs))}`;
		const [row] = await this.deps.db
			.insert(signInAttempts)
			.values({ key, attempts: 1, windowStartedAt: now })
			.onConflictDoUpdate({
				target: signInAttempts.key,
				set: {
					attempts: sql`case when ${stale} then 1 else ${signInAttempts.attempts} + 1 end`,
					windowStartedAt: sql`case when ${stale} then ${at(now)} else ${signInAttempts.windowStartedAt} end`
				}
			})
			.returning({ attempts: signInAttempts.attempts, since: signInAttempts.windowStartedAt });
		const attempts = row?.attempts ?? 1;
		const endsAt = (row?.since.getTime() ?? now.getTime()) + windowMs;
		return { attempts, retryAfterSeconds: Math.ceil(Math.max(0, endsAt - now.getTime()) / 1000) };
	}
}
