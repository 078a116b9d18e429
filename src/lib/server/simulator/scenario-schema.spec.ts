import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioSchema, tenantSettingsPatchSchema } from '$lib/scenario/scenario-format';
import {
	SCENARIO_SCHEMA_COMMAND,
	SCENARIO_SCHEMA_PATH,
	scenarioJsonSchema
} from '$lib/scenario/scenario-json-schema';
import { tenantSettingsSchema } from '../services/dial-in.service';

const ROOT = new URL('../../../../', import.meta.url);

describe('the JSON Schema of scenario files', () => {
	it(`is up to date in ${SCENARIO_SCHEMA_PATH}`, () => {
		const committed: unknown = JSON.parse(readFileSync(new URL(SCENARIO_SCHEMA_PATH, ROOT), 'utf8'));
		expect(
			committed,
			`${SCENARIO_SCHEMA_PATH} is out of date with src/lib/scenario/scenario-format.ts. Regenerate it: ${SCENARIO_SCHEMA_COMMAND}`
		).toEqual(scenarioJsonSchema());
	});

	it('says a step has exactly one action, as the zod schema does', () => {
		const json = JSON.stringify(scenarioJsonSchema());
		expect(json).toContain('"oneOf":[{"required":["dial"]}');
		expect(scenarioSchema.safeParse({ name: 'x', description: 'x', steps: [{ at: '0s' }] }).success).toBe(
			false
		);
	});
});

describe('tenant settings in a scenario', () => {
	const cases: [string, unknown][] = [
		['pinLength', 3],
		['pinLength', 4],
		['pinLength', 12],
		['pinLength', 13],
		['pinLength', 4.5],
		['maxParticipants', 1],
		['maxParticipants', 2],
		['maxParticipants', 10_000],
		['maxParticipants', 10_001],
		['lobbyTimeoutMinutes', -1],
		['lobbyTimeoutMinutes', 0],
		['lobbyTimeoutMinutes', 1440],
		['lobbyTimeoutMinutes', 1441],
		['pinLockoutThreshold', 0],
		['pinLockoutThreshold', 1],
		['pinLockoutThreshold', 100],
		['pinLockoutThreshold', 101],
		['entryExitAnnouncementsType', 'ToneOnly'],
		['entryExitAnnouncementsType', 'Beep'],
		['maskPstnNumbersType', 'NoMasking'],
		['automaticallySendEmailsToUsers', false],
		['automaticallySendEmailsToUsers', 'no'],
		['unknownSetting', true]
	];

	it.each(cases)('accept %s = %j exactly when the admin center does', (key, value) => {
		const patch = { [key]: value };
		expect(tenantSettingsPatchSchema.safeParse(patch).success).toBe(
			tenantSettingsSchema.safeParse(patch).success
		);
	});

	it('have the same names as the admin center', () => {
		expect(Object.keys(tenantSettingsPatchSchema.shape).sort()).toEqual(
			Object.keys(tenantSettingsSchema.shape).sort()
		);
	});
});
