import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/index';
import { serverSecrets } from '../db/schema';

const SECRET_NAME = 'call-resume-key';

/**
 * Signs phone calls' resume tokens, so a softphone whose connection dropped (or whose server
 * restarted) can take its place in the lobby back, and nobody else can. The key is made once and
 * kept in the database, so tokens survive a restart and are valid on every server of the tenant.
 */
export class ResumeTokens {
	private constructor(private readonly key: Buffer) {}

	/** Loads the key, creating it on first start (safe when several servers start at once). */
	static async load(db: Database): Promise<ResumeTokens> {
		await db
			.insert(serverSecrets)
			.values({ name: SECRET_NAME, value: randomBytes(32).toString('base64url') })
			.onConflictDoNothing();
		const [row] = await db.select().from(serverSecrets).where(eq(serverSecrets.name, SECRET_NAME));
		if (!row) throw new Error('The resume-token key could not be stored.');
		return new ResumeTokens(Buffer.from(row.value, 'base64url'));
	}

	/** The token that proves ownership of `callId`. */
	issue(callId: string): string {
		return createHmac('sha256', this.key).update(callId).digest('base64url');
	}

	/** Whether `token` was issued for `callId`, compared in constant time. */
	verify(callId: string, token: string): boolean {
		const expected = Buffer.from(this.issue(callId));
		const actual = Buffer.from(token);
		return actual.length === expected.length && timingSafeEqual(actual, expected);
	}
}
