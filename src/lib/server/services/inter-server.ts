/**
 * What the servers of one cluster tell each other (docs/architecture.md, "Several servers"). The
 * services speak these messages through the `ClusterLink` port; the Socket.IO layer carries them
 * with `serverSideEmit` over Socket.IO's PostgreSQL adapter (`realtime/cluster-link.ts`), so
 * PostgreSQL is the one engine the servers share. A server alone (PGlite, or before its socket
 * server exists) has the `soloLink`, which reaches nobody.
 */
import type { ClusterMessage, ClusterQuestion } from '$lib/contract/inter-server';

export type {
	ClusterMessage,
	ClusterQuestion,
	CommittedStream,
	ForwardOutcome
} from '$lib/contract/inter-server';

/** How a server reaches the others. */
export interface ClusterLink {
	/** Sends to every other server of the cluster (none when alone). */
	send(message: ClusterMessage): void;
	/**
	 * Asks every other server and answers with what those that answered in time hold (a server that
	 * stopped does not answer, and is not waited for past a short timeout).
	 */
	ask(question: ClusterQuestion): Promise<string[]>;
	/** Whether other servers can be reached at all (false when alone). */
	readonly connected: boolean;
}

/** A server alone: nobody to tell. */
export const soloLink: ClusterLink = { send: () => {}, ask: async () => [], connected: false };

/**
 * The link the services hold: it sends through whichever transport is attached (the Socket.IO
 * server's, once it exists), to nobody before that, like `NotifierHub`.
 */
export class ClusterHub implements ClusterLink {
	private target: ClusterLink = soloLink;

	get connected(): boolean {
		return this.target.connected;
	}

	send(message: ClusterMessage): void {
		this.target.send(message);
	}

	ask(question: ClusterQuestion): Promise<string[]> {
		return this.target.ask(question);
	}

	/** Sends through `target` until the returned function detaches it. */
	attach(target: ClusterLink): () => void {
		this.target = target;
		return () => {
			if (this.target === target) this.target = soloLink;
		};
	}
}
