import type { CallView, MeetingSummary, TimelineEvent } from '$lib/contract/events';
import type { CommittedEvents } from '../services/meeting.service';
import type { Notifier } from '../services/notifier';
import { eventFor, summaryOf, type Viewer } from '../services/views';
import type { LobbyServer } from './socket-server';

/** At most one all-meetings message per this many milliseconds, whatever the load. */
export const MONITOR_INTERVAL_MS = 250;

export const rooms = {
	call: (callId: string) => `call:${callId}`,
	lobby: (meetingId: string) => `lobby:${meetingId}`,
	monitorAll: 'monitor:all',
	/** Scenarios pages following the live run. */
	scenarios: 'scenarios',
	/** Pages that show the connected-client count (they asked with status:get). */
	presence: 'presence',
	/** Watchers of one meeting: signed-in viewers, and anonymous ones (who see less: views.ts). */
	monitorMeeting: (meetingId: string, viewer: Viewer = 'signed-in') =>
		viewer === 'signed-in' ? `monitor:meeting:${meetingId}` : `monitor:meeting-anonymous:${meetingId}`,
	/** Every connection of one signed-in session, closed when it signs out. */
	session: (sessionId: string) => `session:${sessionId}`
};

/**
 * Fans everything out over Socket.IO: a caller's state to its own room, the lobby's admission as one
 * broadcast to the lobby's room (S10), each watched meeting's events batched per turn of the event
 * loop, and the all-meetings view coalesced to one message per 250 ms.
 *
 * Everything goes to this server's own connections only (`io.local`): a call lives on the server
 * its caller is connected to, and every server hears every committed event (the meeting service's
 * feed follows the owner's commits), so each tells its own callers and monitors, and nothing crosses
 * to the other servers twice.
 */
export class SocketNotifier implements Notifier {
	private readonly dirty = new Map<string, MeetingSummary>();
	private readonly ended = new Set<string>();
	private flushTimer: NodeJS.Timeout | null = null;
	private lastFlush = 0;
	private readonly pendingMeetingEvents = new Map<string, TimelineEvent[]>();
	private meetingFlushScheduled = false;

	constructor(
		private readonly io: LobbyServer,
		/** Whether caller numbers are masked for monitors (the tenant's MaskPstnNumbersType). */
		private readonly masked: () => boolean
	) {}

	callUpdated(callId: string, view: CallView): void {
		this.io.local.to(rooms.call(callId)).emit('call:state', view);
	}

	callJoinedLobby(callId: string, meetingId: string): void {
		this.io.local.in(rooms.call(callId)).socketsJoin(rooms.lobby(meetingId));
	}

	callLeftLobby(callId: string, meetingId: string, view: CallView): void {
		this.io.local.in(rooms.call(callId)).socketsLeave(rooms.lobby(meetingId));
		this.callUpdated(callId, view);
	}

	lobbyAdmitted(meetingId: string, view: CallView, except: readonly string[] = []): void {
		const lobby = rooms.lobby(meetingId);
		this.io.local
			.to(lobby)
			.except(except.map((callId) => rooms.call(callId)))
			.emit('call:state', view);
		this.io.local.in(lobby).socketsLeave(lobby);
	}

	callEnded(callId: string): void {
		const room = rooms.call(callId);
		for (const socket of this.io.of('/').adapter.rooms.get(room) ?? []) {
			const s = this.io.of('/').sockets.get(socket);
			if (!s) continue;
			for (const r of s.rooms) if (r.startsWith('lobby:')) void s.leave(r);
			void s.leave(room);
		}
	}

	/** Committed meeting events, for monitors. */
	meetingCommitted({ meetingId, events, state, owner }: CommittedEvents): void {
		this.dirty.set(meetingId, summaryOf(state, owner));
		if (state.status === 'ended') this.ended.add(meetingId);
		this.scheduleFlush();

		const watched = this.io.of('/').adapter.rooms;
		if (
			!watched.has(rooms.monitorMeeting(meetingId)) &&
			!watched.has(rooms.monitorMeeting(meetingId, 'anonymous'))
		)
			return;
		const pending = this.pendingMeetingEvents.get(meetingId);
		if (pending) pending.push(...events);
		else this.pendingMeetingEvents.set(meetingId, [...events]);
		if (!this.meetingFlushScheduled) {
			this.meetingFlushScheduled = true;
			setImmediate(() => this.flushMeetingEvents());
		}
	}

	private flushMeetingEvents(): void {
		this.meetingFlushScheduled = false;
		const mask = this.masked();
		for (const [meetingId, events] of this.pendingMeetingEvents) {
			for (const viewer of ['signed-in', 'anonymous'] as const) {
				const room = rooms.monitorMeeting(meetingId, viewer);
				if (!this.io.of('/').adapter.rooms.has(room)) continue;
				const shown = events.map((e) => ({ seq: e.seq, event: eventFor(e.event, viewer, mask) }));
				this.io.local.to(room).emit('monitor:meeting', { meetingId, events: shown });
			}
		}
		this.pendingMeetingEvents.clear();
	}

	private scheduleFlush(): void {
		if (this.flushTimer) return;
		const wait = Math.max(0, this.lastFlush + MONITOR_INTERVAL_MS - Date.now());
		this.flushTimer = setTimeout(() => this.flush(), wait);
	}

	private flush(): void {
		this.flushTimer = null;
		// Timers may fire a hair early by the wall clock: never two messages closer than the interval.
		if (Date.now() < this.lastFlush + MONITOR_INTERVAL_MS) return this.scheduleFlush();
		this.lastFlush = Date.now();
		if (this.dirty.size === 0) return;
		const upserts = [...this.dirty.values()].filter((s) => !this.ended.has(s.meetingId));
		const ended = [...this.ended];
		this.dirty.clear();
		this.ended.clear();
		this.io.local.to(rooms.monitorAll).emit('monitor:meetings', { upserts, ended, at: this.lastFlush });
	}

	/** Stops the pending flush (shutdown). */
	stop(): void {
		if (this.flushTimer) clearTimeout(this.flushTimer);
		this.flushTimer = null;
	}
}
