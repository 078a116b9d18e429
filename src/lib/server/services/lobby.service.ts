/**
 * The organizer's hand on his lobby: admit one caller, admit everyone, or decline one, and for
 * anyone who may watch the meeting, why each caller still waits (docs/rules.md, "Admit one, admit
 * all, decline" and "Why is this caller waiting?"). Who may act is decided here, from the acting
 * principal, for every door alike: the meeting view, presenter mode, the join page, the API and the
 * CLI only pass the actor on.
 */
import { explainLobby, leaderInMeeting, type MeetingCommand, type MeetingLobbyOptions } from '$lib/domain';
import type { LobbyExplainedJson } from '$lib/contract/api';
import { describeWait, type Translate } from '$lib/format/wait-explanation';
import { format } from '$lib/i18n/catalog';
import { meeting } from '$lib/i18n/messages/meeting';
import { ServiceError } from '../service-error';
import type { Actor } from './audit.service';
import type { MeetingService } from './meeting.service';
import type { Clock } from './ports';
import { maskPhoneNumber, type Viewer } from './views';

/** Who to admit: one waiting caller, or the whole lobby in arrival order (S10). */
export type Admission = { readonly participantId: string } | 'all';

/** The English words, as the API and the `lobby` command give them. */
const english: Translate = (key, params) => format(meeting.en[key], params);

export interface LobbyServiceDeps {
	meetings: MeetingService;
	clock: Clock;
}

export class LobbyService {
	constructor(private readonly deps: LobbyServiceDeps) {}

	/**
	 * Admits one caller or the whole lobby, as the organizer in his meeting. Refused unless `actor`
	 * is signed in, is the meeting's organizer, and is in it as its leader (by PIN or from the client).
	 */
	async admit(actor: Actor, meetingId: string, who: Admission): Promise<void> {
		const leader = this.leaderFor(actor, meetingId, 'admit');
		await this.run(
			meetingId,
			who === 'all'
				? { type: 'AdmitLobby', byParticipantId: leader }
				: { type: 'AdmitCaller', byParticipantId: leader, participantId: who.participantId }
		);
	}

	/** Declines one waiting caller, as the organizer in his meeting; the caller's call ends. */
	async decline(actor: Actor, meetingId: string, participantId: string): Promise<void> {
		const leader = this.leaderFor(actor, meetingId, 'decline');
		await this.run(meetingId, { type: 'DeclineCaller', byParticipantId: leader, participantId });
	}

	/**
	 * Sets the meeting's options (Teams' Meeting options, docs/rules.md "Meeting options") as its
	 * organizer, signed in, whether or not he is in the meeting yet; refused for anyone else.
	 * `options` replaces those set before; `{}` goes back to the meeting policy.
	 */
	async setOptions(actor: Actor, meetingId: string, options: MeetingLobbyOptions): Promise<void> {
		if (actor.userId === null || actor.role === 'anonymous')
			throw new ServiceError('unauthenticated', "Sign in as the meeting's organizer to change its options.");
		const state = this.deps.meetings.state(meetingId);
		if (!state) throw new ServiceError('not-found', `There is no live meeting ${meetingId}.`);
		if (state.organizer.userId !== actor.userId)
			throw new ServiceError(
				'forbidden',
				`Only the organizer, ${state.organizer.displayName}, can change this meeting's options.`
			);
		await this.run(meetingId, { type: 'SetMeetingOptions', byUserId: actor.userId, options });
	}

	/**
	 * Why each caller in a live meeting's lobby waits. Open to every viewer, as the meeting view is,
	 * with the callers' numbers masked as it masks them (`masked`, the tenant's MaskPstnNumbersType,
	 * and always for anonymous viewers).
	 */
	explain(meetingId: string, viewer: Viewer, masked: boolean): LobbyExplainedJson {
		const state = this.deps.meetings.state(meetingId);
		if (!state) throw new ServiceError('not-found', `There is no live meeting ${meetingId}.`);
		const at = this.deps.clock.now();
		const hide = masked || viewer === 'anonymous';
		return {
			meetingId,
			conferenceId: state.conferenceId,
			status: state.status,
			at,
			lobby: explainLobby(state, at).map((e) => ({
				...e,
				phoneNumber: hide ? maskPhoneNumber(e.phoneNumber) : e.phoneNumber,
				...describeWait(e, english, at)
			}))
		};
	}

	/** The participant id the organizer acts as, or the refusal that says what is missing. */
	private leaderFor(actor: Actor, meetingId: string, verb: 'admit' | 'decline'): string {
		if (actor.userId === null || actor.role === 'anonymous') {
			throw new ServiceError(
				'unauthenticated',
				`Sign in as the meeting's organizer to ${verb} callers from its lobby.`
			);
		}
		const state = this.deps.meetings.state(meetingId);
		if (!state) throw new ServiceError('not-found', `There is no live meeting ${meetingId}.`);
		if (state.organizer.userId !== actor.userId) {
			throw new ServiceError(
				'forbidden',
				`Only the organizer, ${state.organizer.displayName}, can ${verb} callers from this meeting's lobby.`
			);
		}
		const leader = leaderInMeeting(state, actor.userId);
		if (!leader) {
			throw new ServiceError(
				'not-in-meeting',
				`Join your meeting first, by phone with your leader PIN or from the client: the organizer ${verb}s callers from inside it.`
			);
		}
		return leader.participantId;
	}

	private async run(meetingId: string, command: MeetingCommand): Promise<void> {
		const decision = await this.deps.meetings.execute(meetingId, command);
		if (!decision.ok) throw new ServiceError(decision.rejection.code, decision.rejection.message);
	}
}
