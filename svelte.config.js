import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// The production server (src/server/main.ts) wraps build/handler.js and adds Socket.IO.
		adapter: adapter({ out: 'build' })
	}
};

export default config;
