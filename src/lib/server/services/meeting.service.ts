import {
	admissionWaitsMs,
	decideMeeting,
	evolveMeeting,
	initialMeetingState,
	longestWaitMs,
	type MeetingCommand,
	type MeetingDecision,
	type MeetingEvent,
	type MeetingRejectionCode,
	type MeetingSettings,
	type MeetingState,
	type OpenedMeeting
} from '$lib/domain';
import type { MeetingRow, TenantRow } from '../db/schema';
import type { DialInOrganizer, DirectoryRepository } from '../repositories/directory.repository';
import {
	AppendConflictError,
	type MeetingEventsRepository,
	type StoredEvent,
	type StreamAppend
} from '../repositories/meeting-events.repository';
import type { MeetingSnapshot } from '$lib/contract/events';
import { ServiceError } from '../service-error';
import { CommitRefusedError, GroupCommitWriter } from './group-commit';
import { noMetrics, type Clock, type IdSource, type Metrics, type Scheduler } from './ports';
import { eventFor, meetingFor, type Viewer } from './views';

/** Events of one meeting that just became durable, with the meeting's state after them. */
export interface CommittedEvents {
	meetingId: string;
	tenantId: string;
	/** Each event with its sequence number in the meeting's stream. */
	events: StoredEvent[];
	state: OpenedMeeting;
}

/** Told, in commit order, of everything that becomes durable; the notifier and the call flow listen. */
export type CommitListener = (committed: CommittedEvents) => void;

/**
 * The engine could not make a change durable (the database is down, or kept conflicting): a
 * ServiceError `unavailable`. A class of its own only while the call flow tells it apart with
 * `instanceof` (same bundle); edges recognise it with `isServiceError` like any other.
 */
export class EngineUnavailableError extends ServiceError {
	constructor(cause: unknown) {
		super(
			'unavailable',
			cause instanceof CommitRefusedError
				? cause.message
				: 'The change could not be saved: the database did not accept it. Try again.',
			{ cause }
		);
		this.name = 'EngineUnavailableError';
	}
}

interface LiveMeeting {
	readonly meetingId: string;
	readonly tenantId: string;
	/** Decided state, including events still being committed (commands decide on this). */
	state: OpenedMeeting;
	/** State as of the last commit (what anyone has been told). */
	committed: OpenedMeeting;
	/** Sequence number of the last committed event. */
	committedSeq: number;
	nextSeq: number;
	/** After a failed append: rebuild from the database before deciding anything else. */
	stale: boolean;
}

/** How many times a command is decided again after another writer took its position. */
const CONFLICT_RETRIES = 3;

/**
 * Maps the tenant's settings and the organizer's to a meeting's, fixed when it opens:
 * `maxParticipants` and the lobby timeout (tenant), announcements (`EnableEntryExitNotifications`,
 * `EntryExitAnnouncementsType`), and S6's PSTN-only start (the organizer's `AllowPSTNOnlyMeetings`).
 */
export function meetingSettingsFor(tenant: TenantRow, organizer: DialInOrganizer): MeetingSettings {
	return {
		maxParticipants: tenant.maxParticipants,
		lobbyTimeoutMinutes: tenant.lobbyTimeoutMinutes,
		announcements: !tenant.enableEntryExitNotifications
			? 'off'
			: tenant.entryExitAnnouncementsType === 'ToneOnly'
				? 'tone'
				: 'names',
		allowPstnOnly: organizer.allowPstnOnlyMeetings
	};
}

export interface MeetingServiceDeps {
	events: MeetingEventsRepository;
	directory: DirectoryRepository;
	clock: Clock;
	ids: IdSource;
	scheduler: Scheduler;
	/** Joins, refusals, admissions and commits as they happen; none recorded when absent. */
	metrics?: Metrics;
}

/**
 * The meeting engine. Every live meeting's state is held in memory and rebuilt from its events at
 * start-up; a command is decided by the pure domain on that state, its events are appended (group
 * commit: one transaction for everything decided meanwhile), and only once durable is anyone told:
 * the commit listeners run, in commit order, before the command's caller gets its answer.
 */
export class MeetingService {
	private readonly live = new Map<string, LiveMeeting>();
	private readonly liveByConference = new Map<string, string>();
	private readonly opening = new Map<string, Promise<LiveMeeting>>();
	private readonly listeners: CommitListener[] = [];
	private readonly writer: GroupCommitWriter;
	private stopTicking: (() => void) | null = null;
	private readonly metrics: Metrics;

	constructor(private readonly deps: MeetingServiceDeps) {
		this.metrics = deps.metrics ?? noMetrics;
		this.writer = new GroupCommitWriter(deps.events, (meetingIds) => this.poison(meetingIds), this.metrics);
	}

	/** Rebuilds every meeting that had not ended from its events, so a restart loses nothing. */
	async restore(): Promise<number> {
		const stored = await this.deps.events.loadLive();
		for (const [meetingId, { tenantId, events }] of stored) {
			const state = replayMeeting(events);
			if (state.status === 'none' || state.status === 'ended') continue;
			this.track({
				meetingId,
				tenantId,
				state,
				committed: state,
				committedSeq: events.at(-1)?.seq ?? 0,
				nextSeq: (events.at(-1)?.seq ?? 0) + 1,
				stale: false
			});
		}
		return this.live.size;
	}

	/** Registers a listener for durable events; returns a function that removes it. */
	onCommitted(listener: CommitListener): () => void {
		this.listeners.push(listener);
		return () => {
			const i = this.listeners.indexOf(listener);
			if (i >= 0) this.listeners.splice(i, 1);
		};
	}

	/** The live meeting a conference ID leads to now, if any. */
	liveMeetingFor(conferenceId: string): string | null {
		return this.liveByConference.get(conferenceId) ?? null;
	}

	/**
	 * The organizer behind a conference ID whose meeting is live, from memory: callers joining a
	 * busy meeting need no directory look-up. (A user disabled for dial-in meanwhile keeps the
	 * meeting that is running; the next one is refused.)
	 */
	liveOrganizer(conferenceId: string): DialInOrganizer | null {
		const meetingId = this.liveByConference.get(conferenceId);
		const meeting = meetingId ? this.live.get(meetingId) : undefined;
		if (!meeting || meeting.state.status === 'ended') return null;
		return {
			userId: meeting.state.organizer.userId,
			tenantId: meeting.tenantId,
			displayName: meeting.state.organizer.displayName,
			conferenceId,
			allowPstnOnlyMeetings: meeting.state.settings.allowPstnOnly
		};
	}

	/**
	 * The organizer's live meeting, opened in `waiting` when there is none: a conference ID leads to
	 * its owner's meeting, as a personal meeting room does; the next arrival after it ends opens a
	 * new one, with its own history.
	 */
	async openFor(organizer: DialInOrganizer): Promise<string> {
		const existing = this.liveByConference.get(organizer.conferenceId);
		if (existing) return existing;
		let pending = this.opening.get(organizer.conferenceId);
		if (!pending) {
			pending = this.open(organizer).finally(() => this.opening.delete(organizer.conferenceId));
			this.opening.set(organizer.conferenceId, pending);
		}
		return (await pending).meetingId;
	}

	private async open(organizer: DialInOrganizer, conflicts = 0): Promise<LiveMeeting> {
		const tenant = await this.deps.directory.tenant(organizer.tenantId);
		if (!tenant) throw new Error(`Tenant ${organizer.tenantId} not found for ${organizer.userId}`);
		const meetingId = this.deps.ids.meetingId();
		const now = this.deps.clock.now();
		const decision = decideMeeting(
			initialMeetingState,
			{
				type: 'OpenMeeting',
				meetingId,
				conferenceId: organizer.conferenceId,
				organizer: { userId: organizer.userId, displayName: organizer.displayName },
				settings: meetingSettingsFor(tenant, organizer)
			},
			now
		);
		if (!decision.ok) throw new Error(decision.rejection.message);
		const state = decision.events.reduce(evolveMeeting, initialMeetingState) as OpenedMeeting;
		const meeting: LiveMeeting = {
			meetingId,
			tenantId: organizer.tenantId,
			state,
			committed: state,
			committedSeq: 0,
			nextSeq: 1,
			stale: false
		};
		this.track(meeting);
		meeting.nextSeq = 1 + decision.events.length;
		try {
			await this.writer.append(
				{ meetingId, tenantId: meeting.tenantId, firstSeq: 1, events: decision.events, state },
				(stream) => this.committed(meeting, stream)
			);
		} catch (error) {
			// Never durable: forget it.
			this.untrack(meeting);
			if (error instanceof AppendConflictError && conflicts < CONFLICT_RETRIES) {
				// The shared batch failed: either another server opened this conference's meeting first
				// (then that one is the live meeting), or another meeting in the batch conflicted.
				const theirs = await this.deps.events.liveMeetingFor(organizer.conferenceId);
				if (theirs) return this.adopt(theirs.meetingId, theirs.tenantId);
				return this.open(organizer, conflicts + 1);
			}
			throw new EngineUnavailableError(error);
		}
		return meeting;
	}

	/** Takes over a live meeting another writer opened, from its events. */
	private async adopt(meetingId: string, tenantId: string): Promise<LiveMeeting> {
		const known = this.live.get(meetingId);
		if (known) return known;
		const events = await this.deps.events.load(meetingId);
		const state = replayMeeting(events);
		if (state.status === 'none')
			throw new EngineUnavailableError(new Error(`Meeting ${meetingId} has no events`));
		const seq = events.at(-1)?.seq ?? 0;
		const meeting: LiveMeeting = {
			meetingId,
			tenantId,
			state,
			committed: state,
			committedSeq: seq,
			nextSeq: seq + 1,
			stale: false
		};
		if (state.status !== 'ended') this.track(meeting);
		return meeting;
	}

	/**
	 * Decides `command` for a live meeting at the engine's clock and makes its events durable.
	 * Resolves with the decision once the events are committed and every listener was told;
	 * a rejection (a rule said no) comes back as `{ ok: false }`, never as an exception.
	 * Throws EngineUnavailableError when the database does not accept the events.
	 */
	async execute(meetingId: string, command: MeetingCommand): Promise<MeetingDecision> {
		let conflicts = 0;
		for (;;) {
			const meeting = this.live.get(meetingId);
			if (!meeting) {
				return {
					ok: false,
					rejection: {
						code: 'meeting-ended',
						message: 'This meeting has ended. Start a new meeting to meet again.'
					}
				};
			}
			if (meeting.stale) {
				await this.reload(meeting);
				continue;
			}
			const decision = decideMeeting(meeting.state, command, this.deps.clock.now());
			if (!decision.ok) this.metrics.rejected(command.type, decision.rejection.code);
			if (!decision.ok || decision.events.length === 0) return decision;
			const firstSeq = meeting.nextSeq;
			meeting.nextSeq += decision.events.length;
			let state: MeetingState = meeting.state;
			for (const event of decision.events) state = evolveMeeting(state, event);
			meeting.state = state as OpenedMeeting;
			try {
				await this.writer.append(
					{ meetingId, tenantId: meeting.tenantId, firstSeq, events: decision.events, state: meeting.state },
					(stream) => this.committed(meeting, stream)
				);
				if (command.type === 'JoinByPhone') this.metrics.joined('phone');
				else if (command.type === 'JoinFromClient') this.metrics.joined('client');
				return decision;
			} catch (error) {
				// Another writer took the position (or failed the shared batch): reload and decide again.
				if (error instanceof AppendConflictError && conflicts++ < CONFLICT_RETRIES) continue;
				throw error instanceof EngineUnavailableError ? error : new EngineUnavailableError(error);
			}
		}
	}

	/**
	 * Joins a meeting from the client as an authenticated user (S2, S4: this starts a waiting meeting
	 * with no PIN). The caller has established who the user is; this never takes identity from a payload.
	 */
	async joinFromClient(
		user: { id: string; displayName: string },
		conferenceId: string
	): Promise<
		| { ok: true; meetingId: string; participantId: string }
		| { ok: false; code: MeetingRejectionCode | 'not-found'; message: string }
	> {
		const organizer = /^\d{1,20}$/.test(conferenceId)
			? await this.deps.directory.organizerByConferenceId(conferenceId)
			: null;
		if (!organizer)
			return { ok: false, code: 'not-found', message: `No meeting has the conference ID ${conferenceId}.` };
		const participantId = this.deps.ids.participantId();
		for (let attempt = 0; attempt < 2; attempt++) {
			const meetingId = await this.openFor(organizer);
			const decision = await this.execute(meetingId, {
				type: 'JoinFromClient',
				participantId,
				userId: user.id,
				displayName: user.displayName
			});
			if (decision.ok) return { ok: true, meetingId, participantId };
			if (decision.rejection.code === 'meeting-ended' && attempt === 0) continue;
			return { ok: false, code: decision.rejection.code, message: decision.rejection.message };
		}
		return { ok: false, code: 'meeting-ended', message: 'The meeting ended while joining. Try again.' };
	}

	/** Meetings newest first, live and past, from the projection (for the meetings list and replay). */
	recent(limit = 100): Promise<MeetingRow[]> {
		return this.deps.events.list(Math.min(Math.max(limit, 1), 500));
	}

	/** A client participant leaves (S4's organizer too: the meeting goes on while others remain). */
	async leave(meetingId: string, participantId: string): Promise<void> {
		if (!this.live.has(meetingId)) return;
		await this.execute(meetingId, { type: 'Leave', participantId });
	}

	/** The committed state of a live meeting (what has been told), or null. */
	state(meetingId: string): OpenedMeeting | null {
		return this.live.get(meetingId)?.committed ?? null;
	}

	/** A live meeting's committed state with the sequence number it is current to, or null. */
	snapshot(meetingId: string): { state: OpenedMeeting; seq: number } | null {
		const meeting = this.live.get(meetingId);
		return meeting ? { state: meeting.committed, seq: meeting.committedSeq } : null;
	}

	/** Every live meeting's committed state. */
	liveMeetings(): OpenedMeeting[] {
		return [...this.live.values()].map((m) => m.committed);
	}

	/** The state and last sequence number a stored history leads to; null when it holds no meeting. */
	replay(history: readonly StoredEvent[]): { state: OpenedMeeting; seq: number } | null {
		const state = replayMeeting(history);
		return state.status === 'none' ? null : { state, seq: history.at(-1)?.seq ?? 0 };
	}

	/** A meeting's whole history from the event log (live or ended). */
	history(meetingId: string): Promise<StoredEvent[]> {
		return this.deps.events.load(meetingId);
	}

	/**
	 * One meeting, live or past, as `viewer` sees it: its state, the sequence number it is current to
	 * and its timeline up to there, caller numbers masked as the tenant says (`masked`, the tenant's
	 * MaskPstnNumbersType) and always for anonymous viewers. The meeting page's socket and
	 * `GET /api/v1/meetings/{id}` both answer with it. Null when there is no such meeting.
	 */
	async view(meetingId: string, viewer: Viewer, masked: boolean): Promise<MeetingSnapshot | null> {
		// The live state before the history: a subscriber that joined its room first gets every later
		// event from there, and skips those at or below `seq`.
		const live = this.snapshot(meetingId);
		const history = await this.history(meetingId);
		const current = live ?? this.replay(history);
		if (!current) return null;
		return {
			meeting: meetingFor(current.state, viewer, masked),
			seq: current.seq,
			timeline: history
				.filter((e) => e.seq <= current.seq)
				.map((e) => ({ seq: e.seq, event: eventFor(e.event, viewer, masked) }))
		};
	}

	/**
	 * Disconnects lobby callers who waited past the lobby timeout (ConfBridge `timeout`); runs on every
	 * tick of the engine's scheduler, and on demand in simulations.
	 */
	async expireLobbyWaits(): Promise<void> {
		const now = this.deps.clock.now();
		const due = [...this.live.values()].filter((m) => {
			const minutes = m.state.settings.lobbyTimeoutMinutes;
			return minutes > 0 && longestWaitMs(m.state, now) >= minutes * 60_000;
		});
		await Promise.all(
			due.map((m) => this.execute(m.meetingId, { type: 'ExpireLobbyWaits' }).catch(() => undefined))
		);
	}

	/** Checks lobby timeouts every `intervalMs` until `stop()`. */
	startTicking(intervalMs = 1000): void {
		if (this.stopTicking) return;
		const tick = () => {
			this.stopTicking = this.deps.scheduler.after(intervalMs, () => {
				void this.expireLobbyWaits().finally(tick);
			});
		};
		tick();
	}

	/** Stops the timers and waits until everything decided so far is durable (or failed). */
	async stop(): Promise<void> {
		this.stopTicking?.();
		this.stopTicking = null;
		await this.writer.drain();
	}

	private committed(meeting: LiveMeeting, stream: StreamAppend): void {
		for (const ms of admissionWaitsMs(meeting.committed, stream.events)) this.metrics.admitted(ms / 1000);
		meeting.committed = stream.state;
		meeting.committedSeq = stream.firstSeq + stream.events.length - 1;
		if (stream.state.status === 'ended' && this.live.get(meeting.meetingId) === meeting)
			this.untrack(meeting);
		const committed: CommittedEvents = {
			meetingId: meeting.meetingId,
			tenantId: meeting.tenantId,
			events: stream.events.map((event, i) => ({ seq: stream.firstSeq + i, event })),
			state: stream.state
		};
		for (const listener of this.listeners) listener(committed);
	}

	/**
	 * After a failed append the in-memory state may hold events that never became durable: mark the
	 * meetings so that the next command rebuilds them from the log first.
	 */
	private poison(meetingIds: readonly string[]): void {
		for (const meetingId of meetingIds) {
			const meeting = this.live.get(meetingId);
			if (meeting) meeting.stale = true;
		}
	}

	private async reload(meeting: LiveMeeting): Promise<void> {
		let events: StoredEvent[];
		try {
			events = await this.deps.events.load(meeting.meetingId);
		} catch (error) {
			throw new EngineUnavailableError(error);
		}
		if (!meeting.stale) return; // another command reloaded it meanwhile
		const state = replayMeeting(events);
		meeting.stale = false;
		if (state.status === 'none' || state.status === 'ended') {
			this.untrack(meeting);
			return;
		}
		meeting.state = state;
		meeting.committed = state;
		meeting.committedSeq = events.at(-1)?.seq ?? 0;
		meeting.nextSeq = meeting.committedSeq + 1;
	}

	private track(meeting: LiveMeeting): void {
		this.live.set(meeting.meetingId, meeting);
		this.liveByConference.set(meeting.state.conferenceId, meeting.meetingId);
	}

	private untrack(meeting: LiveMeeting): void {
		this.live.delete(meeting.meetingId);
		if (this.liveByConference.get(meeting.state.conferenceId) === meeting.meetingId) {
			this.liveByConference.delete(meeting.state.conferenceId);
		}
	}
}

function replayMeeting(events: readonly StoredEvent[]): MeetingState {
	let state: MeetingState = initialMeetingState;
	for (const { event } of events) state = evolveMeeting(state, event as MeetingEvent);
	return state;
}
