import { io, type Socket } from 'socket.io-client';
import type { CallView, ClientToServerEvents, ServerToClientEvents } from '$lib/contract/events';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real Socket.IO client connected to `url`. */
export function connect(url: string): Promise<Client> {
	const socket: Client = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
	return new Promise((resolve, reject) => {
		socket.once('connect', () => resolve(socket));
		socket.once('connect_error', reject);
	});
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
