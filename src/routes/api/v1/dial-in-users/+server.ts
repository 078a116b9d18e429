import { apiRoute } from '$lib/server/api/api-route';
import { dialInUserJson } from '$lib/server/api/views';
import { usersQuery } from '$lib/server/api/schemas';

/** `Get-CsOnlineDialInConferencingUser [-ResultSize N]`: the directory, PINs masked (S8). */
export const GET = apiRoute({ admin: true }, async ({ runtime, actor, query }) => {
	const { search, limit } = query(usersQuery);
	const found = await runtime.services.dialInUsers.search(actor, search ?? '', limit ?? 200);
	return { users: found.map(dialInUserJson) };
});
