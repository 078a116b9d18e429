// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Runtime } from '$lib/server/runtime';

declare global {
	namespace App {
		interface Locals {
			runtime: Runtime;
		}
	}
}

export {};
