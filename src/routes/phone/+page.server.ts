import { DEMO_TENANT_ID } from '$lib/server/db/seed';
import type { PageServerLoad } from './$types';

/** The bridge number to show, and a conference ID to dial straight away (`?conference=4410273`). */
export const load: PageServerLoad = async ({ locals, url }) => {
	const tenant = await locals.runtime.services.directory.tenant(DEMO_TENANT_ID);
	const conference = url.searchParams.get('conference');
	return {
		serviceNumber: tenant?.serviceNumber ?? '',
		conference: conference && /^\d{1,20}$/.test(conference) ? conference : null
	};
};
