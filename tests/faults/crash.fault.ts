/**
 * kill -9 under load: while callers join meetings and organizers start them, the server is killed
 * with SIGKILL at random moments and started again on the same data. Callers take their places back
 * with their resume tokens; afterwards every acknowledged join, admission and start must be in the
 * event log exactly once and in order, and each lobby's order must have survived every crash.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, describe, it } from 'vitest';
import { Crowd, crowdFigures, expectWholeLoad } from './crowd';
import { lobbies, Stage } from './harness';
import { Ledger, positionsMoved, verifyLedger } from './ledger';
import { seeded, SEED, sized } from './profile';
import { report } from './results';

const CALLERS = sized(120, 1000);
const MEETINGS = sized(6, 20);
const KILLS = sized(2, 5);
/** Callers arrive over this long; organizers dial in during its second half. */
const ARRIVAL_MS = sized(6000, 20_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('kill -9 under load', () => {
	let stage: Stage | undefined;
	afterAll(async () => {
		await stage?.remove();
	});

	it('loses, doubles and reorders nothing acknowledged, and keeps every lobby’s order', async () => {
		stage = await Stage.create();
		await stage.start();
		const token = await stage.adminToken();
		const organizers = await stage.organizers(token, MEETINGS);
		const ledger = new Ledger();
		const crowd = new Crowd(stage.url, organizers, { ledger, token });
		const random = seeded(SEED);

		const { arrivals, organizing } = crowd.load(CALLERS, ARRIVAL_MS);

		const restarts: { downMs: number; resumeMs: number; moved: number }[] = [];
		let reopenFailure: string | null = null;
		for (let k = 0; k < KILLS; k++) {
			await sleep(300 + random() * ((ARRIVAL_MS * 1.2) / KILLS));
			const ids = crowd.meetingIds();
			const before = ids.length > 0 ? await lobbies(stage.url, token, ids) : new Map<string, string[]>();
			crowd.serverDown();
			const killedAt = performance.now();
			await stage.server!.stop('SIGKILL');
			try {
				await stage.start();
			} catch (error) {
				reopenFailure = error instanceof Error ? error.message : String(error);
				break;
			}
			const upAt = performance.now();
			console.log(
				`[faults] kill ${k + 1}/${KILLS}: down ${Math.round(upAt - killedAt)} ms; lobby ${crowd.count('lobby')}, ` +
					`in meeting ${crowd.count('in-meeting')}, to resume ${crowd.waitingToResume}`
			);
			crowd.serverBack(stage.url);
			await crowd.until(() => crowd.waitingToResume === 0, 30_000, 'every dropped call taken back');
			const resumeMs = Math.max(0, crowd.lastResumedAt - upAt);
			const after = await lobbies(stage.url, token, ids);
			let moved = 0;
			for (const [meetingId, order] of before) moved += positionsMoved(order, after.get(meetingId) ?? []);
			restarts.push({ downMs: Math.round(upAt - killedAt), resumeMs: Math.round(resumeMs), moved });
		}
		if (reopenFailure) {
			report({
				scenario: 'kill -9 under load',
				database: stage.kind,
				did: `SIGKILL during ${CALLERS} callers joining ${MEETINGS} meetings`,
				figures: {},
				lost: 0,
				doubled: 0,
				outOfOrder: 0,
				skipped: `the server did not start again on the data after a hard kill: ${reopenFailure.split('\n')[0]}`
			});
			throw new Error(`The server did not start again after a hard kill:\n${reopenFailure}`);
		}

		const meetingIds = await crowd.settle({ arrivals, organizing });
		await stage.server!.stop('SIGTERM');
		stage.server = null;
		const verdict = verifyLedger(ledger.entries, await stage.events(meetingIds));
		const moved = restarts.reduce((n, r) => n + r.moved, 0);
		report({
			scenario: 'kill -9 under load',
			database: stage.kind,
			did: `${KILLS} SIGKILLs at random moments while ${CALLERS} callers joined ${MEETINGS} meetings and their organizers started them`,
			figures: {
				...crowdFigures(crowd, verdict),
				positionsMoved: moved,
				restartMsMax: Math.max(...restarts.map((r) => r.downMs)),
				lastResumedMsMax: Math.max(...restarts.map((r) => r.resumeMs))
			},
			lost: verdict.lost,
			doubled: verdict.doubled,
			outOfOrder: verdict.outOfOrder
		});
		expectWholeLoad(crowd, verdict, { callers: CALLERS, meetings: MEETINGS, moved });
	});
});
