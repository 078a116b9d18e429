/**
 * A meeting's timeline told in plain words, for the meeting view, replay and presenter captions:
 * "+46 8 ••• •• 67 dialed in and waits in the lobby; music is playing", "Amos Marble entered the
 * leader PIN: the meeting started and 2 callers were admitted". The join, start and admission that
 * happen together are told as one sentence, as a person would tell them.
 */
import type { TimelineEvent } from '$lib/contract/events';
import type { MeetingEvent } from '$lib/domain';
import type { MessageKey } from '$lib/i18n/i18n.svelte';
import type { Params } from '$lib/i18n/catalog';

export type Translate = (key: MessageKey, params?: Params) => string;

/** One sentence of the story, at the time and position of its first event. */
export interface Narration {
	seq: number;
	at: number;
	text: string;
	/** The kind of moment, for icons and sounds: someone waits, joins, leaves, or the meeting changes. */
	tone: 'lobby' | 'join' | 'leave' | 'start' | 'end' | 'info';
}

/** Names of everyone the timeline has met so far: display names, or the (masked) caller number. */
export class Cast {
	private readonly names = new Map<string, string>();

	learn(event: MeetingEvent): void {
		if (event.type === 'CallerEnteredLobby') this.names.set(event.participantId, event.phoneNumber);
		if (event.type === 'ParticipantJoined') {
			this.names.set(
				event.participantId,
				event.via === 'phone' && !event.isLeader && event.phoneNumber ? event.phoneNumber : event.displayName
			);
		}
	}

	name(participantId: string, t: Translate): string {
		return this.names.get(participantId) ?? t('meeting.someone');
	}
}

/** Tells `events` (in order) as sentences; `cast` remembers names across calls for live updates. */
export function narrate(events: readonly TimelineEvent[], t: Translate, cast = new Cast()): Narration[] {
	const told: Narration[] = [];
	for (let i = 0; i < events.length; i++) {
		const { seq, event } = events[i]!;
		cast.learn(event);
		const say = (text: string, tone: Narration['tone']) => told.push({ seq, at: event.at, text, tone });
		const who = (id: string) => cast.name(id, t);
		switch (event.type) {
			case 'MeetingOpened':
				say(
					t('meeting.story.opened', {
						organizer: event.organizer.displayName,
						conferenceId: event.conferenceId
					}),
					'info'
				);
				break;
			case 'CallerEnteredLobby':
				say(
					event.position === undefined
						? t('meeting.story.lobby', { who: event.phoneNumber })
						: t('meeting.story.lobbyAt', { who: event.phoneNumber, position: event.position }),
					'lobby'
				);
				break;
			case 'ParticipantJoined': {
				const next = events[i + 1]?.event;
				// The join that starts the meeting is told with the start.
				if (next?.type === 'MeetingStarted' && next.participantId === event.participantId) break;
				const key =
					event.via === 'client'
						? 'meeting.story.joinedClient'
						: event.isLeader
							? 'meeting.story.joinedLeader'
							: 'meeting.story.joinedPhone';
				say(t(key, { who: who(event.participantId) }), 'join');
				break;
			}
			case 'MeetingStarted': {
				const next = events[i + 1]?.event;
				const admitted =
					next?.type === 'LobbyAdmitted' && next.by === 'meeting-start' ? next.participantIds.length : 0;
				if (admitted) {
					cast.learn(next!);
					i++;
				}
				const key =
					event.startedBy === 'leader-pin'
						? 'meeting.story.startedPin'
						: event.startedBy === 'client'
							? 'meeting.story.startedClient'
							: 'meeting.story.startedPstn';
				const start = t(key, { who: who(event.participantId) });
				say(
					admitted ? `${start} ${t('meeting.story.andAdmitted', { count: admitted })}` : `${start}.`,
					'start'
				);
				break;
			}
			case 'LobbyAdmitted':
				say(
					t('meeting.story.admittedAll', {
						count: event.participantIds.length,
						who: who(event.byParticipantId)
					}),
					'join'
				);
				break;
			case 'CallerAdmitted':
				say(
					t('meeting.story.admittedOne', { who: who(event.participantId), by: who(event.byParticipantId) }),
					'join'
				);
				break;
			case 'CallerDeclined':
				say(
					t('meeting.story.declined', { who: who(event.participantId), by: who(event.byParticipantId) }),
					'leave'
				);
				break;
			case 'CallerLeftLobby':
				say(t('meeting.story.leftLobby', { who: who(event.participantId) }), 'leave');
				break;
			case 'LobbyCallersDisconnected':
				say(
					t(event.reason === 'lobby-timeout' ? 'meeting.story.lobbyTimeout' : 'meeting.story.lobbyEnded', {
						count: event.participantIds.length
					}),
					'leave'
				);
				break;
			case 'ParticipantLeft':
				say(t('meeting.story.left', { who: who(event.participantId) }), 'leave');
				break;
			case 'ParticipantMuteChanged':
				say(
					t(event.muted ? 'meeting.story.muted' : 'meeting.story.unmuted', { who: who(event.participantId) }),
					'info'
				);
				break;
			case 'MeetingLockChanged':
				say(
					t(event.locked ? 'meeting.story.locked' : 'meeting.story.unlocked', {
						who: who(event.byParticipantId)
					}),
					'info'
				);
				break;
			case 'KeypadHelpPlayed':
				say(t('meeting.story.help', { who: who(event.participantId) }), 'info');
				break;
			case 'HandRaiseChanged':
				say(
					t(event.raised ? 'meeting.story.handRaised' : 'meeting.story.handLowered', {
						who: who(event.participantId)
					}),
					'info'
				);
				break;
			case 'AudienceMuted':
				say(
					t('meeting.story.audienceMuted', {
						who: who(event.byParticipantId),
						count: event.participantIds.length
					}),
					'info'
				);
				break;
			case 'AnnouncementsChanged':
				say(
					t(event.enabled ? 'meeting.story.announcementsOn' : 'meeting.story.announcementsOff', {
						who: who(event.byParticipantId)
					}),
					'info'
				);
				break;
			case 'LobbyPolicyChanged':
				say(
					t(
						event.lobbyPolicy.mode === 'classic'
							? 'meeting.story.policyClassic'
							: event.lobbyPolicy.allowPstnUsersToBypassLobby
								? 'meeting.story.policyTeamsBypass'
								: 'meeting.story.policyTeamsAdmit'
					),
					'info'
				);
				break;
			case 'MeetingOptionsChanged': {
				const { allowPstnUsersToBypassLobby: bypass, autoAdmittedUsers: who } = event.options;
				if (bypass !== undefined)
					say(t(bypass ? 'meeting.story.optionsBypass' : 'meeting.story.optionsAdmit'), 'info');
				if (who !== undefined) say(t('meeting.story.optionsWho', { who }), 'info');
				if (bypass === undefined && who === undefined) say(t('meeting.story.optionsPolicy'), 'info');
				break;
			}
			case 'LobbyPositionsTold':
				say(t('meeting.story.positions', { count: event.participantIds.length }), 'info');
				break;
			case 'MeetingEnded':
				say(t(`meeting.story.ended.${event.reason}`), 'end');
				break;
			default: {
				const never: never = event;
				void never;
			}
		}
	}
	return told;
}
