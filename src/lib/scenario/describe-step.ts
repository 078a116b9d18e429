/**
 * Steps and expectations in plain words, for progress lines, the event log, report names and the
 * Scenarios page: `dial alice -> amos`, `meeting amos is in-progress with 0 in the lobby`.
 */
import {
	subjectOf,
	type Count,
	type Deadline,
	type EventWatch,
	type Expectation,
	type ScenarioStep
} from './scenario-format';

/** A count as people say it: `2`, `at least 1`, `at most 5`, `1 to 5`. */
export function describeCount(count: Count): string {
	if (typeof count === 'number') return String(count);
	const { atLeast, atMost } = count;
	if (atLeast !== undefined && atMost !== undefined)
		return atLeast === atMost ? String(atLeast) : `${atLeast} to ${atMost}`;
	if (atLeast !== undefined) return `at least ${atLeast}`;
	if (atMost !== undefined) return `at most ${atMost}`;
	return 'any number';
}

/** An event watched over time: `MeetingStarted in meeting amos within 60s`. */
export function describeWatch(watch: EventWatch): string {
	const where = watch.meeting ? ` in meeting ${watch.meeting}` : '';
	const when = watch.within ? ` within ${watch.within}` : ' for the rest of the run';
	return `${eventText(watch.event)}${where}${when}`;
}

/** A deadline: `MeetingStarted in meeting amos within 60s`, or `meeting amos is in-progress within 10s`. */
export function describeDeadline(deadline: Deadline, defaultMeeting?: string): string {
	if (deadline.expect)
		return `${describeExpectation(deadline.expect, defaultMeeting)} within ${deadline.within}`;
	const { event, meeting, within } = deadline;
	return event === undefined ? `within ${within}` : describeWatch({ event, meeting, within });
}

/** Whether `n` satisfies `count`. */
export function countMatches(count: Count, n: number): boolean {
	if (typeof count === 'number') return n === count;
	return (
		(count.atLeast === undefined || n >= count.atLeast) && (count.atMost === undefined || n <= count.atMost)
	);
}

/** What a step does, in a few words. */
export function describeStep(step: ScenarioStep): string {
	if (step.dial !== undefined) {
		const d = typeof step.dial === 'string' ? { caller: step.dial } : step.dial;
		const to =
			'conferenceId' in d && d.conferenceId
				? `conference ${d.conferenceId}`
				: 'meeting' in d
					? d.meeting
					: undefined;
		const then = 'then' in d && d.then ? ` (${d.then})` : '';
		return `dial ${d.caller}${to ? ` -> ${to}` : ''}${then}`;
	}
	if (step.press) return `press ${step.press.keys} (${step.press.caller})`;
	if (step.enterPin !== undefined) {
		const pin = typeof step.enterPin === 'string' ? undefined : step.enterPin.pin;
		return `enterPin ${subjectOf(step.enterPin)}${pin?.startsWith('$') ? ` ${pin}` : pin ? ' (given digits)' : ''}`;
	}
	if (step.hangUp !== undefined) return `hangUp ${step.hangUp}`;
	if (step.joinFromClient !== undefined) {
		const j = step.joinFromClient;
		const to = typeof j === 'string' ? undefined : (j.meeting ?? j.conferenceId);
		return `joinFromClient ${subjectOf(j)}${to ? ` -> ${to}` : ''}`;
	}
	if (step.leave !== undefined) return `leave ${step.leave}`;
	if (step.resetPin !== undefined) {
		const r = typeof step.resetPin === 'string' ? { user: step.resetPin } : step.resetPin;
		const options = [
			'by' in r && r.by ? `by ${r.by}` : '',
			'sendEmail' in r && r.sendEmail !== undefined ? `sendEmail ${r.sendEmail}` : '',
			'sendEmailToAddress' in r && r.sendEmailToAddress ? `to ${r.sendEmailToAddress}` : ''
		].filter(Boolean);
		return `resetPin ${r.user}${options.length ? ` (${options.join(', ')})` : ''}`;
	}
	if (step.setTenant) {
		const { by, ...settings } = step.setTenant;
		const list = Object.entries(settings).map(([k, v]) => `${k} ${String(v)}`);
		return `setTenant ${list.join(', ')}${by ? ` (by ${by})` : ''}`;
	}
	if (step.arrivals) {
		const a = step.arrivals;
		const who =
			a.callers !== undefined
				? `${a.callers} callers`
				: a.organizers === 'simulated'
					? 'simulated organizers'
					: `organizers ${(a.organizers ?? []).join(', ')}`;
		const when = a.over ? ` over ${a.over}` : a.perMinute ? ` at ${a.perMinute}/min` : ' at once';
		return `arrivals: ${who}${when}`;
	}
	if (step.wrongPin !== undefined) {
		const times = typeof step.wrongPin === 'string' ? 1 : step.wrongPin.times;
		return `wrongPin ${subjectOf(step.wrongPin)}${times > 1 ? ` x${times}` : ''}`;
	}
	if (step.dropConnection !== undefined) {
		const resume = typeof step.dropConnection === 'string' ? undefined : step.dropConnection.resumeAfter;
		return `dropConnection ${subjectOf(step.dropConnection)}${resume ? ` (back after ${resume})` : ''}`;
	}
	if (step.giveUp !== undefined) return `giveUp ${step.giveUp}`;
	if (step.restartServer) return 'restartServer';
	if (step.fillMeeting !== undefined) return `fillMeeting ${step.fillMeeting}`;
	if (step.failMail !== undefined) return `failMail for ${step.failMail}`;
	if (step.pauseDatabase !== undefined) return `pauseDatabase for ${step.pauseDatabase}`;
	if (step.admit !== undefined) {
		const a = typeof step.admit === 'string' ? { caller: step.admit } : step.admit;
		return `admit ${a.caller ?? 'the lobby'}${'by' in a && a.by ? ` (by ${a.by})` : ''}`;
	}
	if (step.meetingOptions !== undefined) {
		const { by, reset, ...options } = step.meetingOptions;
		const what = reset ? 'back to the meeting policy' : JSON.stringify(options);
		return `meeting options ${what}${by ? ` (by ${by})` : ''}`;
	}
	if (step.decline !== undefined) {
		const d = typeof step.decline === 'string' ? { caller: step.decline } : step.decline;
		return `decline ${d.caller}${'by' in d && d.by ? ` (by ${d.by})` : ''}`;
	}
	if (step.expect) return `expect ${describeExpectation(step.expect)}`;
	if (step.never) return `never ${describeWatch(step.never)}`;
	if (step.eventually) return `eventually ${describeDeadline(step.eventually)}`;
	return 'step';
}

/** What an expectation checks, as a sentence without a subject verb tense: `meeting amos is waiting`. */
export function describeExpectation(e: Expectation, defaultMeeting?: string): string {
	if (e.caller !== undefined) {
		const phases = {
			ivr: 'in the IVR',
			lobby: 'in the lobby',
			'in-meeting': 'in the meeting',
			disconnected: 'disconnected'
		};
		const parts = [
			e.phase && `is ${phases[e.phase]}${e.reason ? ` (${e.reason})` : ''}`,
			e.music && `hears ${e.music === 'lobby' ? 'lobby music' : 'no music'}`,
			e.prompt && `hears "${e.prompt}"`,
			e.reason && !e.phase && `was disconnected (${e.reason})`,
			e.leader !== undefined && (e.leader ? 'is the leader' : 'is not the leader'),
			e.muted !== undefined && (e.muted ? 'is muted' : 'is not muted'),
			e.handRaised !== undefined && (e.handRaised ? 'has a hand raised' : 'has no hand raised'),
			e.waitsBecause && `waits because: ${e.waitsBecause}`,
			e.lobbyPosition !== undefined && `was told number ${e.lobbyPosition} in the lobby`
		].filter(Boolean);
		return `caller ${e.caller} ${parts.join(', ')}`;
	}
	if (e.email) {
		const { to, subject, kind, count, status, attempts } = e.email;
		const n =
			count === undefined ? 'an email' : count === 0 ? 'no email' : `${describeCount(count)} email(s)`;
		const standing = `${status ? `, ${status}` : ''}${attempts !== undefined ? `, after ${describeCount(attempts)} attempt(s)` : ''}`;
		return `${n}${kind ? ` (${kind})` : ''}${to ? ` to ${to}` : ''}${subject ? ` with "${subject}" in the subject` : ''}${standing}`;
	}
	if (e.user !== undefined) {
		const parts = [
			e.pin === 'masked' && 'has a PIN shown as *****',
			e.lockedOut !== undefined && (e.lockedOut ? 'is locked out' : 'is not locked out'),
			e.pinLength !== undefined && `has a ${e.pinLength}-digit PIN`
		].filter(Boolean);
		return `user ${e.user} ${parts.join(', ')}`;
	}
	if (e.count) {
		const { event, meeting: where, disconnected, is } = e.count;
		const what = event
			? `${eventText(event)}${where ? ` in meeting ${where}` : ''}`
			: `calls disconnected (${disconnected ?? ''})`;
		return `${describeCount(is)} ${what} so far`;
	}
	if (e.totals) {
		const parts = Object.entries(e.totals).map(([k, v]) => `${k} ${describeCount(v as Count)}`);
		return `totals: ${parts.join(', ')}`;
	}
	const meeting = e.meeting ?? defaultMeeting ?? 'the meeting';
	const parts = [
		e.state && `is ${e.state}`,
		e.lobby !== undefined && `has ${describeCount(e.lobby)} in the lobby`,
		e.participants !== undefined && `has ${describeCount(e.participants)} participant(s)`,
		e.locked !== undefined && (e.locked ? 'is locked' : 'is not locked'),
		e.startedBy && `was started by ${e.startedBy}`,
		e.events && `had ${e.exactly ? 'exactly ' : ''}${e.events.map(eventText).join(', ')}`,
		e.order &&
			`had every ${e.order.before.map(eventText).join(', ')} before every ${e.order.after.map(eventText).join(', ')}`
	].filter(Boolean);
	return `meeting ${meeting} ${parts.join(', ')}`;
}

/** `LobbyAdmitted: alice, bob` from either form of an expected event. */
export function eventText(entry: string | Partial<Record<string, string>>): string {
	if (typeof entry === 'string') return entry;
	const [type, subject] = Object.entries(entry)[0] ?? ['?', ''];
	return `${type}: ${subject ?? ''}`;
}
