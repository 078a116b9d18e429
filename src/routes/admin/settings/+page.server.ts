import { fail } from '@sveltejs/kit';
import { actorOf } from '$lib/server/actor';
import { DEMO_TENANT_ID } from '$lib/server/db/seed';
import { isAdminError } from '$lib/server/services/dial-in.service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const tenant = await locals.runtime.services.directory.tenant(DEMO_TENANT_ID);
	return { tenant };
};

const numberFields = ['pinLength', 'maxParticipants', 'lobbyTimeoutMinutes', 'pinLockoutThreshold'] as const;
const booleanFields = [
	'automaticallySendEmailsToUsers',
	'allowPstnOnlyMeetingsByDefault',
	'enableEntryExitNotifications'
] as const;

export const actions: Actions = {
	/** Set-CsOnlineDialInConferencingTenantSettings from the form; out-of-range values name their range. */
	default: async ({ locals, request }) => {
		const form = await request.formData();
		const patch: Record<string, unknown> = {};
		for (const field of numberFields) {
			const raw = String(form.get(field) ?? '').trim();
			patch[field] = raw === '' ? NaN : Number(raw);
		}
		for (const field of booleanFields) patch[field] = form.get(field) === 'on';
		patch.entryExitAnnouncementsType = String(form.get('entryExitAnnouncementsType') ?? '');
		patch.maskPstnNumbersType = String(form.get('maskPstnNumbersType') ?? '');
		try {
			await locals.runtime.services.dialIn.updateTenantSettings(actorOf(locals.user), patch, 'page');
			return { saved: true };
		} catch (e) {
			if (isAdminError(e)) return fail(e.code === 'forbidden' ? 403 : 400, { problem: e.message });
			throw e;
		}
	}
};
