/**
 * The one Socket.IO contract: every event between the browser, the `lobby` command and the server,
 * with its payload and acknowledgement. Imported with `import type` on every side; payloads are
 * still validated at the server's edge, since types are not validation.
 */
import type {
	CallDisconnectReason,
	MeetingEvent,
	MeetingLobbyOptions,
	MeetingRejectionCode,
	OpenedMeeting,
	PromptId
} from '$lib/domain';
import type { ClusterMessage, ClusterQuestion } from './inter-server';

/** Every error a client can be answered with; `code` is stable, `message` is for people. */
export interface WireError {
	code: ErrorCode;
	message: string;
}

export type ErrorCode =
	| MeetingRejectionCode
	| 'bad-request'
	/** The event is not one of `ClientToServerEvents`. */
	| 'unknown-event'
	| 'rate-limited'
	| 'unavailable'
	| 'internal'
	| 'unauthenticated'
	| 'no-call'
	| 'call-ended'
	| 'invalid-token'
	| 'not-found'
	| 'forbidden';

/** An acknowledgement: the data on success, or a typed error. */
export type Response<T extends object = object> = ({ ok: true } & T) | { ok: false; error: WireError };

/** An acknowledgement callback. */
export type Ack<T extends object = object> = (response: Response<T>) => void;

// Server status (home page)

/** What the home page shows: proof that browser, socket, server and database are all connected. */
export interface ServerStatus {
	database: 'pglite' | 'postgres';
	tenantName: string | null;
	dialInUsers: number;
	connectedClients: number;
}

// Phone callers

/** Where a phone caller is, in the four words the softphone shows. */
export type CallPhase = 'ivr' | 'lobby' | 'in-meeting' | 'disconnected';

/** Which question the IVR is asking. */
export type IvrStep = 'conference-id' | 'leader-choice' | 'pin' | 'joining';

/**
 * A phone caller's own state, pushed on every change: the prompt to play, the music cue (S5: music
 * only in the lobby), and the reason when disconnected.
 */
/**
 * A prompt as the wire carries it: its id, its English words, and the numbers they take
 * (`lobby-position`: `{ position: 3 }`), so a softphone can say it in the caller's language.
 */
export interface SpokenPrompt {
	id: PromptId;
	text: string;
	params?: { position?: number };
}

export interface CallView {
	phase: CallPhase;
	step: IvrStep | null;
	prompt: SpokenPrompt | null;
	/**
	 * Every prompt played since the caller was last told, in order. A PIN entry can play "the
	 * leader PIN is locked" and then "please wait in the lobby" in one answer.
	 */
	prompts: SpokenPrompt[];
	music: 'lobby' | 'none';
	meetingId: string | null;
	isLeader: boolean;
	muted: boolean;
	/** `*5`: the caller's hand is raised (Teams). */
	handRaised: boolean;
	/** In the lobby: the place the caller was last told (docs/rules.md, "Queue position"); else null. */
	lobbyPosition: number | null;
	reason: CallDisconnectReason | null;
}

export interface DialRequest {
	/** The caller's number as shown to others (masked per tenant setting); generated when absent. */
	phoneNumber?: string;
	/** Keys to press right after dialing, e.g. "4410273#" and "#" (not the leader). */
	keys?: string;
}

export interface DialAnswer {
	callId: string;
	/** Proves ownership of the call on reconnect (`call:resume`); keep it secret. */
	resumeToken: string;
	call: CallView;
}

// Monitors (dashboard, presenter view)

/** One meeting on the dashboard. Timers are computed by the viewer from the instants given. */
export interface MeetingSummary {
	meetingId: string;
	conferenceId: string;
	organizerName: string;
	status: 'waiting' | 'in-progress' | 'ended';
	lobbySize: number;
	participantCount: number;
	locked: boolean;
	openedAt: number;
	startedAt: number | null;
	/** Arrival of the longest-waiting lobby caller (the longest wait runs from here), or null. */
	lobbySince: number | null;
	/** The server that owns the meeting (LOBBY_NODE_ID), when several share one database; else null. */
	owner: string | null;
}

/** An event of a meeting's stream with its position; phone numbers masked as the tenant says. */
export interface TimelineEvent {
	seq: number;
	event: MeetingEvent;
}

/**
 * One meeting in full: its state as the domain sees it (phone numbers masked as the tenant says;
 * for viewers who are not signed in, always masked, with every user id left out and the
 * organizer's `userId` empty) and the sequence number it is current to. A viewer applies later events with the domain's
 * `evolveMeeting`, and asks for a new snapshot if a sequence number is skipped.
 */
export interface MeetingSnapshot {
	meeting: OpenedMeeting;
	seq: number;
	timeline: TimelineEvent[];
}

export type MonitorScope = { scope: 'all' } | { scope: 'meeting'; meetingId: string };

/** Changes to the all-meetings view since the last message; at most one message per 250 ms. */
export interface MeetingsDelta {
	upserts: MeetingSummary[];
	/** Meetings that ended since the last message. */
	ended: string[];
	at: number;
}

// Scenarios (the Scenarios page)

/** A scenario file the server can run live. */
export interface ScenarioInfo {
	file: string;
	name: string;
	description: string;
	rules: string[];
	steps: number;
	/** Set when the file does not parse: `line:column: message`. */
	problem: string | null;
	/**
	 * Set when a live run cannot play the file (a PIN written in it, a fault only virtual time can
	 * play): why, on which line, and the command that runs it in virtual time.
	 */
	notLive: string | null;
}

/** One checked expectation of a run. */
export interface ScenarioExpectationView {
	name: string;
	passed: boolean;
	message: string;
	at: number;
}

/** The live run, as the Scenarios page shows it. */
export interface LiveRunView {
	runId: string;
	file: string;
	name: string;
	description: string;
	rules: string[];
	status: 'preparing' | 'running' | 'paused' | 'passed' | 'failed' | 'stopped' | 'error';
	speed: number;
	/** Scenario time reached, ms from the start. */
	at: number;
	item: number;
	items: number;
	step: number;
	steps: number;
	/** What the last item did, in words. */
	last: string | null;
	expectations: ScenarioExpectationView[];
	/** The run's organizers and their live meetings, for the meeting view and presenter mode. */
	meetings: { organizer: string; displayName: string; conferenceId: string; meetingId: string | null }[];
	problem: string | null;
}

/** What a trainer can do to the live run. */
export type ScenarioControl =
	| { action: 'pause' }
	| { action: 'resume' }
	| { action: 'step' }
	| { action: 'stop' }
	| { action: 'speed'; speed: number };

export interface ClientToServerEvents {
	/**
	 * Asks for the server's status and subscribes to presence updates; sent on every (re)connect, so a
	 * client never relies on recovery.
	 */
	'status:get': (ack: Ack<{ status: ServerStatus }>) => void;

	/** Dials the bridge number as an anonymous phone caller; one call per socket. */
	'call:dial': (request: DialRequest, ack: Ack<DialAnswer>) => void;
	/** Presses DTMF keys (`0-9`, `*`, `#`), one or a string. */
	'call:keys': (request: { keys: string }, ack: Ack<{ call: CallView }>) => void;
	/** Hangs up. */
	'call:hangup': (ack: Ack<{ call: CallView }>) => void;
	/** Takes an existing call back after a reconnect (or a server restart). */
	'call:resume': (request: { callId: string; resumeToken: string }, ack: Ack<{ call: CallView }>) => void;

	/** Joins a meeting from the client as the signed-in user (S2, S4); identity comes from the session. */
	'client:join': (
		request: { conferenceId: string },
		ack: Ack<{ meetingId: string; participantId: string }>
	) => void;

	/** Leaves the meeting this connection joined from the client (closing the page does the same). */
	'client:leave': (ack: Ack) => void;

	/**
	 * The signed-in organizer, in his meeting as its leader, admits one waiting caller
	 * (`participantId`) or the whole lobby (no `participantId`). The server decides who may.
	 */
	'lobby:admit': (request: { meetingId: string; participantId?: string }, ack: Ack) => void;
	/** The signed-in organizer, in his meeting, declines one waiting caller; their call ends. */
	'lobby:decline': (request: { meetingId: string; participantId: string }, ack: Ack) => void;
	/**
	 * The signed-in organizer sets his meeting's options (Teams' Meeting options), replacing those set
	 * before; `{}` goes back to the meeting policy (docs/rules.md, "Meeting options").
	 */
	'lobby:options': (request: { meetingId: string; options: MeetingLobbyOptions }, ack: Ack) => void;

	/** The scenario files the server has. */
	'scenario:list': (ack: Ack<{ scenarios: ScenarioInfo[] }>) => void;
	/** The live run now (or null), then `scenario:state` on every change. */
	'scenario:subscribe': (ack: Ack<{ run: LiveRunView | null }>) => void;
	/** Starts a file live (administrators; it acts on stand-ins, never on real users), replacing any run. */
	'scenario:start': (
		request: { file: string; speed: number; paused?: boolean },
		ack: Ack<{ run: LiveRunView }>
	) => void;
	/** Pause, resume, single step, stop, or a new speed (administrators). */
	'scenario:control': (request: ScenarioControl, ack: Ack<{ run: LiveRunView }>) => void;

	/** Watches all meetings or one: a full snapshot in the answer, then deltas. */
	'monitor:subscribe': (
		request: MonitorScope,
		ack: Ack<
			| {
					meetings: MeetingSummary[];
					at: number;
					/** The servers of the cluster that are running (LOBBY_NODE_ID), this one included. */
					servers: string[];
			  }
			| { snapshot: MeetingSnapshot }
		>
	) => void;
	'monitor:unsubscribe': (request: MonitorScope, ack: Ack) => void;
}

export interface ServerToClientEvents {
	/** The number of connected clients changed (at most 4 a second, to those who asked with status:get). */
	'presence:updated': (presence: { connectedClients: number }) => void;
	/**
	 * A phone caller's state changed by something other than the caller's own request (admitted,
	 * disconnected, the leader-prompt wait ran out); a request's own answer carries its result.
	 */
	'call:state': (call: CallView) => void;
	/** Coalesced changes to the all-meetings view. */
	'monitor:meetings': (delta: MeetingsDelta) => void;
	/** The live scenario run changed (to those who subscribed). */
	'scenario:state': (run: LiveRunView) => void;
	/** New events of a watched meeting, in order. */
	'monitor:meeting': (update: { meetingId: string; events: TimelineEvent[] }) => void;
}

/** Between the servers of a cluster, through Socket.IO's PostgreSQL adapter (`contract/inter-server.ts`). */
export interface InterServerEvents {
	cluster: (message: ClusterMessage) => void;
	'cluster:ask': (question: ClusterQuestion, answer: (held: string[]) => void) => void;
}

/** What the server remembers about each socket. */
export interface SocketData {
	connectedAt: number;
	/** The phone call this socket owns, once dialed or resumed. */
	callId: string | null;
	/** The signed-in user from the handshake's session cookie; null for anonymous sockets. */
	userId: string | null;
	/** The session that signed the user in, re-checked before anything privileged; null when anonymous. */
	sessionId: string | null;
	/** When that session ends (ms since the epoch); null when anonymous. */
	sessionExpiresAt: number | null;
	/** The address per-client limits count this connection under (security/client-address.ts). */
	clientAddress: string;
	/** Whether an administrator's API token in the handshake lifted the per-client limits. */
	limitsLifted: boolean;
	/** The meeting this socket joined from the client, if any; it leaves when the socket goes. */
	clientParticipant: { meetingId: string; participantId: string } | null;
}
