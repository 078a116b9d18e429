/**
 * The one Socket.IO contract: every event between the browser, the `lobby` command and the server,
 * with its payload and acknowledgement. Imported with `import type` on every side; payloads are
 * still validated at the server's edge, since types are not validation.
 */

/** Every error a client can be answered with; `code` is stable, `message` is for people. */
export interface WireError {
	code: ErrorCode;
	message: string;
}

export type ErrorCode = 'bad-request' | 'rate-limited' | 'unavailable' | 'internal';

/** An acknowledgement: the data on success, or a typed error. */
export type Response<T extends object = object> = ({ ok: true } & T) | { ok: false; error: WireError };

/** What the home page shows: proof that browser, socket, server and database are all connected. */
export interface ServerStatus {
	database: 'pglite' | 'postgres';
	tenantName: string | null;
	dialInUsers: number;
	connectedClients: number;
}

export interface ClientToServerEvents {
	/** Asks for the server's status; sent on every (re)connect, so a client never relies on recovery. */
	'status:get': (ack: (response: Response<{ status: ServerStatus }>) => void) => void;
}

export interface ServerToClientEvents {
	/** The number of connected clients changed. */
	'presence:updated': (presence: { connectedClients: number }) => void;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no server-to-server events yet
export interface InterServerEvents {}

/** What the server remembers about each socket. */
export interface SocketData {
	connectedAt: number;
}
