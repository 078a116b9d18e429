import { describe, expect, it } from 'vitest';
import {
	DEFAULT_TENANT_SETTINGS,
	isTenantSettingInRange,
	TENANT_SETTING_RANGES,
	tenantSettingProblem,
	tenantSettingRangeMessage,
	tenantSettingScenarioMessage
} from './tenant-settings';

describe('the tenant settings: one range for each, the one the database checks', () => {
	it('S13: a PIN is 4 to 12 digits, 5 by default', () => {
		expect(TENANT_SETTING_RANGES.pinLength).toMatchObject({ min: 4, max: 12, default: 5 });
	});

	it('a meeting holds 2 to 10,000 people, 250 by default: room for the organizer and one caller at least', () => {
		expect(TENANT_SETTING_RANGES.maxParticipants).toMatchObject({ min: 2, max: 10_000, default: 250 });
		expect([1, 2, 10_000, 10_001].map((n) => isTenantSettingInRange('maxParticipants', n))).toEqual([
			false,
			true,
			true,
			false
		]);
	});

	it('every default is in its range', () => {
		for (const [key, range] of Object.entries(TENANT_SETTING_RANGES)) {
			expect(DEFAULT_TENANT_SETTINGS[key as keyof typeof TENANT_SETTING_RANGES]).toBe(range.default);
			expect(isTenantSettingInRange(key as keyof typeof TENANT_SETTING_RANGES, range.default)).toBe(true);
		}
	});

	it('given a value out of range, then the message names the setting and its range', () => {
		expect(tenantSettingRangeMessage('pinLength')).toBe('PinLength must be from 4 to 12');
		expect(tenantSettingRangeMessage('lobbyTimeoutMinutes')).toBe(
			'LobbyTimeoutMinutes must be from 0 to 1440 (0: no timeout)'
		);
		expect(tenantSettingScenarioMessage('pinLength')).toBe('PinLength is 4 to 12 (S13).');
		expect(tenantSettingProblem('maxParticipants', 1)).toBe(
			'MaxParticipants must be a whole number from 2 to 10000; got 1.'
		);
		expect(tenantSettingProblem('lobbyTimeoutMinutes', 2.5)).toMatch(/whole number from 0 to 1440/);
		expect(tenantSettingProblem('maxParticipants', 2)).toBeNull();
	});
});
