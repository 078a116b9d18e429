/**
 * What presenter mode draws: the lobby and the meeting as two groups of tokens, and the phase the
 * meeting is in, read from the same `OpenedMeeting` the domain builds. Kept pure so the diagram's
 * rules (who stands where, when the lobby hears music) are specified apart from the page.
 */
import type { JoinedVia, OpenedMeeting } from '$lib/domain';

/** One person on the diagram. `id` is the participant id, which stays the same when a caller is admitted. */
export interface Token {
	readonly id: string;
	/** What the room sees: the (masked) caller number, or the display name. */
	readonly label: string;
	readonly via: JoinedVia;
	readonly isLeader: boolean;
	readonly muted: boolean;
	/** When they arrived in this group (lobby: arrival; meeting: join), server time in ms. */
	readonly since: number;
}

/**
 * Where the meeting stands, for the meeting area's headline:
 * - `waiting-for-leader`: S5, callers wait in the lobby until the organizer's PIN or a client join (S4);
 * - `waiting-for-first-caller`: S6, the organizer allows PSTN-only meetings, so any caller starts it;
 * - `in-progress` and `ended` as the domain says.
 */
export type Phase = 'waiting-for-leader' | 'waiting-for-first-caller' | 'in-progress' | 'ended';

/** The whole diagram. Both groups keep the domain's order: lobby by arrival (S10), meeting by join. */
export interface Stage {
	readonly phase: Phase;
	readonly lobby: readonly Token[];
	readonly meeting: readonly Token[];
	readonly locked: boolean;
	/** S5: lobby callers hear music (every `CallerEnteredLobby` carries `music: true`). */
	readonly lobbyMusic: boolean;
}

export function phaseOf(meeting: OpenedMeeting): Phase {
	switch (meeting.status) {
		case 'waiting':
			return meeting.settings.allowPstnOnly ? 'waiting-for-first-caller' : 'waiting-for-leader';
		case 'in-progress':
			return 'in-progress';
		case 'ended':
			return 'ended';
		default: {
			const never: never = meeting.status;
			return never;
		}
	}
}

/**
 * S5: music plays in the lobby while anyone waits there and the meeting is not over. That is before
 * the start, and also in a started meeting that is locked (`*7`), whose late callers wait in the lobby.
 */
export function lobbyMusicPlays(meeting: OpenedMeeting | null): boolean {
	return meeting !== null && meeting.status !== 'ended' && meeting.lobby.length > 0;
}

/** The diagram of `meeting`: who waits in the lobby and who is in the meeting. */
export function stageOf(meeting: OpenedMeeting): Stage {
	return {
		phase: phaseOf(meeting),
		lobby: meeting.lobby.map((c) => ({
			id: c.participantId,
			label: c.phoneNumber,
			via: 'phone',
			isLeader: false,
			muted: false,
			since: c.arrivedAt
		})),
		meeting: meeting.participants.map((p) => ({
			id: p.participantId,
			// As the narration names them: a caller by number, the leader and client users by name.
			label: p.via === 'phone' && !p.isLeader && p.phoneNumber ? p.phoneNumber : p.displayName,
			via: p.via,
			isLeader: p.isLeader,
			muted: p.muted,
			since: p.joinedAt
		})),
		locked: meeting.locked,
		lobbyMusic: lobbyMusicPlays(meeting)
	};
}
