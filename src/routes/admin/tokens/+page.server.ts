import { fail } from '@sveltejs/kit';
import { readOrRefuse, toFormFailure } from '$lib/server/edge-errors';
import { tokenIdSchema } from '$lib/server/identifier-schemas';
import { actorOf } from '$lib/server/actor';
import { zodSentence } from '$lib/server/zod-sentence';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	tokens: await readOrRefuse(() => locals.runtime.services.apiTokens.list(actorOf(locals.user)))
});

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
			return toFormFailure(e);
		}
	},
	revoke: async ({ locals, request }) => {
		const form = await request.formData();
		const id = tokenIdSchema.safeParse(String(form.get('id') ?? ''));
		if (!id.success) return fail(400, { problem: zodSentence(id.error) });
		try {
			const view = await locals.runtime.services.apiTokens.revoke(actorOf(locals.user), id.data, 'page');
			return { revoked: view.name };
		} catch (e) {
			return toFormFailure(e);
		}
	}
};
