import { actorOf } from '$lib/server/actor';
import { readOrRefuse, toFormFailure } from '$lib/server/edge-errors';
import { policyFromForm } from '../policy-form';
import type { Actions, PageServerLoad } from './$types';

/** Every meeting policy, Global first, with how many users have each (`Get-CsTeamsMeetingPolicy`). */
export const load: PageServerLoad = async ({ locals }) => ({
	policies: await readOrRefuse(() => locals.runtime.services.meetingPolicies.list(actorOf(locals.user)))
});

/** Each action is the service's, which checks the actor and the values and audits the change. */
export const actions: Actions = {
	/** `New-CsTeamsMeetingPolicy -Identity NAME`. */
	create: async ({ locals, request }) => {
		const form = await request.formData();
		const identity = String(form.get('identity') ?? '');
		try {
			await locals.runtime.services.meetingPolicies.create(
				actorOf(locals.user),
				identity,
				{ ...policyFromForm(form), description: String(form.get('description') ?? '') },
				'page'
			);
			return { created: identity.trim() };
		} catch (e) {
			return toFormFailure(e);
		}
	},
	/** `Set-CsTeamsMeetingPolicy -Identity NAME`: the users' live meetings follow. */
	update: async ({ locals, request }) => {
		const form = await request.formData();
		const identity = String(form.get('identity') ?? '');
		try {
			// Global has no description: its form sends none.
			const description = form.has('description') ? { description: String(form.get('description')) } : {};
			await locals.runtime.services.meetingPolicies.update(
				actorOf(locals.user),
				identity,
				{ ...policyFromForm(form), ...description },
				'page'
			);
			return { saved: identity };
		} catch (e) {
			return toFormFailure(e);
		}
	},
	/** `Remove-CsTeamsMeetingPolicy -Identity NAME`: its users have Global again. */
	remove: async ({ locals, request }) => {
		const form = await request.formData();
		try {
			const removed = await locals.runtime.services.meetingPolicies.remove(
				actorOf(locals.user),
				String(form.get('identity') ?? ''),
				'page'
			);
			return { removed };
		} catch (e) {
			return toFormFailure(e);
		}
	}
};
