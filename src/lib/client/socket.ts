import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/contract/events';

export type LobbySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: LobbySocket | null = null;

/** The page's one typed Socket.IO connection to the server it was served from, created on first use. */
export function getSocket(): LobbySocket {
	socket ??= io({ transports: ['websocket', 'polling'] });
	return socket;
}
