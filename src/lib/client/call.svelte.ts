/**
 * One phone call from the browser: the softphone's, or a simulated caller the meeting view adds.
 * A call belongs to one Socket.IO connection (the server allows one call per connection), so each
 * caller has its own; after a dropped connection the call is taken back with its resume token.
 */
import { io } from 'socket.io-client';
import type { CallView, WireError } from '$lib/contract/events';
import { t } from '$lib/i18n/i18n.svelte';
import type { LobbySocket } from './socket';

export class PhoneCall {
	view = $state<CallView | null>(null);
	problem = $state<string | null>(null);
	reconnecting = $state(false);
	/** Told of every new view, from a request's answer or a push (admitted, disconnected, ...). */
	onView: ((view: CallView, previous: CallView | null) => void) | null = null;

	readonly socket: LobbySocket;
	private callId: string | null = null;
	private resumeToken: string | null = null;
	private readonly ownsSocket: boolean;

	/** Uses `socket`, or opens a connection of its own when none is given. */
	constructor(socket?: LobbySocket) {
		this.ownsSocket = !socket;
		this.socket = socket ?? (io({ transports: ['websocket', 'polling'], forceNew: true }) as LobbySocket);
		this.socket.on('call:state', this.onPush);
		this.socket.on('disconnect', this.onDisconnect);
		this.socket.on('connect', this.onConnect);
	}

	get live(): boolean {
		return this.view !== null && this.view.phase !== 'disconnected';
	}

	/** Dials the bridge; `keys` are pressed right after (e.g. the conference ID and `#`). */
	async dial(phoneNumber?: string, keys?: string): Promise<CallView | null> {
		this.problem = null;
		const answer = await this.request(() =>
			this.socket
				.timeout(15_000)
				.emitWithAck('call:dial', { ...(phoneNumber ? { phoneNumber } : {}), ...(keys ? { keys } : {}) })
		);
		if (!answer.ok) {
			this.problem = answer.error.message;
			return null;
		}
		this.callId = answer.callId;
		this.resumeToken = answer.resumeToken;
		this.show(answer.call);
		return answer.call;
	}

	/** Presses DTMF keys (one or several). */
	async press(keys: string): Promise<CallView | null> {
		if (!this.live) return null;
		const answer = await this.request(() => this.socket.timeout(15_000).emitWithAck('call:keys', { keys }));
		if (!answer.ok) {
			this.problem = answer.error.message;
			return null;
		}
		this.show(answer.call);
		return answer.call;
	}

	async hangUp(): Promise<void> {
		if (!this.live) return;
		const answer = await this.socket
			.timeout(15_000)
			.emitWithAck('call:hangup')
			.catch(() => null);
		if (answer?.ok) this.show(answer.call);
	}

	/** Hangs up and, for a connection of its own, closes it. */
	close(): void {
		this.socket.off('call:state', this.onPush);
		this.socket.off('disconnect', this.onDisconnect);
		this.socket.off('connect', this.onConnect);
		if (this.ownsSocket) this.socket.disconnect();
		else if (this.live) this.socket.emit('call:hangup', () => undefined);
	}

	/** Sends one request; a server that does not answer in time is an error like any other. */
	private request<T extends { ok: boolean }>(
		send: () => Promise<T>
	): Promise<T | { ok: false; error: WireError }> {
		return send().catch((): { ok: false; error: WireError } => ({
			ok: false,
			error: { code: 'unavailable', message: t('common.noAnswer') }
		}));
	}

	private show(view: CallView): void {
		const previous = this.view;
		this.view = view;
		this.onView?.(view, previous);
	}

	private readonly onPush = (view: CallView) => this.show(view);

	private readonly onDisconnect = () => {
		if (this.live) this.reconnecting = true;
	};

	private readonly onConnect = () => {
		if (!this.reconnecting || !this.callId || !this.resumeToken) return;
		this.socket.emit('call:resume', { callId: this.callId, resumeToken: this.resumeToken }, (answer) => {
			this.reconnecting = false;
			if (answer.ok) this.show(answer.call);
			else this.problem = answer.error.message;
		});
	};
}
