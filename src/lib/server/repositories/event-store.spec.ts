/**
 * The two meeting event logs answer alike: the database's, which servers use, and the one in memory,
 * which runs in virtual time use. Every case runs on both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideMeeting, evolveMeeting, initialMeetingState, type MeetingCommand } from '$lib/domain';
import type { MeetingEvent, MeetingState, OpenedMeeting } from '$lib/domain';
import type { DatabaseHandle } from '../db/index';
import { tenants } from '../db/schema';
import { openSeededDatabase } from '../services/engine-test-kit';
import { MeetingEventsRepository, type EventStore, type StreamAppend } from './meeting-events.repository';
import { MemoryEventStore } from './memory-event-store';

const WRITER = { owner: 'local', leaseMs: 60_000 };
let database: DatabaseHandle;
let tenantId: string;

beforeAll(async () => {
	database = await openSeededDatabase();
	const [tenant] = await database.db.select({ id: tenants.id }).from(tenants);
	tenantId = tenant!.id;
}, 60_000);

afterAll(() => database?.close());

/** A meeting decided by the domain: its events so far and its state after them. */
class Meeting {
	events: MeetingEvent[] = [];
	state: MeetingState = initialMeetingState;
	constructor(
		readonly meetingId: string,
		conferenceId: string
	) {
		this.run({
			type: 'OpenMeeting',
			meetingId,
			conferenceId,
			organizer: { userId: `u-${meetingId}`, displayName: 'Amos' }
		});
	}

	/** Decides `command`, returning the stream to append (from the position after what was appended before). */
	run(command: MeetingCommand, token = 1): StreamAppend {
		const decision = decideMeeting(this.state, command, 1_000 + this.events.length);
		if (!decision.ok) throw new Error(decision.rejection.message);
		const firstSeq = this.events.length + 1;
		for (const e of decision.events) this.state = evolveMeeting(this.state, e);
		this.events.push(...decision.events);
		return {
			meetingId: this.meetingId,
			tenantId,
			firstSeq,
			token,
			events: decision.events,
			state: this.state as OpenedMeeting
		};
	}

	opening(token = 1): StreamAppend {
		return {
			meetingId: this.meetingId,
			tenantId,
			firstSeq: 1,
			token,
			events: this.events.slice(0, 1),
			state: evolveMeeting(initialMeetingState, this.events[0]!) as OpenedMeeting
		};
	}
}

const join = (n: number): MeetingCommand => ({
	type: 'JoinByPhone',
	participantId: `c${n}`,
	phoneNumber: `+46 8 000 00 ${String(n).padStart(2, '0')}`,
	asLeader: false
});

let unique = 0;
const ids = () => {
	unique += 1;
	return { meetingId: `store-m${unique}`, conferenceId: String(9_000_000 + unique) };
};

describe.each([
	['the database', () => new MeetingEventsRepository(database.db) as EventStore],
	['memory', () => new MemoryEventStore() as EventStore]
])('the meeting event log in %s', (_name, make) => {
	it('given a batch of two meetings, then both are stored and listed, and each loads its events in order', async () => {
		const store = make();
		const a = new Meeting(ids().meetingId, ids().conferenceId);
		const b = new Meeting(ids().meetingId, ids().conferenceId);
		const refused = await store.append([a.opening(), b.opening(), a.run(join(1)), a.run(join(2))], WRITER);
		expect([...refused]).toEqual([]);
		const loaded = await store.load(a.meetingId);
		expect(loaded.map((e) => e.seq)).toEqual([1, 2, 3]);
		expect(loaded.map((e) => e.event)).toEqual(a.events);
		expect((await store.get(a.meetingId))?.lobbySize).toBe(2);
		expect((await store.get(a.meetingId))?.lastSeq).toBe(3);
		const live = await store.liveMeetingFor(a.state.status === 'none' ? '' : a.state.conferenceId);
		expect(live).toEqual({ meetingId: a.meetingId, tenantId });
		expect((await store.loadLive()).get(b.meetingId)?.events).toHaveLength(1);
	});

	it('given a position already taken, then only that meeting is refused `conflict`; the other of the batch commits', async () => {
		const store = make();
		const a = new Meeting(ids().meetingId, ids().conferenceId);
		const b = new Meeting(ids().meetingId, ids().conferenceId);
		await store.append([a.opening(), b.opening()], WRITER);
		const again = a.opening();
		const refused = await store.append([again, b.run(join(1))], WRITER);
		expect([...refused]).toEqual([[a.meetingId, 'conflict']]);
		expect(await store.load(b.meetingId)).toHaveLength(2);
		expect(await store.load(a.meetingId)).toHaveLength(1);
	});

	it('given a second live meeting for one conference ID, then it is refused `conflict`; once the first ends, it opens', async () => {
		const store = make();
		const { conferenceId } = ids();
		const first = new Meeting(ids().meetingId, conferenceId);
		const second = new Meeting(ids().meetingId, conferenceId);
		await store.append([first.opening()], WRITER);
		expect([...(await store.append([second.opening()], WRITER))]).toEqual([[second.meetingId, 'conflict']]);
		await store.append([first.run({ type: 'EndMeeting', reason: 'ended-by-simulator' })], WRITER);
		expect([...(await store.append([second.opening()], WRITER))]).toEqual([]);
		expect((await store.liveMeetingFor(conferenceId))?.meetingId).toBe(second.meetingId);
		expect((await store.loadLive()).has(first.meetingId)).toBe(false);
	});

	it('given a lease token that is not the meeting’s, then the meeting is refused `fenced` and nothing of it is stored', async () => {
		const store = make();
		const a = new Meeting(ids().meetingId, ids().conferenceId);
		await store.append([a.opening(1)], WRITER);
		expect([...(await store.append([a.run(join(1), 2)], WRITER))]).toEqual([[a.meetingId, 'fenced']]);
		expect([...(await store.append([a.run(join(2), 1)], { ...WRITER, owner: 'other' }))]).toEqual([
			[a.meetingId, 'fenced']
		]);
		expect(await store.load(a.meetingId)).toHaveLength(1);
	});

	it('given events loaded, then changing them changes nothing stored', async () => {
		const store = make();
		const a = new Meeting(ids().meetingId, ids().conferenceId);
		const opening = a.opening();
		await store.append([opening], WRITER);
		(opening.events[0] as { conferenceId: string }).conferenceId = 'changed';
		const loaded = await store.load(a.meetingId);
		(loaded[0]!.event as { conferenceId: string }).conferenceId = 'changed too';
		expect((await store.load(a.meetingId))[0]!.event).toMatchObject({ type: 'MeetingOpened' });
		expect((await store.load(a.meetingId))[0]!.event).not.toMatchObject({ conferenceId: 'changed' });
		expect((await store.load(a.meetingId))[0]!.event).not.toMatchObject({ conferenceId: 'changed too' });
	});
});
