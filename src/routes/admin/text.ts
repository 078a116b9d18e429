import type { Locale, Params } from '$lib/i18n/catalog';

/**
 * Helpers for the admin pages' text. `slots` and `pieces` let a page render some placeholders of a
 * translated message as elements (a link, `<code>`, `<strong>`) while each language keeps its own
 * word order: fill them with `slots(...)`, then render the `pieces` of the text in order.
 */
const MARK = '\u0001';

/** Placeholder values that `pieces` finds again. */
export function slots(...names: string[]): Params {
	return Object.fromEntries(names.map((name) => [name, `${MARK}${name}${MARK}`]));
}

/** The message as text and slots, in order; a slot's `text` is its placeholder's name. */
export function pieces(text: string): { text: string; slot: boolean }[] {
	return text.split(MARK).map((piece, i) => ({ text: piece, slot: i % 2 === 1 }));
}

/** A moment as the admin pages show it, in the page's language; '–' when there is none. */
export function moment(at: string | Date | null, locale: Locale): string {
	if (at === null) return '–';
	return new Date(at).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A day as the admin pages show it, in the page's language; '–' when there is none. */
export function day(at: string | Date | null, locale: Locale): string {
	if (at === null) return '–';
	return new Date(at).toLocaleDateString(locale, { dateStyle: 'medium' });
}
