import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { ApiTokenJson } from '$lib/contract/api';
import {
	TOKEN_EXPIRY_DAYS_DEFAULT,
	TOKEN_EXPIRY_DAYS_MAX,
	TOKEN_EXPIRY_RULE
} from '$lib/contract/token-policy';
import type { Database } from '../db/index';
import { apiTokens, users, type ApiTokenRow } from '../db/schema';
import type { AccessPath, Actor, AuditService } from './audit.service';
import { ServiceError } from '../service-error';
import { isPrintable } from '../identifier-schemas';
import type { Clock } from './ports';

/** What a token's secret starts with, so people and secret scanners recognise one. */
export const TOKEN_PREFIX = 'lobby_';

/** A token as lists show it: never the secret, which exists only in the answer that made it. */
export type ApiTokenView = ApiTokenJson;

/** The answer to making a token: the one time its secret is shown. */
export interface IssuedToken {
	token: string;
	view: ApiTokenView;
}

/** Who a valid token acts for, with the owner's rights as the directory has them now. */
export interface TokenIdentity {
	tokenId: string;
	user: { id: string; email: string; displayName: string; role: 'admin' | 'user'; tenantId: string };
}

const NAME_MAX = 100;
/** Last-used is written at most this often per token, so reads do not each cost a write. */
const LAST_USED_PRECISION_MS = 60_000;

function hashOf(secret: string): string {
	return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * API tokens for scripts and the `lobby` command. Anyone who proves their password gets a token for
 * themselves (`lobby login`); administrators also make them in the admin center. A token carries its
 * owner's rights, read from the directory on every call, so a user's token can never reset a PIN
 * (S3). Secrets are stored as hashes and shown once; every change is audited.
 */
export class ApiTokenService {
	constructor(
		private readonly db: Database,
		private readonly tenantId: string,
		private readonly audit: AuditService,
		private readonly clock: Clock
	) {}

	/**
	 * Makes a token for the actor themselves (tokens are never made on someone else's behalf): the one
	 * token policy for every door (the Tokens page, `POST /api/v1/tokens`, `lobby login`). Any signed-in
	 * user may hold tokens, since a token carries only its owner's rights; it expires after
	 * `expiresInDays` (default 30, at most 365).
	 */
	async issue(
		actor: Actor,
		input: { name: string; expiresInDays?: number | null },
		path: AccessPath
	): Promise<IssuedToken> {
		const action = 'api-token.create';
		if (!actor.userId || actor.role === 'anonymous') {
			throw new ServiceError('forbidden', 'Sign in to make an API token.');
		}
		const name = input.name.trim();
		if (!name || name.length > NAME_MAX || !isPrintable(name)) {
			throw new ServiceError('bad-request', `A token needs a name of 1 to ${NAME_MAX} printable characters.`);
		}
		const days = input.expiresInDays ?? TOKEN_EXPIRY_DAYS_DEFAULT;
		if (!Number.isInteger(days) || days < 1 || days > TOKEN_EXPIRY_DAYS_MAX) {
			throw new ServiceError('bad-request', TOKEN_EXPIRY_RULE);
		}
		const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
		const now = this.clock.now();
		const row: ApiTokenRow = {
			id: `tok_${randomBytes(9).toString('base64url')}`,
			tenantId: this.tenantId,
			userId: actor.userId,
			name,
			tokenHash: hashOf(secret),
			prefix: secret.slice(0, TOKEN_PREFIX.length + 4),
			createdAt: new Date(now),
			expiresAt: new Date(now + days * 86_400_000),
			lastUsedAt: null,
			revokedAt: null
		};
		await this.db.transaction(async (tx) => {
			await tx.insert(apiTokens).values(row);
			await this.audit.record(
				{
					tenantId: this.tenantId,
					actor,
					action,
					target: { id: actor.userId!, email: actor.email },
					path,
					outcome: 'ok',
					details: { tokenId: row.id, name, expiresInDays: days }
				},
				tx
			);
		});
		const [view] = await this.views(eq(apiTokens.id, row.id));
		return { token: secret, view: view! };
	}

	/**
	 * The identity behind a bearer secret, or null when it is unknown, revoked, expired, or its owner
	 * is gone. The role comes from the directory now, so demoting a user applies at once.
	 */
	async authenticate(secret: string): Promise<TokenIdentity | null> {
		if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return null;
		const [row] = await this.db
			.select({
				token: apiTokens,
				user: {
					id: users.id,
					email: users.email,
					displayName: users.displayName,
					role: users.role,
					tenantId: users.tenantId
				}
			})
			.from(apiTokens)
			.innerJoin(users, eq(users.id, apiTokens.userId))
			.where(and(eq(apiTokens.tokenHash, hashOf(secret)), isNull(apiTokens.revokedAt)));
		if (!row) return null;
		const now = this.clock.now();
		if (row.token.expiresAt && row.token.expiresAt.getTime() <= now) return null;
		if (!row.token.lastUsedAt || now - row.token.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS) {
			await this.db
				.update(apiTokens)
				.set({ lastUsedAt: new Date(now) })
				.where(eq(apiTokens.id, row.token.id));
		}
		return { tokenId: row.token.id, user: row.user };
	}

	/** Administrators see every token of the tenant; users see their own. Newest first. */
	async list(actor: Actor): Promise<ApiTokenView[]> {
		if (actor.role === 'admin') return this.views(eq(apiTokens.tenantId, this.tenantId));
		if (!actor.userId) throw new ServiceError('forbidden', 'Sign in to see API tokens.');
		return this.views(and(eq(apiTokens.tenantId, this.tenantId), eq(apiTokens.userId, actor.userId))!);
	}

	/** Revokes a token at once. Administrators may revoke any; users only their own. */
	async revoke(actor: Actor, tokenId: string, path: AccessPath): Promise<ApiTokenView> {
		const action = 'api-token.revoke';
		const [found] = await this.views(and(eq(apiTokens.tenantId, this.tenantId), eq(apiTokens.id, tokenId))!);
		const own = found !== undefined && found.owner.id === actor.userId;
		if (!found || (actor.role !== 'admin' && !own)) {
			await this.audit.record({
				tenantId: this.tenantId,
				actor,
				action,
				target: null,
				path,
				outcome: 'denied',
				details: { tokenId }
			});
			// Someone else's token reads as missing, so ids cannot be probed.
			throw new ServiceError('not-found', `No API token "${tokenId}".`);
		}
		if (found.revokedAt) return found;
		await this.db.transaction(async (tx) => {
			await tx
				.update(apiTokens)
				.set({ revokedAt: new Date(this.clock.now()) })
				.where(eq(apiTokens.id, tokenId));
			await this.audit.record(
				{
					tenantId: this.tenantId,
					actor,
					action,
					target: { id: found.owner.id, email: found.owner.email },
					path,
					outcome: 'ok',
					details: { tokenId, name: found.name }
				},
				tx
			);
		});
		const [view] = await this.views(eq(apiTokens.id, tokenId));
		return view!;
	}

	private async views(where: ReturnType<typeof eq>): Promise<ApiTokenView[]> {
		const rows = await this.db
			.select({
				token: apiTokens,
				owner: { id: users.id, email: users.email, displayName: users.displayName }
			})
			.from(apiTokens)
			.innerJoin(users, eq(users.id, apiTokens.userId))
			.where(where)
			.orderBy(desc(apiTokens.createdAt), desc(apiTokens.id))
			.limit(500);
		return rows.map(({ token, owner }) => ({
			id: token.id,
			name: token.name,
			owner,
			prefix: token.prefix,
			createdAt: token.createdAt.toISOString(),
			expiresAt: token.expiresAt?.toISOString() ?? null,
			lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
			revokedAt: token.revokedAt?.toISOString() ?? null
		}));
	}
}
