/**
 * Fuzzing the HTTP API: every route and method of the OpenAPI document, with seeded path
 * parameters, query strings and bodies (from the document's own schemas, mutated, and raw bytes),
 * as anonymous callers, a user and an administrator. Every answer is checked: never a 500, and an
 * error is JSON with a code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/server';
import { Fuzz, type FuzzValue } from './fuzz-values';

interface JsonSchema {
	type?: string | string[];
	properties?: Record<string, JsonSchema>;
	required?: string[];
	items?: JsonSchema;
	enum?: unknown[];
	const?: unknown;
	anyOf?: JsonSchema[];
	oneOf?: JsonSchema[];
	minimum?: number;
	maximum?: number;
}

/** One operation of the OpenAPI document. */
export interface Operation {
	method: string;
	/** `/dial-in-users/{identity}`, under `/api/v1`. */
	path: string;
	pathParams: string[];
	query: { name: string; schema: JsonSchema }[];
	body: JsonSchema | null;
}

/** The operations of `docs/openapi.json`. */
export function operations(): Operation[] {
	const doc = JSON.parse(readFileSync(join(ROOT, 'docs', 'openapi.json'), 'utf8')) as {
		paths: Record<
			string,
			Record<
				string,
				{
					parameters?: { name: string; in: string; schema: JsonSchema }[];
					requestBody?: { content: Record<string, { schema: JsonSchema }> };
				}
			>
		>;
	};
	return Object.entries(doc.paths).flatMap(([path, methods]) =>
		Object.entries(methods).map(([method, op]) => ({
			method: method.toUpperCase(),
			path,
			pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
			query: (op.parameters ?? [])
				.filter((p) => p.in === 'query')
				.map((p) => ({ name: p.name, schema: p.schema })),
			body: op.requestBody?.content['application/json']?.schema ?? null
		}))
	);
}

/** Who calls: nobody (or a broken Authorization header), a user's token, an administrator's. */
export type Principal = 'anonymous' | 'user' | 'admin';

/** One request the fuzzer sends. */
export interface FuzzRequest {
	method: string;
	url: string;
	headers: Record<string, string>;
	body?: string | Blob;
	principal: Principal;
	how: string;
}

/** Values a path parameter takes: plausible ones (never the protected organizer), and hostile ones. */
export interface PathPools {
	identity: string[];
	id: string[];
}

export class RequestSource {
	readonly fuzz: Fuzz;

	constructor(
		seed: number,
		private readonly ops: Operation[],
		private readonly pools: PathPools,
		private readonly strings: string[],
		private readonly tokens: Record<Exclude<Principal, 'anonymous'>, string>
	) {
		this.fuzz = new Fuzz(seed, () => strings);
	}

	next(base: string): FuzzRequest {
		const f = this.fuzz;
		const op = f.pick(this.ops);
		const principal = f.pick<Principal>(['anonymous', 'user', 'admin', 'admin']);
		const hows: string[] = [];
		const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodePathParam(this.pathParam(name)));
		const query = this.query(op, hows);
		const headers: Record<string, string> = {};
		if (principal !== 'anonymous') headers.authorization = `Bearer ${this.tokens[principal]}`;
		else if (f.chance(0.2)) {
			headers.authorization = f.pick([
				'Bearer',
				'Basic YWRtaW46YWRtaW4=',
				'Bearer lobby_x y',
				`Bearer ${'x'.repeat(5000)}`
			]);
			hows.push('broken authorization');
		}
		let body: string | Blob | undefined;
		if (op.body || (op.method !== 'GET' && f.chance(0.1))) {
			const made = this.body(op.body);
			body = made.body;
			headers['content-type'] = made.type;
			hows.push(made.how);
		}
		return {
			method: op.method,
			url: `${base}/api/v1${path}${query}`,
			headers,
			body,
			principal,
			how: hows.join(', ')
		};
	}

	private pathParam(name: string): string {
		const f = this.fuzz;
		if (f.chance(0.5)) return f.pick(name === 'identity' ? this.pools.identity : this.pools.id);
		return f.pick([
			() => f.text(40),
			() => 'x'.repeat(f.int(100, 5000)),
			() => f.pick(['%00', '..', '.', '%2F', '%', '%ff%fe', '%E0%A4%A', '%C0%AF', ' ', 'current%00', 'null']),
			() => f.chars('0123456789', f.int(1, 30))
		])();
	}

	private query(op: Operation, hows: string[]): string {
		const f = this.fuzz;
		const parts: string[] = [];
		for (const { name, schema } of op.query) {
			if (f.chance(0.5)) continue;
			const value = f.chance(0.5) ? this.fromJsonSchema(schema) : f.any(0);
			parts.push(`${encodeURIComponent(name)}=${encodeQuery(value)}`);
			if (f.chance(0.1)) parts.push(`${encodeURIComponent(name)}=${encodeQuery(f.any(0))}`);
		}
		if (f.chance(0.15)) {
			parts.push(
				f.pick(['%ff=%fe', 'a=%', '=', '&&', `x=${'y'.repeat(8000)}`, '__proto__[x]=1', 'limit[]=1'])
			);
			hows.push('hostile query');
		}
		return parts.length > 0 ? `?${parts.join('&')}` : '';
	}

	private body(schema: JsonSchema | null): { body: string | Blob; type: string; how: string } {
		const f = this.fuzz;
		const json = 'application/json';
		switch (f.int(0, 11)) {
			case 0:
				return { body: '{"sendEmail":', type: json, how: 'broken JSON' };
			case 1:
				return {
					body: new Blob([new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d])]),
					type: json,
					how: 'invalid UTF-8'
				};
			case 2:
				return { body: `{"name":"a\u0000b","email":"\u0000@x.se","file":"\u0000"}`, type: json, how: 'NUL' };
			case 3: {
				const depth = f.int(1000, 30_000);
				return { body: '['.repeat(depth) + ']'.repeat(depth), type: json, how: 'deep nesting' };
			}
			case 4:
				return {
					body: `{"a":"${'x'.repeat(f.pick([60_000, 70_000, 3_000_000]))}"}`,
					type: json,
					how: 'huge'
				};
			case 5: {
				const value = schema ? this.fromJsonSchema(schema) : {};
				return {
					body: JSON.stringify(value),
					type: f.pick([
						'text/plain',
						'application/x-www-form-urlencoded',
						'multipart/form-data; boundary=x',
						'application/xml',
						''
					]),
					how: 'wrong content type'
				};
			}
			case 6:
				return {
					body: f.pick(['null', '[]', '1', '"x"', 'true', '', ' ', '{}']),
					type: json,
					how: 'not an object'
				};
			default: {
				let value: FuzzValue = schema ? this.fromJsonSchema(schema) : f.any(2);
				let how = 'from the schema';
				if (f.chance(0.6)) ({ value, how } = f.mutate(value));
				const text = JSON.stringify(value, (_k, v: unknown) =>
					v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' ? 'binary' : v
				);
				return {
					body: text,
					type: f.pick([json, json, 'application/json; charset=utf-8', 'application/merge-patch+json']),
					how
				};
			}
		}
	}

	/** A value of a JSON schema's shape, usually valid. */
	fromJsonSchema(schema: JsonSchema): FuzzValue {
		const f = this.fuzz;
		if (schema.const !== undefined) return schema.const as FuzzValue;
		if (schema.enum) return f.pick(schema.enum) as FuzzValue;
		const options = schema.anyOf ?? schema.oneOf;
		if (options) return this.fromJsonSchema(f.pick(options));
		const type = Array.isArray(schema.type) ? f.pick(schema.type) : schema.type;
		switch (type) {
			case 'object': {
				const out: Record<string, FuzzValue> = {};
				for (const [key, field] of Object.entries(schema.properties ?? {})) {
					if (!schema.required?.includes(key) && f.chance(0.5)) continue;
					out[key] = this.fromJsonSchema(field);
				}
				return out;
			}
			case 'array':
				return Array.from({ length: f.int(0, 3) }, () => this.fromJsonSchema(schema.items ?? {}));
			case 'integer':
			case 'number': {
				const min = schema.minimum ?? 0;
				// Mostly small: a count of 1000 simulated organizers is 1000 PIN resets.
				const max = f.chance(0.9) ? Math.min(schema.maximum ?? 1000, min + 20) : (schema.maximum ?? 1000);
				const n = min + f.next() * (max - min);
				return type === 'integer' ? Math.round(n) : n;
			}
			case 'boolean':
				return f.chance(0.5);
			case 'null':
				return null;
			case 'string':
				return f.chance(0.8) ? f.pick(this.strings) : f.text();
			default:
				return f.any(1);
		}
	}
}

/** A path parameter as sent: hostile escapes (`%00`, `%ff`) stay as they are, the rest is encoded. */
function encodePathParam(raw: string): string {
	// A URL carries no lone surrogate: it becomes U+FFFD, as a browser would send it.
	const value = raw.toWellFormed();
	return /%/.test(value)
		? value.replace(/[^%A-Za-z0-9._~-]/g, (c) => encodeURIComponent(c))
		: encodeURIComponent(value);
}

function encodeQuery(value: FuzzValue): string {
	const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
	return encodeURIComponent(text.toWellFormed());
}

/** What the HTTP fuzzer saw. */
export interface HttpTally {
	requests: number;
	byPrincipal: Record<Principal, number>;
	statuses: Record<string, number>;
	errors500: number;
	notJson: number;
	noCode: number;
	/** SvelteKit's plain-text refusal of a cross-site form post (see `sendAndJudge`). */
	csrfText: number;
	failed: number;
	problems: string[];
	slowestMs: number;
}

export function emptyHttpTally(): HttpTally {
	return {
		requests: 0,
		byPrincipal: { anonymous: 0, user: 0, admin: 0 },
		statuses: {},
		errors500: 0,
		notJson: 0,
		noCode: 0,
		csrfText: 0,
		failed: 0,
		problems: [],
		slowestMs: 0
	};
}

/** Sends one request and checks the answer. */
export async function sendAndJudge(request: FuzzRequest, tally: HttpTally): Promise<void> {
	const problem = (what: string) => {
		if (tally.problems.length < 40) {
			tally.problems.push(
				`${what}: ${request.principal} ${request.method} ${request.url.slice(0, 200)} (${request.how})`
			);
		}
	};
	tally.requests += 1;
	tally.byPrincipal[request.principal] += 1;
	const started = Date.now();
	let response: Response;
	try {
		response = await fetch(request.url, {
			method: request.method,
			headers: request.headers,
			body: request.body,
			redirect: 'manual',
			signal: AbortSignal.timeout(120_000)
		});
	} catch (error) {
		tally.failed += 1;
		return problem(`no answer (${String(error).slice(0, 100)})`);
	}
	const text = await response.text().catch(() => '');
	tally.slowestMs = Math.max(tally.slowestMs, Date.now() - started);
	tally.statuses[response.status] = (tally.statuses[response.status] ?? 0) + 1;
	if (response.status >= 500 && response.status !== 503) {
		tally.errors500 += 1;
		problem(`status ${response.status} ${text.slice(0, 200)}`);
	}
	if (response.status < 400) return;
	// SvelteKit refuses a form-typed POST without this site's Origin before the app sees it, in text.
	if (response.status === 403 && /^Cross-site \w+ form submissions are forbidden$/.test(text)) {
		tally.csrfText += 1;
		return;
	}
	let body: { error?: { code?: unknown; message?: unknown } } | null;
	try {
		body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } } | null;
	} catch {
		tally.notJson += 1;
		return problem(`status ${response.status}, not JSON: ${text.slice(0, 120)}`);
	}
	if (!/^application\/json/.test(response.headers.get('content-type') ?? '')) {
		tally.notJson += 1;
		problem(`status ${response.status} as ${response.headers.get('content-type')}`);
	}
	if (typeof body?.error?.code !== 'string' || typeof body.error.message !== 'string') {
		tally.noCode += 1;
		problem(`status ${response.status} without an error code: ${text.slice(0, 120)}`);
	}
}
