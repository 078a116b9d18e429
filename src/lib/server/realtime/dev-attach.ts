import type { Server as HttpServer } from 'node:http';
import type { Http2SecureServer } from 'node:http2';
import { log } from '../log';
import { getRuntime } from '../runtime';
import { createSocketServer } from './socket-server';

/** Attaches Socket.IO to Vite's dev server, so `npm run dev` has the live channel on the same port. */
export async function attachToDevServer(httpServer: HttpServer | Http2SecureServer): Promise<void> {
	const runtime = await getRuntime();
	const io = createSocketServer(httpServer as HttpServer, runtime);
	httpServer.once('close', () => {
		void io.close();
	});
	log.info('Socket.IO attached to the dev server.');
}
