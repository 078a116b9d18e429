/**
 * The current language and `t()`, the one way pages turn a message key into text. The language is
 * chosen per request on the server (cookie, then Accept-Language) and set by the root layout before
 * anything renders, so server and browser render the same words; switching sets the cookie and
 * re-renders in place.
 */
import { format, type Locale, type Params } from './catalog';
import { admin } from './messages/admin';
import { common } from './messages/common';
import { dashboard } from './messages/dashboard';
import { meeting } from './messages/meeting';
import { phone } from './messages/phone';
import { presenter } from './messages/presenter';
import { scenarios } from './messages/scenarios';

const en = {
	...common.en,
	...dashboard.en,
	...meeting.en,
	...phone.en,
	...presenter.en,
	...admin.en,
	...scenarios.en
};
const sv: Record<keyof typeof en, (typeof en)[keyof typeof en] | ((params: Params) => string) | string> = {
	...common.sv,
	...dashboard.sv,
	...meeting.sv,
	...phone.sv,
	...presenter.sv,
	...admin.sv,
	...scenarios.sv
};

export type MessageKey = keyof typeof en;

let current = $state<Locale>('en');

/** The language pages are rendered in. */
export function locale(): Locale {
	return current;
}

export function setLocale(next: Locale): void {
	current = next;
}

/** The text of `key` in the current language, with `{name}` placeholders filled from `params`. */
export function t(key: MessageKey, params?: Params): string {
	return format((current === 'sv' ? sv : en)[key], params);
}

/** Remembers the choice for a year (read by the server on the next request). */
export function rememberLocale(next: Locale): void {
	setLocale(next);
	document.cookie = `lobby-lang=${next}; path=/; max-age=31536000; samesite=lax`;
	document.documentElement.lang = next;
}
