/**
 * Captions for presenter mode: the meeting's timeline told as sentences (`narrate`), kept current
 * as events arrive. One `Cast` lives across updates so a caller admitted minutes after dialing in is
 * still named by number; a new snapshot (reconnect) or a change of language tells the story again.
 */
import type { TimelineEvent } from '$lib/contract/events';
import { Cast, narrate, type Narration, type Translate } from '$lib/client/narrate';

/** What one update brought. */
export interface CaptionUpdate {
	/** Sentences for events not told before, in order; empty after a retelling. */
	readonly fresh: readonly Narration[];
	/** True when the whole story was told again (first snapshot, reconnect, new language). */
	readonly retold: boolean;
}

/** How many sentences are kept; the screen shows only the newest few. */
const KEEP = 20;

export class CaptionFeed {
	private cast = new Cast();
	private told: Narration[] = [];
	private lastSeq = -1;
	private firstSeq: number | null = null;
	private context: string | null = null;

	/**
	 * Tells what is new in `timeline` (the whole timeline of one meeting, in order). `context` names
	 * the meeting and language: when it changes, the story is told again from the start.
	 */
	update(timeline: readonly TimelineEvent[], t: Translate, context: string): CaptionUpdate {
		const first = timeline[0]?.seq ?? null;
		const last = timeline.at(-1)?.seq ?? -1;
		const reset = context !== this.context || first !== this.firstSeq || last < this.lastSeq;
		if (reset) {
			this.cast = new Cast();
			this.told = narrate(timeline, t, this.cast).slice(-KEEP);
			this.lastSeq = last;
			this.firstSeq = first;
			this.context = context;
			return { fresh: [], retold: true };
		}
		let from = timeline.length;
		while (from > 0 && timeline[from - 1]!.seq > this.lastSeq) from--;
		if (from === timeline.length) return { fresh: [], retold: false };
		const fresh = narrate(timeline.slice(from), t, this.cast);
		this.lastSeq = last;
		this.told = [...this.told, ...fresh].slice(-KEEP);
		return { fresh, retold: false };
	}

	/** The newest `count` sentences, oldest first. */
	recent(count: number): readonly Narration[] {
		return count <= 0 ? [] : this.told.slice(-count);
	}
}
