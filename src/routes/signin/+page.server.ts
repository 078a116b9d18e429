import { fail, redirect } from '@sveltejs/kit';
import { DEMO_TENANT_ID } from '$lib/server/db/seed';
import { signInAllowed } from '$lib/server/security/sign-in-throttle';
import type { Actions, PageServerLoad } from './$types';

/** Only same-site paths may follow a sign-in (no open redirect). */
function safeNext(next: string | null, fallback: string): string {
	return next && next.startsWith('/') && !next.startsWith('//') ? next : fallback;
}

export const load: PageServerLoad = ({ locals, url }) => {
	return { user: locals.user, next: safeNext(url.searchParams.get('next'), '') };
};

export const actions: Actions = {
	default: async ({ locals, request, cookies, url }) => {
		const form = await request.formData();
		const email = String(form.get('email') ?? '').trim();
		const password = String(form.get('password') ?? '');
		if (!email || !password) return fail(400, { email, problem: 'Enter your email address and password.' });
		if (!signInAllowed(email.toLowerCase())) {
			return fail(429, {
				email,
				problem: 'Too many sign-in attempts for this address; wait a minute and try again.'
			});
		}
		const set = await locals.runtime.auth.signIn(email, password, request.headers);
		if (!set) return fail(400, { email, problem: 'That email address and password do not match.' });
		for (const c of set) cookies.set(c.name, c.value, c.options);
		const user = await locals.runtime.services.directory.findByIdentity(DEMO_TENANT_ID, email);
		redirect(303, safeNext(url.searchParams.get('next'), user?.role === 'admin' ? '/admin' : '/'));
	}
};
