/**
 * "Why is this caller waiting?" in words (docs/rules.md): the domain's `WaitExplanation` as the
 * meeting view, presenter mode, the API and the `lobby` command say it, in the language `translate`
 * speaks. Shared by the browser and the server, so every door says the same.
 */
import type { WaitExplanation } from '$lib/domain';
import type { Params } from '$lib/i18n/catalog';
import type { meeting } from '$lib/i18n/messages/meeting';
import { formatDuration } from './duration';

type MeetingKey = keyof (typeof meeting)['en'];

/** A translation of the meeting catalog's keys, such as the pages' `t`. */
export type Translate = (key: MeetingKey, params?: Params) => string;

/** The explanation in three sentences: the gate, what lets the caller in, and the timeout if any. */
export interface WaitWords {
	why: string;
	letsIn: string;
	/** When the lobby timeout will send the caller away, from `now`; null when it never does. */
	timesOut: string | null;
	/** For a meeting not started yet: whether its start lets the caller in; null otherwise. */
	whenStarted: string | null;
}

export function describeWait(explanation: WaitExplanation, translate: Translate, now: number): WaitWords {
	// Under the Teams lobby without PSTN bypass, starting the meeting comes first, then admission.
	const thenAdmitted = explanation.atStart === 'waits';
	const remedies = explanation.remedies
		.filter((r) => !thenAdmitted || r !== 'leader-admits')
		.map((r) => translate(`meeting.wait.remedy.${r}`))
		.join(translate('meeting.wait.or'));
	return {
		why: translate(`meeting.wait.gate.${explanation.gate}`),
		letsIn: translate(thenAdmitted ? 'meeting.wait.startThenAdmit' : 'meeting.wait.letsIn', { remedies }),
		whenStarted:
			explanation.atStart === null
				? null
				: explanation.atStart === 'admitted' && explanation.mode === 'teams'
					? translate('meeting.wait.atStart.bypassWaits')
					: translate(`meeting.wait.atStart.${explanation.atStart}`),
		timesOut:
			explanation.timesOutAt === null
				? null
				: translate('meeting.wait.timesOut', { time: formatDuration(explanation.timesOutAt - now) })
	};
}
