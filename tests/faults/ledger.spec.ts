import { describe, expect, it } from 'vitest';
import { positionsMoved, verifyLedger, type Acknowledgement, type LoggedEvent } from './ledger';

const M = 'm1';
function ack(
	confirmed: Acknowledgement['confirmed'],
	participantId: string,
	sentAt: number,
	ackedAt: number
): Acknowledgement {
	return { confirmed, meetingId: M, participantId, sentAt, ackedAt };
}
function event(seq: number, type: string, data: Record<string, unknown>): LoggedEvent {
	return { meetingId: M, seq, type, data };
}
const opened = event(1, 'MeetingOpened', {});

describe('the fault suite’s ledger', () => {
	it('given every acknowledgement in the log once and in order, when compared, then nothing is lost, doubled or out of order', () => {
		const verdict = verifyLedger(
			[
				ack('entered-lobby', 'a', 0, 1),
				ack('entered-lobby', 'b', 2, 3),
				ack('started', 'o', 4, 5),
				ack('admitted', 'a', 4, 6)
			],
			[
				opened,
				event(2, 'CallerEnteredLobby', { participantId: 'a' }),
				event(3, 'CallerEnteredLobby', { participantId: 'b' }),
				event(4, 'ParticipantJoined', { participantId: 'o' }),
				event(5, 'MeetingStarted', { participantId: 'o' }),
				event(6, 'LobbyAdmitted', { participantIds: ['a', 'b'] })
			]
		);
		expect(verdict).toMatchObject({ acknowledged: 4, lost: 0, doubled: 0, outOfOrder: 0, seqGaps: 0 });
	});

	it('given an acknowledged join missing from the log, then it is counted lost and named', () => {
		const verdict = verifyLedger([ack('entered-lobby', 'a', 0, 1)], [opened]);
		expect(verdict.lost).toBe(1);
		expect(verdict.examples[0]).toContain('lost: m1 entered-lobby a');
	});

	it('given an admission recorded twice, then it is counted doubled', () => {
		const verdict = verifyLedger(
			[ack('admitted', 'a', 0, 1)],
			[
				opened,
				event(2, 'CallerAdmitted', { participantId: 'a' }),
				event(3, 'LobbyAdmitted', { participantIds: ['a'] })
			]
		);
		expect(verdict.doubled).toBe(1);
	});

	it('given b asked after a was answered, when b sits before a in the log, then it is out of order', () => {
		const verdict = verifyLedger(
			[ack('entered-lobby', 'a', 0, 1), ack('entered-lobby', 'b', 2, 3)],
			[
				opened,
				event(2, 'CallerEnteredLobby', { participantId: 'b' }),
				event(3, 'CallerEnteredLobby', { participantId: 'a' })
			]
		);
		expect(verdict.outOfOrder).toBe(1);
	});

	it('given two requests in flight together, then either order in the log is fine', () => {
		const verdict = verifyLedger(
			[ack('entered-lobby', 'a', 0, 3), ack('entered-lobby', 'b', 1, 2)],
			[
				opened,
				event(2, 'CallerEnteredLobby', { participantId: 'a' }),
				event(3, 'CallerEnteredLobby', { participantId: 'b' })
			]
		);
		expect(verdict.outOfOrder).toBe(0);
	});

	it('given a hole in a meeting’s sequence numbers, then it is counted', () => {
		const verdict = verifyLedger([], [opened, event(3, 'CallerEnteredLobby', { participantId: 'a' })]);
		expect(verdict.seqGaps).toBe(1);
	});

	it('given the lobby order before and after a crash, then only callers who changed place count as moved', () => {
		expect(positionsMoved(['a', 'b', 'c'], ['a', 'c', 'd'])).toBe(0);
		expect(positionsMoved(['a', 'b', 'c'], ['b', 'a', 'c'])).toBe(2);
	});
});
