import { apiRoute } from '$lib/server/api/api-route';
import { tenantSettingsBody } from '$lib/server/api/schemas';
import { tenantSettingsJson } from '$lib/server/api/views';

/** `Get-CsOnlineDialInConferencingTenantSettings`. */
export const GET = apiRoute({ admin: true }, async ({ runtime, actor }) => ({
	settings: tenantSettingsJson(await runtime.services.dialInUsers.tenant(actor))
}));

/** `Set-CsOnlineDialInConferencingTenantSettings`: each setting checked against its range (S13). */
export const PATCH = apiRoute({}, async ({ runtime, actor, body, path }) => {
	const patch = await body(tenantSettingsBody);
	return {
		settings: tenantSettingsJson(await runtime.services.dialIn.updateTenantSettings(actor, patch, path))
	};
});
