import { TENANT_NUMBER_SETTINGS } from '$lib/domain/tenant-settings';
import { actorOf } from '$lib/server/actor';
import { readOrRefuse, toFormFailure } from '$lib/server/edge-errors';
import { policyFromForm } from '../policy-form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const tenant = await readOrRefuse(() => locals.runtime.services.dialInUsers.tenant(actorOf(locals.user)));
	return { tenant };
};

const numberFields = TENANT_NUMBER_SETTINGS;
const booleanFields = [
	'automaticallySendEmailsToUsers',
	'allowPstnOnlyMeetingsByDefault',
	'enableEntryExitNotifications',
	'announceLobbyPosition'
] as const;

export const actions: Actions = {
	/** Set-CsTeamsMeetingPolicy -Identity Global: the lobby policy, its own form (docs/rules.md). */
	policy: async ({ locals, request }) => {
		return update(locals, policyFromForm(await request.formData()), { policySaved: true });
	},
	/** Set-CsOnlineDialInConferencingTenantSettings from the form; out-of-range values name their range. */
	save: async ({ locals, request }) => {
		const form = await request.formData();
		const patch: Record<string, unknown> = {};
		for (const field of numberFields) {
			const raw = String(form.get(field) ?? '').trim();
			patch[field] = raw === '' ? NaN : Number(raw);
		}
		for (const field of booleanFields) patch[field] = form.get(field) === 'on';
		patch.entryExitAnnouncementsType = String(form.get('entryExitAnnouncementsType') ?? '');
		patch.maskPstnNumbersType = String(form.get('maskPstnNumbersType') ?? '');
		return update(locals, patch, { saved: true });
	}
};

/** Sends a form's settings to the service, which checks the actor and the values and audits the change. */
async function update<T extends object>(locals: App.Locals, patch: Record<string, unknown>, done: T) {
	try {
		await locals.runtime.services.dialIn.updateTenantSettings(actorOf(locals.user), patch, 'page');
		return done;
	} catch (e) {
		return toFormFailure(e);
	}
}
