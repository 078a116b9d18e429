import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioLoadJson } from '$lib/contract/api';
import type { DatabaseHandle } from '../db/index';
import { auditLog, tenants, users } from '../db/schema';
import { DEMO_TENANT_ID, ensureCredentials, LIVE_SCENARIO_TENANT_ID } from '../db/seed';
import type { Actor } from '../services/audit.service';
import { ScenarioLoads } from './scenario-load';
import { openLiveBench, type LiveBench } from '../../../../tests/helpers/live-bench';

/** Two callers wait, and the run counts the calls still connected: its own two, whatever else runs. */
const OWN_CALLS = `name: Own calls
description: Alice and Bob wait in Amos's lobby; totals count this run's calls only.
seed: 3
actors:
  callers:
    alice: '+46 8 123 45 67'
    bob: '+46 8 765 43 21'
  organizers:
    amos: { user: amos.marble }
steps:
  - at: 0s
    dial: alice
  - dial: bob
  - at: 10s
    expect: { totals: { calls: 2, meetings: 1, lobby: 2 } }
`;

describe('a scenario load runs copies of one story at once, each in a world of its own', () => {
	let bench: LiveBench;
	let database: DatabaseHandle;
	let loads: ScenarioLoads;
	let admin: Actor;
	let amos: Actor;

	const audit = (action: string) =>
		database.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(auditLog.seq);
	const demoUsers = () =>
		database.db.select().from(users).where(eq(users.tenantId, DEMO_TENANT_ID)).orderBy(users.email);
	const refusal = (promise: Promise<unknown>) =>
		promise.then(
			() => null,
			(error: unknown) => error as { code: string; message: string }
		);

	beforeAll(async () => {
		bench = await openLiveBench(
			['s10-lobby-admitted.yaml', 's03-s08-s09-forgotten-pin.yaml', 'mail-outage.yaml'],
			{ 'own-calls.yaml': OWN_CALLS }
		);
		({ database, admin, amos } = bench);
		loads = new ScenarioLoads(bench.deps, bench.cwd);
	});

	afterAll(async () => {
		if (loads) await loads.stop({ actor: admin, path: 'api' });
		await bench?.close();
	});

	it('given three copies of S10, then each passes in a tenant of its own with conference IDs of its own, and the demo users are untouched', async () => {
		const before = await demoUsers();
		const started = await loads.start(
			'scenarios/s10-lobby-admitted.yaml',
			{ repeat: 3, speed: 20 },
			{ actor: admin, path: 'api' }
		);
		expect(started).toMatchObject({ file: 'scenarios/s10-lobby-admitted.yaml', repeat: 3, speed: 20 });
		expect(['preparing', 'running']).toContain(started.status);
		await loads.idle();
		const load = loads.view({ actor: admin, path: 'api' }) as ScenarioLoadJson;
		expect(load.status).toBe('passed');
		expect(load.copies.map((c) => [c.copy, c.status])).toEqual([
			[1, 'passed'],
			[2, 'passed'],
			[3, 'passed']
		]);
		// Every copy checked the whole story's expectations, and each of them held.
		const counts = load.copies.map((c) => c.expectations.length);
		expect(new Set(counts).size).toBe(1);
		expect(counts[0]).toBeGreaterThan(3);
		expect(load.copies.flatMap((c) => c.expectations).every((e) => e.passed)).toBe(true);

		const copyTenants = await database.db
			.select({ id: tenants.id, domain: tenants.domain })
			.from(tenants)
			.where(like(tenants.id, `${LIVE_SCENARIO_TENANT_ID}-copy-%`))
			.orderBy(tenants.id);
		expect(copyTenants).toEqual(
			[1, 2, 3].map((n) => ({
				id: `${LIVE_SCENARIO_TENANT_ID}-copy-${n}`,
				domain: `copy-${n}.scenarios.invalid`
			}))
		);
		const standIns = await database.db
			.select({ tenantId: users.tenantId, email: users.email, conferenceId: users.conferenceId })
			.from(users)
			.where(like(users.tenantId, `${LIVE_SCENARIO_TENANT_ID}-copy-%`));
		const amoses = standIns.filter((u) => u.email.startsWith('amos.marble@'));
		expect(amoses.map((u) => u.email).sort()).toEqual(
			[1, 2, 3].map((n) => `amos.marble@copy-${n}.scenarios.invalid`)
		);
		// No two copies share a conference ID, and none is a real user's.
		const conferenceIds = standIns.map((u) => u.conferenceId).filter((id) => id !== null);
		expect(new Set(conferenceIds).size).toBe(conferenceIds.length);
		const real = new Set(before.map((u) => u.conferenceId).filter((id) => id !== null));
		expect(conferenceIds.filter((id) => real.has(id))).toEqual([]);
		expect(await demoUsers()).toEqual(before);

		const [start] = await audit('scenario.load.start');
		expect(start).toMatchObject({ actorEmail: 'admin@contoso.com', outcome: 'ok' });
		const [finish] = await audit('scenario.load.finish');
		expect(finish).toMatchObject({ actorEmail: 'admin@contoso.com', outcome: 'ok' });
		expect(finish?.details).toMatchObject({ status: 'passed', passed: 3, failed: 0 });

		// The copies' stand-ins (an administrator among them) never get a way to sign in.
		expect(await ensureCredentials(database.db)).toEqual({});
	}, 120_000);

	it('given four copies whose callers all wait at once, then each copy counts only its own calls and meetings', async () => {
		await loads.start('scenarios/own-calls.yaml', { repeat: 4, speed: 20 }, { actor: admin, path: 'api' });
		await loads.idle();
		const load = loads.view({ actor: admin, path: 'api' }) as ScenarioLoadJson;
		expect(load.copies.map((c) => [c.status, c.expectations.map((e) => e.message)])).toEqual(
			[1, 2, 3, 4].map(() => ['passed', [expect.stringContaining('calls 2')]])
		);
	}, 120_000);

	it('given two starts at the same moment, then one load starts and the other is refused as a conflict', async () => {
		const by = { actor: admin, path: 'api' as const };
		const both = await Promise.allSettled([
			loads.start('scenarios/s03-s08-s09-forgotten-pin.yaml', { repeat: 1, speed: 1 }, by),
			loads.start('scenarios/s03-s08-s09-forgotten-pin.yaml', { repeat: 1, speed: 1 }, by)
		]);
		expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
		const refused = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
		expect(refused.reason).toMatchObject({ code: 'conflict' });
		expect((await loads.stop(by))?.status).toBe('stopped');
	}, 120_000);

	it('given a user, a count out of range, an unknown file, a virtual-only fault or a load already running, then each is refused, saying why, and audited', async () => {
		const by = { actor: admin, path: 'api' as const };
		const failedBefore = (await audit('scenario.load.start')).filter((e) => e.outcome === 'failed').length;
		expect(
			await refusal(
				loads.start(
					'scenarios/s10-lobby-admitted.yaml',
					{ repeat: 2, speed: 20 },
					{ actor: amos, path: 'api' }
				)
			)
		).toMatchObject({
			code: 'forbidden'
		});
		expect(() => loads.view({ actor: amos, path: 'api' })).toThrow(/Only administrators/);
		for (const repeat of [0, 51, 2.5]) {
			expect(
				await refusal(loads.start('scenarios/s10-lobby-admitted.yaml', { repeat, speed: 20 }, by))
			).toMatchObject({
				code: 'bad-request',
				message: expect.stringContaining('repeat takes a whole number from 1 to 50')
			});
		}
		expect(await refusal(loads.start('scenarios/nowhere.yaml', { repeat: 1, speed: 20 }, by))).toMatchObject({
			code: 'not-found'
		});
		expect(
			await refusal(loads.start('scenarios/mail-outage.yaml', { repeat: 1, speed: 20 }, by))
		).toMatchObject({
			code: 'bad-request',
			message: expect.stringMatching(/^scenarios\/mail-outage\.yaml:\d+: failMail runs in virtual time only/)
		});

		// The forgotten-PIN story takes minutes of scenario time: it is still running when the second comes.
		await loads.start('scenarios/s03-s08-s09-forgotten-pin.yaml', { repeat: 2, speed: 1 }, by);
		expect(
			await refusal(loads.start('scenarios/s10-lobby-admitted.yaml', { repeat: 1, speed: 20 }, by))
		).toMatchObject({
			code: 'conflict',
			message: expect.stringContaining('one at a time')
		});
		await expect(loads.stop({ actor: amos, path: 'api' })).rejects.toMatchObject({ code: 'forbidden' });
		const stopped = await loads.stop(by);
		expect(stopped?.status).toBe('stopped');
		expect(stopped?.copies.every((c) => c.status === 'stopped')).toBe(true);

		const denied = (await audit('scenario.load.start')).filter((e) => e.outcome === 'denied');
		expect(denied.map((e) => e.actorEmail)).toEqual(['amos.marble@contoso.com']);
		const failed = (await audit('scenario.load.start')).filter((e) => e.outcome === 'failed');
		expect(failed).toHaveLength(failedBefore + 6);
		expect((await audit('scenario.load.stop')).map((e) => [e.actorEmail, e.outcome]).slice(-2)).toEqual([
			['amos.marble@contoso.com', 'denied'],
			['admin@contoso.com', 'ok']
		]);
	}, 120_000);
});
