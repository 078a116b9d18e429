import type { PageServerLoad } from './$types';

/** The meeting to join: whose it is, by conference ID (only dial-in organizers have one). */
export const load: PageServerLoad = async ({ locals, params }) => {
	const organizer = /^\d{1,20}$/.test(params.conferenceId)
		? await locals.runtime.services.directory.organizerByConferenceId(params.conferenceId)
		: null;
	return {
		conferenceId: params.conferenceId,
		organizer: organizer ? { displayName: organizer.displayName } : null
	};
};
