/**
 * What a run saw: every meeting event as it became durable, every phone caller's state as they were
 * told it, and every email, in order. It keeps the meetings' states for the expectations and writes
 * the run's event log: one line per fact, stamped with the run's offset, with people named by their
 * actor names. The log holds only what the scenario and its seed decide (no random ids, no wall
 * clock, no PIN), so the same file and seed give the same log, byte for byte.
 */
import { and, asc, eq, gt, gte, max } from 'drizzle-orm';
import type { LobbyPositionsTold, MeetingEvent, OpenedMeeting } from '$lib/domain';
import type { CallView } from '$lib/contract/events';
import { formatLogTime } from '$lib/scenario/scenario-time';
import type { Database } from '../db/index';
import { mailOutbox, type MailRow } from '../db/schema';
import type { CommittedEvents } from '../services/meeting.service';
import type { Notifier } from '../services/notifier';
import type { World } from './scenario-world';

/** What the run reads of a message in the outbox (never its body or PIN). */
const MAIL_COLUMNS = {
	seq: mailOutbox.seq,
	to: mailOutbox.toAddress,
	kind: mailOutbox.kind,
	subject: mailOutbox.subject,
	userId: mailOutbox.userId,
	createdAt: mailOutbox.createdAt,
	status: mailOutbox.status,
	attempts: mailOutbox.attempts
};

/** One meeting event as the run saw it. */
export interface SeenEvent {
	readonly meetingId: string;
	readonly event: MeetingEvent;
}

/** Everything one conference ID's meetings did during the run (a new meeting opens after one ends). */
export interface ConferenceRecord {
	/** The latest meeting's state: live, or as it ended. */
	latest: OpenedMeeting;
	/** Every event of every meeting of this conference ID, in commit order. */
	readonly events: SeenEvent[];
}

/** A message the run sent (the simulated mailbox, or the outbox of a simulated SMTP server), without its PIN. */
export interface SentMail {
	readonly seq: number;
	readonly at: number;
	readonly to: string;
	readonly kind: 'dial-in-enabled' | 'dial-in-disabled' | 'pin-reset';
	readonly subject: string;
	readonly userId: string | null;
	/** As of the last look: `mailbox`, or `queued`, `sent`, `failed` when the run delivers mail. */
	status: MailRow['status'];
	/** Delivery attempts so far, as of the last look. */
	attempts: number;
}

/** Watches one run; attach it to the meetings' commit listener and as the notifier. */
export class RunTracker implements Notifier {
	readonly log: string[] = [];
	readonly conferences = new Map<string, ConferenceRecord>();
	/** Every meeting opened in the run, latest state. */
	readonly meetings = new Map<string, OpenedMeeting>();
	readonly mails: SentMail[] = [];
	/** The last view each call was given (kept after the call ends: its reason). */
	private readonly views = new Map<string, CallView>();
	private readonly logged = new Map<string, string>();
	private readonly owners = new Map<string, string>();
	private readonly participants = new Map<string, string>();
	private readonly admitViews = new Map<string, CallView>();
	private mailSeq = 0;

	constructor(
		private readonly world: World,
		private readonly start: number,
		private readonly now: () => number,
		/** Shared services (live runs): only the world's tenant's meetings and the run's own calls count. */
		private readonly scope: { shared: boolean } = { shared: false }
	) {}

	/** Calls still connected: on a host of its own, every call; on shared services, the run's own. */
	liveCalls(calls: { isLive(callId: string): boolean; liveCount(): number }): number {
		if (!this.scope.shared) return calls.liveCount();
		let n = 0;
		for (const callId of this.owners.keys()) if (calls.isLive(callId)) n++;
		return n;
	}

	/** Whether a call is this run's to follow: every call on a host of its own; its own calls on shared services. */
	private follows(callId: string): boolean {
		return !this.scope.shared || this.owners.has(callId);
	}

	/** Writes one line to the log at the current time. */
	note(text: string, at = this.now()): void {
		this.log.push(`${formatLogTime(at - this.start)} ${text}`);
	}

	/** Names the actor a call belongs to, before it can appear in any event. */
	ownCall(callId: string, name: string): void {
		this.owners.set(callId, name);
	}

	/** The actor name of a participant id (a call or a client participant), else the id. */
	nameOf(participantId: string): string {
		return this.owners.get(participantId) ?? this.participants.get(participantId) ?? participantId;
	}

	/** The last view a call was given, or undefined when it never dialed. */
	lastView(callId: string): CallView | undefined {
		return this.views.get(callId);
	}

	/** How many calls of the run ended with `reason`, as their callers were last told. */
	callsEndedWith(reason: NonNullable<CallView['reason']>): number {
		let n = 0;
		for (const view of this.views.values()) if (view.phase === 'disconnected' && view.reason === reason) n++;
		return n;
	}

	/** The scenario's name for the meeting behind a conference ID (its organizer's actor name). */
	meetingNameOf(conferenceId: string): string {
		const record = this.conferences.get(conferenceId);
		return record ? this.meetingName(record.latest) : conferenceId;
	}

	/** Records a view a call was given (an answer to its own keys, or a push) and logs a change. */
	callView(callId: string, view: CallView): void {
		this.views.set(callId, view);
		const text = describeView(view);
		if (this.logged.get(callId) === text) return;
		this.logged.set(callId, text);
		this.note(`call ${this.nameOf(callId)}: ${text}`);
	}

	private readonly eventListeners: ((conferenceId: string, event: MeetingEvent) => void)[] = [];

	/** Tells `listener` every meeting event as it is committed, after it is logged. */
	onEvent(listener: (conferenceId: string, event: MeetingEvent) => void): void {
		this.eventListeners.push(listener);
	}

	/** The commit listener: meeting events in commit order. */
	committed({ meetingId, tenantId, events, state }: CommittedEvents): void {
		if (this.scope.shared && tenantId !== this.world.tenantId) return;
		this.meetings.set(meetingId, state);
		let record = this.conferences.get(state.conferenceId);
		if (!record) {
			record = { latest: state, events: [] };
			this.conferences.set(state.conferenceId, record);
		}
		record.latest = state;
		for (const { event } of events) {
			if (event.type === 'ParticipantJoined' && event.userId !== undefined && event.via === 'client') {
				this.participants.set(
					event.participantId,
					this.world.byUserId.get(event.userId) ?? event.displayName
				);
			}
			record.events.push({ meetingId, event });
			this.note(
				`meeting ${this.meetingName(state)} ${meetingId} ${event.type}${this.details(event, state)}`,
				event.at
			);
			if (event.type === 'LobbyAdmitted') {
				const view = this.admitViews.get(meetingId);
				if (view) for (const id of event.participantIds) this.callView(id, view);
			}
			for (const listener of this.eventListeners) listener(state.conferenceId, event);
		}
	}

	/** Mail written since the last look, logged and kept for the expectations. */
	async collectMail(db: Database): Promise<void> {
		const rows = await db
			.select(MAIL_COLUMNS)
			.from(mailOutbox)
			.where(and(gt(mailOutbox.seq, this.mailSeq), eq(mailOutbox.tenantId, this.world.tenantId)))
			.orderBy(asc(mailOutbox.seq));
		for (const row of rows) {
			this.mailSeq = Math.max(this.mailSeq, row.seq);
			const mail: SentMail = {
				seq: row.seq,
				at: row.createdAt.getTime(),
				to: row.to,
				kind: row.kind,
				subject: row.subject,
				userId: row.userId,
				status: row.status,
				attempts: row.attempts
			};
			this.mails.push(mail);
			this.note(`mail ${mail.kind} to ${mail.to}: "${mail.subject}"`, mail.at);
		}
	}

	/** Brings the delivery status and attempts of the run's mail up to date (the outbox moves them on). */
	async refreshMail(db: Database): Promise<void> {
		if (this.mails.length === 0) return;
		const first = this.mails[0]!.seq;
		const rows = await db
			.select({ seq: mailOutbox.seq, status: mailOutbox.status, attempts: mailOutbox.attempts })
			.from(mailOutbox)
			.where(and(gte(mailOutbox.seq, first), eq(mailOutbox.tenantId, this.world.tenantId)));
		const bySeq = new Map(rows.map((r) => [r.seq, r]));
		for (const mail of this.mails) {
			const row = bySeq.get(mail.seq);
			if (!row) continue;
			mail.status = row.status;
			mail.attempts = row.attempts;
		}
	}

	/** Mail written before the run started (setup) is not the run's. */
	async skipExistingMail(db: Database): Promise<void> {
		const [row] = await db.select({ seq: max(mailOutbox.seq) }).from(mailOutbox);
		this.mailSeq = Math.max(this.mailSeq, Number(row?.seq ?? 0));
	}

	// Notifier: what callers are told outside their own requests.

	callUpdated(callId: string, view: CallView): void {
		if (this.follows(callId)) this.callView(callId, view);
	}
	callJoinedLobby(): void {}
	callLeftLobby(callId: string, _meetingId: string, view: CallView): void {
		if (this.follows(callId)) this.callView(callId, view);
	}
	lobbyAdmitted(meetingId: string, view: CallView): void {
		// Told before the commit listener sees the LobbyAdmitted event, which names the callers.
		this.admitViews.set(meetingId, view);
	}
	callEnded(): void {}

	private meetingName(state: OpenedMeeting): string {
		return (
			this.world.byConference.get(state.conferenceId) ?? state.organizer.displayName.replace(/\s+/g, '.')
		);
	}

	private names(ids: readonly string[]): string {
		return ids.map((id) => this.nameOf(id)).join(', ');
	}

	private details(event: MeetingEvent, state: OpenedMeeting): string {
		switch (event.type) {
			case 'MeetingOpened':
				return ` conference ${event.conferenceId}, organizer ${event.organizer.displayName}${
					event.settings.allowPstnOnly ? ', PSTN-only allowed' : ''
				}`;
			case 'CallerEnteredLobby':
				return ` ${this.nameOf(event.participantId)} (${event.phoneNumber}), lobby ${state.lobby.length}`;
			case 'ParticipantJoined':
				return ` ${this.nameOf(event.participantId)} via ${event.via}${event.isLeader ? ' as leader' : ''}`;
			case 'MeetingStarted':
				return ` by ${event.startedBy} (${this.nameOf(event.participantId)})`;
			case 'LobbyAdmitted':
				return ` ${event.participantIds.length} by ${event.by}: ${this.names(event.participantIds)}`;
			case 'CallerAdmitted':
				return ` ${this.nameOf(event.participantId)}`;
			case 'CallerDeclined':
				return ` ${this.nameOf(event.participantId)} by ${this.nameOf(event.byParticipantId)}`;
			case 'CallerLeftLobby':
				return ` ${this.nameOf(event.participantId)} (${event.reason})`;
			case 'LobbyCallersDisconnected':
				return ` ${event.participantIds.length} (${event.reason}): ${this.names(event.participantIds)}`;
			case 'ParticipantLeft':
				return ` ${this.nameOf(event.participantId)}`;
			case 'ParticipantMuteChanged':
				return ` ${this.nameOf(event.participantId)} ${event.muted ? 'muted' : 'unmuted'}`;
			case 'MeetingLockChanged':
				return ` ${event.locked ? 'locked' : 'unlocked'} by ${this.nameOf(event.byParticipantId)}`;
			case 'KeypadHelpPlayed':
				return ` ${this.nameOf(event.participantId)}`;
			case 'MeetingEnded':
				return ` (${event.reason})`;
			case 'LobbyPolicyChanged':
				return ` ${JSON.stringify(event.lobbyPolicy)}`;
			case 'LobbyPositionsTold':
				return ` ${positionsOf(event, (id) => this.nameOf(id))}`;
			case 'MeetingOptionsChanged':
				return ` ${JSON.stringify(event.options)}`;
			case 'HandRaiseChanged':
				return ` ${this.nameOf(event.participantId)} ${event.raised ? 'raised' : 'lowered'} a hand`;
			case 'AudienceMuted':
				return ` by ${this.nameOf(event.byParticipantId)}: ${this.names(event.participantIds)}`;
			case 'AnnouncementsChanged':
				return ` ${event.enabled ? 'on' : 'off'} by ${this.nameOf(event.byParticipantId)}`;
			default: {
				const _exhaustive: never = event;
				return _exhaustive;
			}
		}
	}
}

/**
 * A call's state in a few words: `in the IVR (leader-choice)`, `in the lobby, music`, `in the
 * meeting as leader (joined)`, `disconnected (hung-up)`.
 */
export function describeView(view: CallView): string {
	switch (view.phase) {
		case 'ivr':
			return `in the IVR (${view.prompt?.id ?? view.step ?? ''})`;
		case 'lobby':
			return `in the lobby${view.music === 'lobby' ? ', music' : ''}`;
		case 'in-meeting':
			return `in the meeting${view.isLeader ? ' as leader' : ''}${view.muted ? ', muted' : ''} (${view.prompt?.id ?? ''})`;
		case 'disconnected':
			return `disconnected (${view.reason ?? 'unknown'})`;
		default: {
			const _exhaustive: never = view.phase;
			return _exhaustive;
		}
	}
}

/**
 * What `expect.events` may name an event by, after its type: who (`CallerEnteredLobby: alice`), or
 * how (`MeetingStarted: leader-pin`, `MeetingEnded: last-participant-left`); lists read
 * `LobbyAdmitted: alice, bob`, in order.
 */
export function eventSubjects(
	event: MeetingEvent,
	nameOf: (id: string) => string,
	organizer: string
): string[] {
	switch (event.type) {
		case 'MeetingOpened':
			return [organizer, event.conferenceId];
		case 'CallerEnteredLobby':
		case 'CallerAdmitted':
		case 'CallerDeclined':
		case 'CallerLeftLobby':
		case 'ParticipantLeft':
		case 'KeypadHelpPlayed':
			return [nameOf(event.participantId)];
		case 'ParticipantJoined':
			return [nameOf(event.participantId), event.via];
		case 'ParticipantMuteChanged':
			return [nameOf(event.participantId), event.muted ? 'muted' : 'unmuted'];
		case 'MeetingStarted':
			return [event.startedBy, nameOf(event.participantId)];
		case 'LobbyAdmitted':
			return [event.participantIds.map(nameOf).join(', '), event.by];
		case 'LobbyCallersDisconnected':
			return [event.participantIds.map(nameOf).join(', '), event.reason];
		case 'MeetingLockChanged':
			return [event.locked ? 'locked' : 'unlocked'];
		case 'MeetingEnded':
			return [event.reason];
		case 'LobbyPolicyChanged':
			return [event.lobbyPolicy.mode];
		case 'LobbyPositionsTold':
			return [positionsOf(event, nameOf)];
		case 'MeetingOptionsChanged':
			return [
				event.options.allowPstnUsersToBypassLobby === undefined
					? 'policy'
					: event.options.allowPstnUsersToBypassLobby
						? 'bypass'
						: 'no-bypass'
			];
		case 'HandRaiseChanged':
			return [nameOf(event.participantId), event.raised ? 'raised' : 'lowered'];
		case 'AudienceMuted':
			return [event.participantIds.map(nameOf).join(', '), nameOf(event.byParticipantId)];
		case 'AnnouncementsChanged':
			return [event.enabled ? 'on' : 'off'];
		default: {
			const _exhaustive: never = event;
			return _exhaustive;
		}
	}
}

/** `alice 1, bob 2`: who heard which place in the lobby. */
function positionsOf(event: LobbyPositionsTold, nameOf: (id: string) => string): string {
	return event.participantIds.map((id, i) => `${nameOf(id)} ${event.positions[i]}`).join(', ');
}
