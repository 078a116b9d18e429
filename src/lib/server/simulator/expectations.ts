/**
 * Checks one `expect` step against what the run saw, and says what was expected and what happened,
 * in words a trainer can read out: "expected meeting amos to be in-progress, but it is waiting with
 * 2 callers in the lobby and 0 participants".
 */
import type { CallView } from '$lib/contract/events';
import { explainWait } from '$lib/domain';
import { countMatches, describeCount, eventText } from '$lib/scenario/describe-step';
import { formatOffset } from '$lib/scenario/scenario-time';
import type { Count, Expectation } from '$lib/scenario/scenario-format';
import type { Services } from '../services/index';
import { SYSTEM_ACTOR } from '../services/access';
import { describeView, eventSubjects, type RunTracker } from './run-tracker';
import { runIdentity, type World } from './scenario-world';

/** What an expectation needs to look at. */
export interface ExpectationContext {
	readonly world: World;
	readonly tracker: RunTracker;
	readonly services: Services;
	/** The meeting an expectation means when it names none (the only organizer). */
	readonly defaultMeeting: string | undefined;
	/** The current call of each caller actor. */
	readonly callOf: (name: string) => string | undefined;
	/** When the run started (epoch ms), for the times of events. */
	readonly start: number;
	/** Brings the mail's delivery status up to date (an email expectation with status or attempts). */
	readonly refreshMail?: () => Promise<void>;
}

/** Whether it held, and the sentence that says so. */
export interface Verdict {
	readonly passed: boolean;
	/** Passed: what was seen. Failed: `expected ..., but ...`. */
	readonly message: string;
}

/** Checks `e` now. */
export async function checkExpectation(e: Expectation, ctx: ExpectationContext): Promise<Verdict> {
	if (e.caller !== undefined) return checkCaller(e, e.caller, ctx);
	if (e.email) {
		if (e.email.status !== undefined || e.email.attempts !== undefined) await ctx.refreshMail?.();
		return checkEmail(e.email, ctx);
	}
	if (e.user !== undefined) return checkUser(e, e.user, ctx);
	if (e.totals) return checkTotals(e.totals, ctx);
	if (e.count) return checkCount(e.count, ctx);
	return checkMeeting(e, ctx);
}

function verdict(failures: string[], expected: string[], actual: string): Verdict {
	if (failures.length === 0) return { passed: true, message: actual };
	return { passed: false, message: `expected ${expected.join(' and ')}, but ${actual}` };
}

function plural(n: number, one: string, many = `${one}s`): string {
	return `${n} ${n === 1 ? one : many}`;
}

function checkMeeting(e: Expectation, ctx: ExpectationContext): Verdict {
	const name = e.meeting ?? ctx.defaultMeeting ?? '';
	const organizer = ctx.world.organizers.get(name);
	const record = organizer ? ctx.tracker.conferences.get(organizer.conferenceId) : undefined;
	const expected: string[] = [];
	const failures: string[] = [];
	const check = (ok: boolean, text: string) => {
		expected.push(text);
		if (!ok) failures.push(text);
	};
	const state = record?.latest;
	const status = state?.status ?? 'none';
	const lobby = state && state.status !== 'ended' ? state.lobby.length : 0;
	const participants = state && state.status !== 'ended' ? state.participants.length : 0;
	const started = record?.events
		.filter(({ meetingId, event }) => meetingId === state?.meetingId && event.type === 'MeetingStarted')
		.at(-1)?.event;
	const startedBy = started?.type === 'MeetingStarted' ? started.startedBy : undefined;
	if (e.state !== undefined) check(status === e.state, `to be ${e.state}`);
	if (e.lobby !== undefined)
		check(countMatches(e.lobby, lobby), `to have ${describeCount(e.lobby)} in the lobby`);
	if (e.participants !== undefined) {
		check(
			countMatches(e.participants, participants),
			`to have ${describeCount(e.participants)} participant(s)`
		);
	}
	if (e.locked !== undefined)
		check((state?.locked ?? false) === e.locked, e.locked ? 'to be locked' : 'to be unlocked');
	if (e.startedBy !== undefined) check(startedBy === e.startedBy, `to have been started by ${e.startedBy}`);
	let eventsProblem = '';
	if (e.events) {
		const seen = (record?.events ?? []).map(({ event }) => ({
			type: event.type as string,
			subjects: eventSubjects(event, (id) => ctx.tracker.nameOf(id), name)
		}));
		const wanted = e.events.map((entry) => {
			if (typeof entry === 'string')
				return { type: entry as string, subject: undefined as string | undefined };
			const [type, subject] = Object.entries(entry)[0] ?? ['', ''];
			return { type, subject: subject?.trim() };
		});
		const matches = (
			w: { type: string; subject: string | undefined },
			s: { type: string; subjects: string[] }
		) => w.type === s.type && (w.subject === undefined || s.subjects.includes(w.subject));
		const list = e.events.map(eventText).join(', ');
		if (e.exactly) {
			const ok = seen.length === wanted.length && wanted.every((w, i) => matches(w, seen[i]!));
			check(ok, `to have had exactly the events ${list}`);
		} else {
			let i = 0;
			let missing: string | null = null;
			for (const w of wanted) {
				while (i < seen.length && !matches(w, seen[i]!)) i++;
				if (i === seen.length) {
					missing = w.subject === undefined ? w.type : `${w.type}: ${w.subject}`;
					break;
				}
				i++;
			}
			check(missing === null, `to have had the events ${list} in this order`);
			if (missing !== null) eventsProblem = `; ${missing} did not happen where expected`;
		}
		if (failures.some((f) => f.includes('the events'))) {
			const shown = seen.slice(0, 30).map((s) => `${s.type}: ${s.subjects[0] ?? ''}`);
			eventsProblem += `; the events were: ${shown.join(', ') || 'none'}${seen.length > 30 ? ', ...' : ''}`;
		}
	}
	if (e.order) {
		const seen = (record?.events ?? []).map(({ event }) => ({
			event,
			subjects: eventSubjects(event, (id) => ctx.tracker.nameOf(id), name)
		}));
		const matching = (entries: readonly (string | Partial<Record<string, string>>)[]) =>
			seen.flatMap((s, i) =>
				entries.some((entry) => {
					const [type, subject] =
						Object.entries(typeof entry === 'string' ? { [entry]: undefined } : entry)[0] ?? [];
					return s.event.type === type && (subject === undefined || s.subjects.includes(subject.trim()));
				})
					? [i]
					: []
			);
		const before = matching(e.order.before);
		const after = matching(e.order.after);
		const beforeText = e.order.before.map(eventText).join(', ');
		const afterText = e.order.after.map(eventText).join(', ');
		check(
			before.length > 0 && after.length > 0 && Math.max(...before) < Math.min(...after),
			`to have had every ${beforeText} before every ${afterText}`
		);
		const shown = (i: number) => {
			const s = seen[i]!;
			return `${s.event.type}${s.subjects[0] ? `: ${s.subjects[0]}` : ''} at ${formatOffset(s.event.at - ctx.start)}`;
		};
		if (before.length === 0) eventsProblem += `; no ${beforeText} happened`;
		else if (after.length === 0) eventsProblem += `; no ${afterText} happened`;
		else if (Math.max(...before) > Math.min(...after))
			eventsProblem += `; ${shown(Math.min(...after))} came before ${shown(Math.max(...before))}`;
	}
	const actual =
		status === 'none'
			? `no meeting of ${name} has opened`
			: `meeting ${name} is ${status}${
					status === 'ended'
						? ''
						: ` with ${plural(lobby, 'caller')} in the lobby and ${plural(participants, 'participant')}${
								state?.locked ? ', locked' : ''
							}`
				}${startedBy ? `, started by ${startedBy}` : ''}${eventsProblem}`;
	return verdict(failures, [`meeting ${name} ${expected.join(' and ')}`], actual);
}

function checkCaller(e: Expectation, name: string, ctx: ExpectationContext): Verdict {
	const callId = ctx.callOf(name);
	let view: CallView | undefined;
	if (callId !== undefined) {
		view = ctx.services.calls.isLive(callId)
			? ctx.services.calls.current(callId)
			: ctx.tracker.lastView(callId);
	}
	const expected: string[] = [];
	const failures: string[] = [];
	const check = (ok: boolean, text: string) => {
		expected.push(text);
		if (!ok) failures.push(text);
	};
	const phases = {
		ivr: 'in the IVR',
		lobby: 'in the lobby',
		'in-meeting': 'in the meeting',
		disconnected: 'disconnected'
	};
	if (e.phase !== undefined) check(view?.phase === e.phase, phases[e.phase]);
	if (e.music !== undefined)
		check(view?.music === e.music, e.music === 'lobby' ? 'hearing lobby music' : 'hearing no music');
	if (e.prompt !== undefined) check(view?.prompt?.id === e.prompt, `hearing "${e.prompt}"`);
	if (e.reason !== undefined) check(view?.reason === e.reason, `disconnected with ${e.reason}`);
	if (e.leader !== undefined) check(view?.isLeader === e.leader, e.leader ? 'the leader' : 'not the leader');
	if (e.muted !== undefined) check(view?.muted === e.muted, e.muted ? 'muted' : 'not muted');
	if (e.handRaised !== undefined)
		check(view?.handRaised === e.handRaised, e.handRaised ? 'with a hand raised' : 'with no hand raised');
	if (e.lobbyPosition !== undefined)
		check(view?.lobbyPosition === e.lobbyPosition, `told number ${e.lobbyPosition} in the lobby`);
	let gate = '';
	if (e.waitsBecause !== undefined) {
		const waiting = callId !== undefined && view?.phase === 'lobby' ? whyWaiting(ctx, view, callId) : null;
		check(waiting === e.waitsBecause, `waiting because: ${e.waitsBecause}`);
		gate = waiting ? `, waiting because: ${waiting}` : '';
	}
	const hearing =
		view && view.phase !== 'ivr' && view.phase !== 'disconnected'
			? `, hearing "${view.prompt?.id ?? 'nothing'}"`
			: '';
	const told = view?.lobbyPosition ? `, told number ${view.lobbyPosition}` : '';
	const actual = view
		? `caller ${name} is ${describeView(view)}${hearing}${told}${gate}`
		: `${name} has not dialed`;
	return verdict(failures, [`caller ${name} to be ${expected.join(', ')}`], actual);
}

/** The gate that holds a caller in the lobby, as the meeting view explains it, or null. */
function whyWaiting(ctx: ExpectationContext, view: CallView, callId: string): string | null {
	const state = view.meetingId === null ? null : ctx.services.meetings.state(view.meetingId);
	// The gate does not depend on the time; only the wait it reports does.
	return state ? (explainWait(state, callId, state.openedAt)?.gate ?? null) : null;
}

function checkEmail(expectation: NonNullable<Expectation['email']>, ctx: ExpectationContext): Verdict {
	const { to, subject, kind, status, attempts } = expectation;
	const count: Count = expectation.count ?? { atLeast: 1 };
	const address =
		to === undefined
			? undefined
			: (ctx.world.users.get(to)?.email ?? runIdentity(ctx.world, to)).toLowerCase();
	const matching = ctx.tracker.mails.filter(
		(m) =>
			(address === undefined || m.to.toLowerCase() === address) &&
			(kind === undefined || m.kind === kind) &&
			(subject === undefined || m.subject.toLowerCase().includes(subject.toLowerCase())) &&
			(status === undefined || m.status === status) &&
			(attempts === undefined || countMatches(attempts, m.attempts))
	);
	const standing = [
		status === undefined ? '' : ` ${status}`,
		attempts === undefined ? '' : ` after ${describeCount(attempts)} attempt(s)`
	].join('');
	const what = `${kind ? `${kind} ` : ''}email${address ? ` to ${address}` : ''}${subject ? ` with "${subject}" in the subject` : ''}${standing}`;
	const expectedText =
		typeof count === 'number' && count === 0
			? `no ${what}`
			: expectation.count === undefined
				? `an ${what}`
				: `${describeCount(count)} ${what}(s)`;
	const all = ctx.tracker.mails;
	const sent =
		all.length === 0
			? 'no email was sent'
			: `${plural(matching.length, 'such email')} ${matching.length === 1 ? 'was' : 'were'} sent (all mail: ${all
					.slice(0, 5)
					.map(
						(m) =>
							`${m.kind} to ${m.to}${status !== undefined || attempts !== undefined ? `, ${m.status} after ${plural(m.attempts, 'attempt')}` : ''}`
					)
					.join('; ')}${all.length > 5 ? '; ...' : ''})`;
	return countMatches(count, matching.length)
		? { passed: true, message: `${expectedText}: ${sent}` }
		: { passed: false, message: `expected ${expectedText}, but ${sent}` };
}

async function checkUser(e: Expectation, identity: string, ctx: ExpectationContext): Promise<Verdict> {
	const known = ctx.world.users.get(identity);
	const userId =
		known?.userId ??
		(await ctx.services.dialInUsers.find(SYSTEM_ACTOR, runIdentity(ctx.world, identity)))?.id;
	const view = userId ? await ctx.services.dialInUsers.get(SYSTEM_ACTOR, userId) : null;
	if (!view || !userId)
		return { passed: false, message: `expected a user ${identity}, but there is none in the directory` };
	const expected: string[] = [];
	const failures: string[] = [];
	const check = (ok: boolean, text: string) => {
		expected.push(text);
		if (!ok) failures.push(text);
	};
	let leaks = '';
	if (e.pin === 'masked') {
		// S8: the admin center shows ***** (a PIN is set, none is readable) and no log holds the digits.
		const pin = ctx.world.actualPins.get(userId);
		const audit = await ctx.services.audit.list(SYSTEM_ACTOR, { targetId: userId, limit: 1000 });
		const seen = JSON.stringify([view, audit]);
		const leaked = pin !== undefined && seen.includes(pin);
		if (leaked) leaks = ', and the PIN can be read in the admin center or the audit log';
		check(view.pinSetAt !== null && !leaked, 'a PIN shown as *****');
	}
	if (e.lockedOut !== undefined)
		check(view.lockedOut === e.lockedOut, e.lockedOut ? 'locked out' : 'not locked out');
	if (e.pinLength !== undefined) check(view.pinLength === e.pinLength, `a ${e.pinLength}-digit PIN`);
	const actual = `user ${identity} has ${view.pinSetAt === null ? 'no PIN' : `a ${view.pinLength}-digit PIN shown as *****`}${
		view.lockedOut ? ', locked out' : ''
	}${leaks}`;
	return verdict(failures, [`user ${identity} to have ${expected.join(' and ')}`], actual);
}

/** How many times an event happened in the run so far, or how many calls ended with a reason. */
function checkCount(count: NonNullable<Expectation['count']>, ctx: ExpectationContext): Verdict {
	const wanted = describeCount(count.is);
	if (count.event === undefined) {
		const n = ctx.tracker.callsEndedWith(count.disconnected ?? 'hung-up');
		const what = `calls disconnected (${count.disconnected ?? ''})`;
		return verdict(
			countMatches(count.is, n) ? [] : ['count'],
			[`${wanted} ${what}`],
			`${plural(n, 'call')} ended so (${count.disconnected ?? ''})`
		);
	}
	const entry = typeof count.event === 'string' ? { [count.event]: undefined } : count.event;
	const [type, subject] = Object.entries(entry)[0] ?? [];
	const organizer = count.meeting === undefined ? undefined : ctx.world.organizers.get(count.meeting);
	let n = 0;
	for (const [conferenceId, record] of ctx.tracker.conferences) {
		if (organizer && organizer.conferenceId !== conferenceId) continue;
		const name = ctx.tracker.meetingNameOf(conferenceId);
		for (const { event } of record.events) {
			if (event.type !== type) continue;
			if (
				subject !== undefined &&
				!eventSubjects(event, (id) => ctx.tracker.nameOf(id), name).includes(subject.trim())
			)
				continue;
			n++;
		}
	}
	const what = `${eventText(count.event)}${count.meeting ? ` in meeting ${count.meeting}` : ''}`;
	return verdict(
		countMatches(count.is, n) ? [] : ['count'],
		[`${wanted} ${what}`],
		`${eventText(count.event)} happened ${n === 1 ? 'once' : `${n} times`}`
	);
}

function checkTotals(totals: NonNullable<Expectation['totals']>, ctx: ExpectationContext): Verdict {
	const all = [...ctx.tracker.meetings.values()];
	const live = all.filter((m) => m.status !== 'ended');
	const actual = {
		meetings: all.length,
		waiting: all.filter((m) => m.status === 'waiting').length,
		inProgress: all.filter((m) => m.status === 'in-progress').length,
		ended: all.filter((m) => m.status === 'ended').length,
		lobby: live.reduce((n, m) => n + m.lobby.length, 0),
		participants: live.reduce((n, m) => n + m.participants.length, 0),
		calls: ctx.tracker.liveCalls(ctx.services.calls)
	};
	const expected: string[] = [];
	const failures: string[] = [];
	for (const [key, count] of Object.entries(totals) as [keyof typeof actual, Count | undefined][]) {
		if (count === undefined) continue;
		expected.push(`${key} ${describeCount(count)}`);
		if (!countMatches(count, actual[key])) failures.push(key);
	}
	const text = Object.entries(actual)
		.map(([k, v]) => `${k} ${v}`)
		.join(', ');
	return verdict(failures, [`totals ${expected.join(', ')}`], `the totals are ${text}`);
}
