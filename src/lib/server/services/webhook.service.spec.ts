/**
 * Webhooks through the services a server builds, on PGlite and virtual time (docs/webhooks.md):
 * an administrator registers endpoints on a real HTTP server and a real HTTPS one (its certificate
 * made here with openssl), callers and an organizer make events, and each delivery arrives signed,
 * with its idempotency key, numbers masked and never a PIN; a failing endpoint is retried with
 * backoff on the injected clock until it answers or is given up; the outbound policy refuses
 * loopback, link-local and private destinations unless configuration allows them; only
 * administrators may touch any of it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookPayload } from '$lib/contract/webhooks';
import type { DatabaseHandle } from '../db/index';
import { auditLog } from '../db/schema';
import { DEMO_TENANT_ID } from '../db/seed';
import { WebhooksRepository } from '../repositories/webhooks.repository';
import { parseNetworks } from '../security/outbound-policy';
import { Pin } from '../security/pin';
import { verifyWebhook } from '../security/webhook-signature';
import { actorFor } from './access';
import type { Actor } from './audit.service';
import {
	callerInLobby,
	openSeededDatabase,
	refusal,
	startEngine,
	updateTenant,
	userByEmail,
	wholePin,
	type Engine
} from './engine-test-kit';
import { WebhookService } from './webhook.service';

const AMOS_PIN = '73914';

/** One request an endpoint received. */
interface Received {
	headers: IncomingMessage['headers'];
	body: string;
}

/** A real endpoint on loopback that answers each request with the next status of `answers` (then 200). */
class Endpoint {
	readonly received: Received[] = [];
	answers: number[] = [];
	constructor(readonly server: Server) {
		server.on('request', (req: IncomingMessage, res) => {
			let body = '';
			req.setEncoding('utf8');
			req.on('data', (chunk: string) => (body += chunk));
			req.on('end', () => {
				this.received.push({ headers: req.headers, body });
				res.statusCode = this.answers.shift() ?? 200;
				res.end('ok');
			});
		});
	}
	async listen(): Promise<number> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		return (this.server.address() as AddressInfo).port;
	}
	close(): Promise<void> {
		return new Promise((resolve) => this.server.close(() => resolve()));
	}
	events(): string[] {
		return this.received.map((r) => String(r.headers['lobby-event']));
	}
}

describe('WebhookService: registered endpoints get signed deliveries, retried with backoff, within the outbound policy', () => {
	let database: DatabaseHandle;
	let engine: Engine;
	let admin: Actor;
	let amos: Actor;
	let dir: string;
	let http: Endpoint;
	let https: Endpoint;
	let httpUrl: string;
	let httpsUrl: string;

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'lobby-webhooks-'));
		// A certificate for 127.0.0.1, made here: the service trusts it as an extra CA.
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'rsa:2048',
				'-nodes',
				'-days',
				'1',
				'-subj',
				'/CN=127.0.0.1',
				'-addext',
				'subjectAltName=IP:127.0.0.1',
				'-keyout',
				join(dir, 'key.pem'),
				'-out',
				join(dir, 'cert.pem')
			],
			{ stdio: 'ignore' }
		);
		const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
		http = new Endpoint(createHttpServer());
		https = new Endpoint(createHttpsServer({ cert, key: readFileSync(join(dir, 'key.pem'), 'utf8') }));
		httpUrl = `http://127.0.0.1:${await http.listen()}/hooks`;
		httpsUrl = `https://127.0.0.1:${await https.listen()}/hooks`;
		database = await openSeededDatabase();
		// The tests allow loopback explicitly, as LOBBY_WEBHOOK_ALLOWED_NETWORKS would.
		engine = await startEngine(database, {
			webhooks: { policy: { allowed: parseNetworks('127.0.0.0/8') }, ca: cert }
		});
		admin = actorFor(await userByEmail(database.db, 'admin@contoso.com'));
		amos = actorFor(await userByEmail(database.db, 'amos.marble@contoso.com'));
	});

	afterAll(async () => {
		await engine?.stop();
		await database?.close();
		await http?.close();
		await https?.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	/** Another server's webhook service on the same database, with its own policy and limits. */
	function anotherServer(
		policy: { allowed: ReturnType<typeof parseNetworks> },
		more: { attemptTimeoutMs?: number } = {}
	): WebhookService {
		return new WebhookService({
			webhooks: new WebhooksRepository(database.db, DEMO_TENANT_ID),
			tenantId: DEMO_TENANT_ID,
			directory: undefined as never,
			audit: engine.services.audit,
			clock: engine.time,
			scheduler: engine.time,
			policy,
			masked: () => true,
			...more
		});
	}

	/** Whether a received delivery carries `secret`'s signature of its body, now. */
	function signedWith(secret: string, { headers, body }: Received, changedBody = body): boolean {
		return verifyWebhook(
			secret,
			String(headers['lobby-timestamp']),
			changedBody,
			String(headers['lobby-signature']),
			Math.floor(engine.time.now() / 1000)
		);
	}

	/** Lets queued events reach the outbox, then sends what is due. */
	async function deliver(): Promise<number> {
		await engine.services.webhooks.settled();
		return engine.services.webhooks.deliverDue();
	}

	it('given an endpoint for lobby and meeting events, when callers wait and the organizer starts with his PIN, then each event arrives once, signed, with its meetingId:seq key, numbers masked and no PIN', async () => {
		const { webhooks, pins, calls } = engine.services;
		const created = await webhooks.create(
			admin,
			{ url: httpUrl, events: ['lobby.entered', 'meeting.started', 'lobby.admitted'], description: 'QA bus' },
			'api'
		);
		expect(created.secret).toMatch(/^whsec_[\w-]{43}$/);
		expect(created.webhook).toMatchObject({
			url: httpUrl,
			enabled: true,
			secretHint: `…${created.secret.slice(-4)}`
		});
		// Shown once: nothing read later carries it.
		expect(JSON.stringify(await webhooks.list(admin))).not.toContain(created.secret);

		const amosUser = await userByEmail(database.db, 'amos.marble@contoso.com');
		await pins.setPin(amosUser.id, Pin.of(AMOS_PIN));
		await callerInLobby(engine, amosUser.conferenceId!, '+46 8 123 45 67');
		const { callId } = calls.dial('+46 70 100 00 01');
		expect(await calls.pressKeys(callId, `${amosUser.conferenceId}#*${AMOS_PIN}#`)).toMatchObject({
			phase: 'in-meeting'
		});
		expect(await deliver()).toBe(3);
		expect(http.events()).toEqual(['lobby.entered', 'meeting.started', 'lobby.admitted']);

		for (const received of http.received) {
			const { headers, body } = received;
			expect(headers['content-type']).toBe('application/json');
			expect(signedWith(created.secret, received)).toBe(true);
			// Another secret, or a body changed on the way, does not verify.
			expect(signedWith('whsec_other', received)).toBe(false);
			expect(signedWith(created.secret, received, `${body} `)).toBe(false);
			const payload = JSON.parse(body) as WebhookPayload;
			expect(headers['idempotency-key']).toBe(payload.idempotencyKey);
			expect(payload.idempotencyKey).toMatch(/^e\d+-meeting-\d+:\d+$/);
			expect(body).not.toMatch(wholePin(AMOS_PIN));
			expect(body).not.toContain('123 45 67');
		}
		const entered = JSON.parse(http.received[0]!.body) as WebhookPayload;
		expect(entered).toMatchObject({
			event: 'lobby.entered',
			meeting: { conferenceId: amosUser.conferenceId, organizer: 'Amos Marble' },
			data: { participant: { via: 'phone', phoneNumber: '+46 8 ••• •• 67' } }
		});
		expect(JSON.parse(http.received[1]!.body)).toMatchObject({ data: { startedBy: 'leader-pin' } });

		// The same event is queued once per endpoint, whoever notices it again.
		const log = await webhooks.deliveries(admin, created.webhook.id);
		expect(log.map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
		expect(
			await new WebhooksRepository(database.db, DEMO_TENANT_ID).enqueue([
				{
					id: 'again',
					webhookId: created.webhook.id,
					event: 'lobby.entered',
					eventKey: log.at(-1)!.idempotencyKey,
					payload: '{}',
					createdAt: new Date()
				}
			])
		).toBe(0);
		await calls.hangUp(callId);
		await webhooks.update(admin, created.webhook.id, { enabled: false }, 'api');
	});

	it('given commits hours apart on the virtual clock, then the endpoint list is read once, by one read however many ask at once; a change this server makes is used by the next commit', async () => {
		/** The real repository, counting its reads of the endpoint list. */
		class CountingRepository extends WebhooksRepository {
			reads = 0;
			override list(...args: Parameters<WebhooksRepository['list']>) {
				this.reads++;
				return super.list(...args);
			}
		}
		const repository = new CountingRepository(database.db, DEMO_TENANT_ID);
		const service = new WebhookService({
			webhooks: repository,
			tenantId: DEMO_TENANT_ID,
			directory: undefined as never,
			audit: engine.services.audit,
			clock: engine.time,
			scheduler: engine.time,
			policy: { allowed: parseNetworks('127.0.0.0/8') },
			masked: () => true
		});
		const seen: Parameters<WebhookService['followCommitted']>[0][] = [];
		const unfollow = engine.services.meetings.onCommitted((committed) => {
			seen.push(committed);
			service.followCommitted(committed);
		});
		const lee = await userByEmail(database.db, 'lee.gu@contoso.com');
		const calls: string[] = [];
		try {
			calls.push((await callerInLobby(engine, lee.conferenceId!, '+46 8 555 01 01')).callId);
			await service.settled();
			expect(repository.reads).toBe(1);
			// Two hours on the meetings' clock take milliseconds of wall time: the list is still fresh.
			engine.time.advance(2 * 60 * 60_000);
			calls.push((await callerInLobby(engine, lee.conferenceId!, '+46 8 555 01 02')).callId);
			await service.settled();
			expect(seen.length).toBeGreaterThanOrEqual(2);
			expect(repository.reads).toBe(1);

			const created = await service.create(admin, { url: httpUrl, events: ['lobby.entered'] }, 'api');
			// The change empties the list here; three commits noticed at once share one read.
			const before = repository.reads;
			const last = seen.at(-1)!;
			for (let i = 0; i < 3; i++) service.followCommitted(last);
			await service.settled();
			expect(repository.reads).toBe(before + 1);
			const queued = await service.deliveries(admin, created.webhook.id);
			expect(queued.map((d) => d.event)).toEqual(['lobby.entered']);
			await service.remove(admin, created.webhook.id, 'api');
		} finally {
			unfollow();
			for (const callId of calls) {
				if (engine.services.calls.isLive(callId)) await engine.services.calls.hangUp(callId);
			}
			await service.stop();
		}
	});

	it('given an endpoint that fails, then it is retried after 10 s and 1 min on the clock, delivered at the third attempt; one that never answers well is given up after six', async () => {
		const { webhooks } = engine.services;
		const { webhook } = await webhooks.create(admin, { url: httpUrl, events: ['lobby.entered'] }, 'api');
		http.received.length = 0;
		http.answers = [500, 503];
		const test = await webhooks.sendTest(admin, webhook.id, 'page');
		expect(test).toMatchObject({ event: 'webhook.test', status: 'queued', attempts: 1, lastStatus: 500 });
		expect(Date.parse(test.nextAttemptAt!) - engine.time.now()).toBe(10_000);

		engine.time.advance(9_999);
		expect(await deliver()).toBe(0);
		engine.time.advance(1);
		expect(await deliver()).toBe(0);
		let [entry] = await webhooks.deliveries(admin, webhook.id);
		expect(entry).toMatchObject({
			status: 'queued',
			attempts: 2,
			lastStatus: 503,
			lastError: 'answered 503'
		});
		expect(Date.parse(entry!.nextAttemptAt!) - engine.time.now()).toBe(60_000);
		engine.time.advance(60_000);
		expect(await deliver()).toBe(1);
		[entry] = await webhooks.deliveries(admin, webhook.id);
		expect(entry).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200, lastError: null });
		// Every attempt carried the same delivery id and key, signed anew.
		expect(new Set(http.received.map((r) => r.headers['lobby-delivery'])).size).toBe(1);
		expect(new Set(http.received.map((r) => r.headers['idempotency-key'])).size).toBe(1);

		http.answers = Array.from({ length: 6 }, () => 500);
		await webhooks.sendTest(admin, webhook.id, 'page');
		for (const wait of [10_000, 60_000, 300_000, 1_800_000, 7_200_000]) {
			engine.time.advance(wait);
			await deliver();
		}
		[entry] = await webhooks.deliveries(admin, webhook.id);
		expect(entry).toMatchObject({ status: 'failed', attempts: 6, nextAttemptAt: null });
		expect((await webhooks.get(admin, webhook.id)).deliveries).toEqual({
			queued: 0,
			delivered: 1,
			failed: 1
		});
		await webhooks.remove(admin, webhook.id, 'api');
	});

	it('given an HTTPS endpoint with a certificate the server trusts, then deliveries arrive over TLS; a lockout sends pin.locked-out', async () => {
		const { webhooks, calls } = engine.services;
		const { webhook, secret } = await webhooks.create(
			admin,
			{ url: httpsUrl, events: ['pin.locked-out'] },
			'cli'
		);
		await updateTenant(database.db, { pinLockoutThreshold: 2 });
		const amosUser = await userByEmail(database.db, 'amos.marble@contoso.com');
		const { callId } = calls.dial('+46 70 800 00 09');
		await calls.pressKeys(callId, `${amosUser.conferenceId}#*`);
		await calls.pressKeys(callId, '11111#');
		await calls.pressKeys(callId, '22222#');
		expect(await deliver()).toBe(1);
		expect(https.events()).toEqual(['pin.locked-out']);
		const { body } = https.received[0]!;
		expect(signedWith(secret, https.received[0]!)).toBe(true);
		expect(JSON.parse(body)).toMatchObject({
			event: 'pin.locked-out',
			data: { organizer: 'Amos Marble', conferenceId: amosUser.conferenceId, failedAttempts: 2 }
		});
		expect(body).not.toMatch(/11111|22222/);
		await calls.hangUp(callId).catch(() => undefined);
		await webhooks.remove(admin, webhook.id, 'api');
		await updateTenant(database.db, { pinLockoutThreshold: 10 });
		await engine.services.dialIn.unlockLeaderPin(admin, 'amos.marble', 'api');
	});

	it('given the default policy, then loopback, link-local, private and non-HTTP destinations are refused with a reason, at registration and at every attempt', async () => {
		const strict = anotherServer({ allowed: [] });
		const refusedWith = async (url: string) => {
			try {
				await strict.create(admin, { url, events: ['meeting.started'] }, 'api');
				return 'created';
			} catch (error) {
				return (error as Error).message;
			}
		};
		expect(await refusedWith(httpUrl)).toMatch(
			/127\.0\.0\.1 is a loopback address.*LOBBY_WEBHOOK_ALLOWED_NETWORKS/
		);
		expect(await refusedWith('http://169.254.169.254/latest/meta-data')).toMatch(/link-local/);
		expect(await refusedWith('http://10.1.2.3/hooks')).toMatch(/private/);
		expect(await refusedWith('http://localhost:9/hooks')).toMatch(/loopback/);
		expect(await refusedWith('ftp://example.com/hooks')).toMatch(/http/i);
		expect(await refusedWith('http://user:secret@example.com/hooks')).toMatch(
			/user name|password|credentials/i
		);

		// Registered while loopback was allowed, delivered by a server that does not allow it: refused
		// at the connection, so the endpoint never hears from it.
		const { webhook } = await engine.services.webhooks.create(
			admin,
			{ url: httpUrl.replace('127.0.0.1', 'localhost'), events: ['lobby.entered'] },
			'api'
		);
		const before = http.received.length;
		await engine.services.webhooks.stop();
		await strict.sendTest(admin, webhook.id, 'api');
		expect(http.received.length).toBe(before);
		const [entry] = await strict.deliveries(admin, webhook.id);
		expect(entry).toMatchObject({ status: 'queued', attempts: 1, lastStatus: null });
		expect(entry!.lastError).toMatch(/loopback/);
		await strict.remove(admin, webhook.id, 'api');
	});

	it('given two servers on one database delivering at once, then each delivery is sent exactly once', async () => {
		const { webhooks } = engine.services;
		const { webhook } = await webhooks.create(admin, { url: httpUrl, events: ['lobby.entered'] }, 'api');
		const other = anotherServer({ allowed: parseNetworks('127.0.0.0/8') });
		const repository = new WebhooksRepository(database.db, DEMO_TENANT_ID);
		const keys = Array.from({ length: 30 }, (_, i) => `race:${i}`);
		await repository.enqueue(
			keys.map((key) => ({
				id: `race-${key}`,
				webhookId: webhook.id,
				event: 'lobby.entered',
				eventKey: key,
				payload: JSON.stringify({ key }),
				createdAt: new Date(engine.time.now())
			}))
		);
		http.received.length = 0;
		const [a, b] = await Promise.all([webhooks.deliverDue(), other.deliverDue()]);
		expect(a + b).toBe(30);
		const sent = http.received.map((r) => String(r.headers['idempotency-key']));
		expect(sent.sort()).toEqual([...keys].sort());
		await webhooks.remove(admin, webhook.id, 'api');
	});

	it('given an endpoint that takes the request and never answers, then the attempt gives up at its deadline and closes the connection', async () => {
		const { webhook } = await engine.services.webhooks.create(
			admin,
			{ url: httpUrl, events: ['lobby.entered'] },
			'api'
		);
		const silent = createHttpServer(() => {
			// Takes the request, answers nothing.
		});
		let closed = 0;
		silent.on('connection', (socket) => socket.on('close', () => (closed += 1)));
		await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
		const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hooks`;
		await engine.services.webhooks.update(admin, webhook.id, { url: silentUrl }, 'api');
		const impatient = anotherServer({ allowed: parseNetworks('127.0.0.0/8') }, { attemptTimeoutMs: 300 });
		const started = Date.now();
		const delivery = await impatient.sendTest(admin, webhook.id, 'api');
		expect(Date.now() - started).toBeLessThan(5000);
		expect(delivery).toMatchObject({
			status: 'queued',
			attempts: 1,
			lastStatus: null,
			lastError: 'no answer within 0.3 s'
		});
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(closed).toBe(1);
		await new Promise<void>((resolve) => silent.close(() => resolve()));
		await engine.services.webhooks.remove(admin, webhook.id, 'api');
	});

	it('given a user who is not an administrator, then every read and change is refused, and the changes are audited as denied', async () => {
		const { webhooks } = engine.services;
		const [any] = await webhooks.list(admin);
		const id = any?.id ?? 'none';
		expect(await refusal(webhooks.list(amos))).toBe('forbidden');
		expect(await refusal(webhooks.get(amos, id))).toBe('forbidden');
		expect(await refusal(webhooks.deliveries(amos, id))).toBe('forbidden');
		expect(await refusal(webhooks.create(amos, { url: httpUrl, events: ['meeting.started'] }, 'api'))).toBe(
			'forbidden'
		);
		expect(await refusal(webhooks.update(amos, id, { enabled: true }, 'api'))).toBe('forbidden');
		expect(await refusal(webhooks.remove(amos, id, 'api'))).toBe('forbidden');
		expect(await refusal(webhooks.sendTest(amos, id, 'api'))).toBe('forbidden');
		const audit = await database.db.select().from(auditLog);
		const denied = audit.filter((a) => a.action.startsWith('webhook.') && a.outcome === 'denied');
		expect(denied.map((a) => a.action).sort()).toEqual([
			'webhook.create',
			'webhook.remove',
			'webhook.test',
			'webhook.update'
		]);
		const done = audit.filter((a) => a.action.startsWith('webhook.') && a.outcome === 'ok');
		expect(done.map((a) => a.action)).toEqual(
			expect.arrayContaining(['webhook.create', 'webhook.update', 'webhook.remove', 'webhook.test'])
		);
		expect(JSON.stringify(audit)).not.toContain('whsec_');
	});

	it('given bad input, then each is refused with a sentence that says what is wrong', async () => {
		const { webhooks } = engine.services;
		const message = async (input: unknown) => {
			try {
				await webhooks.create(admin, input, 'api');
				return 'created';
			} catch (error) {
				return (error as Error).message;
			}
		};
		expect(await message({ url: httpUrl, events: [] })).toMatch(/at least one event/);
		expect(await message({ url: httpUrl, events: ['meeting.exploded'] })).toMatch(/meeting\.started/);
		expect(await message({ url: httpUrl, events: ['meeting.exploded'] })).toMatch(
			/No event "meeting\.exploded": the events are meeting\.started, /
		);
		expect(await message({ url: httpUrl, events: ['meeting.started', 'meeting.started'] })).toMatch(
			/each event once/
		);
		expect(await message({ events: ['meeting.started'] })).toMatch(/url/i);
		expect(await message({ url: 'not a url', events: ['meeting.started'] })).not.toBe('created');
		expect(await message({ url: httpUrl, events: ['meeting.started'], secret: 'mine' })).toMatch(/secret/);
		expect(await refusal(webhooks.update(admin, 'no-such-hook', { enabled: true }, 'api'))).toBe('not-found');
		expect(await refusal(webhooks.update(admin, 'no-such-hook', {}, 'api'))).toBe('bad-request');
	});
});
