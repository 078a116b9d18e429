/**
 * A meeting policy's lobby settings as a form sends them (`MeetingPolicyFields.svelte`), named as
 * the API names them; the service checks each value and words what is wrong.
 */
export function policyFromForm(form: FormData): Record<string, unknown> {
	return {
		lobbyMode: String(form.get('lobbyMode') ?? ''),
		autoAdmittedUsers: String(form.get('autoAdmittedUsers') ?? ''),
		allowPstnUsersToBypassLobby: form.get('allowPstnUsersToBypassLobby') === 'on',
		allowAnonymousUsersToStartMeeting: form.get('allowAnonymousUsersToStartMeeting') === 'on',
		usersCanAdmitFromLobby: String(form.get('usersCanAdmitFromLobby') ?? '')
	};
}
