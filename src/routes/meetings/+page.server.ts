import type { PageServerLoad } from './$types';

/** Live and past meetings, newest first: where replay starts. */
export const load: PageServerLoad = async ({ locals }) => {
	const rows = await locals.runtime.services.meetings.recent(200);
	return {
		meetings: rows.map((m) => ({
			id: m.id,
			conferenceId: m.conferenceId,
			organizerName: m.organizerName,
			status: m.status,
			openedAt: m.openedAt.getTime(),
			endedAt: m.endedAt?.getTime() ?? null,
			participantCount: m.participantCount,
			lobbySize: m.lobbySize
		}))
	};
};
