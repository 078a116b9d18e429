import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Http2SecureServer } from 'node:http2';
import { loadConfig } from '../config';
import { log } from '../log';
import { answerProbe } from '../observability/probes';
import { getRuntime, type Runtime } from '../runtime';
import { createSocketServer } from './socket-server';

/**
 * Attaches Socket.IO to Vite's dev server, so `npm run dev` has the live channel on the same port,
 * and answers `/healthz`, `/readyz` and `/metrics` before SvelteKit as the production server does.
 * `use` adds a Connect middleware in front of SvelteKit's.
 */
export async function attachToDevServer(
	httpServer: HttpServer | Http2SecureServer,
	use: (middleware: (req: IncomingMessage, res: ServerResponse, next: () => void) => void) => void
): Promise<void> {
	let booted: Runtime | null = null;
	let closed = false;
	const { metricsToken } = loadConfig();
	use((req, res, next) => {
		if (!answerProbe(req, res, { runtime: () => booted, stopping: () => closed, metricsToken })) next();
	});
	const runtime = await getRuntime();
	const io = createSocketServer(httpServer as HttpServer, runtime);
	runtime.metrics.observeConnections(() => io.engine.clientsCount);
	booted = runtime;
	httpServer.once('close', () => {
		closed = true;
		void io.close();
	});
	log.info('Socket.IO attached to the dev server.');
}
