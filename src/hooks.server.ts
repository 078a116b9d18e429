import type { Handle } from '@sveltejs/kit';
import { negotiateLocale } from '$lib/i18n/catalog';
import { getRuntime } from '$lib/server/runtime';

const THEMES = ['system', 'light', 'dark'] as const;
type Theme = (typeof THEMES)[number];

/**
 * Every request reaches the services through the one process-wide runtime, and carries the
 * signed-in user from its session cookie (null when anonymous), the language (the remembered
 * choice, else the browser's) and the theme.
 */
export const handle: Handle = async ({ event, resolve }) => {
	const runtime = await getRuntime();
	event.locals.runtime = runtime;
	event.locals.user = await runtime.auth.userFor(event.request.headers);
	event.locals.locale = negotiateLocale(
		event.cookies.get('lobby-lang'),
		event.request.headers.get('accept-language')
	);
	const theme = event.cookies.get('lobby-theme');
	event.locals.theme = (THEMES as readonly string[]).includes(theme ?? '') ? (theme as Theme) : 'system';
	return resolve(event, {
		transformPageChunk: ({ html }) =>
			html.replace('%lobby.lang%', event.locals.locale).replace('%lobby.theme%', event.locals.theme)
	});
};
