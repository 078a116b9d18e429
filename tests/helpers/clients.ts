import { io, type Socket } from 'socket.io-client';
import type { CallView, ClientToServerEvents, ServerToClientEvents } from '$lib/contract/events';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How a test client presents itself in the handshake. */
export interface ConnectOptions {
	/** The local address to connect from (any 127.0.0.x on Linux), so one test can be many clients. */
	localAddress?: string;
	/** An `Origin` header, as a browser page would send it. */
	origin?: string;
	/** A session cookie (from `signIn`). */
	cookie?: string;
	/** The `auth` payload of the handshake, e.g. `{ token }` for an API token. */
	auth?: Record<string, unknown>;
}

/** A real Socket.IO client, not yet connected: for tests that expect the handshake to fail. */
export function client(url: string, options: ConnectOptions = {}): Client {
	const headers: Record<string, string> = {};
	if (options.origin) headers.origin = options.origin;
	if (options.cookie) headers.cookie = options.cookie;
	return io(url, {
		transports: ['websocket'],
		reconnection: false,
		forceNew: true,
		extraHeaders: headers,
		...(options.auth ? { auth: options.auth } : {}),
		// engine.io-client hands this to `ws` in Node.
		...(options.localAddress ? { localAddress: options.localAddress } : {})
	} as Parameters<typeof io>[1]);
}

/** A real Socket.IO client connected to `url`; rejects with the server's refusal. */
export function connect(url: string, options: ConnectOptions = {}): Promise<Client> {
	const socket = client(url, options);
	return new Promise((resolve, reject) => {
		socket.once('connect', () => resolve(socket));
		socket.once('connect_error', (error) => {
			socket.close();
			reject(error);
		});
	});
}

/** The message of the handshake's refusal, or null when it connected (and is then closed). */
export async function refusal(url: string, options: ConnectOptions = {}): Promise<string | null> {
	try {
		const socket = await connect(url, options);
		socket.close();
		return null;
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
}

/** Resolves with the first `call:state` push that satisfies `predicate` (within `ms`). */
export function nextCallState(
	socket: Client,
	predicate: (view: CallView) => boolean,
	ms = 10_000
): Promise<CallView> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			socket.off('call:state', listener);
			reject(new Error('No matching call:state within the time limit'));
		}, ms);
		const listener = (view: CallView) => {
			if (!predicate(view)) return;
			clearTimeout(timer);
			socket.off('call:state', listener);
			resolve(view);
		};
		socket.on('call:state', listener);
	});
}

/** An acknowledged call that must succeed; throws with the server's error otherwise. */
export async function must<T extends { ok: boolean }>(
	response: Promise<T>
): Promise<Extract<T, { ok: true }>> {
	const r = await response;
	if (!r.ok) throw new Error(`Expected success, got ${JSON.stringify(r)}`);
	return r as Extract<T, { ok: true }>;
}

/**
 * Signs in through the sign-in page, as a browser's form post would, and answers the session
 * cookie, or null when the server refused (no redirect, no cookie).
 */
export async function signIn(url: string, email: string, password: string): Promise<string | null> {
	const response = await fetch(`${url}/signin`, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: url, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ email, password })
	});
	const cookie = response.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.join('; ');
	return response.status === 303 && cookie ? cookie : null;
}
