import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// The production server (src/server/main.ts) wraps build/handler.js and adds Socket.IO.
		adapter: adapter({ out: 'build' }),
		// The Content-Security-Policy of every page. In `auto` mode SvelteKit adds a nonce (a hash on
		// prerendered pages) for its own inline start-up script, so no script runs unless it came
		// from this origin or from SvelteKit.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				// Svelte writes `style` attributes (style="…", style: directives in server-rendered
				// HTML, app.html's `display: contents` wrapper); attributes cannot carry a nonce, so
				// they need 'unsafe-inline'. SvelteKit then adds no nonce here, which would disable it.
				'style-src': ['self', 'unsafe-inline'],
				// Socket.IO over WebSocket (ws: on http, wss: behind TLS), and blob: because howler
				// loads the WAV rendered in the browser from a blob: URL with XMLHttpRequest.
				'connect-src': ['self', 'ws:', 'wss:', 'blob:'],
				// The lobby music, DTMF tones and chimes are rendered in the browser (src/lib/audio).
				'media-src': ['self', 'blob:', 'data:'],
				'img-src': ['self', 'data:', 'blob:'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				// No other site may frame a page, so none can dress the Reset PIN button up as its own.
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
