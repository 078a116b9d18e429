/**
 * What the servers of one cluster tell each other over Socket.IO's PostgreSQL adapter
 * (`serverSideEmit`; docs/architecture.md, "Several servers"). Only servers send and read these;
 * they are in the contract because they are a part of the one Socket.IO contract (`InterServerEvents`).
 */
import type { MeetingCommand, MeetingDecision, MeetingEvent } from '$lib/domain';

/** A meeting's events that just became durable on the server that owns it, with their positions. */
export interface CommittedStream {
	meetingId: string;
	tenantId: string;
	events: { seq: number; event: MeetingEvent }[];
}

/** A forwarded command's outcome: the owner's decision, or why there is none. */
export type ForwardOutcome =
	| { ok: true; decision: MeetingDecision }
	| { ok: false; reason: 'not-owner' | 'unavailable'; message: string };

export type ClusterMessage =
	/** The owner committed these streams (one message per group-commit transaction). */
	| { kind: 'committed'; from: string; streams: CommittedStream[] }
	/** `from` took these meetings over, with these tokens; commands for them go there now. */
	| { kind: 'owners'; from: string; meetings: { meetingId: string; token: number }[] }
	/** `from` is stopping and let its leases run out: take its meetings now. */
	| { kind: 'released'; from: string }
	/** A command for a meeting `to` owns, from a caller or participant connected to `from`. */
	| {
			kind: 'command';
			from: string;
			to: string;
			requestId: string;
			meetingId: string;
			command: MeetingCommand;
	  }
	/** The answer to `requestId`, for `to`, which forwarded it. */
	| { kind: 'answer'; from: string; to: string; requestId: string; outcome: ForwardOutcome }
	/** `from` now carries this call (the caller resumed there): whoever held it before lets go quietly. */
	| { kind: 'call-moved'; from: string; callId: string }
	/** An administrator changed the tenant's settings: every server reads them again. */
	| { kind: 'settings-changed'; from: string };

/** A question to every other server; each answers with the call ids it carries of those asked. */
export interface ClusterQuestion {
	kind: 'holding';
	callIds: string[];
}
