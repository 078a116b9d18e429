import { connect, must, nextCallState, type Client } from '../helpers/clients';

/** The organizer the fuzzers never touch: Amos Marble, his conference ID and the PIN the suite sets. */
export const ORGANIZER = {
	email: 'amos.marble@contoso.com',
	alias: 'amos.marble',
	conferenceId: '4410273',
	pin: '48213'
};

/** The address the honest caller and organizer connect from, apart from every fuzzing client. */
export const HONEST_ADDRESS = '127.0.0.250';

/**
 * S10 told by an honest caller: dial into the organizer's lobby and wait there. Answers the second
 * half, in which the organizer dials in with the leader PIN and the lobby is admitted; it resolves
 * with the milliseconds the whole story took, and throws when any step fails.
 */
export async function callerWaitsInLobby(url: string): Promise<() => Promise<number>> {
	const started = Date.now();
	const caller = await connect(url, { localAddress: HONEST_ADDRESS });
	const sockets: Client[] = [caller];
	try {
		await must(caller.timeout(20_000).emitWithAck('call:dial', { keys: `${ORGANIZER.conferenceId}#` }));
		const waiting = await must(caller.timeout(20_000).emitWithAck('call:keys', { keys: '#' }));
		if (waiting.call.phase !== 'lobby')
			throw new Error(`The caller is not in the lobby: ${JSON.stringify(waiting.call)}`);
	} catch (error) {
		caller.disconnect();
		throw error;
	}
	return async () => {
		try {
			const admitted = nextCallState(caller, (v) => v.phase === 'in-meeting', 20_000);
			const organizer = await connect(url, { localAddress: HONEST_ADDRESS });
			sockets.push(organizer);
			const led = await must(
				organizer
					.timeout(20_000)
					.emitWithAck('call:dial', { keys: `${ORGANIZER.conferenceId}#*${ORGANIZER.pin}#` })
			);
			if (led.call.phase !== 'in-meeting' || !led.call.isLeader) {
				throw new Error(`The organizer did not lead the meeting: ${JSON.stringify(led.call)}`);
			}
			const view = await admitted;
			if (view.prompt?.id !== 'admitted')
				throw new Error(`The caller was not admitted: ${JSON.stringify(view)}`);
			// Both hang up, so the meeting ends and the next story opens a new one.
			for (const socket of [caller, organizer]) await must(socket.timeout(20_000).emitWithAck('call:hangup'));
			return Date.now() - started;
		} finally {
			for (const socket of sockets) socket.disconnect();
		}
	};
}

/** The whole S10 story at once. */
export async function s10Story(url: string): Promise<number> {
	const organizerDialsIn = await callerWaitsInLobby(url);
	return organizerDialsIn();
}
