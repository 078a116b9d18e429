/**
 * The join and leave tones presenter mode plays for a meeting's events, as the people in the meeting
 * would hear them: no tone where the meeting's announcements are off (`EnableEntryExitNotifications`
 * false). Lobby departures, which the meeting does not hear, still get the leave tone so the room
 * notices a caller giving up.
 */
import type { MeetingEvent } from '$lib/domain';

export type Cue = 'join' | 'leave';

/** The tone for `event`, or null when it makes none. */
export function cueFor(event: MeetingEvent): Cue | null {
	switch (event.type) {
		case 'ParticipantJoined':
		case 'LobbyAdmitted':
		case 'CallerAdmitted':
			return event.announcement === 'off' ? null : 'join';
		case 'ParticipantLeft':
			return event.announcement === 'off' ? null : 'leave';
		case 'CallerDeclined':
		case 'CallerLeftLobby':
		case 'LobbyCallersDisconnected':
			return 'leave';
		case 'MeetingEnded':
			return event.disconnectedParticipantIds.length > 0 ? 'leave' : null;
		case 'MeetingOpened':
		case 'CallerEnteredLobby':
		case 'MeetingStarted':
		case 'ParticipantMuteChanged':
		case 'MeetingLockChanged':
		case 'HandRaiseChanged':
		case 'AudienceMuted':
		case 'AnnouncementsChanged':
		case 'LobbyPolicyChanged':
		case 'MeetingOptionsChanged':
		case 'LobbyPositionsTold':
		case 'KeypadHelpPlayed':
			return null;
		default: {
			const never: never = event;
			return never;
		}
	}
}

/**
 * Lets one tone of a kind through per `gapMs`: a meeting start brings a join and an admission at
 * once, and a burst of callers should not stack chimes on top of each other.
 */
export class CueThrottle {
	private readonly last = new Map<Cue, number>();

	constructor(private readonly gapMs = 400) {}

	/** True when `cue` may play at `now` (and records that it did). */
	admit(cue: Cue, now: number): boolean {
		const before = this.last.get(cue);
		if (before !== undefined && now - before < this.gapMs) return false;
		this.last.set(cue, now);
		return true;
	}
}
