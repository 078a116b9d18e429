import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ locals, request, cookies }) => {
		for (const c of await locals.runtime.auth.signOut(request.headers))
			cookies.set(c.name, c.value, c.options);
		redirect(303, '/');
	}
};
