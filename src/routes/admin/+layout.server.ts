import type { LayoutServerLoad } from './$types';

/**
 * The admin center is for administrators (S7): `hooks.server.ts` refuses everyone else before any
 * load or action of `/admin` runs, and every service checks the actor again.
 */
export const load: LayoutServerLoad = ({ locals }) => ({ user: locals.user });
