/**
 * The production server: SvelteKit's adapter-node handler and Socket.IO on one HTTP server and one
 * port. Started as `node build/server.js` (see `npm start`).
 *
 * It listens before the runtime boots, so that `/healthz` (alive) and `/readyz` (503 `starting`)
 * answer while migrations run and live meetings are rebuilt; every other request is answered 503
 * until then. The "listening" line is logged once the runtime has booted: the server serves from then.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError, loadConfig } from '$lib/server/config';
import { DirectoryLockedError } from '$lib/server/db/dir-lock';
import { DatabaseOpenError } from '$lib/server/db/index';
import { log } from '$lib/server/log';
import { createSocketServer } from '$lib/server/realtime/socket-server';
import { answerProbe, type ProbeTarget } from '$lib/server/observability/probes';
import { getRuntime, type Runtime } from '$lib/server/runtime';
import { isDatabaseUnavailable } from '$lib/server/service-error';

type Handler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

/** The header through which this server tells adapter-node the request came over plain HTTP. */
const PROTOCOL_HEADER = 'x-lobby-protocol';

/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 5000;

async function main(): Promise<void> {
	const config = loadConfig();
	let runtime: Runtime | null = null;
	let stopping = false;
	const probes: ProbeTarget = {
		runtime: () => runtime,
		stopping: () => stopping,
		metricsToken: config.metricsToken
	};

	/*
	 * This server speaks plain HTTP. Unless a proxy in front says otherwise (ORIGIN or
	 * PROTOCOL_HEADER set by the operator), tell adapter-node so, or it assumes https and refuses
	 * every form post as cross-site. The header is set here, so a client cannot spoof it.
	 */
	const ownProtocolHeader = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
	if (ownProtocolHeader) process.env.PROTOCOL_HEADER = PROTOCOL_HEADER;

	let handler: Handler | null = null;
	const httpServer = createServer((req, res) => {
		if (answerProbe(req, res, probes)) return;
		if (!handler) {
			res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' });
			res.end('Lobby is starting; try again in a moment.\n');
			return;
		}
		if (ownProtocolHeader) req.headers[PROTOCOL_HEADER] = 'http';
		handler(req, res);
	});
	let io: ReturnType<typeof createSocketServer> | null = null;
	const booting = getRuntime(config);
	// Awaited after the server listens; a failed boot is reported there (main's catch), not as unhandled.
	booting.catch(() => undefined);

	const shutdown = (reason: string) => {
		if (stopping) return;
		stopping = true;
		log.info(`${reason}: closing sockets, then HTTP, then the database.`);
		const deadline = setTimeout(() => {
			log.warn(`Shutdown took longer than ${SHUTDOWN_DEADLINE_MS} ms; exiting now.`);
			process.exit(1);
		}, SHUTDOWN_DEADLINE_MS);
		deadline.unref();
		// Sockets first (io.close also closes the HTTP server), or open sockets keep it alive.
		const httpClosed = httpServer.listening
			? new Promise<void>((resolve) => httpServer.once('close', () => resolve()))
			: Promise.resolve();
		// In a cluster the meetings this server owns go to the others first; its callers then
		// reconnect to another server and resume there.
		const handedOver = runtime ? runtime.handOver().catch(() => undefined) : Promise.resolve();
		void handedOver.then(() => {
			if (io) void io.close();
			else if (httpServer.listening) httpServer.close();
			httpServer.closeIdleConnections();
		});
		const forceClose = setTimeout(() => httpServer.closeAllConnections(), SHUTDOWN_DEADLINE_MS / 2);
		forceClose.unref();
		httpClosed
			.then(() => booting.then((booted) => booted.close()))
			.then(
				() => {
					log.info('Stopped.');
					process.exit(0);
				},
				(error: unknown) => {
					log.error('Shutdown failed', error);
					process.exit(1);
				}
			);
	};
	/*
	 * A database request that failed after everyone waiting for it had stopped waiting (PostgreSQL
	 * closed its connections, say) must not take the server down with it: log it and serve on. Any
	 * other unhandled rejection is a fault of the server: logged, and the process exits as Node would.
	 */
	process.on('unhandledRejection', (reason) => {
		if (isDatabaseUnavailable(reason)) {
			const code = (reason as { code?: unknown }).code;
			log.warn(
				`A database request failed after nobody waited for it any more (${String(code)}); serving on.`
			);
			return;
		}
		log.error('An unhandled rejection; the server stops.', reason);
		process.exit(1);
	});

	// Installed before the "listening" line: whoever waits for that line may signal at once. A
	// signal that comes again (a terminal's Ctrl-C reaches `npm start` and the server both) changes
	// nothing; the shutdown's deadline bounds how long it may take.
	process.on('SIGINT', () => shutdown('SIGINT received'));
	process.on('SIGTERM', () => shutdown('SIGTERM received'));
	// Started by `npm start` (scripts/start.mjs): its end, however it came, ends the server too.
	if (process.channel)
		process.once('disconnect', () => shutdown('The process that started the server ended'));

	await new Promise<void>((resolve, reject) => {
		httpServer.once('error', reject);
		httpServer.listen(config.port, config.host, () => {
			httpServer.off('error', reject);
			resolve();
		});
	});
	const address = httpServer.address();
	const port = typeof address === 'object' && address ? address.port : config.port;

	const booted = await booting;
	// Loaded at run time, never bundled: bundling SvelteKit's handler breaks its static files.
	const handlerUrl = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'handler.js')).href;
	handler = ((await import(/* @vite-ignore */ handlerUrl)) as { handler: Handler }).handler;
	if (stopping) return;
	const socketServer = createSocketServer(httpServer, booted);
	io = socketServer;
	booted.metrics.observeConnections(() => socketServer.engine.clientsCount);
	runtime = booted;
	log.info(`Lobby is listening on http://${config.host}:${port}`);
}

main().catch((error: unknown) => {
	if (
		error instanceof ConfigError ||
		error instanceof DirectoryLockedError ||
		error instanceof DatabaseOpenError
	) {
		log.error(error.message);
	} else {
		log.error('The server could not start.', error);
	}
	process.exit(1);
});
