/**
 * One view of a meeting for both doors (the meeting page's socket and `GET /api/v1/meetings/{id}`):
 * the state, its sequence number and the timeline, masked as the tenant and the viewer say.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/index';
import { callerInLobby, openSeededDatabase, startEngine, type Engine } from './engine-test-kit';

const AMOS_CONFERENCE_ID = '4410273';
const NUMBER = '+46 8 555 12 34';

describe('a meeting as a viewer sees it', () => {
	let database: DatabaseHandle;
	let engine: Engine;
	let meetingId: string;

	beforeAll(async () => {
		database = await openSeededDatabase();
		engine = await startEngine(database);
		const { view } = await callerInLobby(engine, AMOS_CONFERENCE_ID, NUMBER);
		meetingId = view.meetingId!;
	});

	afterAll(async () => {
		await engine.stop();
		await database.close();
	});

	it('given a signed-in viewer and NoMasking, then the number is shown, with the timeline up to the snapshot', async () => {
		const view = await engine.services.meetings.view(meetingId, 'signed-in', false);
		expect(view?.meeting.lobby.map((c) => c.phoneNumber)).toEqual([NUMBER]);
		expect(view?.timeline.map((e) => e.event.type)).toEqual(['MeetingOpened', 'CallerEnteredLobby']);
		expect(view?.timeline.at(-1)?.seq).toBe(view?.seq);
	});

	it('given the tenant masks numbers, then the state and the timeline show them masked', async () => {
		const view = await engine.services.meetings.view(meetingId, 'signed-in', true);
		expect(view?.meeting.lobby.map((c) => c.phoneNumber)).toEqual(['+46 8 ••• •• 34']);
		expect(JSON.stringify(view?.timeline)).not.toContain('555 12');
	});

	it('given an anonymous viewer, then numbers are masked whatever the tenant says, and no user id shows', async () => {
		const view = await engine.services.meetings.view(meetingId, 'anonymous', false);
		expect(view?.meeting.lobby.map((c) => c.phoneNumber)).toEqual(['+46 8 ••• •• 34']);
		expect(view?.meeting.organizer.userId).toBe('');
	});

	it('given no such meeting, then there is none to show', async () => {
		expect(await engine.services.meetings.view('no-such-meeting', 'signed-in', false)).toBeNull();
	});
});
