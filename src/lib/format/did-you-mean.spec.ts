import { describe, expect, it } from 'vitest';
import { closest, editDistance } from './did-you-mean';

describe('closest (rule 12)', () => {
	const names = ['Identity', 'ResetLeaderPIN', 'SendEmail', 'SendEmailToAddress'];

	it('given a near miss in any case, when compared, then the nearest is chosen', () => {
		expect(closest('resetleaderpn', names)).toBe('ResetLeaderPIN');
		expect(closest('Idnetity', names)).toBe('Identity');
		expect(closest('SendEmial', names)).toBe('SendEmail');
	});

	it('given a substring of exactly one candidate, when compared, then that candidate is chosen', () => {
		expect(closest('PIN', names)).toBe('ResetLeaderPIN');
		expect(closest('Address', names)).toBe('SendEmailToAddress');
	});

	it('given a substring of several candidates or nothing close, when compared, then there is no suggestion', () => {
		expect(closest('Email', names)).toBeUndefined();
		expect(closest('Verbose', names)).toBeUndefined();
		expect(closest('ab', ['cd'])).toBeUndefined();
		expect(closest('', names)).toBeUndefined();
	});

	it('given two words, when measured, then swaps count once and case not at all', () => {
		expect(editDistance('abc', 'ABC')).toBe(0);
		expect(editDistance('abcd', 'abdc')).toBe(1);
		expect(editDistance('kitten', 'sitting')).toBe(3);
	});
});
