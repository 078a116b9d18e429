import { fail, redirect } from '@sveltejs/kit';
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
		const outcome = await locals.runtime.services.signIn.signIn({
			email,
			password,
			clientAddress: locals.clientAddress,
			headers: request.headers,
			path: 'page',
			mode: 'session'
		});
		if (!outcome.ok && outcome.reason === 'throttled') {
			return fail(429, {
				email,
				problem: `Too many sign-in attempts; wait ${Math.ceil(outcome.retryAfterSeconds / 60)} minute(s) and try again.`
			});
		}
		if (!outcome.ok) return fail(400, { email, problem: 'That email address and password do not match.' });
		for (const c of outcome.cookies) cookies.set(c.name, c.value, c.options);
		redirect(303, safeNext(url.searchParams.get('next'), outcome.user.role === 'admin' ? '/admin' : '/'));
	}
};
