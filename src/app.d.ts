// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Locale } from '$lib/i18n/catalog';
import type { Runtime } from '$lib/server/runtime';

declare global {
	namespace App {
		interface Locals {
			runtime: Runtime;
			/** The signed-in directory user, from the session cookie; null when anonymous. */
			user: { id: string; email: string; displayName: string; role: 'admin' | 'user' } | null;
			/** The client's address (behind a trusted proxy, the address it forwarded for). */
			clientAddress: string;
			/** The language pages are rendered in (cookie `lobby-lang`, else Accept-Language). */
			locale: Locale;
			/** Light, dark, or the system's (cookie `lobby-theme`). */
			theme: 'system' | 'light' | 'dark';
		}
	}
}

export {};
