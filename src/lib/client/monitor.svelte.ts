/**
 * Live views of the meetings for the dashboard, the meeting view and presenter mode. Each takes a
 * full snapshot on every (re)connect and then follows the server's stream, so nothing relies on
 * connection-state recovery; a meeting's state is rebuilt in the browser with the domain's own
 * `evolveMeeting`, the same function the server uses.
 */
import { SvelteMap } from 'svelte/reactivity';
import type { MeetingSummary, MeetingsDelta, Response, TimelineEvent } from '$lib/contract/events';
import { t } from '$lib/i18n/i18n.svelte';
import { evolveMeeting, type MeetingLobbyOptions, type MeetingState, type OpenedMeeting } from '$lib/domain';
import { getSocket, type LobbySocket } from './socket';

/** Every live meeting, keyed by id, kept current from the coalesced `monitor:meetings` stream. */
/** How often the dashboard asks again for the whole list, with the cluster's servers. */
const SERVERS_RESYNC_MS = 15_000;

export class AllMeetings {
	readonly meetings = new SvelteMap<string, MeetingSummary>();
	/** Server time of the last snapshot or delta (ms), to run wait timers against. */
	serverAt = $state(0);
	/** Browser time when `serverAt` arrived, so timers advance between messages. */
	receivedAt = $state(0);
	connected = $state(false);
	problem = $state<string | null>(null);
	/** The servers of the cluster that are running (one, unless several share a database). */
	servers = $state<string[]>([]);
	/** Called with each delta after it is applied (the dashboard samples its charts here). */
	onChange: (() => void) | null = null;

	private readonly socket: LobbySocket;
	private readonly unsubscribe: () => void;

	constructor(socket: LobbySocket = getSocket()) {
		this.socket = socket;
		const onConnect = () => this.subscribe();
		const onDisconnect = () => (this.connected = false);
		const onDelta = (delta: MeetingsDelta) => this.apply(delta);
		socket.on('connect', onConnect);
		socket.on('disconnect', onDisconnect);
		socket.on('monitor:meetings', onDelta);
		if (socket.connected) onConnect();
		// Servers come and go in a cluster: a fresh snapshot now and then keeps their list current.
		const resync = setInterval(() => {
			if (socket.connected) this.subscribe();
		}, SERVERS_RESYNC_MS);
		this.unsubscribe = () => {
			clearInterval(resync);
			socket.off('connect', onConnect);
			socket.off('disconnect', onDisconnect);
			socket.off('monitor:meetings', onDelta);
			if (socket.connected) socket.emit('monitor:unsubscribe', { scope: 'all' }, () => undefined);
		};
	}

	/** Server time now, estimated from the last message and the browser's clock since. */
	now(browserNow = Date.now()): number {
		return this.serverAt ? this.serverAt + (browserNow - this.receivedAt) : browserNow;
	}

	close(): void {
		this.unsubscribe();
	}

	private subscribe(): void {
		this.socket.emit('monitor:subscribe', { scope: 'all' }, (answer) => {
			if (!answer.ok) {
				this.problem = answer.error.message;
				return;
			}
			if (!('meetings' in answer)) return;
			this.meetings.clear();
			for (const m of answer.meetings) this.meetings.set(m.meetingId, m);
			this.serverAt = answer.at;
			this.receivedAt = Date.now();
			this.servers = answer.servers;
			this.connected = true;
			this.problem = null;
			this.onChange?.();
		});
	}

	private apply(delta: MeetingsDelta): void {
		for (const m of delta.upserts) this.meetings.set(m.meetingId, m);
		for (const id of delta.ended) this.meetings.delete(id);
		this.serverAt = delta.at;
		this.receivedAt = Date.now();
		this.onChange?.();
	}
}

/** One meeting, live or past: its state and its timeline, following `monitor:meeting`. */
/** How many `OneMeeting` views watch each meeting over each connection. */
const watchers = new WeakMap<LobbySocket, Map<string, number>>();

function watchersOf(socket: LobbySocket): Map<string, number> {
	let watching = watchers.get(socket);
	if (!watching) {
		watching = new Map();
		watchers.set(socket, watching);
	}
	return watching;
}

export class OneMeeting {
	meeting = $state<OpenedMeeting | null>(null);
	timeline = $state<TimelineEvent[]>([]);
	connected = $state(false);
	problem = $state<string | null>(null);
	/** The error's code when the server refused (`not-found` for an unknown meeting). */
	problemCode = $state<string | null>(null);
	/** Called with each new event, in order, after it is applied (captions, sounds). */
	onEvent: ((event: TimelineEvent) => void) | null = null;

	private seq = 0;
	private readonly socket: LobbySocket;
	private readonly unsubscribe: () => void;

	constructor(
		readonly meetingId: string,
		socket: LobbySocket = getSocket()
	) {
		this.socket = socket;
		const onConnect = () => this.subscribe();
		const onDisconnect = () => (this.connected = false);
		const onUpdate = (update: { meetingId: string; events: TimelineEvent[] }) => {
			if (update.meetingId === this.meetingId) this.apply(update.events, true);
		};
		socket.on('connect', onConnect);
		socket.on('disconnect', onDisconnect);
		socket.on('monitor:meeting', onUpdate);
		if (socket.connected) onConnect();
		const watching = watchersOf(socket);
		watching.set(meetingId, (watching.get(meetingId) ?? 0) + 1);
		this.unsubscribe = () => {
			socket.off('connect', onConnect);
			socket.off('disconnect', onDisconnect);
			socket.off('monitor:meeting', onUpdate);
			// Another view of the same meeting on this connection (the meeting view handing over to
			// presenter mode, when the new one mounts first) keeps the subscription: the server's room
			// is per connection, so leaving it here would silence that view. When the old one closes
			// first, its unsubscribe and the new view's subscribe go out together; the server leaves
			// before it joins again.
			const left = (watching.get(meetingId) ?? 1) - 1;
			if (left > 0) {
				watching.set(meetingId, left);
				return;
			}
			watching.delete(meetingId);
			if (socket.connected) {
				socket.emit('monitor:unsubscribe', { scope: 'meeting', meetingId: this.meetingId }, () => undefined);
			}
		};
	}

	close(): void {
		this.unsubscribe();
	}

	/**
	 * As the signed-in organizer in this meeting: admits one waiting caller, or everyone when none is
	 * named. Answers the server's refusal in words, or null when done (the change arrives as events).
	 */
	admit(participantId?: string): Promise<string | null> {
		return this.act(() =>
			this.socket.timeout(10_000).emitWithAck('lobby:admit', {
				meetingId: this.meetingId,
				...(participantId ? { participantId } : {})
			})
		);
	}

	/** As the signed-in organizer: sets this meeting's options (`{}`: back to the meeting policy). */
	setOptions(options: MeetingLobbyOptions): Promise<string | null> {
		return this.act(() =>
			this.socket.timeout(10_000).emitWithAck('lobby:options', { meetingId: this.meetingId, options })
		);
	}

	/** As the signed-in organizer in this meeting: declines one waiting caller. */
	decline(participantId: string): Promise<string | null> {
		return this.act(() =>
			this.socket.timeout(10_000).emitWithAck('lobby:decline', { meetingId: this.meetingId, participantId })
		);
	}

	private async act(send: () => Promise<Response>): Promise<string | null> {
		try {
			const answer = await send();
			return answer.ok ? null : answer.error.message;
		} catch {
			return t('common.noAnswer');
		}
	}

	private subscribe(): void {
		this.socket.emit('monitor:subscribe', { scope: 'meeting', meetingId: this.meetingId }, (answer) => {
			if (!answer.ok) {
				this.problem = answer.error.message;
				this.problemCode = answer.error.code;
				return;
			}
			if (!('snapshot' in answer)) return;
			this.meeting = answer.snapshot.meeting;
			this.timeline = answer.snapshot.timeline;
			this.seq = answer.snapshot.seq;
			this.connected = true;
			this.problem = null;
		});
	}

	private apply(events: TimelineEvent[], live: boolean): void {
		let state: MeetingState = this.meeting ?? { status: 'none' };
		const fresh: TimelineEvent[] = [];
		for (const e of events) {
			// Events at or below the snapshot are in it already.
			if (e.seq <= this.seq) continue;
			state = evolveMeeting(state, e.event);
			this.seq = e.seq;
			fresh.push(e);
		}
		if (fresh.length === 0) return;
		this.meeting = state.status === 'none' ? null : state;
		this.timeline = [...this.timeline, ...fresh];
		if (live) for (const e of fresh) this.onEvent?.(e);
	}
}
