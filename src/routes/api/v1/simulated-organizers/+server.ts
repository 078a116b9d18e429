import { apiRoute } from '$lib/server/api/api-route';
import { simulatedOrganizersBody } from '$lib/server/services/simulated-organizers.service';

/**
 * Makes sure `count` simulated organizers exist (`load-organizer-001@…`: dial-in users without a
 * mailbox) and answers each with a fresh leader PIN, shown in this answer only (S8). Administrators
 * only: it resets PINs (S3). The load generator (`lobby load`) dials in with them.
 */
export const POST = apiRoute({ admin: true }, async ({ runtime, actor, body, path }) => {
	const { count } = await body(simulatedOrganizersBody);
	const organizers = await runtime.services.simulatedOrganizers.ensure(actor, count, path);
	// The one place these PINs are shown.
	return { organizers: organizers.map((o) => ({ ...o, leaderPin: o.leaderPin.reveal() })) };
});
