/**
 * Turns the domain's states and events into what the wire carries (src/lib/contract/events.ts),
 * masking caller numbers as the tenant's `MaskPstnNumbersType` says, and for viewers who are not
 * signed in, always, and without user ids (`Viewer`).
 */
import type { MeetingEvent, OpenedMeeting } from '$lib/domain';
import type { MeetingSummary } from '$lib/contract/events';

/**
 * Masks a phone number, keeping its first three and last two digits and its layout:
 * `+46 8 123 45 67` becomes `+46 8 ••• •• 67` (Teams' MaskPstnNumbersType).
 */
export function maskPhoneNumber(number: string): string {
	const digits = number.replace(/\D/g, '').length;
	let seen = 0;
	return number.replace(/\d/g, (d) => {
		seen += 1;
		return seen <= 3 || seen > digits - 2 ? d : '•';
	});
}

/** The dashboard line of a meeting. */
export function summaryOf(state: OpenedMeeting, owner: string | null = null): MeetingSummary {
	return {
		meetingId: state.meetingId,
		conferenceId: state.conferenceId,
		organizerName: state.organizer.displayName,
		status: state.status,
		lobbySize: state.lobby.length,
		participantCount: state.participants.length,
		locked: state.locked,
		openedAt: state.openedAt,
		startedAt: state.startedAt ?? null,
		lobbySince: state.lobby[0]?.arrivedAt ?? null,
		owner
	};
}

/** A meeting's state with every caller's number masked. */
export function maskMeeting(state: OpenedMeeting): OpenedMeeting {
	return {
		...state,
		lobby: state.lobby.map((c) => ({ ...c, phoneNumber: maskPhoneNumber(c.phoneNumber) })),
		participants: state.participants.map((p) =>
			p.phoneNumber === undefined
				? p
				: {
						...p,
						phoneNumber: maskPhoneNumber(p.phoneNumber),
						displayName: p.displayName === p.phoneNumber ? maskPhoneNumber(p.phoneNumber) : p.displayName
					}
		)
	};
}

/** An event with any caller's number masked. */
export function maskEvent(event: MeetingEvent): MeetingEvent {
	switch (event.type) {
		case 'CallerEnteredLobby':
			return { ...event, phoneNumber: maskPhoneNumber(event.phoneNumber) };
		case 'ParticipantJoined':
			if (event.phoneNumber === undefined) return event;
			return {
				...event,
				phoneNumber: maskPhoneNumber(event.phoneNumber),
				displayName:
					event.displayName === event.phoneNumber ? maskPhoneNumber(event.phoneNumber) : event.displayName
			};
		default:
			return event;
	}
}

/**
 * Who watches a meeting: `anonymous` viewers (trainees on the projector, phones) see conference IDs
 * and names, which they need to dial in, but never a user id, and caller numbers masked whatever
 * the tenant says; `signed-in` viewers see numbers as the tenant's MaskPstnNumbersType says.
 */
export type Viewer = 'anonymous' | 'signed-in';

/** The organizer as anonymous viewers see them: the name, and an empty user id. */
function anonymousOrganizer(organizer: OpenedMeeting['organizer']): OpenedMeeting['organizer'] {
	return { userId: '', displayName: organizer.displayName };
}

/** A meeting as `viewer` sees it; `masked` is the tenant's setting. */
export function meetingFor(state: OpenedMeeting, viewer: Viewer, masked: boolean): OpenedMeeting {
	if (viewer === 'signed-in') return masked ? maskMeeting(state) : state;
	const shown = maskMeeting(state);
	return {
		...shown,
		organizer: anonymousOrganizer(shown.organizer),
		participants: shown.participants.map(({ userId: _userId, ...participant }) => participant)
	};
}

/** An event as `viewer` sees it; `masked` is the tenant's setting. */
export function eventFor(event: MeetingEvent, viewer: Viewer, masked: boolean): MeetingEvent {
	if (viewer === 'signed-in') return masked ? maskEvent(event) : event;
	const shown = maskEvent(event);
	switch (shown.type) {
		case 'MeetingOpened':
			return { ...shown, organizer: anonymousOrganizer(shown.organizer) };
		case 'ParticipantJoined': {
			const { userId: _userId, ...joined } = shown;
			return joined;
		}
		default:
			return shown;
	}
}
