import { wholePin } from '$lib/server/services/engine-test-kit';
import { afterAll, describe, expect, it } from 'vitest';
import type { MeetingSnapshot, MeetingsDelta, TimelineEvent } from '$lib/contract/events';
import { connect, must, nextCallState, signIn, type Client } from '../helpers/clients';
import { io } from 'socket.io-client';
import { prepareDirectory, TEST_ADMIN_PASSWORD, TEST_USER_PASSWORD } from '../helpers/directory';
import { createTestDatabase, startServer } from '../helpers/server';
import { serverPerSuite } from '../helpers/suite-server';

const AMOS_CONFERENCE = '4410273';
const AMOS_PIN = '48213';
const MEGAN_PIN = '73914';

/** A caller who dials Amos Marble's conference ID and answers "not the leader" with #. */
async function callerInLobby(url: string, phoneNumber: string) {
	const socket = await connect(url);
	const dialed = await must(socket.emitWithAck('call:dial', { phoneNumber, keys: `${AMOS_CONFERENCE}#` }));
	expect(dialed.call).toMatchObject({ phase: 'ivr', step: 'leader-choice' });
	const { call } = await must(socket.emitWithAck('call:keys', { keys: '#' }));
	return { socket, callId: dialed.callId, resumeToken: dialed.resumeToken, call };
}

function subscribeMeeting(monitor: Client, meetingId: string) {
	const events: TimelineEvent[] = [];
	monitor.on('monitor:meeting', (update) => {
		if (update.meetingId === meetingId) events.push(...update.events);
	});
	return {
		events,
		snapshot: async (): Promise<MeetingSnapshot> => {
			const answer = await must(monitor.emitWithAck('monitor:subscribe', { scope: 'meeting', meetingId }));
			if (!('snapshot' in answer)) throw new Error('expected a meeting snapshot');
			return answer.snapshot;
		},
		waitFor: async (type: string, ms = 10_000) => {
			const until = Date.now() + ms;
			while (Date.now() < until) {
				const found = events.find((e) => e.event.type === type);
				if (found) return found;
				await new Promise((r) => setTimeout(r, 20));
			}
			throw new Error(`No ${type} event within ${ms} ms; saw ${events.map((e) => e.event.type).join(', ')}`);
		}
	};
}

describe('a whole meeting over real Socket.IO clients', () => {
	const suite = serverPerSuite({ directory: { pins: { 'amos.marble@contoso.com': AMOS_PIN } } });
	const sockets: Client[] = [];

	afterAll(async () => {
		for (const s of sockets) s.disconnect();
	});

	it('S5, S10: two callers wait with music; a wrong PIN, then the right one, starts the meeting and admits both in order; a late caller goes straight in; the meeting ends with its last participant', async () => {
		const monitor = await connect(suite.server.url);
		sockets.push(monitor);
		const deltas: MeetingsDelta[] = [];
		monitor.on('monitor:meetings', (d) => deltas.push(d));
		const all = await must(monitor.emitWithAck('monitor:subscribe', { scope: 'all' }));
		expect('meetings' in all && all.meetings).toEqual([]);

		// S5: two callers before the start wait in the lobby, hearing music.
		const first = await callerInLobby(suite.server.url, '+46 8 123 45 67');
		const second = await callerInLobby(suite.server.url, '+46 8 765 43 21');
		sockets.push(first.socket, second.socket);
		for (const caller of [first, second]) {
			expect(caller.call).toMatchObject({ phase: 'lobby', music: 'lobby', prompt: { id: 'lobby-waiting' } });
		}
		expect(second.call.meetingId).toBe(first.call.meetingId);
		const meetingId = first.call.meetingId!;
		const feed = subscribeMeeting(monitor, meetingId);
		const before = await feed.snapshot();
		expect(before.meeting.status).toBe('waiting');
		expect(before.meeting.lobby.map((c) => c.participantId)).toEqual([first.callId, second.callId]);
		// Monitors see masked numbers by default (MaskPstnNumbersType: MaskedForExternalUsers).
		expect(before.meeting.lobby[0]!.phoneNumber).toBe('+46 8 ••• •• 67');

		// The dashboard's coalesced stream shows the lobby at 2 while the meeting waits ...
		await expect
			.poll(() =>
				deltas.flatMap((d) => d.upserts).some((s) => s.meetingId === meetingId && s.lobbySize === 2)
			)
			.toBe(true);

		// The organizer dials in, says they are the leader, and enters a wrong PIN.
		const organizer = await connect(suite.server.url);
		sockets.push(organizer);
		await must(
			organizer.emitWithAck('call:dial', { phoneNumber: '+46 70 111 22 33', keys: `${AMOS_CONFERENCE}#` })
		);
		const askedPin = await must(organizer.emitWithAck('call:keys', { keys: '*' }));
		expect(askedPin.call).toMatchObject({ step: 'pin', prompt: { id: 'enter-leader-pin' } });
		const wrong = await must(organizer.emitWithAck('call:keys', { keys: '99999#' }));
		expect(wrong.call).toMatchObject({ phase: 'ivr', step: 'pin', prompt: { id: 'pin-wrong' } });
		expect((await feed.snapshot()).meeting.status).toBe('waiting');

		// S10: the right PIN starts the meeting; both callers are admitted, the music stops.
		const admittedFirst = nextCallState(first.socket, (v) => v.phase === 'in-meeting');
		const admittedSecond = nextCallState(second.socket, (v) => v.phase === 'in-meeting');
		const right = await must(organizer.emitWithAck('call:keys', { keys: `${AMOS_PIN}#` }));
		expect(right.call).toMatchObject({ phase: 'in-meeting', isLeader: true, music: 'none' });
		for (const view of [await admittedFirst, await admittedSecond]) {
			expect(view).toMatchObject({ phase: 'in-meeting', music: 'none', prompt: { id: 'admitted' } });
		}
		const admitted = await feed.waitFor('LobbyAdmitted');
		expect(admitted.event).toMatchObject({
			participantIds: [first.callId, second.callId],
			by: 'meeting-start'
		});
		const types = feed.events.map((e) => e.event.type);
		expect(types.slice(types.indexOf('ParticipantJoined'))).toEqual([
			'ParticipantJoined',
			'MeetingStarted',
			'LobbyAdmitted'
		]);

		// A caller after the start goes straight in.
		const late = await connect(suite.server.url);
		sockets.push(late);
		await must(late.emitWithAck('call:dial', { keys: `${AMOS_CONFERENCE}#` }));
		const lateIn = await must(late.emitWithAck('call:keys', { keys: '#' }));
		expect(lateIn.call).toMatchObject({ phase: 'in-meeting', music: 'none', prompt: { id: 'joined' } });

		// Keypad: *6 mutes a caller; *8 from a non-leader is refused.
		const muted = await must(late.emitWithAck('call:keys', { keys: '*6' }));
		expect(muted.call).toMatchObject({ muted: true, prompt: { id: 'muted' } });
		const refused = await must(late.emitWithAck('call:keys', { keys: '*8' }));
		expect(refused.call.prompt?.id).toBe('not-leader');

		// ... and then empty.
		await expect
			.poll(() => deltas.at(-1)?.upserts.find((s) => s.meetingId === meetingId))
			.toMatchObject({
				status: 'in-progress',
				lobbySize: 0,
				participantCount: 4
			});

		// Everyone hangs up; the last one ends the meeting.
		for (const socket of [late, first.socket, second.socket, organizer]) {
			const bye = await must(socket.emitWithAck('call:hangup'));
			expect(bye.call).toMatchObject({ phase: 'disconnected', reason: 'hung-up' });
		}
		const ended = await feed.waitFor('MeetingEnded');
		expect(ended.event).toMatchObject({ reason: 'last-participant-left' });
		await expect.poll(() => deltas.some((d) => d.ended.includes(meetingId))).toBe(true);

		// The next arrival opens a new meeting with its own history.
		const next = await callerInLobby(suite.server.url, '+46 8 555 55 55');
		sockets.push(next.socket);
		expect(next.call.meetingId).not.toBe(meetingId);
		const history = await must(monitor.emitWithAck('monitor:subscribe', { scope: 'meeting', meetingId }));
		expect('snapshot' in history && history.snapshot.meeting.status).toBe('ended');
	});

	it('a page handing its meeting over to the next (unsubscribe, then subscribe, sent at once) keeps receiving its events', async () => {
		const first = await callerInLobby(suite.server.url, '+46 8 222 00 01');
		sockets.push(first.socket);
		const meetingId = first.call.meetingId!;
		const viewer = await connect(suite.server.url);
		sockets.push(viewer);
		const feed = subscribeMeeting(viewer, meetingId);
		await feed.snapshot();
		for (let round = 0; round < 5; round++) {
			// The meeting view closes and presenter mode opens, in the same moment.
			const scope = { scope: 'meeting', meetingId } as const;
			const left = viewer.emitWithAck('monitor:unsubscribe', scope);
			const joined = viewer.emitWithAck('monitor:subscribe', scope);
			await Promise.all([must(left), must(joined)]);
			const next = await callerInLobby(suite.server.url, `+46 8 222 01 0${round}`);
			sockets.push(next.socket);
			await expect
				.poll(
					() => feed.events.some((e) => 'participantId' in e.event && e.event.participantId === next.callId),
					{
						timeout: 5000
					}
				)
				.toBe(true);
		}
	});

	it('coalesces the all-meetings stream to at most one message per 250 ms', async () => {
		const monitor = await connect(suite.server.url);
		sockets.push(monitor);
		const times: number[] = [];
		// The server stamps each message when it sends it; arrival times would add network jitter.
		monitor.on('monitor:meetings', (delta) => times.push(delta.at));
		await must(monitor.emitWithAck('monitor:subscribe', { scope: 'all' }));
		// A burst of callers: many changes, few messages.
		const burst = await Promise.all(
			Array.from({ length: 12 }, (_, i) =>
				callerInLobby(suite.server.url, `+46 8 000 00 ${String(i).padStart(2, '0')}`)
			)
		);
		sockets.push(...burst.map((c) => c.socket));
		await new Promise((r) => setTimeout(r, 600));
		expect(times.length).toBeGreaterThan(0);
		for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(250);
		for (const c of burst) await must(c.socket.emitWithAck('call:hangup'));
	});
});

describe('a restart in the middle of a waiting lobby', () => {
	it('loses no meeting, lobby or caller position; callers take their places back and are admitted', async () => {
		const database = await createTestDatabase();
		await prepareDirectory(database, { pins: { 'amos.marble@contoso.com': AMOS_PIN } });
		const sockets: Client[] = [];
		let server = await startServer({ env: database.env });
		try {
			const first = await callerInLobby(server.url, '+46 8 100 00 01');
			const second = await callerInLobby(server.url, '+46 8 100 00 02');
			sockets.push(first.socket, second.socket);
			const meetingId = first.call.meetingId!;
			const monitor = await connect(server.url);
			const before = await subscribeMeeting(monitor, meetingId).snapshot();
			monitor.disconnect();

			expect((await server.stop('SIGTERM')).code).toBe(0);
			server = await startServer({ env: database.env });
			expect(server.output()).toContain('Restored 1 live meeting');

			const watcher = await connect(server.url);
			sockets.push(watcher);
			const feed = subscribeMeeting(watcher, meetingId);
			const after = await feed.snapshot();
			expect(after.meeting).toEqual(before.meeting);
			expect(after.seq).toBe(before.seq);

			// The callers' softphones reconnect and take their places back.
			const resumed = [];
			for (const caller of [first, second]) {
				const socket = await connect(server.url);
				sockets.push(socket);
				const back = await must(
					socket.emitWithAck('call:resume', { callId: caller.callId, resumeToken: caller.resumeToken })
				);
				expect(back.call).toMatchObject({ phase: 'lobby', music: 'lobby', meetingId });
				resumed.push(socket);
			}
			const admitted = resumed.map((s) => nextCallState(s, (v) => v.phase === 'in-meeting'));
			const organizer = await connect(server.url);
			sockets.push(organizer);
			await must(organizer.emitWithAck('call:dial', { keys: `${AMOS_CONFERENCE}#*${AMOS_PIN}#` }));
			await Promise.all(admitted);
			expect((await feed.waitFor('LobbyAdmitted')).event).toMatchObject({
				participantIds: [first.callId, second.callId]
			});
		} finally {
			for (const s of sockets) s.disconnect();
			await server.stop();
			await database.drop();
		}
	});
});

describe('bad input, wrong PINs and floods', () => {
	const suite = serverPerSuite({
		directory: {
			pins: { 'amos.marble@contoso.com': AMOS_PIN, 'megan.bowen@contoso.com': MEGAN_PIN },
			tenant: { maxParticipants: 2 }
		}
	});

	it('answers every malformed request with a typed error and keeps serving', async () => {
		const socket = await connect(suite.server.url);
		const noCall = await socket.emitWithAck('call:keys', { keys: '1' });
		expect(noCall).toMatchObject({ ok: false, error: { code: 'no-call' } });
		const badNumber = await socket.emitWithAck('call:dial', { phoneNumber: 'call me maybe' });
		expect(badNumber).toMatchObject({
			ok: false,
			error: { code: 'bad-request', message: expect.stringContaining('phoneNumber') }
		});
		const extra = await socket.emitWithAck('call:dial', { keys: '1', admin: true } as never);
		expect(extra).toMatchObject({ ok: false, error: { code: 'bad-request' } });
		const notAnObject = await (socket.emitWithAck as (e: string, ...a: unknown[]) => Promise<unknown>)(
			'call:dial',
			42
		);
		expect(notAnObject).toMatchObject({ ok: false, error: { code: 'bad-request' } });
		await must(socket.emitWithAck('call:dial', {}));
		const badKeys = await socket.emitWithAck('call:keys', { keys: 'abc' });
		expect(badKeys).toMatchObject({
			ok: false,
			error: { code: 'bad-request', message: expect.stringContaining('DTMF') }
		});
		const twice = await socket.emitWithAck('call:dial', {});
		expect(twice).toMatchObject({ ok: false, error: { code: 'bad-request' } });
		const anonymous = await socket.emitWithAck('client:join', { conferenceId: AMOS_CONFERENCE });
		expect(anonymous).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
		const unknown = await socket.emitWithAck('monitor:subscribe', {
			scope: 'meeting',
			meetingId: 'no-such-meeting'
		});
		expect(unknown).toMatchObject({ ok: false, error: { code: 'not-found' } });
		const badScope = await socket.emitWithAck('monitor:subscribe', { scope: 'everything' } as never);
		expect(badScope).toMatchObject({ ok: false, error: { code: 'bad-request' } });
		const forged = await socket.emitWithAck('call:resume', { callId: 'call_x', resumeToken: 'forged' });
		expect(forged).toMatchObject({ ok: false, error: { code: 'invalid-token' } });
		expect((await fetch(`${suite.server.url}/healthz`)).status).toBe(200);
		socket.disconnect();
	});

	it('answers an event outside the contract with unknown-event, also under a flood, and keeps serving', async () => {
		const socket = await connect(suite.server.url);
		// Events outside the contract are not typed; a missing answer fails after 5 s.
		const emit = (event: string, ...args: unknown[]) => {
			const timed = socket.timeout(5000) as unknown as { emitWithAck(...a: unknown[]): Promise<unknown> };
			return timed.emitWithAck(event, ...args);
		};
		await expect(emit('call:dail', { keys: '1#' })).resolves.toMatchObject({
			ok: false,
			error: { code: 'unknown-event', message: expect.stringContaining('"call:dail"') }
		});
		for (const event of ['__proto__', 'error', 'toString']) {
			await expect(emit(event)).resolves.toMatchObject({ ok: false, error: { code: 'unknown-event' } });
		}
		await expect(emit('hasOwnProperty', 1, 2, 3)).resolves.toMatchObject({
			ok: false,
			error: { code: 'unknown-event' }
		});
		const flood = await Promise.all(Array.from({ length: 80 }, () => emit('no:such')));
		const codes = new Set(flood.map((a) => (a as { error: { code: string } }).error.code));
		expect(codes).toEqual(new Set(['unknown-event', 'rate-limited']));
		expect((await fetch(`${suite.server.url}/healthz`)).status).toBe(200);
		socket.disconnect();
	});

	it('disconnects after three unknown conference IDs', async () => {
		const socket = await connect(suite.server.url);
		await must(socket.emitWithAck('call:dial', { keys: '1#' }));
		const second = await must(socket.emitWithAck('call:keys', { keys: '22#' }));
		expect(second.call).toMatchObject({ step: 'conference-id', prompt: { id: 'conference-id-unknown' } });
		const third = await must(socket.emitWithAck('call:keys', { keys: '333#' }));
		expect(third.call).toMatchObject({ phase: 'disconnected', reason: 'conference-id-failed' });
		socket.disconnect();
	});

	it("disconnects after three wrong PINs (reason pin-failed), and another user's PIN is wrong here", async () => {
		const socket = await connect(suite.server.url);
		// S2: Megan's PIN makes her leader of her own meetings only; on Amos's it is just wrong.
		const { call } = await must(
			socket.emitWithAck('call:dial', { keys: `${AMOS_CONFERENCE}#*${MEGAN_PIN}#11111#` })
		);
		expect(call).toMatchObject({ step: 'pin', prompt: { id: 'pin-wrong' } });
		const last = await must(socket.emitWithAck('call:keys', { keys: '22222#' }));
		expect(last.call).toMatchObject({
			phase: 'disconnected',
			reason: 'pin-failed',
			prompt: { id: 'pin-failed' }
		});
		socket.disconnect();
	});

	it('tells the caller beyond maxParticipants that the meeting is full', async () => {
		const a = await callerInLobby(suite.server.url, '+46 8 200 00 01');
		const b = await callerInLobby(suite.server.url, '+46 8 200 00 02');
		const c = await connect(suite.server.url);
		await must(c.emitWithAck('call:dial', { keys: `${AMOS_CONFERENCE}#` }));
		const full = await must(c.emitWithAck('call:keys', { keys: '#' }));
		expect(full.call).toMatchObject({
			phase: 'disconnected',
			reason: 'meeting-full',
			prompt: { id: 'meeting-full' }
		});
		for (const s of [a.socket, b.socket, c]) s.disconnect();
	});

	it('refuses a flood from one socket without harming another', async () => {
		const flooder = await connect(suite.server.url);
		const bystander = await connect(suite.server.url);
		const answers = await Promise.all(Array.from({ length: 150 }, () => flooder.emitWithAck('status:get')));
		const limited = answers.filter((a) => !a.ok && a.error.code === 'rate-limited').length;
		expect(limited).toBeGreaterThan(0);
		expect(answers.filter((a) => a.ok).length).toBeGreaterThanOrEqual(60);
		expect((await bystander.emitWithAck('status:get')).ok).toBe(true);
		flooder.disconnect();
		bystander.disconnect();
	});
});

describe('client participants take their identity from the session (S2, S4)', () => {
	const suite = serverPerSuite();

	it('refuses a wrong password, and an anonymous socket cannot join from the client', async () => {
		expect(await signIn(suite.server.url, 'amos.marble@contoso.com', 'not-the-password')).toBeNull();
		const anonymous = await connect(suite.server.url);
		const refused = await anonymous.emitWithAck('client:join', { conferenceId: AMOS_CONFERENCE });
		expect(refused).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
		anonymous.disconnect();
	});

	it('S4: a signed-in user joining from the client starts the waiting meeting with no PIN, and the lobby is admitted', async () => {
		const caller = await callerInLobby(suite.server.url, '+46 8 300 00 01');
		const admitted = nextCallState(caller.socket, (v) => v.phase === 'in-meeting');
		const cookie = await signIn(suite.server.url, 'amos.marble@contoso.com', TEST_USER_PASSWORD);
		expect(cookie).toContain('session_token');
		const client = io(suite.server.url, {
			transports: ['websocket'],
			forceNew: true,
			reconnection: false,
			extraHeaders: { cookie: cookie! }
		}) as Client;
		await new Promise((resolve) => client.once('connect', () => resolve(undefined)));
		const joined = await must(client.emitWithAck('client:join', { conferenceId: AMOS_CONFERENCE }));
		expect(joined.meetingId).toBe(caller.call.meetingId);
		expect(await admitted).toMatchObject({ phase: 'in-meeting', prompt: { id: 'admitted' } });
		client.disconnect();
		caller.socket.disconnect();
	});
});

describe('a PIN reset from the admin center', () => {
	it('S8: the new PIN is in the one answer only: not in the server log, nor on the admin pages after it', async () => {
		const database = await createTestDatabase();
		const server = await startServer({ env: database.env });
		try {
			const cookie = await signIn(server.url, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
			expect(cookie).toContain('session_token');
			const reset = await fetch(`${server.url}/admin/dial-in-users/amos.marble?/reset`, {
				method: 'POST',
				headers: {
					cookie: cookie!,
					origin: server.url,
					accept: 'application/json',
					'content-type': 'application/x-www-form-urlencoded'
				},
				body: new URLSearchParams({ sendEmail: 'on' })
			});
			const answer = await reset.text();
			// SvelteKit answers an action with its data encoded by devalue: a flat array of values.
			const values = JSON.parse((JSON.parse(answer) as { data: string }).data) as unknown[];
			const pin = values.find((v): v is string => typeof v === 'string' && /^\d{5}$/.test(v));
			expect(pin, answer).toMatch(/^\d{5}$/);
			for (const path of ['/admin/dial-in-users', '/admin/audit']) {
				const page = await (await fetch(`${server.url}${path}`, { headers: { cookie: cookie! } })).text();
				expect(page).not.toMatch(wholePin(pin!));
			}
			expect(server.output()).not.toMatch(wholePin(pin!));
		} finally {
			await server.stop();
			await database.drop();
		}
	});
});
