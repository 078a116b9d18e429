import { randomUUID } from 'node:crypto';
import { error, redirect, type Handle, type HandleServerError, type RequestEvent } from '@sveltejs/kit';
import { negotiateLocale } from '$lib/i18n/catalog';
import { actorOf } from '$lib/server/actor';
import { errorResponse } from '$lib/server/edge-errors';
import { log, withLogContext } from '$lib/server/log';
import { getRuntime } from '$lib/server/runtime';
import { clientAddress } from '$lib/server/security/client-address';

const THEMES = ['system', 'light', 'dark'] as const;
type Theme = (typeof THEMES)[number];

/** Whether the request is for the admin center: its pages, their `__data.json` and their form actions. */
function isAdminCenter(event: RequestEvent): boolean {
	const id = event.route.id;
	if (id !== null) return id === '/admin' || id.startsWith('/admin/');
	const path = event.url.pathname;
	return path === '/admin' || path.startsWith('/admin/');
}

/**
 * The admin center is for administrators (S7). Checked here, before any `load` or action runs:
 * SvelteKit runs a page's loads in parallel with its layout's, and a data request may skip the
 * layout's load altogether, so a guard in `+layout.server.ts` alone does not protect the data.
 * The services check the actor again themselves; this is the second line, for people.
 */
async function guardAdminCenter(event: RequestEvent): Promise<void> {
	if (!isAdminCenter(event)) return;
	const user = event.locals.user;
	if (!user) redirect(303, `/signin?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
	if (user.role === 'admin') return;
	if (event.request.method !== 'GET' && event.route.id !== null) {
		// A signed-in user posting to the admin center by hand: refused here, and audited as the
		// services audit every refused administrator action.
		await event.locals.runtime.services.audit.record({
			actor: actorOf(user),
			action: 'admin-center.post',
			target: null,
			path: 'page',
			outcome: 'denied',
			details: { route: event.route.id, action: event.url.search.slice(0, 100) }
		});
	}
	error(
		403,
		'The admin center is for administrators. Users cannot reset PINs, not even their own: ask an administrator.'
	);
}

/** The decoded path, or null when it does not decode (a bundler drops a call whose result is unused). */
function decoded(pathname: string): string | null {
	try {
		return decodeURI(pathname);
	} catch {
		return null;
	}
}

/**
 * SvelteKit's own refusals under `/api/` (no such endpoint, a method the endpoint lacks) come as
 * HTML or text; an API client gets them as the API's JSON errors, like every other answer.
 */
function asApiError(event: RequestEvent, response: Response): Response {
	if (response.status < 400 || /^application\/json/.test(response.headers.get('content-type') ?? '')) {
		return response;
	}
	const what = `${event.request.method} ${event.url.pathname.slice(0, 200)}`;
	if (response.status === 404) {
		return errorResponse('not-found', `There is no API endpoint ${what}; see /api/v1/openapi.json.`);
	}
	if (response.status === 405) {
		const allow = response.headers.get('allow') ?? '';
		return errorResponse(
			'method-not-allowed',
			`${what} is not allowed${allow ? `; this endpoint takes ${allow}` : ''}.`,
			allow ? { allow } : {}
		);
	}
	return response;
}

/**
 * Every line logged while a request is handled carries its `requestId`, made here: an id a client
 * sends (`X-Request-Id`) is not taken, so nobody can make their request's lines look like another's.
 * The answer is logged at `debug` by its route, never with the query or the body.
 */
export const handle: Handle = ({ event, resolve }) =>
	withLogContext({ requestId: randomUUID() }, async () => {
		const started = Date.now();
		log.trace(`${event.request.method} ${routeOf(event)}`);
		const response = await handleRequest({ event, resolve });
		log.debug(`${event.request.method} ${routeOf(event)} answered ${response.status}`, {
			ms: Date.now() - started
		});
		return response;
	});

/** The route a request matched, else its path: never its query, which may carry what a form sent. */
function routeOf(event: RequestEvent): string {
	return event.route.id ?? event.url.pathname;
}

/**
 * Every request reaches the services through the one process-wide runtime, and carries the
 * signed-in user from its session cookie (null when anonymous), the client's address, the language
 * (the remembered choice, else the browser's) and the theme.
 */
const handleRequest: Handle = async ({ event, resolve }) => {
	// SvelteKit answers a path it cannot decode with its HTML error page; the API answers in JSON.
	const api = event.url.pathname.startsWith('/api/');
	if (api && decoded(event.url.pathname) === null) {
		return errorResponse(
			'bad-request',
			'The path has a malformed percent-escape (such as %ff): encode it as UTF-8.'
		);
	}
	const runtime = await getRuntime();
	event.locals.runtime = runtime;
	event.locals.user = await runtime.auth.userFor(event.request.headers);
	event.locals.clientAddress = clientAddress({
		remoteAddress: event.getClientAddress(),
		forwardedFor: event.request.headers.get('x-forwarded-for'),
		trustedProxies: runtime.config.trustedProxies
	});
	event.locals.locale = negotiateLocale(
		event.cookies.get('lobby-lang'),
		event.request.headers.get('accept-language')
	);
	const theme = event.cookies.get('lobby-theme');
	event.locals.theme = (THEMES as readonly string[]).includes(theme ?? '') ? (theme as Theme) : 'system';
	await guardAdminCenter(event);
	const response = await resolve(event, {
		transformPageChunk: ({ html }) =>
			html.replace('%lobby.lang%', event.locals.locale).replace('%lobby.theme%', event.locals.theme)
	});
	return api ? asApiError(event, response) : response;
};

/**
 * An unexpected error in a load, an action or an endpoint: logged through the server's log (which
 * escapes whatever a client put into the message), answered with a sentence that reveals nothing.
 */
export const handleError: HandleServerError = ({ error: failure, event, status, message }) => {
	// A client's mistake (a path that does not decode, a method the route lacks) is not a fault.
	if (status < 500) return { message };
	log.error(`${event.request.method} ${routeOf(event)} failed`, failure);
	return { message: 'Something went wrong on the server; the error was logged. Try again.' };
};
