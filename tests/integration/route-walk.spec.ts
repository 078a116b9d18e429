/**
 * Every route, walked as an anonymous visitor, a signed-in user and an administrator, against the
 * built server. The route tree is read from `src/routes`: every page with its `__data.json` (also
 * with `x-sveltekit-invalidated`, which lets a data request skip the layout's load), every form
 * action and every method of every `+server.ts`. Each request must answer the status the table
 * below expects, and a route missing from the table fails the spec, so a new route cannot ship
 * without someone deciding who may see it.
 *
 * Leaks are found by searching every answer for what this spec seeded itself: a leader PIN (shown
 * in the simulated mailbox), a mail body, an audit entry and another user's address. Only the
 * administrator may ever receive them, and the administrator's answers must contain them, so the
 * search would find a leak.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../helpers/clients';
import { ROOT } from '../helpers/server';
import { serverPerSuite } from '../helpers/suite-server';

const ADMIN_PASSWORD = 'admin-test-password';
const USER_PASSWORD = 'user-test-password';
const ADMIN = 'admin@contoso.com';
/** The signed-in user who tries: an organizer with a PIN of his own. */
const USER = 'amos.marble@contoso.com';
/** Whose secrets are seeded: nobody but an administrator may read them. */
const OTHER = 'astrid.lindqvist@contoso.com';

type Principal = 'anonymous' | 'user' | 'admin';
const PRINCIPALS: readonly Principal[] = ['anonymous', 'user', 'admin'];

/**
 * One kind of request to a route: a page view, its data (`data`; `data-skip` asks the server to
 * skip the layout's load, as a client-side navigation may), a form action, or an HTTP method.
 */
type Probe =
	| { kind: 'page' }
	| { kind: 'data' }
	| { kind: 'data-skip' }
	| { kind: 'action'; name: string }
	| { kind: 'method'; method: string };

function probeKey(probe: Probe): string {
	switch (probe.kind) {
		case 'page':
		case 'data':
		case 'data-skip':
			return probe.kind;
		case 'action':
			return `action:${probe.name}`;
		case 'method':
			return probe.method;
	}
}

/** Every route id under src/routes with the probes it answers. */
function walkRoutes(): Map<string, Probe[]> {
	const routesDir = join(ROOT, 'src', 'routes');
	const found = new Map<string, Probe[]>();
	const visit = (dir: string) => {
		const entries = readdirSync(dir);
		const id = '/' + relative(routesDir, dir).split(sep).join('/');
		const routeId = id === '/' ? '/' : id.replace(/\/$/, '');
		const probes: Probe[] = [];
		const isPage = entries.some((e) => /^\+page\.(svelte|server\.ts|ts)$/.test(e));
		if (isPage) probes.push({ kind: 'page' }, { kind: 'data' }, { kind: 'data-skip' });
		if (entries.includes('+page.server.ts')) {
			const source = readFileSync(join(dir, '+page.server.ts'), 'utf8');
			const block = /export const actions[^=]*=\s*\{([\s\S]*)\};?\s*$/m.exec(source)?.[1] ?? '';
			for (const match of block.matchAll(/^\t(\w+): async/gm))
				probes.push({ kind: 'action', name: match[1]! });
		}
		if (entries.includes('+server.ts')) {
			const source = readFileSync(join(dir, '+server.ts'), 'utf8');
			for (const match of source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)) {
				probes.push({ kind: 'method', method: match[1]! });
			}
		}
		if (probes.length) found.set(routeId, probes);
		for (const entry of entries) {
			const path = join(dir, entry);
			if (statSync(path).isDirectory()) visit(path);
		}
	};
	visit(routesDir);
	return found;
}

/** How many layout nodes a page has: the root layout and each folder on its way with a layout. */
function layoutsOf(routeId: string): number {
	const parts = routeId.split('/').filter(Boolean);
	let count = 1;
	let dir = join(ROOT, 'src', 'routes');
	for (const part of parts) {
		dir = join(dir, part);
		if (readdirSync(dir).some((e) => e.startsWith('+layout.'))) count++;
	}
	return count;
}

/** Who gets what: `[anonymous, user, admin]`; null means the request is not made as that principal. */
type Row = Record<string, [number | null, number | null, number | null]>;

/**
 * Data requests answer 200 with SvelteKit's JSON even for a redirect or an error, so for `data`
 * and `data-skip` the number is the status inside it: 303 a redirect to sign in, 403 refused.
 * `null`: not requested as that principal (it would sign the walker out or change the tenant).
 */
const EXPECTED: Record<string, Row> = {
	'/': { page: [200, 200, 200], data: [200, 200, 200], 'data-skip': [200, 200, 200] },
	'/admin': { page: [303, 403, 303], data: [303, 403, 303], 'data-skip': [303, 403, 303] },
	'/admin/audit': { page: [303, 403, 200], data: [303, 403, 200], 'data-skip': [303, 403, 200] },
	'/admin/dial-in-users': { page: [303, 403, 200], data: [303, 403, 200], 'data-skip': [303, 403, 200] },
	'/admin/dial-in-users/[id]': {
		page: [303, 403, 200],
		data: [303, 403, 200],
		'data-skip': [303, 403, 200],
		'action:reset': [303, 403, null],
		'action:enable': [303, 403, null],
		'action:disable': [303, 403, null],
		'action:grant': [303, 403, null],
		'action:unlock': [303, 403, null]
	},
	'/admin/mail': { page: [303, 403, 200], data: [303, 403, 200], 'data-skip': [303, 403, 200] },
	'/admin/meeting-policies': {
		page: [303, 403, 200],
		data: [303, 403, 200],
		'data-skip': [303, 403, 200],
		'action:create': [303, 403, null],
		'action:update': [303, 403, null],
		'action:remove': [303, 403, null]
	},
	'/admin/settings': {
		page: [303, 403, 200],
		data: [303, 403, 200],
		'data-skip': [303, 403, 200],
		'action:save': [303, 403, null],
		'action:policy': [303, 403, null]
	},
	'/admin/tokens': {
		page: [303, 403, 200],
		data: [303, 403, 200],
		'data-skip': [303, 403, 200],
		'action:create': [303, 403, null],
		'action:revoke': [303, 403, null]
	},
	'/admin/webhooks': {
		page: [303, 403, 200],
		data: [303, 403, 200],
		'data-skip': [303, 403, 200],
		'action:create': [303, 403, null],
		'action:enable': [303, 403, null],
		'action:test': [303, 403, null],
		'action:remove': [303, 403, null]
	},
	'/api/v1/audit': { GET: [401, 403, 200] },
	'/api/v1/dial-in-users': { GET: [401, 403, 200] },
	// The body is checked before the actor: `{}` is not a valid change, for anyone.
	'/api/v1/dial-in-users/[identity]': { GET: [401, 403, 200], PATCH: [401, 400, null] },
	'/api/v1/dial-in-users/[identity]/disable': { POST: [401, 403, null] },
	'/api/v1/dial-in-users/[identity]/enable': { POST: [401, 403, null] },
	// `{}` names no policy: not a valid grant, for anyone.
	'/api/v1/dial-in-users/[identity]/meeting-policy': { PUT: [401, 400, 400] },
	'/api/v1/dial-in-users/[identity]/reset-leader-pin': { POST: [401, 403, null] },
	'/api/v1/dial-in-users/[identity]/unlock': { POST: [401, 403, null] },
	'/api/v1/login': { POST: [400, 400, 400] },
	'/api/v1/mail': { GET: [401, 403, 200] },
	// `{}` has no name: not a valid new policy, for anyone.
	'/api/v1/meeting-policies': { GET: [401, 403, 200], POST: [401, 400, 400] },
	// No policy is named after a user's address; `{}` changes nothing.
	'/api/v1/meeting-policies/[identity]': {
		GET: [401, 403, 404],
		PATCH: [401, 403, 400],
		DELETE: [401, 403, 404]
	},
	'/api/v1/me': { GET: [401, 200, 200] },
	'/api/v1/meetings': { GET: [401, 200, 200] },
	'/api/v1/meetings/[id]': { GET: [401, 404, 404] },
	'/api/v1/meetings/[id]/lobby': { GET: [401, 404, 404] },
	// `{}` admits the whole lobby: a valid request, of a meeting that does not exist.
	'/api/v1/meetings/[id]/lobby/admit': { POST: [401, 404, 404] },
	// `{}` sets the meeting policy again: a valid request, of a meeting that does not exist.
	'/api/v1/meetings/[id]/lobby/options': { PUT: [401, 404, 404] },
	// `{}` names no caller: not a valid decline, for anyone.
	'/api/v1/meetings/[id]/lobby/decline': { POST: [401, 400, 400] },
	'/api/v1/openapi.json': { GET: [200, 200, 200] },
	'/api/v1/scenarios': { GET: [401, 200, 200] },
	'/api/v1/scenarios/live': { GET: [401, 200, 200], POST: [401, 403, null] },
	'/api/v1/scenarios/live/control': { POST: [401, 403, null] },
	// `{}` names no file: not a load anyone can start.
	'/api/v1/scenarios/load': { GET: [401, 403, 200], POST: [401, 403, 400] },
	'/api/v1/scenarios/load/stop': { POST: [401, 403, 200] },
	'/api/v1/simulated-organizers': { POST: [401, 403, null] },
	'/api/v1/tenant-settings': { GET: [401, 403, 200], PATCH: [401, 403, null] },
	'/api/v1/tokens': { GET: [401, 200, 200], POST: [401, 400, 400] },
	'/api/v1/tokens/[id]': { DELETE: [401, 404, null] },
	// `{}` has no URL and no events: not a valid new webhook, for anyone.
	'/api/v1/webhooks': { GET: [401, 403, 200], POST: [401, 400, 400] },
	// No webhook has a user's id; the body is checked before the actor: `{}` changes nothing, for anyone.
	'/api/v1/webhooks/[id]': {
		GET: [401, 403, 404],
		PATCH: [401, 400, 400],
		DELETE: [401, 403, 404]
	},
	'/api/v1/webhooks/[id]/deliveries': { GET: [401, 403, 404] },
	'/api/v1/webhooks/[id]/test': { POST: [401, 403, 404] },
	'/dashboard': { page: [200, 200, 200], data: [200, 200, 200], 'data-skip': [200, 200, 200] },
	'/join/[conferenceId]': { page: [200, 200, 200], data: [200, 200, 200], 'data-skip': [200, 200, 200] },
	'/meetings': { page: [200, 200, 200], data: [200, 200, 200], 'data-skip': [200, 200, 200] },
	'/meetings/[id]': { page: [200, 200, 200], data: [200, 200, 200], 'data-skip': [200, 200, 200] },
	'/meetings/[id]/present': { page: [200, 200, 200], data: [200, 200, 200], 'data-skip': [200, 200, 200] },
	'/phone': { page: [200, 200, 200], data: [200, 200, 200], 'data-skip': [200, 200, 200] },
	'/scenarios': { page: [200, 200, 200], data: [200, 200, 200], 'data-skip': [200, 200, 200] },
	'/signin': {
		page: [200, 200, 200],
		data: [200, 200, 200],
		'data-skip': [200, 200, 200],
		'action:default': [400, 400, 400]
	},
	'/signout': {
		page: [303, 303, 303],
		data: [303, 303, 303],
		'data-skip': [303, 303, 303],
		// Signing out would end the walker's own session.
		'action:default': [303, null, null]
	}
};

/** What the walker carries as each principal. */
interface Credentials {
	cookie: string | null;
	token: string | null;
}

/** The answer's status as the table counts it, and its text for the leak search. */
interface Answer {
	status: number;
	text: string;
}

describe('every route, as an anonymous visitor, a user and an administrator', () => {
	const suite = serverPerSuite();
	const credentials = {} as Record<Principal, Credentials>;
	/** What nobody but an administrator may ever receive. */
	const secrets: { name: string; value: string }[] = [];
	let params: Record<string, string>;

	async function login(email: string, password: string): Promise<Credentials> {
		const url = suite.server.url;
		const cookie = await signIn(url, email, password);
		const response = await fetch(`${url}/api/v1/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email, password, tokenName: 'route walk' })
		});
		const body = (await response.json()) as { token?: string };
		if (!cookie || !body.token) throw new Error(`Could not sign in as ${email}: ${response.status}`);
		return { cookie, token: body.token };
	}

	async function api(who: Credentials, method: string, path: string, body?: unknown) {
		const response = await fetch(`${suite.server.url}/api/v1${path}`, {
			method,
			headers: {
				authorization: `Bearer ${who.token}`,
				...(body === undefined ? {} : { 'content-type': 'application/json' })
			},
			body: body === undefined ? undefined : JSON.stringify(body)
		});
		const json = (await response.json()) as Record<string, unknown>;
		if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
		return json;
	}

	beforeAll(async () => {
		credentials.anonymous = { cookie: null, token: null };
		credentials.admin = await login(ADMIN, ADMIN_PASSWORD);
		credentials.user = await login(USER, USER_PASSWORD);
		const admin = credentials.admin;
		// A 12-digit PIN: long enough that finding it anywhere is no coincidence.
		await api(admin, 'PATCH', '/tenant-settings', { pinLength: 12 });
		const reset = await api(admin, 'POST', `/dial-in-users/${encodeURIComponent(OTHER)}/reset-leader-pin`, {
			sendEmail: true
		});
		secrets.push({ name: "another user's PIN", value: String(reset.leaderPin ?? reset.pin) });
		const marker = `route-walk-${randomBytes(6).toString('hex')}`;
		await api(admin, 'POST', '/tokens', { name: marker });
		secrets.push({ name: 'an audit entry', value: marker });
		secrets.push({ name: "another user's address", value: OTHER });
		const { messages } = (await api(admin, 'GET', '/mail?limit=5')) as {
			messages: { toAddress: string; body: string }[];
		};
		const mail = messages.find((m) => m.toAddress === OTHER);
		if (!mail) throw new Error('The reset email was not in the mailbox');
		// A line of the mail body that only that message has: the greeting with the name.
		const line = mail.body.split('\n').find((l) => l.includes('Astrid'));
		if (line) secrets.push({ name: 'a mail body', value: line.trim() });
		const { users } = (await api(admin, 'GET', '/dial-in-users')) as {
			users: { id: string; email: string; conferenceId: string | null }[];
		};
		const other = users.find((u) => u.email === OTHER)!;
		const { tokens } = (await api(admin, 'GET', '/tokens')) as { tokens: { id: string; name: string }[] };
		params = {
			id: other.id,
			identity: OTHER,
			conferenceId: other.conferenceId ?? '0000000',
			tokenId: tokens.find((t) => t.name === marker)!.id
		};
		expect(secrets[0]!.value).toMatch(/^\d{12}$/);
	});

	/** The concrete path of a route id, its parameters filled in. */
	function pathOf(routeId: string): string {
		return routeId.replace(/\[(\w+)\]/g, (_, name: string) => {
			if (routeId.startsWith('/api/v1/tokens')) return params.tokenId!;
			if (routeId.startsWith('/api/v1/meetings')) return 'meeting-that-does-not-exist';
			if (routeId.startsWith('/meetings')) return 'meeting-that-does-not-exist';
			return encodeURIComponent(params[name]!);
		});
	}

	async function request(who: Credentials, routeId: string, probe: Probe): Promise<Answer> {
		const url = suite.server.url;
		const path = pathOf(routeId);
		const headers: Record<string, string> = {};
		if (who.cookie) headers.cookie = who.cookie;
		if (probe.kind === 'page') {
			const r = await fetch(url + path, { headers: { ...headers, accept: 'text/html' }, redirect: 'manual' });
			return { status: r.status, text: await r.text() };
		}
		if (probe.kind === 'data' || probe.kind === 'data-skip') {
			const dataPath = `${path === '/' ? '' : path}/__data.json`;
			// One flag a node, layouts first: skip every layout's load, run the page's.
			const query =
				probe.kind === 'data-skip' ? `?x-sveltekit-invalidated=${'0'.repeat(layoutsOf(routeId))}1` : '';
			const r = await fetch(url + dataPath + query, { headers, redirect: 'manual' });
			const text = await r.text();
			if (r.status !== 200) return { status: r.status, text };
			const json = JSON.parse(text) as { type: string; status?: number };
			if (json.type === 'redirect') return { status: 303, text };
			if (json.type === 'error') return { status: json.status ?? 500, text };
			// A node's error inside a 200 answer counts as that error.
			const nodes = (json as { nodes?: ({ type: string; status?: number } | null)[] }).nodes ?? [];
			const failed = nodes.find((n) => n?.type === 'error');
			return { status: failed ? (failed.status ?? 500) : 200, text };
		}
		if (probe.kind === 'action') {
			const action = probe.name === 'default' ? '' : `?/${probe.name}`;
			const r = await fetch(url + path + action, {
				method: 'POST',
				redirect: 'manual',
				headers: {
					...headers,
					origin: url,
					accept: 'text/html',
					'content-type': 'application/x-www-form-urlencoded'
				},
				body: new URLSearchParams({ id: params.tokenId!, name: 'walk' })
			});
			return { status: r.status, text: await r.text() };
		}
		if (who.token) headers.authorization = `Bearer ${who.token}`;
		const hasBody = probe.method !== 'GET' && probe.method !== 'DELETE';
		const r = await fetch(url + path, {
			method: probe.method,
			redirect: 'manual',
			headers: { ...headers, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
			body: hasBody ? '{}' : undefined
		});
		return { status: r.status, text: await r.text() };
	}

	it('knows every route: the table and the route tree name the same requests', () => {
		const walked = walkRoutes();
		const missing: string[] = [];
		for (const [routeId, probes] of walked) {
			for (const probe of probes) {
				if (!EXPECTED[routeId]?.[probeKey(probe)]) missing.push(`${routeId} ${probeKey(probe)}`);
			}
		}
		const stale: string[] = [];
		for (const [routeId, row] of Object.entries(EXPECTED)) {
			for (const key of Object.keys(row)) {
				if (!walked.get(routeId)?.some((p) => probeKey(p) === key)) stale.push(`${routeId} ${key}`);
			}
		}
		expect({ missing, stale }).toEqual({ missing: [], stale: [] });
		// The walk found the admin center's pages and actions, so the parser sees what it should.
		expect(walked.get('/admin/dial-in-users/[id]')?.map(probeKey)).toContain('action:reset');
	});

	for (const principal of PRINCIPALS) {
		it(`answers ${principal} requests as the table says, and never hands ${principal === 'admin' ? 'an administrator less than' : 'them'} the seeded secrets`, async () => {
			const who = credentials[principal];
			const mismatches: string[] = [];
			const leaks: string[] = [];
			const seen = new Set<string>();
			const index = PRINCIPALS.indexOf(principal);
			for (const [routeId, probes] of walkRoutes()) {
				for (const probe of probes) {
					const expected = EXPECTED[routeId]?.[probeKey(probe)]?.[index];
					if (expected === null || expected === undefined) continue;
					const answer = await request(who, routeId, probe);
					if (answer.status !== expected) {
						mismatches.push(`${probeKey(probe)} ${routeId}: ${answer.status}, expected ${expected}`);
					}
					for (const secret of secrets) {
						if (!answer.text.includes(secret.value)) continue;
						seen.add(secret.name);
						if (principal !== 'admin') leaks.push(`${probeKey(probe)} ${routeId} leaks ${secret.name}`);
					}
				}
			}
			expect({ mismatches, leaks }).toEqual({ mismatches: [], leaks: [] });
			// The administrator reads every seeded secret somewhere: the search would find a leak.
			if (principal === 'admin') expect([...seen].sort()).toEqual(secrets.map((s) => s.name).sort());
		}, 120_000);
	}

	it('audits every form post a user made to the admin center as refused, naming the action', async () => {
		const { entries } = (await api(
			credentials.admin,
			'GET',
			'/audit?action=admin-center.post&limit=100'
		)) as {
			entries: { actorEmail: string; outcome: string; details: { route: string; action: string } }[];
		};
		const tried = [...walkRoutes()].flatMap(([routeId, probes]) =>
			probes
				.filter((p) => p.kind === 'action' && routeId.startsWith('/admin'))
				.map((p) => `${routeId} ${p.kind === 'action' && p.name !== 'default' ? `?/${p.name}` : ''}`)
		);
		expect(tried.length).toBeGreaterThanOrEqual(7);
		const audited = entries
			.filter((e) => e.actorEmail === USER && e.outcome === 'denied')
			.map((e) => `${e.details.route} ${e.details.action}`);
		expect(audited.sort()).toEqual(tried.sort());
	});
});
