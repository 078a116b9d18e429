import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig, type Plugin, type ViteDevServer } from 'vite';
import type * as DevAttachModule from './src/lib/server/realtime/dev-attach';

type DevAttach = typeof DevAttachModule;

/**
 * Attaches Socket.IO to the dev server's HTTP server, so `npm run dev` serves the app and its
 * live channel on one port, as the production server does. The realtime module is loaded through
 * Vite's SSR module graph, so it shares one copy of every server module with SvelteKit's routes.
 */
function lobbyRealtime(): Plugin {
	return {
		name: 'lobby-realtime',
		apply: 'serve',
		async configureServer(server: ViteDevServer) {
			if (!server.httpServer || process.env.VITEST) return;
			const mod = (await server.ssrLoadModule('/src/lib/server/realtime/dev-attach.ts')) as DevAttach;
			await mod.attachToDevServer(server.httpServer, (middleware) => server.middlewares.use(middleware));
		}
	};
}

export default defineConfig({
	plugins: [sveltekit(), lobbyRealtime()]
});
