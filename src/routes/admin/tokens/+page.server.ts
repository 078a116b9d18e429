import { fail } from '@sveltejs/kit';
import { actorOf } from '$lib/server/actor';
import { isAdminError } from '$lib/server/services/dial-in.service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	tokens: await locals.runtime.services.apiTokens.list(actorOf(locals.user))
});

function refused(e: unknown) {
	if (isAdminError(e)) {
		const status = { forbidden: 403, 'not-found': 404, 'bad-request': 400, conflict: 409 }[e.code];
		return fail(status, { problem: e.message });
	}
	throw e;
}

export const actions: Actions = {
	/** A token for the signed-in administrator; its secret is in this one answer. */
	create: async ({ locals, request }) => {
		const form = await request.formData();
		const name = String(form.get('name') ?? '');
		const days = String(form.get('expiresInDays') ?? '').trim();
		const expiresInDays = days === '' ? null : Number(days);
		try {
			const issued = await locals.runtime.services.apiTokens.issue(
				actorOf(locals.user),
				{ name, expiresInDays },
				'page'
			);
			return { issued: { token: issued.token, id: issued.view.id, name: issued.view.name } };
		} catch (e) {
			return refused(e);
		}
	},
	revoke: async ({ locals, request }) => {
		const form = await request.formData();
		try {
			const view = await locals.runtime.services.apiTokens.revoke(
				actorOf(locals.user),
				String(form.get('id') ?? ''),
				'page'
			);
			return { revoked: view.name };
		} catch (e) {
			return refused(e);
		}
	}
};
