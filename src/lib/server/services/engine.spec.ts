/**
 * The engine as the services run it: MeetingService, CallService and LeaderPinService built by the
 * production `createServices` on a real in-memory PGlite (no mocked database), on virtual time.
 * The socket-level walk through a whole meeting lives in tests/integration/meeting-flow.spec.ts;
 * this file covers what sockets cannot reach: group commit, a second writer, a dead database,
 * a restart, timers, PIN lockout, and what is (never) stored.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MeetingEvent } from '$lib/domain';
import type { DatabaseHandle } from '../db/index';
import { meetingEvents, meetings as meetingRows, users } from '../db/schema';
import { DEMO_TENANT_ID } from '../db/seed';
import { DirectoryRepository } from '../repositories/directory.repository';
import { MeetingLeasesRepository } from '../repositories/meeting-leases.repository';
import { Pin } from '../security/pin';
import { isServiceError } from '../service-error';
import {
	MeetingEventsRepository,
	type StoredEvent,
	type StreamAppend
} from '../repositories/meeting-events.repository';
import {
	callerInLobby,
	ManualTime,
	openSeededDatabase,
	startEngine,
	updateTenant,
	userByEmail,
	type Engine
} from './engine-test-kit';
import { EngineUnavailableError, type MeetingService } from './meeting.service';

const AMOS = { email: 'amos.marble@contoso.com', conferenceId: '4410273' };
const MEGAN = { email: 'megan.bowen@contoso.com', conferenceId: '5821946' };
const ASTRID = { email: 'astrid.lindqvist@contoso.com', conferenceId: '6390518' };
const LEE = { email: 'lee.gu@contoso.com', conferenceId: '7152834' };
const AMOS_PIN = '48213';

function types(history: readonly StoredEvent[]): string[] {
	return history.map((e) => e.event.type);
}

function eventsOf<T extends MeetingEvent['type']>(
	history: readonly StoredEvent[],
	type: T
): Extract<MeetingEvent, { type: T }>[] {
	return history.flatMap(({ event }) =>
		event.type === type ? [event as Extract<MeetingEvent, { type: T }>] : []
	);
}

/** Ends a meeting the way the simulator does, so the next spec on this database starts afresh. */
async function endMeeting(meetings: MeetingService, meetingId: string): Promise<void> {
	if (!meetings.state(meetingId)) return;
	const decision = await meetings.execute(meetingId, { type: 'EndMeeting', reason: 'ended-by-simulator' });
	expect(decision.ok).toBe(true);
}

/**
 * Ends every meeting the engine holds, bringing a stale one in line with the log first, so that a
 * failed spec does not leave a meeting behind for the next one on the same database.
 */
async function endLiveMeetings(engine: Engine | undefined): Promise<void> {
	if (!engine) return;
	const { meetings } = engine.services;
	for (const { meetingId } of meetings.liveMeetings()) {
		await meetings
			.execute(meetingId, { type: 'EndMeeting', reason: 'ended-by-simulator' })
			.catch(() => undefined);
	}
}

/**
 * Another server's writer: appends a caller of its own to the meeting at position `seq`, with the
 * projection state that follows, through its own repository on the same database.
 */
async function appendForeignCaller(
	database: DatabaseHandle,
	other: MeetingEventsRepository,
	meetings: MeetingService,
	meetingId: string,
	seq: number,
	participantId: string,
	at: number
): Promise<void> {
	const event: MeetingEvent = {
		type: 'CallerEnteredLobby',
		at,
		participantId,
		phoneNumber: '+46 8 300 00 01',
		music: true
	};
	const history = await other.load(meetingId);
	const after = meetings.replay([...history, { seq, event }]);
	if (!after) throw new Error(`No meeting ${meetingId} in the log`);
	// A writer holding the meeting's current lease: the position conflict, not the fencing, is what is tested.
	const lease = (await new MeetingLeasesRepository(database.db).owners([meetingId])).get(meetingId);
	if (!lease) throw new Error(`Meeting ${meetingId} has no lease`);
	const { owner, token } = lease;
	const refused = await other.append(
		[{ meetingId, tenantId: DEMO_TENANT_ID, firstSeq: seq, token, events: [event], state: after.state }],
		{ owner, leaseMs: 60_000 }
	);
	if (refused.size > 0) throw new Error(`The foreign append was refused: ${[...refused.values()].join()}`);
}

describe('group commit and a second writer on one database (S5, S10)', () => {
	let database: DatabaseHandle;
	let engine: Engine;

	beforeAll(async () => {
		database = await openSeededDatabase();
		engine = await startEngine(database);
	});

	afterEach(async () => {
		vi.restoreAllMocks();
		await endLiveMeetings(engine);
	});

	afterAll(async () => {
		await engine?.stop();
		await database?.close();
	});

	it('given 200 callers dialing Amos at once, when each answers "not the leader", then all wait in the lobby in arrival order, the log is numbered 1..n without gaps, and far fewer transactions than callers made it durable (S5, S10)', async () => {
		const { calls, meetings } = engine.services;
		const spy = vi.spyOn(MeetingEventsRepository.prototype, 'append');
		let views;
		let dialed: string[];
		const answered: string[] = [];
		let appends: StreamAppend[][];
		try {
			dialed = Array.from(
				{ length: 200 },
				(_, i) => calls.dial(`+46 8 200 ${String(i).padStart(3, '0')}`).callId
			);
			views = await Promise.all(
				dialed.map(async (callId) => {
					await calls.pressKeys(callId, `${AMOS.conferenceId}#`);
					const view = await calls.pressKeys(callId, '#');
					answered.push(callId);
					return view;
				})
			);
		} finally {
			appends = spy.mock.calls.map(([batch]) => [...batch]);
			spy.mockRestore();
		}

		// S5: every caller waits in the one lobby of Amos's meeting, hearing music.
		const meetingId = views[0]!.meetingId!;
		for (const view of views) {
			expect(view).toMatchObject({
				phase: 'lobby',
				music: 'lobby',
				meetingId,
				prompt: { id: 'lobby-waiting' }
			});
		}
		const state = meetings.state(meetingId)!;
		expect(state.status).toBe('waiting');
		const lobby = state.lobby.map((c) => c.participantId);
		expect([...lobby].sort()).toEqual([...dialed].sort());

		// Each caller's answer ("you are in the lobby") came in arrival order: commits run in append order.
		expect(answered).toEqual(lobby);
		// Callers were told they are in the lobby in that same order: commits run in append order.
		expect(engine.notifier.joinedLobby(meetingId)).toEqual(lobby);

		// The log: positions 1..201, no gap, no duplicate, the lobby order is the log's order.
		const history = await meetings.history(meetingId);
		expect(history.map((e) => e.seq)).toEqual(Array.from({ length: 201 }, (_, i) => i + 1));
		expect(types(history)[0]).toBe('MeetingOpened');
		expect(eventsOf(history, 'CallerEnteredLobby').map((e) => e.participantId)).toEqual(lobby);
		expect(meetings.snapshot(meetingId)?.seq).toBe(201);

		// Group commit: a handful of transactions for 201 events, never one per caller.
		const batches = appends.map((batch) => batch.reduce((n, s) => n + s.events.length, 0));
		expect(batches.reduce((a, b) => a + b, 0)).toBe(201);
		expect(appends.length).toBeLessThanOrEqual(10);
		expect(Math.max(...batches)).toBeGreaterThanOrEqual(50);

		// S10: when Amos starts the meeting from the client, the whole lobby is admitted, in arrival order,
		// in one event and one message to the lobby.
		const amos = await userByEmail(database.db, AMOS.email);
		const joined = await meetings.joinFromClient(
			{ id: amos.id, displayName: amos.displayName },
			AMOS.conferenceId
		);
		expect(joined).toMatchObject({ ok: true, meetingId });
		const [admitted, ...more] = eventsOf(await meetings.history(meetingId), 'LobbyAdmitted');
		expect(more).toEqual([]);
		expect(admitted).toMatchObject({ by: 'meeting-start', participantIds: lobby });
		expect(engine.notifier.notices.filter((n) => n.kind === 'lobbyAdmitted')).toHaveLength(1);
		for (const callId of dialed) {
			expect(calls.current(callId)).toMatchObject({
				phase: 'in-meeting',
				music: 'none',
				prompt: { id: 'admitted' }
			});
		}

		await endMeeting(meetings, meetingId);
		for (const callId of dialed) expect(calls.isLive(callId)).toBe(false);
	});

	it('given another server appended at the next position, when a command runs through the meeting service, then it reloads, decides again and commits at a later position, with no duplicate in the log', async () => {
		const { meetings } = engine.services;
		const first = await callerInLobby(engine, ASTRID.conferenceId, '+46 8 400 00 01');
		const meetingId = first.view.meetingId!;
		expect(meetings.snapshot(meetingId)?.seq).toBe(2);

		// Another server on the same database takes position 3 behind this engine's back.
		const other = new MeetingEventsRepository(database.db);
		await appendForeignCaller(
			database,
			other,
			meetings,
			meetingId,
			3,
			'other-server-call',
			engine.time.now()
		);
		expect(meetings.state(meetingId)?.lobby.map((c) => c.participantId)).toEqual([first.callId]);

		const spy = vi.spyOn(MeetingEventsRepository.prototype, 'append');
		let decision;
		let positions: number[][];
		try {
			decision = await meetings.execute(meetingId, {
				type: 'JoinByPhone',
				participantId: 'late-caller',
				phoneNumber: '+46 8 400 00 02',
				asLeader: false
			});
		} finally {
			positions = spy.mock.calls.map(([batch]) => batch.map((s) => s.firstSeq));
			spy.mockRestore();
		}

		expect(decision.ok).toBe(true);
		// First decided for position 3 (taken), then again after the reload, for position 4.
		expect(positions).toEqual([[3], [4]]);
		const history = await meetings.history(meetingId);
		const seqs = history.map((e) => e.seq);
		expect(seqs).toEqual([1, 2, 3, 4]);
		expect(new Set(seqs).size).toBe(seqs.length);
		expect(eventsOf(history, 'CallerEnteredLobby').map((e) => e.participantId)).toEqual([
			first.callId,
			'other-server-call',
			'late-caller'
		]);
		// The engine now holds what the log holds, the other server's caller included.
		expect(meetings.snapshot(meetingId)).toEqual(meetings.replay(history));

		await endMeeting(meetings, meetingId);
	});

	/**
	 * Makes another server win the race for this meeting's next position `times` times in a row: just
	 * before each of the engine's transactions for it, the other server appends at that position.
	 */
	function otherServerRacesAhead(other: MeetingEventsRepository, meetingId: string, times: number) {
		const append = MeetingEventsRepository.prototype.append;
		let left = times;
		return vi.spyOn(MeetingEventsRepository.prototype, 'append').mockImplementation(async function (
			this: MeetingEventsRepository,
			batch,
			writer
		) {
			const ours = batch.find((s) => s.meetingId === meetingId);
			if (this !== other && ours && left > 0) {
				left -= 1;
				await appendForeignCaller(
					database,
					other,
					engine.services.meetings,
					meetingId,
					ours.firstSeq,
					`other-server-call-${times - left}`,
					engine.time.now()
				);
			}
			return append.call(this, batch, writer);
		});
	}

	it("given another server wins the race for the next position twice in a row, when a caller joins, then the command still succeeds after the other server's events", async () => {
		const { meetings } = engine.services;
		const first = await callerInLobby(engine, ASTRID.conferenceId, '+46 8 410 00 01');
		const meetingId = first.view.meetingId!;
		const race = otherServerRacesAhead(new MeetingEventsRepository(database.db), meetingId, 2);
		let decision;
		try {
			decision = await meetings.execute(meetingId, {
				type: 'JoinByPhone',
				participantId: 'patient-caller',
				phoneNumber: '+46 8 410 00 02',
				asLeader: false
			});
		} finally {
			race.mockRestore();
		}
		expect(decision.ok).toBe(true);
		const history = await meetings.history(meetingId);
		expect(history.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
		expect(meetings.state(meetingId)?.lobby.map((c) => c.participantId)).toEqual([
			first.callId,
			'other-server-call-1',
			'other-server-call-2',
			'patient-caller'
		]);
		await endMeeting(meetings, meetingId);
	});

	// CONFLICT_RETRIES counts decisions again, not reloads.
	it('given another server wins the race three times in a row, when a caller joins, then the command is decided again three times (CONFLICT_RETRIES) and succeeds', async () => {
		const { meetings } = engine.services;
		const first = await callerInLobby(engine, ASTRID.conferenceId, '+46 8 420 00 01');
		const meetingId = first.view.meetingId!;
		const race = otherServerRacesAhead(new MeetingEventsRepository(database.db), meetingId, 3);
		try {
			const decision = await meetings.execute(meetingId, {
				type: 'JoinByPhone',
				participantId: 'very-patient-caller',
				phoneNumber: '+46 8 420 00 02',
				asLeader: false
			});
			expect(decision.ok).toBe(true);
			expect((await meetings.history(meetingId)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
		} finally {
			race.mockRestore();
		}
	});

	// A group commit is one transaction: another meeting's conflict must not turn this one away.
	it("given another server's conflict on Astrid's meeting, when Megan's meeting opens in the same group commit, then Megan's meeting still opens (S4, S5)", async () => {
		const { meetings } = engine.services;
		const directory = new DirectoryRepository(database.db);
		const astrid = await callerInLobby(engine, ASTRID.conferenceId, '+46 8 430 00 01');
		const astridMeeting = astrid.view.meetingId!;
		const lee = await callerInLobby(engine, LEE.conferenceId, '+46 8 430 00 02');
		const leeMeeting = lee.view.meetingId!;
		const megan = await directory.organizerByConferenceId(MEGAN.conferenceId);
		if (!megan) throw new Error('Megan is not in the directory');
		const other = new MeetingEventsRepository(database.db);

		// Hold the engine's next transaction (for Lee's meeting) so that Astrid's command and Megan's
		// opening both wait for the one after it, as under load.
		const append = MeetingEventsRepository.prototype.append;
		let release = () => {};
		const gate = new Promise<void>((resolve) => (release = resolve));
		let held = false;
		const spy = vi.spyOn(MeetingEventsRepository.prototype, 'append').mockImplementation(async function (
			this: MeetingEventsRepository,
			batch,
			writer
		) {
			if (this !== other && !held) {
				held = true;
				await gate;
			}
			return append.call(this, batch, writer);
		});
		try {
			const holding = meetings.execute(leeMeeting, {
				type: 'JoinByPhone',
				participantId: 'holding-caller',
				phoneNumber: '+46 8 430 00 03',
				asLeader: false
			});
			await vi.waitFor(() => expect(held).toBe(true));
			await appendForeignCaller(
				database,
				other,
				meetings,
				astridMeeting,
				3,
				'other-server-call',
				engine.time.now()
			);
			const conflicting = meetings.execute(astridMeeting, {
				type: 'JoinByPhone',
				participantId: 'bystander-caller',
				phoneNumber: '+46 8 430 00 04',
				asLeader: false
			});
			const opening = meetings.openFor(megan).then(
				(meetingId) => ({ meetingId }),
				(error: unknown) => ({ error })
			);
			// Megan's meeting is queued for the same transaction as Astrid's conflicting command.
			await vi.waitFor(() => expect(meetings.liveMeetingFor(MEGAN.conferenceId)).not.toBeNull());
			release();
			expect((await holding).ok).toBe(true);
			expect((await conflicting).ok).toBe(true);
			const opened = await opening;
			expect(opened).toEqual({ meetingId: expect.any(String) });
			expect('meetingId' in opened && meetings.state(opened.meetingId)?.status).toBe('waiting');
		} finally {
			release();
			spy.mockRestore();
		}
	});
});

describe('when the database becomes unavailable', () => {
	let database: DatabaseHandle;
	let engine: Engine;

	beforeAll(async () => {
		database = await openSeededDatabase();
		engine = await startEngine(database);
	});

	afterAll(async () => {
		await engine?.stop();
		await database?.close();
	});

	it('given a waiting lobby, when the database handle is closed, then commands reject with EngineUnavailableError, the committed state is unchanged, and nothing crashes', async () => {
		const { calls, meetings } = engine.services;
		const waiting = await callerInLobby(engine, AMOS.conferenceId, '+46 8 500 00 01');
		const meetingId = waiting.view.meetingId!;
		// A second caller has entered the conference ID and is about to say "not the leader".
		const { callId: late } = calls.dial('+46 8 500 00 02');
		await calls.pressKeys(late, `${AMOS.conferenceId}#`);
		const before = meetings.snapshot(meetingId)!;

		const unhandled: unknown[] = [];
		const onUnhandled = (reason: unknown) => unhandled.push(reason);
		process.on('unhandledRejection', onUnhandled);
		try {
			await database.close();

			const join = meetings.execute(meetingId, {
				type: 'JoinByPhone',
				participantId: 'caller-during-outage',
				phoneNumber: '+46 8 500 00 03',
				asLeader: false
			});
			await expect(join).rejects.toBeInstanceOf(EngineUnavailableError);
			await expect(join).rejects.toMatchObject({ code: 'unavailable' });
			// What everyone was told stays as it was: the undurable event is not in the committed state.
			expect(meetings.snapshot(meetingId)).toEqual(before);
			expect(meetings.state(meetingId)?.lobby.map((c) => c.participantId)).toEqual([waiting.callId]);

			// The next command first tries to rebuild from the log, and says the same.
			await expect(
				meetings.execute(meetingId, { type: 'Leave', participantId: waiting.callId })
			).rejects.toBeInstanceOf(EngineUnavailableError);
			expect(meetings.snapshot(meetingId)).toEqual(before);

			// A caller on their way in is told the service is unavailable, and the call ends cleanly.
			const error = await calls.pressKeys(late, '#').catch((e: unknown) => e);
			expect(error).toSatisfy(isServiceError);
			expect(error).toMatchObject({ code: 'unavailable' });
			expect(engine.notifier.lastViewOf(late)).toMatchObject({
				phase: 'disconnected',
				reason: 'connection-lost'
			});
			expect(engine.notifier.ended(late)).toBe(true);

			await new Promise((resolve) => setTimeout(resolve, 50));
			expect(unhandled).toEqual([]);
		} finally {
			process.off('unhandledRejection', onUnhandled);
		}
	});
});

describe('a restart on the same database', () => {
	let database: DatabaseHandle;

	beforeAll(async () => {
		database = await openSeededDatabase();
	});

	afterAll(async () => {
		await database?.close();
	});

	it('given two callers in the lobby, when the services are built again, then the meeting, its lobby and its calls come back; the old resume token works and a forged one is refused (S5, S10)', async () => {
		const first = await startEngine(database);
		const one = await callerInLobby(first, AMOS.conferenceId, '+46 8 600 00 01');
		const two = await callerInLobby(first, AMOS.conferenceId, '+46 8 600 00 02');
		const meetingId = one.view.meetingId!;
		const before = first.services.meetings.snapshot(meetingId)!;
		expect(before.state.lobby.map((c) => c.participantId)).toEqual([one.callId, two.callId]);
		await first.stop();

		const second = await startEngine(database, {
			time: new ManualTime(first.time.now() + 5_000),
			callOptions: { reconnectGraceMs: 30_000 }
		});
		const { calls, meetings } = second.services;
		expect(meetings.liveMeetings().map((m) => m.meetingId)).toEqual([meetingId]);
		expect(meetings.liveMeetingFor(AMOS.conferenceId)).toBe(meetingId);
		const after = meetings.snapshot(meetingId)!;
		expect(after.seq).toBe(before.seq);
		expect(after.state.lobby).toEqual(before.state.lobby);
		expect(after.state.participants).toEqual(before.state.participants);
		expect(after.state).toEqual(before.state);

		// Both calls are back, in the lobby with music, waiting for their callers to reconnect.
		expect(calls.liveCount()).toBe(2);
		expect(calls.resume(one.callId, one.resumeToken)).toMatchObject({
			phase: 'lobby',
			music: 'lobby',
			meetingId
		});
		for (const token of ['forged-token', one.resumeToken]) {
			let refused: unknown;
			try {
				calls.resume(two.callId, token);
			} catch (error) {
				refused = error;
			}
			expect(refused).toSatisfy(isServiceError);
			expect(refused).toMatchObject({ code: 'invalid-token' });
		}

		// The caller who never came back is hung up after the grace period and leaves the lobby.
		second.time.advance(30_000);
		await vi.waitFor(() =>
			expect(meetings.state(meetingId)?.lobby.map((c) => c.participantId)).toEqual([one.callId])
		);
		expect(second.notifier.lastViewOf(two.callId)).toMatchObject({ reason: 'connection-lost' });
		expect(calls.isLive(one.callId)).toBe(true);

		// S10: the restored caller is admitted when the organizer starts the meeting.
		const amos = await userByEmail(database.db, AMOS.email);
		await meetings.joinFromClient({ id: amos.id, displayName: amos.displayName }, AMOS.conferenceId);
		expect(calls.current(one.callId)).toMatchObject({ phase: 'in-meeting', prompt: { id: 'admitted' } });
		await endMeeting(meetings, meetingId);
		await second.stop();
	});
});

describe('timers on virtual time', () => {
	let database: DatabaseHandle;
	let engine: Engine;

	beforeAll(async () => {
		database = await openSeededDatabase();
		engine = await startEngine(database, {
			callOptions: { leaderPromptWaitMs: 5_000, reconnectGraceMs: 30_000 }
		});
	});

	afterEach(() => endLiveMeetings(engine));

	afterAll(async () => {
		await engine?.stop();
		await database?.close();
	});

	it('given a lobby timeout of 1 minute, when a lone caller has waited 61 s, then they are disconnected with "lobby-timeout" and the meeting ends (ConfBridge timeout)', async () => {
		const { calls, meetings } = engine.services;
		await updateTenant(database.db, { lobbyTimeoutMinutes: 1 });
		let caller;
		try {
			caller = await callerInLobby(engine, AMOS.conferenceId, '+46 8 700 00 01');
		} finally {
			// Settings are fixed when the meeting opens; later meetings on this database have none.
			await updateTenant(database.db, { lobbyTimeoutMinutes: 0 });
		}
		const meetingId = caller.view.meetingId!;
		expect(meetings.state(meetingId)?.settings.lobbyTimeoutMinutes).toBe(1);

		engine.time.advance(59_000);
		await meetings.expireLobbyWaits();
		expect(calls.isLive(caller.callId)).toBe(true);
		expect(meetings.state(meetingId)?.lobby).toHaveLength(1);

		engine.time.advance(2_000);
		await meetings.expireLobbyWaits();
		expect(engine.notifier.lastViewOf(caller.callId)).toMatchObject({
			phase: 'disconnected',
			reason: 'lobby-timeout',
			music: 'none',
			prompt: { id: 'lobby-timeout' }
		});
		expect(engine.notifier.ended(caller.callId)).toBe(true);
		expect(calls.isLive(caller.callId)).toBe(false);

		// Nobody was left: the meeting ended, and the conference ID leads to no live meeting.
		expect(meetings.state(meetingId)).toBeNull();
		expect(meetings.liveMeetingFor(AMOS.conferenceId)).toBeNull();
		const history = await meetings.history(meetingId);
		expect(types(history).slice(-2)).toEqual(['LobbyCallersDisconnected', 'MeetingEnded']);
		expect(eventsOf(history, 'LobbyCallersDisconnected')[0]).toMatchObject({
			reason: 'lobby-timeout',
			participantIds: [caller.callId]
		});
		expect(eventsOf(history, 'MeetingEnded')[0]).toMatchObject({ reason: 'lobby-timeout' });
	});

	it('given a caller who presses nothing after the conference ID, when the leader prompt wait runs out, then they join the lobby as a caller (S5)', async () => {
		const { calls, meetings } = engine.services;
		const { callId } = calls.dial('+46 8 710 00 01');
		const asked = await calls.pressKeys(callId, `${ASTRID.conferenceId}#`);
		expect(asked).toMatchObject({ phase: 'ivr', step: 'leader-choice', prompt: { id: 'leader-choice' } });

		engine.time.advance(4_999);
		expect(calls.current(callId)).toMatchObject({ phase: 'ivr', step: 'leader-choice' });
		expect(meetings.liveMeetingFor(ASTRID.conferenceId)).toBeNull();

		engine.time.advance(1);
		await vi.waitFor(() => expect(calls.current(callId)).toMatchObject({ phase: 'lobby', music: 'lobby' }));
		const meetingId = calls.current(callId).meetingId!;
		expect(meetings.state(meetingId)).toMatchObject({ status: 'waiting' });
		expect(meetings.state(meetingId)?.lobby.map((c) => c.participantId)).toEqual([callId]);
		expect(calls.current(callId).isLeader).toBe(false);

		await calls.hangUp(callId);
		expect(meetings.state(meetingId)).toBeNull();
	});

	it('given a caller whose connection dropped, when the reconnect grace runs out, then the call is hung up with "connection-lost" and leaves the lobby; a caller who resumes in time keeps their place', async () => {
		const { calls, meetings } = engine.services;
		const lost = await callerInLobby(engine, LEE.conferenceId, '+46 8 720 00 01');
		const back = await callerInLobby(engine, LEE.conferenceId, '+46 8 720 00 02');
		const meetingId = lost.view.meetingId!;

		calls.connectionLost(lost.callId);
		engine.time.advance(29_999);
		expect(calls.isLive(lost.callId)).toBe(true);
		engine.time.advance(1);
		await vi.waitFor(() =>
			expect(meetings.state(meetingId)?.lobby.map((c) => c.participantId)).toEqual([back.callId])
		);
		expect(engine.notifier.lastViewOf(lost.callId)).toMatchObject({
			phase: 'disconnected',
			reason: 'connection-lost',
			prompt: { id: 'connection-lost' }
		});
		expect(calls.isLive(lost.callId)).toBe(false);
		expect(eventsOf(await meetings.history(meetingId), 'CallerLeftLobby')).toMatchObject([
			{ participantId: lost.callId }
		]);

		calls.connectionLost(back.callId);
		engine.time.advance(20_000);
		expect(calls.resume(back.callId, back.resumeToken)).toMatchObject({ phase: 'lobby', music: 'lobby' });
		engine.time.advance(60_000);
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(calls.isLive(back.callId)).toBe(true);
		expect(meetings.state(meetingId)?.lobby.map((c) => c.participantId)).toEqual([back.callId]);

		await calls.hangUp(back.callId);
		expect(meetings.state(meetingId)).toBeNull();
	});
});

describe('leader PINs and who may start a meeting (S2, S6, S8, S11)', () => {
	let database: DatabaseHandle;
	let engine: Engine;

	beforeAll(async () => {
		database = await openSeededDatabase();
		engine = await startEngine(database);
	});

	afterEach(() => endLiveMeetings(engine));

	afterAll(async () => {
		await engine?.stop();
		await database?.close();
	});

	it('given a lockout threshold of 3, when three wrong PINs are entered across calls, then the PIN start is locked, even the right PIN only reaches the lobby, nobody is disconnected for it, and a client join still starts the meeting (S2, S3, S10)', async () => {
		const { calls, meetings, pins } = engine.services;
		const amos = await userByEmail(database.db, AMOS.email);
		await updateTenant(database.db, { pinLockoutThreshold: 3 });
		await pins.setPin(amos.id, Pin.of(AMOS_PIN));

		// First call: two wrong PINs, then the caller gives up.
		const { callId: firstCall } = calls.dial('+46 70 800 00 01');
		expect(await calls.pressKeys(firstCall, `${AMOS.conferenceId}#*`)).toMatchObject({
			step: 'pin',
			prompt: { id: 'enter-leader-pin' }
		});
		for (const wrong of ['11111#', '22222#']) {
			expect(await calls.pressKeys(firstCall, wrong)).toMatchObject({
				step: 'pin',
				prompt: { id: 'pin-wrong' }
			});
		}
		await calls.hangUp(firstCall);
		expect(await userByEmail(database.db, AMOS.email)).toMatchObject({
			pinFailedAttempts: 2,
			pinLockedAt: null
		});

		// Second call: the third wrong PIN locks it; the caller hears so and waits as an ordinary caller.
		const { callId: secondCall } = calls.dial('+46 70 800 00 02');
		const second = await calls.pressKeys(secondCall, `${AMOS.conferenceId}#*33333#`);
		expect(second).toMatchObject({ phase: 'lobby', music: 'lobby', isLeader: false });
		expect((await userByEmail(database.db, AMOS.email)).pinLockedAt).not.toBeNull();
		// The answer tells every prompt that played: locked, then the lobby.
		const secondPrompts = second.prompts.map((p) => p.id);
		expect(secondPrompts).toContain('pin-locked');
		expect(secondPrompts.at(-1)).toBe('lobby-waiting');
		expect(secondPrompts).not.toContain('pin-wrong');

		// Third call: the right PIN is refused while locked; still the lobby, never a disconnect.
		const { callId: thirdCall } = calls.dial('+46 70 800 00 03');
		const third = await calls.pressKeys(thirdCall, `${AMOS.conferenceId}#*${AMOS_PIN}#`);
		expect(third).toMatchObject({ phase: 'lobby', music: 'lobby', isLeader: false });
		expect(third.prompts.map((p) => p.id)).toContain('pin-locked');
		expect(await pins.check(amos.id, Pin.of(AMOS_PIN))).toBe('locked-out');
		for (const callId of [secondCall, thirdCall]) {
			expect(engine.notifier.viewsOf(callId).some((v) => v.phase === 'disconnected')).toBe(false);
		}
		const meetingId = second.meetingId!;
		expect(meetings.state(meetingId)).toMatchObject({ status: 'waiting' });
		expect(types(await meetings.history(meetingId))).not.toContain('MeetingStarted');

		// S2: from the client Amos needs no PIN; the meeting starts and the lobby is admitted in order.
		const joined = await meetings.joinFromClient(
			{ id: amos.id, displayName: amos.displayName },
			AMOS.conferenceId
		);
		expect(joined).toMatchObject({ ok: true, meetingId });
		const history = await meetings.history(meetingId);
		expect(eventsOf(history, 'MeetingStarted')).toMatchObject([{ startedBy: 'client' }]);
		expect(eventsOf(history, 'LobbyAdmitted')).toMatchObject([{ participantIds: [secondCall, thirdCall] }]);
		for (const callId of [secondCall, thirdCall]) {
			expect(calls.current(callId)).toMatchObject({ phase: 'in-meeting', prompt: { id: 'admitted' } });
		}

		await endMeeting(meetings, meetingId);
		await updateTenant(database.db, { pinLockoutThreshold: 10 });
	});

	it("given Megan allows PSTN-only meetings, when the first caller arrives, then her meeting starts with them (S6); Amos's meeting never starts from anonymous callers alone (S11)", async () => {
		const { meetings } = engine.services;
		const first = await callerInLobby(engine, MEGAN.conferenceId, '+46 8 900 00 01');
		expect(first.view).toMatchObject({ phase: 'in-meeting', music: 'none', prompt: { id: 'joined' } });
		const meganMeeting = first.view.meetingId!;
		expect(meetings.state(meganMeeting)).toMatchObject({ status: 'in-progress', lobby: [] });
		const meganHistory = await meetings.history(meganMeeting);
		expect(types(meganHistory)).toEqual(['MeetingOpened', 'ParticipantJoined', 'MeetingStarted']);
		expect(eventsOf(meganHistory, 'MeetingStarted')).toMatchObject([
			{ startedBy: 'pstn-only', participantId: first.callId }
		]);
		const second = await callerInLobby(engine, MEGAN.conferenceId, '+46 8 900 00 02');
		expect(second.view).toMatchObject({ phase: 'in-meeting', meetingId: meganMeeting });

		const anonymous = [];
		for (let i = 1; i <= 3; i++) {
			anonymous.push(await callerInLobby(engine, AMOS.conferenceId, `+46 8 910 00 0${i}`));
		}
		const amosMeeting = anonymous[0]!.view.meetingId!;
		for (const caller of anonymous) {
			expect(caller.view).toMatchObject({ phase: 'lobby', music: 'lobby', meetingId: amosMeeting });
		}
		expect(meetings.state(amosMeeting)).toMatchObject({ status: 'waiting', participants: [] });
		expect(types(await meetings.history(amosMeeting))).toEqual([
			'MeetingOpened',
			'CallerEnteredLobby',
			'CallerEnteredLobby',
			'CallerEnteredLobby'
		]);

		await endMeeting(meetings, meganMeeting);
		await endMeeting(meetings, amosMeeting);
	});

	it('given a PIN set for Amos, when he dials in with it, then no column of users, no meeting event and no notice holds the PIN in plain text (S8)', async () => {
		const { calls, meetings, pins } = engine.services;
		const amos = await userByEmail(database.db, AMOS.email);
		await pins.setPin(amos.id, Pin.of(AMOS_PIN));

		const directory = JSON.stringify(await database.db.select().from(users));
		expect(directory).not.toContain(AMOS_PIN);
		expect((await userByEmail(database.db, AMOS.email)).leaderPinHash).toMatch(/^scrypt\$/);

		const caller = await callerInLobby(engine, AMOS.conferenceId, '+46 8 950 00 01');
		const { callId } = calls.dial('+46 70 950 00 02');
		const leader = await calls.pressKeys(callId, `${AMOS.conferenceId}#*${AMOS_PIN}#`);
		expect(leader).toMatchObject({ phase: 'in-meeting', isLeader: true });
		const meetingId = leader.meetingId!;
		expect(eventsOf(await meetings.history(meetingId), 'MeetingStarted')).toMatchObject([
			{ startedBy: 'leader-pin', participantId: callId }
		]);

		const log = JSON.stringify(await database.db.select().from(meetingEvents));
		// The scan sees the stored events (the callers' numbers are there), but never the PIN.
		expect(log).toContain('+46 70 950 00 02');
		expect(log).toContain(caller.callId);
		expect(log).not.toContain(AMOS_PIN);
		expect(JSON.stringify(await database.db.select().from(meetingRows))).not.toContain(AMOS_PIN);
		expect(JSON.stringify(engine.notifier.notices)).not.toContain(AMOS_PIN);
		expect(JSON.stringify(await database.db.select().from(users))).not.toContain(AMOS_PIN);

		await endMeeting(meetings, meetingId);
	});
});
