import {
	admissionWaitsMs,
	decideMeeting,
	endTimerDue,
	lobbyPositionsDue,
	evolveMeeting,
	initialMeetingState,
	lobbyPolicyFrom,
	lobbyTimeoutDue,
	sameLobbyPolicy,
	type MeetingCommand,
	type MeetingDecision,
	type LobbyPolicy,
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
	FencedOffError,
	type EventStore,
	type StoredEvent,
	type StreamAppend
} from '../repositories/meeting-events.repository';
import type {
	HeldLease,
	LeaseOwner,
	MeetingLeasesRepository
} from '../repositories/meeting-leases.repository';
import { log } from '../log';
import {
	soloLink,
	type ClusterLink,
	type ClusterMessage,
	type CommittedStream,
	type ForwardOutcome
} from './inter-server';
import type { MeetingSnapshot, MeetingSummary } from '$lib/contract/events';
import { ServiceError } from '../service-error';
import { CommitRefusedError, GroupCommitWriter } from './group-commit';
import { noMetrics, type Clock, type IdSource, type Metrics, type Scheduler } from './ports';
import { eventFor, meetingFor, summaryOf, type Viewer } from './views';

/** Events of one meeting that just became durable, with the meeting's state after them. */
export interface CommittedEvents {
	meetingId: string;
	tenantId: string;
	/** Each event with its sequence number in the meeting's stream. */
	events: StoredEvent[];
	state: OpenedMeeting;
	/** The server that owns the meeting now; null for a server alone (nobody else to name). */
	owner: string | null;
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

/** A forwarded command reached a server that does not own the meeting (any more). */
class NotOwnerError extends Error {
	constructor(meetingId: string) {
		super(`This server does not own meeting ${meetingId}.`);
		this.name = 'NotOwnerError';
	}
}

interface LiveMeeting {
	readonly meetingId: string;
	readonly tenantId: string;
	/**
	 * The server that owns the meeting (holds its lease): this one decides and appends; any other
	 * one holds a copy kept current from the owner's commits, and forwards commands to the owner.
	 * Null while unknown (just lost): looked up in `meeting_leases` when needed.
	 */
	owner: string | null;
	/** The fencing token of this server's lease, while it is the owner. */
	token: number;
	/** Serialises the copy's updates from other servers (some reload from the log). */
	chain: Promise<void>;
	/** Decided state, including events still being committed (commands decide on this). */
	state: OpenedMeeting;
	/** State as of the last commit (what anyone has been told). */
	committed: OpenedMeeting;
	/** Sequence number of the last committed event. */
	committedSeq: number;
	nextSeq: number;
	/** After a failed append: rebuild from the database before deciding anything else. */
	stale: boolean;
	/** When its timers fall due, worked out for one decided state (`duesOf`); null: not yet. */
	due: MeetingDues | null;
}

/** When a meeting's timers fall due, on its own clock (null: not set), for one decided state. */
interface MeetingDues {
	readonly state: OpenedMeeting;
	/** Its lobby timeout (`ExpireLobbyWaits`). */
	readonly lobbyTimeout: number | null;
	/** Its end timer (`EndDueMeeting`; docs/rules.md, "Meeting end timers"). */
	readonly end: number | null;
	/** Its next queue-position telling (`TellLobbyPositions`; docs/rules.md, "Queue position"). */
	readonly positions: number | null;
}

/**
 * The meeting's timers for its current state. A state never changes, so they are worked out once
 * per state, not on every tick: a tick over a thousand meetings reads three numbers from each.
 */
function duesOf(meeting: LiveMeeting): MeetingDues {
	const { state } = meeting;
	if (meeting.due?.state === state) return meeting.due;
	meeting.due = {
		state,
		lobbyTimeout: lobbyTimeoutDue(state),
		end: endTimerDue(state)?.at ?? null,
		positions: lobbyPositionsDue(state)
	};
	return meeting.due;
}

/** How many times a command is decided again after another writer took its position. */
const CONFLICT_RETRIES = 3;

/** How the servers of a cluster share meetings (docs/architecture.md, "Several servers"). */
export interface LeaseOptions {
	/** How long a lease lasts without renewal: a server silent this long loses its meetings. */
	ttlMs: number;
	/** How often the leases are renewed and run-out ones looked for (a fraction of `ttlMs`). */
	renewMs: number;
	/** How long a command forwarded to a meeting's owner may wait for its answer. */
	forwardTimeoutMs: number;
	/**
	 * The server is alone on its database (PGlite: its directory is locked to one process): it takes
	 * every lease at start, whoever held it.
	 */
	alone: boolean;
}

export const DEFAULT_LEASE_OPTIONS: LeaseOptions = Object.freeze({
	ttlMs: 6000,
	renewMs: 2000,
	forwardTimeoutMs: 3000,
	alone: true
});

/** How many times a command is sent on to another owner before the caller hears `unavailable`. */
const FORWARD_ATTEMPTS = 3;

/**
 * Maps the tenant's settings and the organizer's to a meeting's, fixed when it opens:
 * `maxParticipants` and the lobby timeout (tenant), announcements (`EnableEntryExitNotifications`,
 * `EntryExitAnnouncementsType`), S6's PSTN-only start (the organizer's `AllowPSTNOnlyMeetings`),
 * the lobby policy (the organizer's meeting policy, else the Global one; a change reaches live
 * meetings as an event), and Lobby's queue positions (tenant; a change applies to meetings opened
 * after it).
 */
export function meetingSettingsFor(
	tenant: TenantRow,
	organizer: DialInOrganizer,
	lobbyPolicy: LobbyPolicy = lobbyPolicyFrom(tenant)
): MeetingSettings {
	return {
		maxParticipants: tenant.maxParticipants,
		lobbyTimeoutMinutes: tenant.lobbyTimeoutMinutes,
		announcements: !tenant.enableEntryExitNotifications
			? 'off'
			: tenant.entryExitAnnouncementsType === 'ToneOnly'
				? 'tone'
				: 'names',
		allowPstnOnly: organizer.allowPstnOnlyMeetings,
		lobbyPolicy,
		announceLobbyPosition: tenant.announceLobbyPosition,
		lobbyPositionRepeatSeconds: tenant.lobbyPositionRepeatSeconds
	};
}

export interface MeetingServiceDeps {
	events: EventStore;
	directory: DirectoryRepository;
	clock: Clock;
	ids: IdSource;
	scheduler: Scheduler;
	/** Joins, refusals, admissions and commits as they happen; none recorded when absent. */
	metrics?: Metrics;
	/** Leases on meetings, and the cluster's servers. */
	leases: MeetingLeasesRepository;
	/** This server's name in the cluster (LOBBY_NODE_ID): the owner column of its leases. */
	nodeId: string;
	/** How this server reaches the others; nobody when absent. */
	cluster?: ClusterLink;
	lease?: Partial<LeaseOptions>;
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
	private stopLeasing: (() => void) | null = null;
	private readonly metrics: Metrics;
	private readonly nodeId: string;
	private readonly cluster: ClusterLink;
	private readonly leaseOptions: LeaseOptions;
	/** Commands forwarded to other servers, waiting for their answer. */
	private readonly forwarded = new Map<string, (outcome: ForwardOutcome) => void>();
	private forwardCount = 0;
	private readonly takeOverListeners: ((meetingIds: readonly string[]) => void)[] = [];
	/** Set by `handOver`: this server is stopping and takes no meeting any more. */
	private handedOver = false;

	constructor(private readonly deps: MeetingServiceDeps) {
		this.metrics = deps.metrics ?? noMetrics;
		this.nodeId = deps.nodeId;
		this.cluster = deps.cluster ?? soloLink;
		this.leaseOptions = { ...DEFAULT_LEASE_OPTIONS, ...deps.lease };
		const writer = { owner: this.nodeId, leaseMs: this.leaseOptions.ttlMs };
		this.writer = new GroupCommitWriter(
			{ append: (batch) => deps.events.append(batch, writer) },
			(meetingIds) => this.poison(meetingIds),
			this.metrics,
			{ afterBatch: (streams) => this.publish(streams) }
		);
	}

	/**
	 * Rebuilds every meeting that had not ended from its events, so a restart loses nothing, and
	 * takes the lease of each that no running server holds; the others are followed as copies.
	 */
	async restore(): Promise<number> {
		const stored = await this.deps.events.loadLive();
		const ids = [...stored.keys()];
		const { alone, ttlMs } = this.leaseOptions;
		const owners = await this.deps.leases.owners(ids);
		const claimable = ids.filter((id) => this.claimable(owners.get(id)));
		const taken = new Map(
			(await this.deps.leases.claim(this.nodeId, ttlMs, claimable, alone)).map((l) => [l.meetingId, l.token])
		);
		for (const [meetingId, { tenantId, events }] of stored) {
			const state = replayMeeting(events);
			if (state.status === 'none' || state.status === 'ended') continue;
			const token = taken.get(meetingId);
			this.track(
				liveMeeting(
					meetingId,
					tenantId,
					state,
					events.at(-1)?.seq ?? 0,
					token !== undefined ? this.nodeId : (owners.get(meetingId)?.owner ?? null),
					token ?? 0
				)
			);
		}
		if (taken.size > 0) {
			const meetings = [...taken].map(([meetingId, token]) => ({ meetingId, token }));
			this.cluster.send({ kind: 'owners', from: this.nodeId, meetings });
		}
		return this.live.size;
	}

	/** This server's name in the cluster. */
	get node(): string {
		return this.nodeId;
	}

	/** Calls `listener` with the meetings this server has just taken over from another, until removed. */
	onTakenOver(listener: (meetingIds: readonly string[]) => void): () => void {
		this.takeOverListeners.push(listener);
		return () => {
			const i = this.takeOverListeners.indexOf(listener);
			if (i >= 0) this.takeOverListeners.splice(i, 1);
		};
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
				settings: meetingSettingsFor(
					tenant,
					organizer,
					await this.deps.directory.lobbyPolicyOf(tenant, organizer.meetingPolicyId)
				)
			},
			now
		);
		if (!decision.ok) throw new Error(decision.rejection.message);
		const state = decision.events.reduce(evolveMeeting, initialMeetingState) as OpenedMeeting;
		const meeting = liveMeeting(meetingId, organizer.tenantId, state, 0, this.nodeId, 1);
		this.track(meeting);
		meeting.nextSeq = 1 + decision.events.length;
		try {
			await this.writer.append(
				{ meetingId, tenantId: meeting.tenantId, firstSeq: 1, token: 1, events: decision.events, state },
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

	/**
	 * Follows a live meeting another writer opened, from its events: as a copy when a running server
	 * owns it, as its owner when nobody holds its lease (or this server did, before a restart).
	 */
	private async adopt(meetingId: string, tenantId: string): Promise<LiveMeeting> {
		const known = this.live.get(meetingId);
		if (known) return known;
		const { alone, ttlMs } = this.leaseOptions;
		const lease = (await this.deps.leases.owners([meetingId])).get(meetingId);
		let owner = lease?.owner ?? null;
		let token = 0;
		if (this.claimable(lease)) {
			// Taken before the events are read: every append of the last holder is in the log by then.
			const [held] = await this.deps.leases.claim(this.nodeId, ttlMs, [meetingId], alone);
			if (held) [owner, token] = [this.nodeId, held.token];
		}
		const events = await this.deps.events.load(meetingId);
		const state = replayMeeting(events);
		if (state.status === 'none')
			throw new EngineUnavailableError(new Error(`Meeting ${meetingId} has no events`));
		const seq = events.at(-1)?.seq ?? 0;
		const meeting = liveMeeting(meetingId, tenantId, state, seq, owner, token);
		if (state.status !== 'ended') this.track(meeting);
		return meeting;
	}

	/**
	 * Decides `command` for a live meeting at the engine's clock and makes its events durable.
	 * Resolves with the decision once the events are committed and every listener was told;
	 * a rejection (a rule said no) comes back as `{ ok: false }`, never as an exception.
	 * Throws EngineUnavailableError when the database does not accept the events.
	 *
	 * A meeting another server owns is decided there: the command is forwarded to its owner and the
	 * owner's decision comes back (the events reach this server's copy through the owner's commit
	 * message). An owner that does not answer and whose lease ran out is taken over, here.
	 */
	async execute(meetingId: string, command: MeetingCommand): Promise<MeetingDecision> {
		return this.decide(meetingId, command, false);
	}

	private async decide(
		meetingId: string,
		command: MeetingCommand,
		forwarded: boolean
	): Promise<MeetingDecision> {
		let conflicts = 0;
		let hops = 0;
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
			if (meeting.owner !== this.nodeId) {
				if (forwarded) throw new NotOwnerError(meetingId);
				if (hops++ >= FORWARD_ATTEMPTS) {
					throw new EngineUnavailableError(
						new Error('The server that holds this meeting did not answer, and its lease has not run out yet.')
					);
				}
				const decision = await this.forward(meeting, command);
				if (decision) return decision;
				continue;
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
					{
						meetingId,
						tenantId: meeting.tenantId,
						firstSeq,
						token: meeting.token,
						events: decision.events,
						state: meeting.state
					},
					(stream) => this.committed(meeting, stream)
				);
				if (command.type === 'JoinByPhone') this.metrics.joined('phone');
				else if (command.type === 'JoinFromClient') this.metrics.joined('client');
				return decision;
			} catch (error) {
				// Another server took the meeting over: from now on it decides; ask it.
				if (error instanceof FencedOffError) {
					this.lose(meeting);
					continue;
				}
				// Another writer took the position (or failed the shared batch): reload and decide again.
				if (error instanceof AppendConflictError && conflicts++ < CONFLICT_RETRIES) continue;
				throw error instanceof EngineUnavailableError ? error : new EngineUnavailableError(error);
			}
		}
	}

	/**
	 * Sends `command` to the meeting's owner and waits for its decision. Null when the command should
	 * be decided again here: the owner changed, or this server has just taken the meeting over.
	 */
	private async forward(meeting: LiveMeeting, command: MeetingCommand): Promise<MeetingDecision | null> {
		if (meeting.owner === null || !this.cluster.connected) {
			await this.findOwner(meeting);
			if (meeting.owner === this.nodeId || meeting.owner === null) return null;
			if (!this.cluster.connected) {
				throw new EngineUnavailableError(
					new Error(`This meeting is held by the server ${meeting.owner}, which this server cannot reach.`)
				);
			}
		}
		const to = meeting.owner!;
		const requestId = `${this.nodeId}/${++this.forwardCount}`;
		const outcome = await new Promise<ForwardOutcome | null>((resolve) => {
			const timer = setTimeout(() => {
				this.forwarded.delete(requestId);
				resolve(null);
			}, this.leaseOptions.forwardTimeoutMs);
			this.forwarded.set(requestId, (answer) => {
				clearTimeout(timer);
				this.forwarded.delete(requestId);
				resolve(answer);
			});
			this.cluster.send({
				kind: 'command',
				from: this.nodeId,
				to,
				requestId,
				meetingId: meeting.meetingId,
				command
			});
		});
		if (outcome?.ok) return outcome.decision;
		if (outcome && outcome.reason === 'unavailable') {
			throw new EngineUnavailableError(new Error(outcome.message));
		}
		// Not the owner any more, or no answer in time: ask the database who holds it now.
		if (meeting.owner === to) meeting.owner = null;
		await this.findOwner(meeting);
		return null;
	}

	/**
	 * Looks the meeting's owner up in `meeting_leases`, and takes the meeting over when its lease ran
	 * out (or nobody holds it).
	 */
	private async findOwner(meeting: LiveMeeting): Promise<void> {
		let lease;
		try {
			lease = (await this.deps.leases.owners([meeting.meetingId])).get(meeting.meetingId);
		} catch (error) {
			throw new EngineUnavailableError(error);
		}
		if (!this.claimable(lease) || this.handedOver) {
			meeting.owner = lease && lease.owner !== this.nodeId ? lease.owner : null;
			if (this.handedOver && meeting.owner === null)
				throw new EngineUnavailableError(
					new Error('This server is stopping; call again to reach another one.')
				);
			return;
		}
		const [held] = await this.deps.leases
			.claim(this.nodeId, this.leaseOptions.ttlMs, [meeting.meetingId], this.leaseOptions.alone)
			.catch((error: unknown) => {
				throw new EngineUnavailableError(error);
			});
		if (held) await this.takeOver([held]);
		else meeting.owner = lease?.owner ?? null;
	}

	/**
	 * Whether this server may take a meeting whose lease is `lease`: nobody holds it, it ran out, this
	 * server held it before (a restart under the same node id), or the server is alone on its database.
	 */
	private claimable(lease: LeaseOwner | undefined): boolean {
		return this.leaseOptions.alone || !lease || lease.expired || lease.owner === this.nodeId;
	}

	/** Tells every commit listener, in order; one that fails does not keep the others from hearing. */
	private tell(committed: CommittedEvents): void {
		for (const listener of this.listeners) {
			try {
				listener(committed);
			} catch (error) {
				log.error('A commit listener failed', error);
			}
		}
	}

	/** A command another server forwarded: decided here if this server owns the meeting, and answered. */
	private async serve(message: Extract<ClusterMessage, { kind: 'command' }>): Promise<void> {
		let outcome: ForwardOutcome;
		try {
			outcome = { ok: true, decision: await this.decide(message.meetingId, message.command, true) };
		} catch (error) {
			outcome =
				error instanceof NotOwnerError
					? { ok: false, reason: 'not-owner', message: error.message }
					: {
							ok: false,
							reason: 'unavailable',
							message:
								error instanceof EngineUnavailableError
									? error.message
									: 'The server that holds this meeting could not decide the command.'
						};
			if (!(error instanceof NotOwnerError) && !(error instanceof EngineUnavailableError))
				log.error('A forwarded command failed', error);
		}
		this.cluster.send({
			kind: 'answer',
			from: this.nodeId,
			to: message.from,
			requestId: message.requestId,
			outcome
		});
	}

	/**
	 * A message from another server of the cluster (through the `ClusterLink`). Never throws: a
	 * message this server cannot use is logged and dropped.
	 */
	receive(message: ClusterMessage): void {
		switch (message.kind) {
			case 'committed':
				for (const stream of message.streams) this.follow(stream, message.from);
				return;
			case 'owners':
				for (const { meetingId, token } of message.meetings) {
					const meeting = this.live.get(meetingId);
					if (!meeting) continue;
					if (meeting.owner === this.nodeId) {
						// A takeover older than this server's own lease (the message came late) changes nothing.
						if (token <= meeting.token) continue;
						// Taken from this server: its lease is stale, and its next append would be refused.
						this.lose(meeting);
					}
					meeting.owner = message.from;
				}
				return;
			case 'released':
				void this.sweep().catch(() => undefined);
				return;
			case 'command':
				if (message.to === this.nodeId) void this.serve(message);
				return;
			case 'answer':
				if (message.to === this.nodeId) this.forwarded.get(message.requestId)?.(message.outcome);
				return;
			default:
				return;
		}
	}

	/**
	 * Another server committed `stream`: the copy here follows it, in order (a gap, or a meeting this
	 * server has not seen, is read from the log), and the commit listeners hear of it as of a local
	 * commit, so callers and monitors on this server are told.
	 */
	private follow(stream: CommittedStream, from: string): void {
		const first = stream.events[0];
		if (!first) return;
		let meeting = this.live.get(stream.meetingId);
		if (!meeting) {
			// No state yet (`known` is false): the first message's events make it, or the log does.
			meeting = liveMeeting(
				stream.meetingId,
				stream.tenantId,
				initialMeetingState as OpenedMeeting,
				0,
				from,
				0
			);
			meeting.stale = first.seq !== 1 || first.event.type !== 'MeetingOpened';
			this.live.set(meeting.meetingId, meeting);
		}
		const target = meeting;
		target.chain = target.chain
			.then(() => this.applyFollowed(target, stream, from))
			.catch((error: unknown) => log.warn(`Could not follow meeting ${stream.meetingId}: ${String(error)}`));
	}

	private async applyFollowed(meeting: LiveMeeting, stream: CommittedStream, from: string): Promise<void> {
		const last = stream.events.at(-1)!.seq;
		if (meeting.owner === this.nodeId) {
			// Old news from the server that held it before (it arrived late), or this server's own.
			if (from === this.nodeId || last <= meeting.committedSeq) return;
			// Another server appended past what this server holds: it took the meeting over.
			this.lose(meeting);
		}
		meeting.owner = from;
		if (last <= meeting.committedSeq && !meeting.stale) return;
		let fresh: StoredEvent[];
		let state: MeetingState;
		if (!meeting.stale && stream.events[0]!.seq === meeting.committedSeq + 1) {
			fresh = stream.events;
			state = known(meeting) ? meeting.committed : initialMeetingState;
			for (const { event } of fresh) state = evolveMeeting(state, event);
		} else {
			// A gap (a message lost or overtaken), or a meeting first seen mid-way: the log has it all.
			const history = await this.deps.events.load(meeting.meetingId);
			fresh = history.filter((e) => e.seq > meeting.committedSeq);
			state = replayMeeting(history);
			meeting.stale = false;
			if (fresh.length === 0) return;
		}
		if (state.status === 'none') return;
		meeting.state = state;
		meeting.committed = state;
		meeting.committedSeq = fresh.at(-1)!.seq;
		meeting.nextSeq = meeting.committedSeq + 1;
		if (state.status === 'ended') this.untrack(meeting);
		else this.track(meeting);
		this.tell({
			meetingId: meeting.meetingId,
			tenantId: meeting.tenantId,
			events: fresh,
			state,
			owner: from
		});
	}

	/** Tells the other servers what this transaction committed: one message for all its meetings. */
	private publish(streams: readonly StreamAppend[]): void {
		if (!this.cluster.connected) return;
		const byMeeting = new Map<string, CommittedStream>();
		for (const s of streams) {
			let stream = byMeeting.get(s.meetingId);
			if (!stream)
				byMeeting.set(s.meetingId, (stream = { meetingId: s.meetingId, tenantId: s.tenantId, events: [] }));
			s.events.forEach((event, i) => stream.events.push({ seq: s.firstSeq + i, event }));
		}
		this.cluster.send({ kind: 'committed', from: this.nodeId, streams: [...byMeeting.values()] });
	}

	/** This server no longer owns the meeting: it becomes a copy, rebuilt from the log when next used. */
	private lose(meeting: LiveMeeting): void {
		if (meeting.owner !== this.nodeId) return;
		log.info(`Meeting ${meeting.meetingId} is now held by another server.`);
		meeting.owner = null;
		meeting.token = 0;
		meeting.stale = true;
	}

	/** This server took these leases: it rebuilds each meeting from the log and owns it from now. */
	private async takeOver(held: readonly HeldLease[]): Promise<void> {
		const taken: HeldLease[] = [];
		for (const { meetingId, token } of held) {
			const events = await this.deps.events.load(meetingId);
			const state = replayMeeting(events);
			const known = this.live.get(meetingId);
			if (state.status === 'none' || state.status === 'ended') {
				if (known) this.untrack(known);
				continue;
			}
			const seq = events.at(-1)?.seq ?? 0;
			const meeting =
				known ??
				liveMeeting(meetingId, (await this.deps.events.get(meetingId))?.tenantId ?? '', state, 0, null, 0);
			const before = meeting.committedSeq;
			meeting.owner = this.nodeId;
			meeting.token = token;
			meeting.state = state;
			meeting.committed = state;
			meeting.committedSeq = seq;
			meeting.nextSeq = seq + 1;
			meeting.stale = false;
			this.track(meeting);
			taken.push({ meetingId, token });
			// What the last owner committed but never told (it died first) is told now.
			const untold = events.filter((e) => e.seq > before);
			if (known && untold.length > 0) {
				const owner = this.ownerShown(meeting);
				this.tell({ meetingId, tenantId: meeting.tenantId, events: untold, state, owner });
			}
		}
		if (taken.length === 0) return;
		log.info(`Took over ${taken.length} meeting(s) whose server stopped renewing its lease.`);
		this.cluster.send({ kind: 'owners', from: this.nodeId, meetings: taken });
		const ids = taken.map((l) => l.meetingId);
		for (const listener of this.takeOverListeners) listener(ids);
	}

	/**
	 * Renews this server's leases (dropping any another server took), marks it live, and takes over a
	 * fair share of the meetings whose server stopped renewing.
	 */
	private async renewLeases(): Promise<void> {
		const { ttlMs } = this.leaseOptions;
		const leases = await this.deps.leases.renew(this.nodeId, ttlMs);
		const held = new Set(leases.map((l) => l.meetingId));
		for (const meeting of this.live.values()) {
			if (meeting.owner === this.nodeId && !held.has(meeting.meetingId)) this.lose(meeting);
		}
		// A lease this server holds on a meeting it had let go (it believed another took it): it is
		// still this server's, so it takes the meeting up again from the log.
		const orphaned = leases.filter((l) => {
			const meeting = this.live.get(l.meetingId);
			return meeting !== undefined && meeting.owner !== this.nodeId;
		});
		if (orphaned.length > 0) await this.takeOver(orphaned);
		await this.deps.leases.heartbeat(this.nodeId);
		await this.sweep();
	}

	/** Takes over this server's share of the live meetings whose lease ran out. */
	private async sweep(): Promise<void> {
		if (this.handedOver) return;
		const expired = await this.deps.leases.countExpired();
		if (expired === 0) return;
		const nodes = Math.max(1, (await this.deps.leases.liveNodes(this.leaseOptions.ttlMs)).length);
		const held = await this.deps.leases.claimExpired(
			this.nodeId,
			this.leaseOptions.ttlMs,
			Math.ceil(expired / nodes)
		);
		if (held.length > 0) await this.takeOver(held);
	}

	/** Renews the leases every `renewMs` (wall time) until `stop()` or `handOver()`. */
	startLeasing(): void {
		if (this.stopLeasing) return;
		let running = false;
		const timer = setInterval(() => {
			if (running) return;
			running = true;
			this.renewLeases()
				.catch((error: unknown) => log.warn(`Could not renew this server's meeting leases: ${String(error)}`))
				.finally(() => (running = false));
		}, this.leaseOptions.renewMs);
		timer.unref();
		let forgetting = 0;
		const cleanup = setInterval(() => {
			if (forgetting++ % 30 === 0) void this.deps.leases.forgetEnded().catch(() => undefined);
		}, this.leaseOptions.renewMs);
		cleanup.unref();
		void this.deps.leases.heartbeat(this.nodeId).catch(() => undefined);
		this.stopLeasing = () => {
			clearInterval(timer);
			clearInterval(cleanup);
		};
	}

	/**
	 * Shutdown in a cluster: stops taking work, makes everything decided durable, lets this server's
	 * leases run out at once and tells the others, which take its meetings over now.
	 */
	async handOver(): Promise<void> {
		this.handedOver = true;
		this.stopLeasing?.();
		this.stopLeasing = null;
		this.stopTicking?.();
		this.stopTicking = null;
		await this.writer.drain();
		const mine = [...this.live.values()].filter((m) => m.owner === this.nodeId);
		try {
			await this.deps.leases.release(this.nodeId);
			await this.deps.leases.leave(this.nodeId);
		} catch (error) {
			log.warn(`Could not hand this server's meetings over: ${String(error)}`);
			return;
		}
		for (const meeting of mine) this.lose(meeting);
		this.cluster.send({ kind: 'released', from: this.nodeId });
		if (mine.length > 0) log.info(`Handed ${mine.length} meeting(s) over to the other servers.`);
	}

	/** The servers of the cluster seen within a lease's time, this one included. */
	async servers(): Promise<string[]> {
		if (this.leaseOptions.alone) return [this.nodeId];
		const seen = await this.deps.leases.liveNodes(this.leaseOptions.ttlMs);
		return seen.includes(this.nodeId) ? seen : [...seen, this.nodeId].sort();
	}

	/** Every live meeting as the dashboard lists it, with the server that owns it. */
	summaries(): MeetingSummary[] {
		const shown: MeetingSummary[] = [];
		for (const m of this.live.values()) if (known(m)) shown.push(summaryOf(m.committed, this.ownerShown(m)));
		return shown;
	}

	/** The owner a listing shows: none for a server alone, where there is nobody else to name. */
	private ownerShown(meeting: LiveMeeting): string | null {
		return this.leaseOptions.alone ? null : meeting.owner;
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

	/**
	 * A changed meeting policy, or a policy granted to another organizer, reaches every live meeting
	 * of the tenant, this server's and the others', as a `LobbyPolicyChanged` in its log (docs/rules.md,
	 * "The lobby policy"): each gets `policyOf` its organizer, and meetings that already have it are
	 * left alone. A meeting that cannot take it now (its owner is changing) keeps the old policy and
	 * is named in the log.
	 */
	async applyLobbyPolicy(
		tenantId: string,
		policyOf: (organizerUserId: string) => LobbyPolicy
	): Promise<void> {
		const live: { meetingId: string; lobbyPolicy: LobbyPolicy }[] = [];
		for (const m of this.live.values()) {
			if (m.tenantId !== tenantId || !known(m) || m.committed.status === 'ended') continue;
			const lobbyPolicy = policyOf(m.committed.organizer.userId);
			if (!sameLobbyPolicy(m.committed.settings.lobbyPolicy, lobbyPolicy))
				live.push({ meetingId: m.meetingId, lobbyPolicy });
		}
		await Promise.all(
			live.map(async ({ meetingId, lobbyPolicy }) => {
				const decision = await this.execute(meetingId, { type: 'ChangeLobbyPolicy', lobbyPolicy }).catch(
					(error: unknown) => ({ ok: false as const, error })
				);
				if (!decision.ok)
					log.warn(`Meeting ${meetingId} kept its lobby policy`, {
						problem: 'error' in decision ? String(decision.error) : decision.rejection.code
					});
			})
		);
	}

	/**
	 * Every live meeting of the tenant gets its organizer's meeting policy as the directory holds it
	 * now (a named one granted to him, else Global), as an event in its log where it changed.
	 */
	async followLobbyPolicies(tenantId: string): Promise<void> {
		const tenant = await this.deps.directory.tenant(tenantId);
		if (!tenant) return;
		const granted = await this.deps.directory.grantedLobbyPolicies(tenantId);
		const global = lobbyPolicyFrom(tenant);
		await this.applyLobbyPolicy(tenantId, (userId) => granted.get(userId) ?? global);
	}

	/** The committed state of a live meeting (what has been told), or null. */
	state(meetingId: string): OpenedMeeting | null {
		const meeting = this.live.get(meetingId);
		return meeting && known(meeting) ? meeting.committed : null;
	}

	/** A live meeting's committed state with the sequence number it is current to, or null. */
	snapshot(meetingId: string): { state: OpenedMeeting; seq: number } | null {
		const meeting = this.live.get(meetingId);
		return meeting && known(meeting) ? { state: meeting.committed, seq: meeting.committedSeq } : null;
	}

	/** Every live meeting's committed state, those other servers own included. */
	liveMeetings(): OpenedMeeting[] {
		const states: OpenedMeeting[] = [];
		for (const m of this.live.values()) if (known(m)) states.push(m.committed);
		return states;
	}

	/** The live meetings this server owns (its metrics count these, so a cluster's sum is right). */
	ownedMeetings(): OpenedMeeting[] {
		return [...this.live.values()].filter((m) => m.owner === this.nodeId && known(m)).map((m) => m.committed);
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
		await this.runDue('lobbyTimeout', 'ExpireLobbyWaits');
	}

	/**
	 * Ends the meetings this server owns whose end timer ran out (docs/rules.md, "Meeting end
	 * timers"): once, on the owner, on the meeting's own clock.
	 */
	async endDueMeetings(): Promise<void> {
		await this.runDue('end', 'EndDueMeeting');
	}

	/**
	 * Tells waiting callers their place in the lobby again where their meeting repeats it
	 * (docs/rules.md, "Queue position"): once, on the owner, on the meeting's own clock.
	 */
	async tellLobbyPositions(): Promise<void> {
		await this.runDue('positions', 'TellLobbyPositions');
	}

	/**
	 * Runs `type` on every meeting this server owns whose `timer` has fallen due, all chosen at the
	 * same instant first; the domain decides what is due exactly.
	 */
	private async runDue(
		timer: 'lobbyTimeout' | 'end' | 'positions',
		type: 'ExpireLobbyWaits' | 'EndDueMeeting' | 'TellLobbyPositions'
	): Promise<void> {
		const now = this.deps.clock.now();
		const due: string[] = [];
		for (const meeting of this.live.values()) {
			if (meeting.owner !== this.nodeId) continue;
			const at = duesOf(meeting)[timer];
			if (at !== null && now >= at) due.push(meeting.meetingId);
		}
		await Promise.all(due.map((id) => this.execute(id, { type }).catch(() => undefined)));
	}

	/** Checks lobby timeouts, end timers and queue positions every `intervalMs` until `stop()`. */
	startTicking(intervalMs = 1000): void {
		if (this.stopTicking) return;
		const tick = () => {
			this.stopTicking = this.deps.scheduler.after(intervalMs, () => {
				void Promise.all([this.expireLobbyWaits(), this.endDueMeetings(), this.tellLobbyPositions()]).finally(
					tick
				);
			});
		};
		tick();
	}

	/** Stops the timers and waits until everything decided so far is durable (or failed). */
	async stop(): Promise<void> {
		this.stopTicking?.();
		this.stopTicking = null;
		this.stopLeasing?.();
		this.stopLeasing = null;
		for (const answer of this.forwarded.values())
			answer({ ok: false, reason: 'unavailable', message: 'This server is stopping.' });
		await this.writer.drain();
	}

	private committed(meeting: LiveMeeting, stream: StreamAppend): void {
		// Read from the state before the events; recorded once everyone was told (the lobby first).
		const waits = admissionWaitsMs(meeting.committed, stream.events);
		meeting.committed = stream.state;
		meeting.committedSeq = stream.firstSeq + stream.events.length - 1;
		if (stream.state.status === 'ended' && this.live.get(meeting.meetingId) === meeting)
			this.untrack(meeting);
		this.tell({
			meetingId: meeting.meetingId,
			tenantId: meeting.tenantId,
			events: stream.events.map((event, i) => ({ seq: stream.firstSeq + i, event })),
			state: stream.state,
			owner: this.ownerShown(meeting)
		});
		for (const ms of waits) this.metrics.admitted(ms / 1000);
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

/** A live meeting current to position `seq` (nothing decided past it), owned by `owner`. */
function liveMeeting(
	meetingId: string,
	tenantId: string,
	state: OpenedMeeting,
	seq: number,
	owner: string | null,
	token: number
): LiveMeeting {
	return {
		meetingId,
		tenantId,
		owner,
		token,
		chain: Promise.resolve(),
		state,
		committed: state,
		committedSeq: seq,
		nextSeq: seq + 1,
		stale: false,
		due: null
	};
}

/** Whether this server holds any state of the meeting yet (a copy first heard of may not). */
function known(meeting: LiveMeeting): boolean {
	return (meeting.committed as MeetingState).status !== 'none';
}

function replayMeeting(events: readonly StoredEvent[]): MeetingState {
	let state: MeetingState = initialMeetingState;
	for (const { event } of events) state = evolveMeeting(state, event as MeetingEvent);
	return state;
}
