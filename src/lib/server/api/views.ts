/** How the API shows directory rows: PINs never, only whether one is set, as `*****` (S8). */
import type { DialInUserJson, TenantSettingsJson } from '$lib/contract/api';
import type { TenantRow } from '../db/schema';
import type { DialInUserView } from '../services/directory.service';
import { PIN_MASK } from '../services/mail.service';

export function dialInUserJson(user: DialInUserView): DialInUserJson {
	return {
		id: user.id,
		email: user.email,
		alias: user.email.split('@')[0]!,
		displayName: user.displayName,
		role: user.role,
		hasMailbox: user.hasMailbox,
		language: user.language,
		dialInEnabled: user.dialInEnabled,
		conferenceId: user.conferenceId,
		allowPstnOnlyMeetings: user.allowPstnOnlyMeetings,
		meetingPolicy: user.meetingPolicy,
		leaderPin: user.pinSetAt ? (PIN_MASK as '*****') : null,
		leaderPinSetAt: user.pinSetAt?.toISOString() ?? null,
		leaderPinLength: user.pinLength,
		leaderPinLockedOut: user.lockedOut,
		failedPinAttempts: user.failedAttempts
	};
}

export function tenantSettingsJson(tenant: TenantRow): TenantSettingsJson {
	return {
		tenantId: tenant.id,
		name: tenant.name,
		domain: tenant.domain,
		serviceNumber: tenant.serviceNumber,
		pinLength: tenant.pinLength,
		automaticallySendEmailsToUsers: tenant.automaticallySendEmailsToUsers,
		allowPstnOnlyMeetingsByDefault: tenant.allowPstnOnlyMeetingsByDefault,
		enableEntryExitNotifications: tenant.enableEntryExitNotifications,
		entryExitAnnouncementsType: tenant.entryExitAnnouncementsType,
		maskPstnNumbersType: tenant.maskPstnNumbersType,
		maxParticipants: tenant.maxParticipants,
		lobbyTimeoutMinutes: tenant.lobbyTimeoutMinutes,
		pinLockoutThreshold: tenant.pinLockoutThreshold,
		mailboxPinRetentionHours: tenant.mailboxPinRetentionHours,
		lobbyMode: tenant.lobbyMode,
		autoAdmittedUsers: tenant.autoAdmittedUsers,
		allowPstnUsersToBypassLobby: tenant.allowPstnUsersToBypassLobby,
		allowAnonymousUsersToStartMeeting: tenant.allowAnonymousUsersToStartMeeting,
		usersCanAdmitFromLobby: tenant.usersCanAdmitFromLobby,
		announceLobbyPosition: tenant.announceLobbyPosition,
		lobbyPositionRepeatSeconds: tenant.lobbyPositionRepeatSeconds
	};
}
