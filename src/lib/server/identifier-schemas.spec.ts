import { describe, expect, it } from 'vitest';
import { conferenceIdSchema, identitySchema, meetingIdSchema } from './identifier-schemas';
import { createRunIds } from './simulator/run-ids';
import { randomIds } from './services/ports';
import { clientJoinSchema, describeIssues, monitorScopeSchema } from './realtime/schemas';

describe('meeting ids', () => {
	it('given the ids the server and a simulation run make, when they are checked, then they are well formed', () => {
		const run = createRunIds();
		const ids = [randomIds.meetingId(), randomIds.meetingId(), run.meetingId(), run.meetingId()];
		for (const id of ids) expect(meetingIdSchema.safeParse(id).success, id).toBe(true);
	});

	it('given a thousand call and participant ids, across several refills of the random pool, when they are compared, then each is well formed and none repeats', () => {
		const ids = Array.from({ length: 1000 }, (_, i) =>
			i % 2 ? randomIds.callId() : randomIds.participantId()
		);
		for (const id of ids) expect(id).toMatch(/^(call|client)_[A-Za-z0-9_-]{16}$/);
		expect(new Set(ids.map((id) => id.replace(/^\w+?_/, ''))).size).toBe(ids.length);
		expect(randomIds.phoneNumber()).toMatch(/^\+46 70 \d{3} \d{2} \d{2}$/);
	});

	it.each([
		['a NUL', '\u0000'],
		['a line feed', 'm1\n'],
		['a space', 'm 1'],
		['a slash', '../m1'],
		['nothing', ''],
		['65 characters', 'a'.repeat(65)]
	])(
		'given an id with %s, when it is checked, then it is refused with a message saying the format',
		(_, id) => {
			const parsed = meetingIdSchema.safeParse(id);
			expect(parsed.success).toBe(false);
			expect(parsed.error?.issues[0]?.message).toMatch(/^meetingId must be 1 to 64 letters, digits, - or _/);
		}
	);

	it('given a monitor subscription with a NUL meeting id, when the socket payload is checked, then it is a bad request naming meetingId', () => {
		const parsed = monitorScopeSchema.safeParse({ scope: 'meeting', meetingId: '\u0000' });
		expect(parsed.success).toBe(false);
		expect(describeIssues(parsed.error!)).toMatch(/^meetingId must be 1 to 64 letters/);
	});

	it("given a well-formed meeting id, when the socket payload is checked, then it passes (unknown ids are the service's to refuse)", () => {
		expect(
			monitorScopeSchema.safeParse({ scope: 'meeting', meetingId: 'f3b1c2d4-0000-4000-8000-000000000000' })
				.success
		).toBe(true);
	});
});

describe('-Identity values', () => {
	it.each([
		'amos.marble@contoso.com',
		'amos.marble',
		'AMOS.Marble',
		'0b6f8a52-7c4e-4f0e-9b9a-2f1a3c5d7e90',
		'åsa.öberg@contoso.se',
		'a'.repeat(254)
	])('given %s, when it is checked, then it is well formed', (identity) => {
		expect(identitySchema.safeParse(identity).success).toBe(true);
	});

	it.each([
		['a NUL', 'amos\u0000', /printable text/],
		['a line feed', 'amos\n', /printable text/],
		['a DEL', 'amos\u007f', /printable text/],
		['a zero-width space', 'amos\u200b', /printable text/],
		['a line separator', 'amos\u2028', /printable text/],
		['nothing', '', /must not be empty/],
		['255 characters', 'a'.repeat(255), /at most 254 characters/]
	])('given an identity with %s, when it is checked, then it is refused: %s', (_, identity, message) => {
		const parsed = identitySchema.safeParse(identity);
		expect(parsed.success).toBe(false);
		expect(parsed.error?.issues[0]?.message).toMatch(message);
	});
});

describe('conference IDs', () => {
	it('given the 7 digits the server issues, when they are checked, then they are well formed', () => {
		expect(conferenceIdSchema.safeParse('4410273').success).toBe(true);
		expect(clientJoinSchema.safeParse({ conferenceId: '4410273' }).success).toBe(true);
	});

	it.each(['', '44102 73', '4410273\u0000', '１２３', '1'.repeat(21), '0x41'])(
		'given %j, when it is checked, then it is refused as not digits',
		(id) => {
			const parsed = clientJoinSchema.safeParse({ conferenceId: id });
			expect(parsed.success).toBe(false);
			expect(describeIssues(parsed.error!)).toBe('conferenceId must be 1 to 20 digits');
		}
	);
});
