import { error, redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

/**
 * The admin center is for administrators (S7). This guard is for people; every action is also
 * authorized by the services themselves, so a user who posts a form by hand is refused there too.
 */
export const load: LayoutServerLoad = ({ locals, url }) => {
	if (!locals.user) redirect(303, `/signin?next=${encodeURIComponent(url.pathname + url.search)}`);
	if (locals.user.role !== 'admin') {
		error(
			403,
			'The admin center is for administrators. Users cannot reset PINs, not even their own: ask an administrator.'
		);
	}
	return { user: locals.user };
};
