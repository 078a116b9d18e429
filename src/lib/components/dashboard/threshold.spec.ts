import { describe, expect, it } from 'vitest';
import {
	DEFAULT_THRESHOLD_MIN,
	loadThreshold,
	parseThreshold,
	saveThreshold,
	THRESHOLD_STORAGE_KEY
} from './threshold';

function memoryStorage(initial: Record<string, string> = {}) {
	const data = new Map(Object.entries(initial));
	return {
		getItem: (k: string) => data.get(k) ?? null,
		setItem: (k: string, v: string) => void data.set(k, v),
		data
	};
}

describe('parseThreshold', () => {
	it('takes minutes, whole or not, with a comma as Swedes type it', () => {
		expect(parseThreshold('5')).toBe(5);
		expect(parseThreshold(' 2.5 ')).toBe(2.5);
		expect(parseThreshold('0,5')).toBe(0.5);
		expect(parseThreshold(10)).toBe(10);
	});

	it('refuses what is not a usable threshold', () => {
		for (const raw of ['', 'abc', '0', '-3', '100000', 'NaN', null, undefined]) {
			expect(parseThreshold(raw)).toBeNull();
		}
	});
});

describe('loadThreshold and saveThreshold', () => {
	it('defaults to 5 minutes', () => {
		expect(loadThreshold(memoryStorage())).toBe(DEFAULT_THRESHOLD_MIN);
		expect(loadThreshold(null)).toBe(5);
	});

	it('remembers the admin’s choice', () => {
		const storage = memoryStorage();
		saveThreshold(storage, 2);
		expect(storage.data.get(THRESHOLD_STORAGE_KEY)).toBe('2');
		expect(loadThreshold(storage)).toBe(2);
	});

	it('ignores a stored value that is not usable', () => {
		expect(loadThreshold(memoryStorage({ [THRESHOLD_STORAGE_KEY]: 'lots' }))).toBe(5);
	});

	it('survives blocked storage', () => {
		const blocked = {
			getItem: () => {
				throw new Error('blocked');
			},
			setItem: () => {
				throw new Error('blocked');
			}
		};
		expect(loadThreshold(blocked)).toBe(5);
		expect(() => saveThreshold(blocked, 3)).not.toThrow();
	});
});
