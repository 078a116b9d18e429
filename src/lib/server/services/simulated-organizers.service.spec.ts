import { like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/index';
import { auditLog, mailOutbox, users } from '../db/schema';
import type { Actor } from './audit.service';
import {
	openSeededDatabase,
	startEngine,
	updateTenant,
	userByEmail,
	wholePin,
	type Engine
} from './engine-test-kit';
import { SimulatedOrganizersService } from './simulated-organizers.service';

describe('simulated organizers for the load generator (S1, S2, S3, S8, S10, S12)', () => {
	let database: DatabaseHandle;
	let engine: Engine;
	let service: SimulatedOrganizersService;
	let admin: Actor;

	beforeAll(async () => {
		database = await openSeededDatabase();
		engine = await startEngine(database);
		service = new SimulatedOrganizersService({
			db: database.db,
			tenantId: 'contoso',
			dialIn: engine.services.dialIn,
			audit: engine.services.audit
		});
		const row = await userByEmail(database.db, 'admin@contoso.com');
		admin = { userId: row.id, email: row.email, role: row.role };
	});

	afterAll(async () => {
		await engine?.stop();
		await database?.close();
	});

	const simulatedUsers = () =>
		database.db.select().from(users).where(like(users.email, 'load-organizer-%')).orderBy(users.email);

	it('given an administrator, when two are asked for, then two dial-in users without a mailbox exist, each with a fresh PIN that is stored only as a hash and never emailed', async () => {
		const organizers = await service.ensure(admin, 2, 'api');

		expect(organizers.map((o) => [o.email, o.displayName])).toEqual([
			['load-organizer-001@contoso.com', 'Load organizer 001'],
			['load-organizer-002@contoso.com', 'Load organizer 002']
		]);
		const rows = await simulatedUsers();
		expect(rows).toHaveLength(2);
		for (const [i, row] of rows.entries()) {
			const organizer = organizers[i]!;
			expect(row).toMatchObject({
				role: 'user',
				hasMailbox: false,
				dialInEnabled: true,
				allowPstnOnlyMeetings: false,
				conferenceId: organizer.conferenceId
			});
			expect(organizer.conferenceId).toMatch(/^\d{7}$/);
			expect(organizer.leaderPin.reveal()).toMatch(/^\d{5}$/);
			expect(row.leaderPinHash).toMatch(/^scrypt\$/);
			expect(JSON.stringify(row)).not.toMatch(wholePin(organizer.leaderPin.reveal()));
			expect(await engine.services.pins.check(row.id, organizer.leaderPin)).toBe('correct');
		}
		expect(
			await database.db.select().from(mailOutbox).where(like(mailOutbox.toAddress, 'load-organizer-%'))
		).toEqual([]);
		const enabled = await engine.services.audit.list(admin, { action: 'dial-in.enable' });
		expect(enabled.map((e) => e.targetEmail).sort()).toEqual(organizers.map((o) => o.email));
		const log = JSON.stringify(await database.db.select().from(auditLog));
		for (const o of organizers) expect(log).not.toMatch(wholePin(o.leaderPin.reveal()));
	});

	it('given they exist, when more are asked for, then the existing keep their conference IDs and get new PINs by reset, and only the missing one is made', async () => {
		const before = await simulatedUsers();
		const first = await service.ensure(admin, 2, 'cli');
		const organizers = await service.ensure(admin, 3, 'cli');

		expect(organizers).toHaveLength(3);
		expect(organizers.slice(0, 2).map((o) => o.conferenceId)).toEqual(before.map((u) => u.conferenceId));
		const rows = await simulatedUsers();
		expect(rows).toHaveLength(3);
		for (const [i, row] of rows.entries()) {
			expect(await engine.services.pins.check(row.id, organizers[i]!.leaderPin)).toBe('correct');
		}
		// The PIN issued before is replaced (unless the new one happens to be the same digits).
		const row1 = rows[0]!;
		if (first[0]!.leaderPin.reveal() !== organizers[0]!.leaderPin.reveal()) {
			expect(await engine.services.pins.check(row1.id, first[0]!.leaderPin)).toBe('wrong');
		}
		const resets = await engine.services.audit.list(admin, { action: 'dial-in.reset-leader-pin' });
		expect(resets.filter((e) => e.targetEmail === 'load-organizer-001@contoso.com')).toHaveLength(2);
		const [ensured] = await engine.services.audit.list(admin, {
			action: 'simulated-organizers.ensure',
			limit: 1
		});
		expect(ensured).toMatchObject({ outcome: 'ok', path: 'cli', details: { count: 3, created: 1 } });
	});

	it('S6: even where the tenant allows PSTN-only meetings by default, simulated organizers do not, so their callers wait in the lobby', async () => {
		await updateTenant(database.db, { allowPstnOnlyMeetingsByDefault: true });
		try {
			await service.ensure(admin, 4, 'api');
		} finally {
			await updateTenant(database.db, { allowPstnOnlyMeetingsByDefault: false });
		}
		const rows = await simulatedUsers();
		expect(rows).toHaveLength(4);
		expect(rows.every((r) => !r.allowPstnOnlyMeetings)).toBe(true);
	});

	it('S3: users and anonymous callers are refused, audited, and nothing changes', async () => {
		const before = await simulatedUsers();
		const amosRow = await userByEmail(database.db, 'amos.marble@contoso.com');
		const amos: Actor = { userId: amosRow.id, email: amosRow.email, role: 'user' };
		for (const actor of [amos, { userId: null, email: 'anonymous', role: 'anonymous' } as Actor]) {
			await expect(service.ensure(actor, 5, 'api')).rejects.toMatchObject({ code: 'forbidden' });
		}
		expect(await simulatedUsers()).toEqual(before);
		const denied = await engine.services.audit.list(admin, { action: 'simulated-organizers.ensure' });
		expect(denied.filter((e) => e.outcome === 'denied').map((e) => e.actorEmail)).toEqual([
			'anonymous',
			amosRow.email
		]);
	});

	it('refuses a count outside 1 to 1000', async () => {
		for (const count of [0, -1, 1.5, 1001]) {
			await expect(service.ensure(admin, count, 'api')).rejects.toMatchObject({ code: 'bad-request' });
		}
	});

	it('S2, S10: callers wait in a simulated organizer’s lobby until the organizer dials in with the PIN, then all are admitted', async () => {
		const [organizer] = await service.ensure(admin, 1, 'api');
		const { calls } = engine.services;
		const callers: string[] = [];
		let meetingId = '';
		for (const n of ['+1 555 0101', '+1 555 0102']) {
			const { callId } = calls.dial(n);
			const view = await calls.pressKeys(callId, `${organizer!.conferenceId}##`);
			expect(view).toMatchObject({ phase: 'lobby', music: 'lobby' });
			meetingId = view.meetingId!;
			callers.push(callId);
		}
		expect(engine.notifier.joinedLobby(meetingId)).toEqual(callers);
		const leader = calls.dial('+1 555 0100');
		expect(await calls.pressKeys(leader.callId, `${organizer!.conferenceId}#*`)).toMatchObject({
			step: 'pin'
		});
		expect(await calls.pressKeys(leader.callId, `${organizer!.leaderPin.reveal()}#`)).toMatchObject({
			phase: 'in-meeting',
			isLeader: true
		});
		const admitted = engine.notifier.notices.filter(
			(n) => n.kind === 'lobbyAdmitted' && n.meetingId === meetingId
		);
		expect(admitted).toMatchObject([{ view: { phase: 'in-meeting' } }]);
		for (const callId of [...callers, leader.callId]) await calls.hangUp(callId);
	});
});
