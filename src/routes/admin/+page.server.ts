import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** S7: the admin center opens on Dial-in conferencing, Dial-in users. */
export const load: PageServerLoad = () => redirect(303, '/admin/dial-in-users');
