import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type {
	ClientToServerEvents,
	InterServerEvents,
	ServerToClientEvents,
	SocketData
} from '$lib/contract/events';
import { log } from '../log';
import type { Runtime } from '../runtime';

export type LobbyServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Largest message a client may send; anything larger is refused by the transport. */
const MAX_MESSAGE_BYTES = 16 * 1024;

/**
 * Creates the Socket.IO server on `httpServer`. Each handler validates, calls one service and
 * answers; presence changes fan out to every client.
 */
export function createSocketServer(httpServer: HttpServer, runtime: Runtime): LobbyServer {
	const io: LobbyServer = new Server(httpServer, {
		maxHttpBufferSize: MAX_MESSAGE_BYTES,
		serveClient: false
	});

	// The namespace drops a socket before its 'disconnect' event; the engine's count lags behind.
	const connectedClients = () => io.of('/').sockets.size;
	const broadcastPresence = () => io.emit('presence:updated', { connectedClients: connectedClients() });

	io.on('connection', (socket) => {
		socket.data.connectedAt = Date.now();
		broadcastPresence();
		socket.on('disconnect', broadcastPresence);

		socket.on('status:get', (ack) => {
			// Types are not validation: a client may send anything, or no acknowledgement at all.
			if (typeof ack !== 'function') return;
			runtime.services.status.status(connectedClients()).then(
				(status) => ack({ ok: true, status }),
				(error: unknown) => {
					log.error('status:get failed', error);
					ack({
						ok: false,
						error: { code: 'unavailable', message: 'The database did not answer; try again.' }
					});
				}
			);
		});
	});
	return io;
}
