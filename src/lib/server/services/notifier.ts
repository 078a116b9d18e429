import type { CallView } from '$lib/contract/events';

/**
 * The one way services tell anyone anything: the Socket.IO layer implements it (rooms per call,
 * per lobby and for monitors); in-process runs without sockets use `silentNotifier`. Meeting events
 * for monitors come from the engine's commit listener, so only durable facts go out.
 */
export interface Notifier {
	/** A phone caller's state changed. */
	callUpdated(callId: string, view: CallView): void;
	/** The caller now waits in this meeting's lobby (and hears its broadcasts). */
	callJoinedLobby(callId: string, meetingId: string): void;
	/** One caller was admitted from the lobby. */
	callLeftLobby(callId: string, meetingId: string, view: CallView): void;
	/**
	 * S10: the whole lobby was admitted; one message to all of it but the callers in `except`, whose
	 * own request was running and who are told right after its answer instead.
	 */
	lobbyAdmitted(meetingId: string, view: CallView, except?: readonly string[]): void;
	/** The call is over; nothing more will be sent for it. */
	callEnded(callId: string): void;
}

/** A notifier that tells nobody: for the simulator, the benchmark's engine run and service specs. */
export const silentNotifier: Notifier = {
	callUpdated: () => {},
	callJoinedLobby: () => {},
	callLeftLobby: () => {},
	lobbyAdmitted: () => {},
	callEnded: () => {}
};

/**
 * The notifier the services hold: it forwards to whichever transport is attached (the Socket.IO
 * server, once it exists), and to nobody before that.
 */
export class NotifierHub implements Notifier {
	private target: Notifier = silentNotifier;
	private taps: Notifier[] = [];
	private sessionListeners: ((sessionId: string) => void)[] = [];

	/**
	 * Calls `listener` with the id of every session that signs out, until the returned function
	 * removes it: the Socket.IO server closes that session's connections.
	 */
	onSessionEnded(listener: (sessionId: string) => void): () => void {
		this.sessionListeners = [...this.sessionListeners, listener];
		return () => {
			this.sessionListeners = this.sessionListeners.filter((l) => l !== listener);
		};
	}

	/** A session signed out: whoever listens closes what it opened. */
	sessionEnded(sessionId: string): void {
		for (const listener of this.sessionListeners) listener(sessionId);
	}

	/**
	 * Also tells `listener` everything, after the attached transport, until the returned function
	 * removes it: a live scenario run watches the calls it drives this way.
	 */
	tap(listener: Notifier): () => void {
		this.taps = [...this.taps, listener];
		return () => {
			this.taps = this.taps.filter((t) => t !== listener);
		};
	}

	/** Sends everything to `target` until the returned function detaches it. */
	attach(target: Notifier): () => void {
		this.target = target;
		return () => {
			if (this.target === target) this.target = silentNotifier;
		};
	}

	callUpdated(callId: string, view: CallView): void {
		this.target.callUpdated(callId, view);
		for (const t of this.taps) t.callUpdated(callId, view);
	}
	callJoinedLobby(callId: string, meetingId: string): void {
		this.target.callJoinedLobby(callId, meetingId);
		for (const t of this.taps) t.callJoinedLobby(callId, meetingId);
	}
	callLeftLobby(callId: string, meetingId: string, view: CallView): void {
		this.target.callLeftLobby(callId, meetingId, view);
		for (const t of this.taps) t.callLeftLobby(callId, meetingId, view);
	}
	lobbyAdmitted(meetingId: string, view: CallView, except: readonly string[] = []): void {
		this.target.lobbyAdmitted(meetingId, view, except);
		for (const t of this.taps) t.lobbyAdmitted(meetingId, view, except);
	}
	callEnded(callId: string): void {
		this.target.callEnded(callId);
		for (const t of this.taps) t.callEnded(callId);
	}
}
