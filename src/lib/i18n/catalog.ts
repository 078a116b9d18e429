/**
 * Messages for people, in English and Swedish. Each area of the app keeps its own catalog
 * (messages/*.ts); `catalog(en, sv)` makes the compiler check that Swedish has every English key,
 * so a missing translation is a type error, not a blank on screen.
 *
 * Why not Paraglide: its compiler generates a module per message from an inlang project at build
 * time; here the catalogs are plain typed objects that the server (emails, prompts), the browser
 * and the `lobby` command share with no generation step, and the type check gives the same safety.
 */
export const LOCALES = ['en', 'sv'] as const;
export type Locale = (typeof LOCALES)[number];

/** Values for `{name}` placeholders. */
export type Params = Record<string, string | number>;

/** A message: text with `{name}` placeholders, or a function for plurals and other grammar. */
export type Message = string | ((params: Params) => string);

export type Catalog<K extends string = string> = Readonly<Record<K, Message>>;

/** A catalog pair whose Swedish half must have exactly the English keys. */
export function catalog<const T extends Catalog>(
	en: T,
	sv: { readonly [K in keyof T]: Message }
): { en: T; sv: { readonly [K in keyof T]: Message } } {
	return { en, sv };
}

/** Fills `{name}` placeholders; a missing value shows the placeholder, so the gap is visible. */
export function format(message: Message, params: Params = {}): string {
	if (typeof message === 'function') return message(params);
	return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
		name in params ? String(params[name]) : whole
	);
}

export function isLocale(value: unknown): value is Locale {
	return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The language to use for a request: the remembered choice, else the browser's, else English. */
export function negotiateLocale(cookie: string | undefined, acceptLanguage: string | null): Locale {
	if (isLocale(cookie)) return cookie;
	for (const part of (acceptLanguage ?? '').split(',')) {
		const tag = part.split(';')[0]!.trim().toLowerCase();
		const base = tag.split('-')[0];
		if (isLocale(base)) return base;
	}
	return 'en';
}
