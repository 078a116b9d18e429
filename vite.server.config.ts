import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Builds the Node entry points that live outside SvelteKit: the production server that wraps
 * `build/handler.js` with Socket.IO, and the `lobby` command. Dependencies stay external and are
 * loaded from node_modules at run time.
 */
export default defineConfig({
	resolve: {
		alias: { $lib: fileURLToPath(new URL('./src/lib', import.meta.url)) }
	},
	build: {
		ssr: true,
		outDir: 'build',
		emptyOutDir: false,
		target: 'node20',
		sourcemap: true,
		rollupOptions: {
			/*
			 * An external package is loaded only when something of it is used. The server shares
			 * modules with the pages (edge-errors.ts answers form actions with SvelteKit's `fail`),
			 * and must not load SvelteKit, a development dependency, just for importing them.
			 */
			treeshake: { moduleSideEffects: 'no-external' },
			input: {
				server: 'src/server/main.ts',
				cli: 'src/cli/main.ts',
				'bench/bench': 'tests/bench/bench.ts',
				'bench/floor-server': 'tests/bench/floor-server.ts'
			},
			output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' }
		}
	}
});
