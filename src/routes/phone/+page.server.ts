import type { PageServerLoad } from './$types';

/** The bridge number to show, and a conference ID to dial straight away (`?conference=4410273`). */
export const load: PageServerLoad = async ({ locals, url }) => {
	const serviceNumber = await locals.runtime.services.conferences.serviceNumber();
	const conference = url.searchParams.get('conference');
	return {
		serviceNumber,
		conference: conference && /^\d{1,20}$/.test(conference) ? conference : null
	};
};
