/**
 * Which committed meeting events become which webhook events, and the body each delivery carries
 * (docs/webhooks.md): phone numbers masked unless the tenant says NoMasking, never a PIN, never a
 * user id. Pure: the webhook service queues what this answers.
 */
import { createHash } from 'node:crypto';
import type { MeetingEvent, OpenedMeeting, Participant } from '$lib/domain';
import type { WebhookEvent, WebhookParticipant, WebhookPayload } from '$lib/contract/webhooks';
import { maskPhoneNumber } from '../services/views';

/** One webhook event to queue: its type, its idempotency key and its body. */
export interface WebhookOccurrence {
	event: WebhookEvent;
	key: string;
	payload: WebhookPayload;
}

function phone(number: string | undefined, masked: boolean): string | null {
	if (number === undefined) return null;
	return masked ? maskPhoneNumber(number) : number;
}

/** A participant, or a joining or waiting caller as its event names it. */
function participantOf(
	p: Pick<Participant, 'participantId' | 'via' | 'displayName' | 'phoneNumber'>,
	masked: boolean
): WebhookParticipant {
	return {
		id: p.participantId,
		via: p.via,
		// A phone participant's name is its number (S6): masked like it.
		displayName: p.via === 'phone' ? phone(p.displayName, masked) : p.displayName,
		phoneNumber: phone(p.phoneNumber, masked)
	};
}

/** The webhook event a meeting event is, and what it says; null for those no webhook receives. */
function describe(
	event: MeetingEvent,
	state: OpenedMeeting,
	masked: boolean
): { event: WebhookEvent; data: Record<string, unknown> } | null {
	const find = (id: string) => state.participants.find((p) => p.participantId === id);
	switch (event.type) {
		case 'MeetingStarted':
			return { event: 'meeting.started', data: { startedBy: event.startedBy } };
		case 'MeetingEnded':
			return { event: 'meeting.ended', data: { reason: event.reason } };
		case 'CallerEnteredLobby':
			return {
				event: 'lobby.entered',
				data: {
					// A caller's name is its number (S6).
					participant: participantOf(
						{
							participantId: event.participantId,
							via: 'phone',
							displayName: event.phoneNumber,
							phoneNumber: event.phoneNumber
						},
						masked
					),
					...(event.position === undefined ? {} : { position: event.position })
				}
			};
		case 'LobbyAdmitted':
		case 'CallerAdmitted': {
			const ids = event.type === 'LobbyAdmitted' ? event.participantIds : [event.participantId];
			return {
				event: 'lobby.admitted',
				data: {
					by: event.type === 'LobbyAdmitted' ? event.by : 'leader',
					participants: ids.map((id) => {
						const p = find(id);
						return p ? participantOf(p, masked) : { id, via: 'phone', displayName: null, phoneNumber: null };
					})
				}
			};
		}
		case 'ParticipantJoined':
			return {
				event: 'participant.joined',
				data: {
					// Found in the state after the commit, unless they left in the same one.
					participant: participantOf(find(event.participantId) ?? event, masked),
					isLeader: event.isLeader
				}
			};
		case 'ParticipantLeft':
			return { event: 'participant.left', data: { participantId: event.participantId } };
		default:
			return null;
	}
}

/** The webhook events in one commit of a meeting's events, each with its `meetingId:seq` key. */
export function occurrencesOf(
	committed: {
		meetingId: string;
		events: readonly { seq: number; event: MeetingEvent }[];
		state: OpenedMeeting;
	},
	masked: boolean
): WebhookOccurrence[] {
	const { state } = committed;
	const meeting = {
		id: committed.meetingId,
		conferenceId: state.conferenceId,
		organizer: state.organizer.displayName
	};
	const out: WebhookOccurrence[] = [];
	for (const { seq, event } of committed.events) {
		const described = describe(event, state, masked);
		if (!described) continue;
		const key = `${committed.meetingId}:${seq}`;
		out.push({
			event: described.event,
			key,
			payload: {
				event: described.event,
				idempotencyKey: key,
				occurredAt: new Date(event.at).toISOString(),
				meeting,
				data: described.data
			}
		});
	}
	return out;
}

/** `pin.locked-out`: an organizer's leader PIN was locked after too many wrong entries. */
export function lockedOutOccurrence(
	organizer: { userId: string; displayName: string; conferenceId: string | null },
	at: number,
	failedAttempts: number
): WebhookOccurrence {
	// Keyed by the organizer without naming his user id, which never goes out.
	const who = createHash('sha256').update(organizer.userId).digest('hex').slice(0, 16);
	const key = `pin-locked:${who}:${at}`;
	return {
		event: 'pin.locked-out',
		key,
		payload: {
			event: 'pin.locked-out',
			idempotencyKey: key,
			occurredAt: new Date(at).toISOString(),
			meeting: null,
			data: {
				organizer: organizer.displayName,
				conferenceId: organizer.conferenceId,
				failedAttempts
			}
		}
	};
}
