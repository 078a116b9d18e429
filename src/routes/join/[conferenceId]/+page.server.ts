import { error } from '@sveltejs/kit';
import { actorOf } from '$lib/server/actor';
import type { PageServerLoad } from './$types';

/** The meeting to join: whose it is, by conference ID (only dial-in organizers have one). */
export const load: PageServerLoad = async ({ locals, params }) => {
	const found = await locals.runtime.services.conferences.organizerOf(
		actorOf(locals.user),
		locals.clientAddress,
		params.conferenceId
	);
	if ('throttled' in found)
		error(429, 'Too many meeting lookups from your address; wait a minute, or sign in.');
	return { conferenceId: params.conferenceId, organizer: found.organizer };
};
