import { and, eq, like, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLeaderPin } from '$lib/domain';
import type { LiveRunView } from '$lib/contract/events';
import { parseScenario } from '$lib/scenario/parse-scenario';
import { SeededRandom } from '$lib/scenario/seeded-random';
import type { DatabaseHandle } from '../db/index';
import { accounts, auditLog, mailOutbox, tenants, users } from '../db/schema';
import { DEMO_TENANT_ID, ensureCredentials, LIVE_SCENARIO_TENANT_ID } from '../db/seed';
import type { Services } from '../services/index';
import { Pin } from '../security/pin';
import { isServiceError } from '../service-error';
import type { Actor } from '../services/audit.service';
import type { NotifierHub } from '../services/notifier';
import type { IdSource } from '../services/ports';
import { LiveHost } from './live-host';
import { LiveScenarios } from './live-scenarios';
import { liveRunServices, setUpLiveWorld } from './live-world';
import { loadScenarioFile } from './scenario-files';
import { runScenario } from './virtual-run';
import { openLiveBench, type LiveBench } from '../../../../tests/helpers/live-bench';

/** A scenario whose organizer's PIN is written in the file, on line 8. */
const LITERAL_PIN = `name: A PIN in the file
description: Amos's PIN is written here, so anyone who reads the file knows it.
seed: 7
actors:
  callers:
    alice: '+46 8 123 45 67'
  organizers:
    amos: { user: amos.marble, pin: '48213' }
steps:
  - at: 0s
    dial: amos
  - expect: { meeting: amos, state: in-progress, startedBy: leader-pin }
`;

/** The PINs today's seeded setup would give s02's organizers: what anyone with the file can compute. */
function seededSetupPins(seed: number, count: number): string[] {
	const rng = new SeededRandom(seed, 'setup-pins');
	return Array.from({ length: count }, () => generateLeaderPin(5, () => rng.digit()));
}

describe('live scenario runs play stand-ins, never the real directory', () => {
	let bench: LiveBench;
	let database: DatabaseHandle;
	let services: Services;
	let notifier: NotifierHub;
	let ids: IdSource;
	let live: LiveScenarios;
	let cwd: string;
	let admin: Actor;
	let amos: Actor;

	const realUsers = () =>
		database.db.select().from(users).where(eq(users.tenantId, DEMO_TENANT_ID)).orderBy(users.email);
	const demoTenant = async () =>
		(await database.db.select().from(tenants).where(eq(tenants.id, DEMO_TENANT_ID)))[0];
	const audit = (action: string) =>
		database.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(auditLog.seq);

	async function finished(): Promise<LiveRunView> {
		for (let i = 0; i < 400; i++) {
			const view = live.view();
			if (view && !['preparing', 'running', 'paused'].includes(view.status)) return view;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		throw new Error(`The live run did not finish: ${JSON.stringify(live.view())}`);
	}

	beforeAll(async () => {
		bench = await openLiveBench(
			[
				's02-organizer-pin.yaml',
				's03-s08-s09-forgotten-pin.yaml',
				's09-s14-s15-reset-email.yaml',
				'server-restart.yaml',
				'mail-outage.yaml',
				'database-pause.yaml'
			],
			{ 'literal-pin.yaml': LITERAL_PIN }
		);
		({ database, cwd, admin, amos } = bench);
		({ services, notifier, ids } = bench.deps);
		live = new LiveScenarios(bench.deps, cwd);
	});

	afterAll(async () => {
		await live?.stop();
		await bench?.close();
	});

	it('given a scenario with a PIN written in the file, then a live start is refused with the file, line and organizer, and audited; a virtual run still accepts it', async () => {
		const refused = await live
			.start('scenarios/literal-pin.yaml', { speed: 10 }, { actor: admin, path: 'api' })
			.then(
				() => null,
				(error: unknown) => error
			);

		expect(refused).toSatisfy(isServiceError);
		expect(refused).toMatchObject({ code: 'bad-request', status: 400 });
		expect((refused as Error).message).toContain(
			'scenarios/literal-pin.yaml:8: organizer amos has a PIN written in the file'
		);
		expect(live.view()).toBeNull();
		expect(await audit('scenario.start')).toEqual([
			expect.objectContaining({
				actorEmail: 'admin@contoso.com',
				outcome: 'failed',
				path: 'api',
				details: expect.objectContaining({ file: 'scenarios/literal-pin.yaml' })
			})
		]);

		const parsed = parseScenario(LITERAL_PIN, 'literal-pin.yaml');
		if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
		const virtual = await runScenario(parsed.scenario, { source: parsed.source });
		expect(virtual.passed, JSON.stringify(virtual.expectations)).toBe(true);
	});

	it('given a user or nobody signed in, then starting and steering a live run is refused and audited as denied', async () => {
		await expect(
			live.start('scenarios/s02-organizer-pin.yaml', { speed: 10 }, { actor: amos, path: 'socket' })
		).rejects.toMatchObject({ code: 'forbidden' });
		await expect(
			live.control(
				{ action: 'stop' },
				{ actor: { userId: null, email: 'anonymous', role: 'anonymous' }, path: 'socket' }
			)
		).rejects.toMatchObject({ code: 'unauthenticated' });

		const denied = (await database.db.select().from(auditLog).where(eq(auditLog.outcome, 'denied'))).map(
			(e) => [e.action, e.actorEmail, e.path]
		);
		expect(denied).toEqual([
			['scenario.start', 'amos.marble@contoso.com', 'socket'],
			['scenario.stop', 'anonymous', 'socket']
		]);
	});

	it('given the same seed, when a live run is set up twice, then its organizers get new PINs each time, none from the seed, and the real users keep theirs', async () => {
		const before = await realUsers();
		const loaded = await loadScenarioFile('scenarios/s02-organizer-pin.yaml', cwd);
		if (!loaded.ok) throw new Error('s02 does not parse');
		const host = new LiveHost(
			{ services: liveRunServices(services, database.db), db: database.db, ids, notifier },
			{ speed: 1 }
		);

		const first = await setUpLiveWorld(host, loaded.scenario);
		const second = await setUpLiveWorld(host, loaded.scenario);
		await host.close();

		const pins = (world: typeof first) => [world.knownPins.get('amos'), world.knownPins.get('astrid')];
		expect(pins(first).every((pin) => /^\d{5}$/.test(pin ?? ''))).toBe(true);
		expect(pins(first)).not.toEqual(pins(second));
		expect(pins(first)).not.toEqual(seededSetupPins(loaded.scenario.seed, 2));
		expect(pins(second)).not.toEqual(seededSetupPins(loaded.scenario.seed, 2));

		// The organizers are stand-ins: simulated users of the live-scenario tenant, named like the real ones.
		const amosStandIn = first.organizers.get('amos')!;
		expect(amosStandIn).toMatchObject({ displayName: 'Amos Marble', email: 'amos.marble@scenarios.invalid' });
		expect(amosStandIn.userId).toMatch(/^stand-in-/);
		expect(amosStandIn.conferenceId).not.toBe('4410273');
		expect(second.organizers.get('amos')!.conferenceId).toBe(amosStandIn.conferenceId);
		expect(first.admin).toMatchObject({ email: 'admin@scenarios.invalid', role: 'admin' });
		expect(await services.pins.check(amosStandIn.userId, Pin.of(second.knownPins.get('amos')!))).toBe(
			'correct'
		);
		expect(await realUsers()).toEqual(before);

		// A restart gives sign-in passwords to directory users without one; never to a stand-in.
		await ensureCredentials(database.db, { admin: 'restart-admin', users: 'restart-user' });
		const standInAccounts = await database.db
			.select({ userId: accounts.userId })
			.from(accounts)
			.innerJoin(users, eq(users.id, accounts.userId))
			.where(eq(users.tenantId, LIVE_SCENARIO_TENANT_ID));
		expect(standInAccounts).toEqual([]);
	});

	it('when s03 and s09 run live, then they pass on stand-ins: the resets are audited under the administrator’s stand-in, the mail stays in the simulated mailbox, and no real user, message or setting changes', async () => {
		const usersBefore = await realUsers();
		const tenantBefore = await demoTenant();
		const realMail = () =>
			database.db.select().from(mailOutbox).where(ne(mailOutbox.tenantId, LIVE_SCENARIO_TENANT_ID));
		const mailBefore = await realMail();

		for (const file of [
			'scenarios/s03-s08-s09-forgotten-pin.yaml',
			'scenarios/s09-s14-s15-reset-email.yaml'
		]) {
			const started = await live.start(file, { speed: 100 }, { actor: admin, path: 'page' });
			expect(started.status).toBe('preparing');
			const view = await finished();
			expect(view.status, JSON.stringify(view.expectations.filter((e) => !e.passed))).toBe('passed');
			// The expectation that names amos.marble@contoso.com found his stand-in's message.
			if (file.includes('s03')) {
				const email = view.expectations.find((e) => e.name.includes('amos.marble@contoso.com'));
				expect(email).toMatchObject({ passed: true });
			}
		}

		expect(await realUsers()).toEqual(usersBefore);
		expect(await demoTenant()).toEqual(tenantBefore);
		expect(await realMail()).toEqual(mailBefore);
		const runMail = await database.db
			.select()
			.from(mailOutbox)
			.where(eq(mailOutbox.tenantId, LIVE_SCENARIO_TENANT_ID));
		expect(runMail.map((m) => [m.toAddress, m.status])).toEqual([
			['amos.marble@scenarios.invalid', 'mailbox'],
			['lee.gu@hotmail.com', 'mailbox']
		]);
		// s09 turned automatic email off in the run's tenant only.
		const [runTenant] = await database.db
			.select()
			.from(tenants)
			.where(eq(tenants.id, LIVE_SCENARIO_TENANT_ID));
		expect(runTenant?.automaticallySendEmailsToUsers).toBe(false);
		expect(tenantBefore?.automaticallySendEmailsToUsers).toBe(true);

		const resets = await database.db
			.select()
			.from(auditLog)
			.where(
				and(eq(auditLog.action, 'dial-in.reset-leader-pin'), eq(auditLog.tenantId, LIVE_SCENARIO_TENANT_ID))
			);
		expect(resets.map((r) => [r.actorEmail, r.targetEmail, r.outcome])).toEqual([
			['amos.marble@scenarios.invalid', 'amos.marble@scenarios.invalid', 'denied'],
			['admin@scenarios.invalid', 'amos.marble@scenarios.invalid', 'ok'],
			['admin@scenarios.invalid', 'lee.gu@scenarios.invalid', 'ok'],
			['admin@scenarios.invalid', 'lee.gu@scenarios.invalid', 'ok'],
			['admin@scenarios.invalid', 'astrid.lindqvist@scenarios.invalid', 'ok']
		]);
		const lifecycle = (
			await database.db
				.select()
				.from(auditLog)
				.where(like(auditLog.action, 'scenario.%'))
				.orderBy(auditLog.seq)
		)
			.filter((e) => e.outcome === 'ok')
			.map((e) => [e.action, e.actorEmail, e.path, (e.details as { file?: string }).file]);
		expect(lifecycle).toEqual([
			['scenario.start', 'admin@contoso.com', 'page', 'scenarios/s03-s08-s09-forgotten-pin.yaml'],
			['scenario.finish', 'admin@contoso.com', 'page', 'scenarios/s03-s08-s09-forgotten-pin.yaml'],
			['scenario.start', 'admin@contoso.com', 'page', 'scenarios/s09-s14-s15-reset-email.yaml'],
			['scenario.finish', 'admin@contoso.com', 'page', 'scenarios/s09-s14-s15-reset-email.yaml']
		]);
	}, 60_000);

	it('given a scenario that restarts the server, then a live start is refused with the file and line of the step, before anything runs', async () => {
		const refused = await live
			.start('scenarios/server-restart.yaml', { speed: 10 }, { actor: admin, path: 'api' })
			.then(
				() => null,
				(error: unknown) => error
			);
		expect(refused).toMatchObject({ code: 'bad-request' });
		expect((refused as Error).message).toMatch(
			/^scenarios\/server-restart\.yaml:\d+: restartServer runs in virtual time only; .*--virtual\.$/
		);
		expect(live.view()?.file).not.toBe('scenarios/server-restart.yaml');
	});

	it('given the list of files, then those a live run cannot play say why before anyone starts them, and the others say nothing', async () => {
		const list = await live.list();
		const notLive = Object.fromEntries(list.map((s) => [s.file, s.notLive]));
		expect(notLive['scenarios/s02-organizer-pin.yaml']).toBeNull();
		expect(notLive['scenarios/s09-s14-s15-reset-email.yaml']).toBeNull();
		expect(notLive['scenarios/server-restart.yaml']).toMatch(
			/^scenarios\/server-restart\.yaml:\d+: restartServer runs in virtual time only/
		);
		expect(notLive['scenarios/mail-outage.yaml']).toMatch(
			/failMail runs in virtual time only; .*--virtual\.$/
		);
		expect(notLive['scenarios/database-pause.yaml']).toMatch(/pauseDatabase runs in virtual time only/);
		expect(notLive['scenarios/literal-pin.yaml']).toMatch(
			/^scenarios\/literal-pin\.yaml:8: organizer amos has a PIN written in the file/
		);
	});

	it('given a scenario that fails mail or pauses the database, then a live start is refused, naming the step and its line', async () => {
		for (const [file, step] of [
			['scenarios/mail-outage.yaml', 'failMail'],
			['scenarios/database-pause.yaml', 'pauseDatabase']
		] as const) {
			const refused = await live.start(file, { speed: 10 }, { actor: admin, path: 'api' }).then(
				() => null,
				(error: unknown) => error
			);
			expect(refused).toMatchObject({ code: 'bad-request' });
			expect((refused as Error).message).toMatch(
				new RegExp(`^${file.replace('.', '\\.')}:\\d+: ${step} runs in virtual time only; .*--virtual\\.$`)
			);
			expect(live.view()?.file).not.toBe(file);
		}
	});
});
