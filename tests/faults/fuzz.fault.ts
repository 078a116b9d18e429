/**
 * Scenario 5 of the fault suite: fuzzing the live channel's contract, the HTTP API and the scenario
 * parser. Each part runs its own built server on a throw-away database; an honest caller tells the
 * S10 story (into the lobby, the organizer dials in with the PIN, the lobby is admitted) while the
 * fuzzing goes on and after it, with an organizer the fuzzers never touch. Seeded by SEED.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDirectory, TEST_ADMIN_PASSWORD, TEST_USER_PASSWORD } from '../helpers/directory';
import { createTestDatabase, ROOT, startServer, type TestDatabase, type TestServer } from '../helpers/server';
import { FULL, sized, SEED } from './profile';
import { report } from './results';
import { callerWaitsInLobby, ORGANIZER, s10Story } from './s10-story';
import { lobby } from '../helpers/lobby-cli';
import { Fuzz } from './fuzz-values';
import { emptyHttpTally, operations, RequestSource, sendAndJudge } from './http-fuzz';
import {
	hostileInputs,
	mutatedScenario,
	parseAndJudge,
	randomBytes,
	type ParserTally,
	type ScenarioInput
} from './scenario-fuzz';
import { emptyTally, fuzzClient, oversized, PayloadSource, plausibleStrings } from './socket-fuzz';

/** The other seeded users' conference IDs: the fuzzers dial these, never the organizer's. */
const OTHER_CONFERENCES = ['5821946', '6390518', '7152834', '1234567'];
const SCENARIO_FILES = readdirSync(`${ROOT}/scenarios`).filter((f) => f.endsWith('.yaml'));

/** A built server on a fresh database whose organizer has the suite's PIN. */
function fuzzServer() {
	const state: { database?: TestDatabase; server?: TestServer } = {};
	beforeAll(async () => {
		state.database = await createTestDatabase();
		await prepareDirectory(state.database, { pins: { [ORGANIZER.email]: ORGANIZER.pin } });
		state.server = await startServer({ env: state.database.env });
	});
	afterAll(async () => {
		await state.server?.stop();
		await state.database?.drop();
	});
	return state as { database: TestDatabase; server: TestServer };
}

/** Whether the server process is up and its health check answers. */
async function alive(server: TestServer): Promise<boolean> {
	if (server.process.exitCode !== null || server.process.signalCode !== null) return false;
	const response = await fetch(`${server.url}/healthz`).catch(() => null);
	return response?.status === 200;
}

/** How often the server logged a fault it answered as internal. */
function loggedFaults(server: TestServer): number {
	return (server.output().match(/A socket handler failed|an API request failed|Unhandled|uncaught/gi) ?? [])
		.length;
}

/**
 * What a client sends is checked the same way whichever database is behind it, so the short form
 * fuzzes once, in the PGlite run; the full suite fuzzes on both.
 */
const ONCE_IS_ENOUGH = !!process.env.DATABASE_URL && !FULL;

describe.skipIf(ONCE_IS_ENOUGH)('fuzzing the live channel', () => {
	const state = fuzzServer();

	it('answers every fuzzed payload that has an acknowledgement with a typed answer, never crashes, and S10 holds during and after', async () => {
		const { server } = state;
		const total = sized(4_000, 100_000);
		const clients = sized(16, 80);
		const addresses = sized(4, 20);
		const perSecond = 25;
		const tally = emptyTally();
		const strings = plausibleStrings(OTHER_CONFERENCES, SCENARIO_FILES);
		const started = Date.now();

		const organizerDialsIn = await callerWaitsInLobby(server.url);
		const fuzzing = Promise.all(
			Array.from({ length: clients }, (_, i) =>
				fuzzClient(
					server.url,
					`127.0.0.${10 + (i % addresses)}`,
					new PayloadSource(SEED + i, strings, ORGANIZER.conferenceId),
					Math.ceil(total / clients),
					{ perSecond, timeoutMs: 10_000 },
					tally
				)
			)
		);
		// Halfway through, the organizer dials in and the lobby is admitted while the fuzzing goes on.
		while (tally.payloads < total / 2 && Date.now() - started < 10 * 60_000) {
			await new Promise((r) => setTimeout(r, 200));
		}
		const organizerAt = Date.now();
		await organizerDialsIn();
		const admittedDuringMs = Date.now() - organizerAt;
		await fuzzing;
		const fuzzSeconds = (Date.now() - started) / 1000;
		const closedOversize = await oversized(server.url, '127.0.0.9', [16 * 1024 + 1, 100_000, 1_000_000]);
		const storyAfterMs = await s10Story(server.url);
		const up = await alive(server);
		const faults = loggedFaults(server);

		report({
			scenario: 'fuzzing the live channel',
			database: state.database.kind,
			did:
				`${tally.payloads} seeded payloads for every client-to-server event (from the zod schemas, mutated; ` +
				`unknown events, no acknowledgement, extra arguments) from ${clients} sockets on ${addresses} addresses, ` +
				'3 messages over 16 KB, and S10 during and after',
			figures: {
				payloads: tally.payloads,
				acknowledged: tally.acknowledged,
				answered: tally.answered,
				unanswered: tally.unanswered,
				ok: tally.ok,
				typedErrors: tally.typedErrors,
				untyped: tally.untyped,
				internal: tally.internal,
				mismatched: tally.mismatched,
				unknownEvents: tally.unknownEvents,
				noAck: tally.noAck,
				rateLimited: tally.rateLimited,
				disconnects: tally.disconnects,
				oversizeClosed: `${closedOversize}/3`,
				crashes: up ? 0 : 1,
				loggedFaults: faults,
				slowestAnswerMs: tally.slowestMs,
				seconds: Math.round(fuzzSeconds),
				admittedDuringMs,
				storyAfterMs
			},
			lost: 0,
			doubled: 0,
			outOfOrder: 0
		});
		console.log(`[faults] live channel codes: ${JSON.stringify(tally.codes)}`);
		if (faults > 0) console.log(server.output().slice(-4000));
		expect(tally.problems).toEqual([]);
		expect(tally).toMatchObject({ unanswered: 0, untyped: 0, internal: 0, mismatched: 0, disconnects: 0 });
		expect(tally.answered).toBe(tally.acknowledged);
		expect(closedOversize).toBe(3);
		expect(up).toBe(true);
		expect(faults).toBe(0);
	});
});

/** The answer of one API call as JSON, for the suite's own setup and restore. */
async function api(url: string, method: string, path: string, token: string | null, body?: unknown) {
	const response = await fetch(`${url}/api/v1${path}`, {
		method,
		headers: {
			...(token ? { authorization: `Bearer ${token}` } : {}),
			...(body === undefined ? {} : { 'content-type': 'application/json' })
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function login(url: string, email: string, password: string): Promise<string> {
	const { status, json } = await api(url, 'POST', '/login', null, { email, password, tokenName: 'fuzz' });
	if (status !== 201) throw new Error(`Logging in as ${email} failed: ${JSON.stringify(json)}`);
	return json.token as string;
}

describe.skipIf(ONCE_IS_ENOUGH)('fuzzing the HTTP API', () => {
	const state = fuzzServer();

	it('answers every fuzzed request of every route, method and principal without a 500, errors as JSON with a code, and S10 holds after', async () => {
		const { server } = state;
		const total = sized(600, 6_000);
		const workers = 6;
		const ops = operations();
		const admin = await login(server.url, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
		const user = await login(server.url, 'megan.bowen@contoso.com', TEST_USER_PASSWORD);
		const settings = (await api(server.url, 'GET', '/tenant-settings', admin)).json.settings as Record<
			string,
			unknown
		>;
		const pools = {
			// Never the organizer of the S10 story: administrators' fuzzing could reset his PIN.
			identity: [
				'megan.bowen',
				'megan.bowen@contoso.com',
				'astrid.lindqvist',
				'lee.gu@contoso.com',
				'diego.siciliani',
				'admin@contoso.com',
				'no.one',
				'no.one@contoso.com'
			],
			// Never `current`: that would revoke the fuzzer's own token.
			id: ['tok_0', 'm1', '3f2c9a1e-0000-4000-8000-000000000000', 'call_0', 'x']
		};
		const strings = [
			...pools.identity,
			...SCENARIO_FILES,
			'fuzz',
			'u@hotmail.com',
			'UseNames',
			'pause',
			'reset-leader-pin',
			'dial-in.reset-pin',
			'user-test-password'
		];
		const tally = emptyHttpTally();
		const started = Date.now();
		await Promise.all(
			Array.from({ length: workers }, async (_, i) => {
				const source = new RequestSource(SEED + 1000 + i, ops, pools, strings, { user, admin });
				for (let n = 0; n < Math.ceil(total / workers); n++)
					await sendAndJudge(source.next(server.url), tally);
			})
		);
		const seconds = (Date.now() - started) / 1000;

		// Put back what the administrator's fuzzing changed for everyone, then the honest story.
		await api(server.url, 'POST', '/scenarios/live/control', admin, { action: 'stop' });
		const patchable = Object.keys(
			ops.find((o) => o.method === 'PATCH' && o.path === '/tenant-settings')?.body?.properties ?? {}
		);
		const restored = await api(
			server.url,
			'PATCH',
			'/tenant-settings',
			admin,
			Object.fromEntries(patchable.filter((k) => k in settings).map((k) => [k, settings[k]]))
		);
		const storyAfterMs = restored.status === 200 ? await s10Story(server.url) : -1;
		const up = await alive(server);
		const faults = loggedFaults(server);

		report({
			scenario: 'fuzzing the HTTP API',
			database: state.database.kind,
			did:
				`${tally.requests} seeded requests over the ${ops.length} operations of the OpenAPI document ` +
				'(fuzzed path parameters, query strings and bodies: wrong types, huge, NUL, invalid UTF-8, wrong ' +
				'content types, deep nesting) as anonymous, a user and an administrator, then S10',
			figures: {
				requests: tally.requests,
				operations: ops.length,
				anonymous: tally.byPrincipal.anonymous,
				user: tally.byPrincipal.user,
				admin: tally.byPrincipal.admin,
				status500: tally.errors500,
				notJson: tally.notJson,
				noCode: tally.noCode,
				csrfText: tally.csrfText,
				unanswered: tally.failed,
				crashes: up ? 0 : 1,
				loggedFaults: faults,
				slowestMs: tally.slowestMs,
				seconds: Math.round(seconds),
				storyAfterMs
			},
			lost: 0,
			doubled: 0,
			outOfOrder: 0
		});
		console.log(`[faults] HTTP statuses: ${JSON.stringify(tally.statuses)}`);
		if (faults > 0) console.log(server.output().slice(-4000));
		expect(restored.status, JSON.stringify(restored.json)).toBe(200);
		expect(tally.problems).toEqual([]);
		expect(tally).toMatchObject({ errors500: 0, notJson: 0, noCode: 0, failed: 0 });
		expect(up).toBe(true);
		expect(faults).toBe(0);
	});
});

describe.skipIf(ONCE_IS_ENOUGH)('fuzzing the scenario parser', () => {
	it('refuses alias bombs, 10 MB files, deep nesting, random bytes and broken scenarios with errors that say where, or accepts them, in bounded time and memory, in process and through lobby scenario validate', async () => {
		const texts = SCENARIO_FILES.map((f) => readFileSync(join(ROOT, 'scenarios', f), 'utf8'));
		const valid = texts.find((t) => t.includes('name:'))!;
		const fuzz = new Fuzz(SEED + 2000);
		const tally: ParserTally = {
			inputs: 0,
			accepted: 0,
			refused: 0,
			threw: 0,
			badErrors: 0,
			slowestMs: 0,
			slowestKind: '',
			peakRssMb: 0,
			problems: []
		};
		const rssBefore = process.memoryUsage().rss / 2 ** 20;
		const started = Date.now();
		const hostile = hostileInputs(valid);
		for (const input of hostile) parseAndJudge(input, tally);
		const random = sized(300, 3_000);
		const mutated = sized(2_000, 20_000);
		for (let i = 0; i < random; i++) parseAndJudge(randomBytes(fuzz), tally);
		for (let i = 0; i < mutated; i++) parseAndJudge(mutatedScenario(fuzz, texts), tally);
		const seconds = (Date.now() - started) / 1000;

		// The same files through the real command, several in one process (as a folder would be).
		const dir = mkdtempSync(join(tmpdir(), 'lobby-fuzz-scenarios-'));
		const cliInputs: ScenarioInput[] = [...hostile, randomBytes(fuzz), mutatedScenario(fuzz, texts)];
		const files = cliInputs.map((input, i) => {
			const file = join(dir, `${String(i).padStart(2, '0')}-${input.kind.replace(/\W+/g, '-')}.yaml`);
			writeFileSync(file, input.text);
			return file;
		});
		const cliStarted = Date.now();
		const cli = await lobby(['scenario', 'validate', dir]).finally(() =>
			rmSync(dir, { recursive: true, force: true })
		);
		const cliMs = Date.now() - cliStarted;
		const located = files.filter((f) =>
			new RegExp(`${f.split('/').pop()}:\\d+:\\d+: `).test(cli.stdout + cli.stderr)
		);

		report({
			scenario: 'fuzzing the scenario parser',
			database: 'none',
			did:
				`${tally.inputs} inputs to parseScenario (alias bombs, 10 MB files, deep nesting, ${random} random ` +
				`byte strings, ${mutated} mutated shipped scenarios), then ${files.length} files through lobby scenario validate`,
			figures: {
				inputs: tally.inputs,
				accepted: tally.accepted,
				refused: tally.refused,
				threw: tally.threw,
				unclearErrors: tally.badErrors,
				slowestMs: Math.round(tally.slowestMs),
				slowestKind: tally.slowestKind,
				rssGrowthMb: Math.round(tally.peakRssMb - rssBefore),
				seconds: Math.round(seconds),
				cliFiles: files.length,
				cliExit: String(cli.code),
				cliLocated: located.length,
				cliMs
			},
			lost: 0,
			doubled: 0,
			outOfOrder: 0
		});
		expect(tally.problems).toEqual([]);
		expect(tally).toMatchObject({ threw: 0, badErrors: 0 });
		expect(tally.slowestMs).toBeLessThan(3000);
		expect(tally.peakRssMb - rssBefore).toBeLessThan(1024);
		// Every file but the mutated one is refused with where; the command exits 1 (a file is invalid).
		expect(cli.code, cli.stderr).toBe(1);
		expect(located.length).toBeGreaterThanOrEqual(hostile.length - 1);
		expect(cliMs).toBeLessThan(30_000);
	});
});
