/**
 * The HTTP API's edge: every `/api/v1` handler is wrapped here, so each one only parses, calls one
 * service and answers. The wrapper authenticates the bearer token, refuses non-administrators where
 * the route says so, turns refusals into JSON errors with the right status, and audits every call
 * made with a token under the token's owner.
 */
import { json, type RequestEvent, type RequestHandler } from '@sveltejs/kit';
import type { z } from 'zod';
import type { Runtime } from '../runtime';
import type { AccessPath, Actor } from '../services/audit.service';
import { ANONYMOUS_ACTOR } from '../services/access';
import { toJsonResponse } from '../edge-errors';
import { log } from '../log';
import { ServiceError } from '../service-error';
import { zodSentence } from '../zod-sentence';

/** A 201 answer for a POST that made something. */
export function created(body: unknown): Response {
	return json(body, { status: 201 });
}

/** What a handler gets: the services, who is calling, and helpers to read the request. */
export interface ApiContext {
	readonly event: RequestEvent;
	readonly runtime: Runtime;
	/** The token's owner (anonymous on the routes that need no token). */
	readonly actor: Actor;
	readonly tokenId: string | null;
	/** `api`, or `cli` for the `lobby` command, for the audit log. */
	readonly path: AccessPath;
	/** The JSON body, validated by `schema`; a 400 naming the field otherwise. */
	body<T extends z.ZodType>(schema: T): Promise<z.infer<T>>;
	/** The query string, validated by `schema`. */
	query<T extends z.ZodType>(schema: T): z.infer<T>;
}

export interface RouteOptions {
	/** `token` (the default) needs a valid bearer token; `none` is for `POST /login` and the description. */
	auth?: 'token' | 'none';
	/** Only administrators may call it (checked here, on the server, and audited when refused). */
	admin?: boolean;
}

/** Turns zod's first issue into one sentence naming the field. */
export const describeIssue = (error: z.ZodError): string => zodSentence(error);

/**
 * The path parameter `name` of the request, validated by `schema`: a 400 saying what the format is
 * otherwise, so a malformed identifier never reaches a service or the database.
 */
export function pathParam<T extends z.ZodType>(event: RequestEvent, name: string, schema: T): z.output<T> {
	const parsed = schema.safeParse(event.params[name as keyof typeof event.params]);
	if (!parsed.success) throw new ServiceError('bad-request', describeIssue(parsed.error));
	return parsed.data;
}

const MAX_BODY_BYTES = 64 * 1024;

async function readJson(request: Request): Promise<unknown> {
	const type = request.headers.get('content-type') ?? '';
	if (!/^application\/(.+\+)?json\b/i.test(type)) {
		throw new ServiceError('bad-request', 'Send the request body as JSON (Content-Type: application/json).');
	}
	const tooLarge = new ServiceError('bad-request', 'The request body is larger than 64 KB.');
	if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) throw tooLarge;
	// The server stops reading a body past its own limit and throws: that too is a body too large.
	const text = await request.text().catch(() => {
		throw tooLarge;
	});
	if (text.length > MAX_BODY_BYTES) throw tooLarge;
	if (!text.trim()) return {};
	try {
		return JSON.parse(text) as unknown;
	} catch {
		throw new ServiceError('bad-request', 'The request body is not valid JSON.');
	}
}

function bearer(request: Request): string | null {
	const header = request.headers.get('authorization');
	if (!header) return null;
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
	if (!match) throw new ServiceError('unauthenticated', 'Send the token as "Authorization: Bearer <token>".');
	return match[1]!;
}

/**
 * Wraps a handler: authenticates, authorizes, runs it, answers JSON (or the handler's own Response),
 * maps refusals to statuses, and audits the call under the token's owner.
 */
export function apiRoute(
	options: RouteOptions,
	handler: (ctx: ApiContext) => Promise<unknown>
): RequestHandler {
	return async (event) => {
		const runtime = event.locals.runtime;
		const path: AccessPath = /^lobby-cli\//.test(event.request.headers.get('user-agent') ?? '')
			? 'cli'
			: 'api';
		let actor: Actor = ANONYMOUS_ACTOR;
		let tokenId: string | null = null;
		let status = 200;
		try {
			if (options.auth !== 'none') {
				const secret = bearer(event.request);
				if (!secret)
					throw new ServiceError(
						'unauthenticated',
						'This call needs an API token: "Authorization: Bearer <token>".'
					);
				const identity = await runtime.services.apiTokens.authenticate(secret);
				if (!identity) {
					throw new ServiceError(
						'unauthenticated',
						'The API token is not valid: it is unknown, revoked or expired.'
					);
				}
				tokenId = identity.tokenId;
				actor = { userId: identity.user.id, email: identity.user.email, role: identity.user.role };
				if (options.admin && actor.role !== 'admin') {
					throw new ServiceError('forbidden', 'Only administrators can do this.');
				}
			}
			const ctx: ApiContext = {
				event,
				runtime,
				actor,
				tokenId,
				path,
				async body(schema) {
					const parsed = schema.safeParse(await readJson(event.request));
					if (!parsed.success) throw new ServiceError('bad-request', describeIssue(parsed.error));
					return parsed.data;
				},
				query(schema) {
					const parsed = schema.safeParse(Object.fromEntries(event.url.searchParams));
					if (!parsed.success) throw new ServiceError('bad-request', describeIssue(parsed.error));
					return parsed.data;
				}
			};
			const result = await handler(ctx);
			if (result instanceof Response) {
				status = result.status;
				return result;
			}
			return json(result);
		} catch (error) {
			const response = await toJsonResponse(error, runtime);
			status = response.status;
			return response;
		} finally {
			if (tokenId !== null) await auditCall(runtime, actor, tokenId, path, event, status);
		}
	};
}

/** Every call made with a token is audited under its owner, refused ones included. */
async function auditCall(
	runtime: Runtime,
	actor: Actor,
	tokenId: string,
	path: AccessPath,
	event: RequestEvent,
	status: number
): Promise<void> {
	await runtime.services.audit
		.record({
			actor,
			action: 'api.call',
			target: null,
			path,
			outcome: status < 400 ? 'ok' : status === 401 || status === 403 ? 'denied' : 'failed',
			details: {
				tokenId,
				method: event.request.method,
				route: event.route.id ?? event.url.pathname,
				status
			}
		})
		.catch((error: unknown) => log.error('an API call could not be audited', error));
}
