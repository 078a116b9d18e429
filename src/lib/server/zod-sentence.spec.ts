import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issueSentence, zodSentence } from './zod-sentence';

const body = z
	.object({
		limit: z.number().max(10, 'must be from 1 to 10'),
		speed: z.number().max(100, 'speed must be from 0.25 to 100')
	})
	.partial()
	.strict();

const errorOf = (value: unknown) => body.safeParse(value).error!;

describe('a failed parse as one sentence', () => {
	it('names the field before a message that does not', () => {
		expect(zodSentence(errorOf({ limit: 11 }))).toBe('limit: must be from 1 to 10');
		expect(zodSentence(errorOf({ limit: 11 }), { joiner: ' ' })).toBe('limit must be from 1 to 10');
	});

	it('does not name the field twice', () => {
		expect(zodSentence(errorOf({ speed: 101 }))).toBe('speed must be from 0.25 to 100');
	});

	it('names unknown keys as the caller calls them', () => {
		expect(zodSentence(errorOf({ lmit: 1 }))).toBe('Unknown field: lmit.');
		expect(zodSentence(errorOf({ lmit: 1 }), { unknownKey: 'setting' })).toBe('Unknown setting: lmit.');
	});

	it('leaves the field out where the message names the setting itself', () => {
		const [issue] = errorOf({ limit: 11 }).issues;
		expect(issueSentence(issue!, { unnamed: true })).toBe('must be from 1 to 10');
	});
});
