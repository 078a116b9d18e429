/**
 * Carries the services' cluster messages (`services/inter-server.ts`) between servers with Socket.IO's
 * `serverSideEmit`, over the PostgreSQL adapter: what one server commits, forwards or asks reaches
 * every other server of the cluster (docs/architecture.md, "Several servers").
 */
import type { ClusterNode } from '../services/index';
import { log } from '../log';
import type { LobbyServer } from './socket-server';

/** Links `node` to the other servers through `io`; the returned function unlinks it. */
export function attachCluster(io: LobbyServer, node: ClusterNode): () => void {
	io.on('cluster', (message) => {
		try {
			node.receive(message);
		} catch (error) {
			log.error('A message from another server could not be used', error);
		}
	});
	io.on('cluster:ask', (question, answer) => {
		try {
			answer(node.answer(question));
		} catch (error) {
			log.error('A question from another server could not be answered', error);
			answer([]);
		}
	});
	return node.hub.attach({
		connected: true,
		send: (message) => io.serverSideEmit('cluster', message),
		ask: (question) =>
			// Answered once every server the adapter knows has answered, or after its timeout (5 s)
			// with the answers that came: a server that stopped is not waited for longer.
			new Promise((resolve) => {
				io.serverSideEmit('cluster:ask', question, (_error: Error | null, answers: string[][]) =>
					resolve((answers ?? []).flat())
				);
			})
	});
}
