import { randomUUID } from 'node:crypto';
import {
	GLOBAL_MEETING_POLICY,
	meetingPolicyNameProblem,
	type MEETING_POLICY_SETTINGS
} from '$lib/domain/tenant-settings';
import { meetingPolicyPatchSchema, type MeetingPolicyPatch } from '$lib/contract/tenant-settings';
import type { MeetingPolicyJson } from '$lib/contract/api';
import type { Database } from '../db/index';
import type { MeetingPolicyRow, TenantRow } from '../db/schema';
import type { DirectoryRepository } from '../repositories/directory.repository';
import type { MeetingPoliciesRepository } from '../repositories/meeting-policies.repository';
import { isAdmin, requireAdmin } from './access';
import type { AccessPath, Actor, AuditService } from './audit.service';
import type { DialInService } from './dial-in.service';
import { ServiceError } from '../service-error';
import { zodSentence } from '../zod-sentence';

export interface MeetingPolicyServiceDeps {
	policies: MeetingPoliciesRepository;
	tenantId: string;
	directory: DirectoryRepository;
	audit: AuditService;
	/** The Global policy is the tenant's: its changes go through the tenant settings, audited there. */
	dialIn: DialInService;
	/** Told after a named policy or a grant changed, so live meetings follow (docs/rules.md). */
	onPoliciesChanged?: () => Promise<void>;
}

/**
 * Meeting policies, as Teams has them (docs/rules.md, "The lobby policy"): the Global policy every
 * user has, and named ones (`New-`, `Set-`, `Remove-CsTeamsMeetingPolicy`) granted to users with
 * `Grant-CsTeamsMeetingPolicy`. Administrators only, whatever the door; every change and every
 * refusal is audited. A change that reaches a live meeting does so as an event in its log.
 */
export class MeetingPolicyService {
	constructor(private readonly deps: MeetingPolicyServiceDeps) {}

	/** `Get-CsTeamsMeetingPolicy`: Global first, then the named policies by name. */
	async list(actor: Actor): Promise<MeetingPolicyJson[]> {
		requireAdmin(actor, 'read the meeting policies');
		const tenant = await this.tenant();
		const rows = await this.deps.policies.list();
		const granted = await this.deps.policies.grantCounts();
		return [
			globalJson(tenant, granted.get(null) ?? 0),
			...rows.map((row) => policyJson(row, granted.get(row.id) ?? 0))
		];
	}

	/** `Get-CsTeamsMeetingPolicy -Identity NAME`, whatever the case; `not-found` names the policies there are. */
	async get(actor: Actor, identity: string): Promise<MeetingPolicyJson> {
		const all = await this.list(actor);
		const found = all.find((p) => p.identity.toLowerCase() === identity.trim().toLowerCase());
		if (!found) throw await this.notFound(identity);
		return found;
	}

	/**
	 * `New-CsTeamsMeetingPolicy -Identity NAME [settings]`: a named policy with Teams' defaults for
	 * the settings not given (Lobby's lobby mode defaults to Classic).
	 */
	async create(
		actor: Actor,
		identity: string,
		settings: unknown,
		path: AccessPath
	): Promise<MeetingPolicyJson> {
		const action = 'meeting-policy.create';
		await this.authorize(actor, action, identity, path);
		const name = identity.trim();
		const problem = meetingPolicyNameProblem(name);
		if (problem) throw new ServiceError('bad-request', problem);
		const patch = parsePatch(settings);
		const row = await this.deps.policies.transaction(async (tx) => {
			const taken = await this.deps.policies.find(name, tx);
			if (taken) {
				throw new ServiceError(
					'conflict',
					`A meeting policy named ${taken.identity} already exists; change it with Set-CsTeamsMeetingPolicy -Identity ${taken.identity}.`
				);
			}
			const created = await this.deps.policies.insert(randomUUID(), name, patch, tx);
			await this.record(tx, actor, action, name, path, { ...patch });
			return created;
		});
		return policyJson(row, 0);
	}

	/**
	 * `Set-CsTeamsMeetingPolicy -Identity NAME [settings]`: Global changes the tenant's own policy;
	 * a named one changes for every user it is granted to, and their live meetings follow.
	 */
	async update(
		actor: Actor,
		identity: string,
		settings: unknown,
		path: AccessPath
	): Promise<MeetingPolicyJson> {
		const action = 'meeting-policy.update';
		await this.authorize(actor, action, identity, path);
		const patch = parsePatch(settings);
		if (Object.keys(patch).length === 0)
			throw new ServiceError('bad-request', 'Name at least one setting to change, such as LobbyMode.');
		if (isGlobal(identity)) {
			if (patch.description !== undefined)
				throw new ServiceError('bad-request', 'The Global policy has no description to change.');
			await this.deps.dialIn.updateTenantSettings(actor, patch, path);
			return this.get(actor, GLOBAL_MEETING_POLICY);
		}
		const row = await this.deps.policies.transaction(async (tx) => {
			const updated = await this.deps.policies.update(identity, patch, tx);
			if (!updated) throw await this.notFound(identity, tx);
			await this.record(tx, actor, action, updated.identity, path, { ...patch });
			return updated;
		});
		await this.deps.onPoliciesChanged?.();
		return this.get(actor, row.identity);
	}

	/**
	 * `Remove-CsTeamsMeetingPolicy -Identity NAME`: as in Teams, the users it was granted to have
	 * the Global policy again, and their live meetings follow. Global cannot be removed.
	 */
	async remove(
		actor: Actor,
		identity: string,
		path: AccessPath
	): Promise<{ identity: string; users: number }> {
		const action = 'meeting-policy.remove';
		await this.authorize(actor, action, identity, path);
		if (isGlobal(identity)) {
			throw new ServiceError(
				'bad-request',
				'The Global policy cannot be removed; change it with Set-CsTeamsMeetingPolicy -Identity Global.'
			);
		}
		const removed = await this.deps.policies.transaction(async (tx) => {
			const row = await this.deps.policies.find(identity, tx, true);
			if (!row) throw await this.notFound(identity, tx);
			const usersMoved = await this.deps.policies.holders(row.id, tx);
			await this.deps.policies.remove(row.id, tx);
			await this.record(tx, actor, action, row.identity, path, { usersMovedToGlobal: usersMoved });
			return { identity: row.identity, users: usersMoved };
		});
		await this.deps.onPoliciesChanged?.();
		return removed;
	}

	/**
	 * `Grant-CsTeamsMeetingPolicy -Identity USER -PolicyName NAME`: the user's meetings get that
	 * policy; `null` (`-PolicyName $null`, or Global) hands him back to the Global one. His live
	 * meeting follows at once.
	 */
	async grant(
		actor: Actor,
		userIdentity: string,
		policyName: string | null,
		path: AccessPath
	): Promise<void> {
		const action = 'meeting-policy.grant';
		await this.authorize(actor, action, userIdentity, path);
		const toGlobal = policyName === null || policyName.trim() === '' || isGlobal(policyName);
		await this.deps.policies.transaction(async (tx) => {
			const user = await this.deps.directory.findByIdentity(this.deps.tenantId, userIdentity, tx);
			if (!user) throw new ServiceError('not-found', `No user "${userIdentity}" in the directory.`);
			let policy: MeetingPolicyRow | null = null;
			if (!toGlobal) {
				policy = await this.deps.policies.find(policyName, tx);
				if (!policy) throw await this.notFound(policyName, tx);
			}
			await this.deps.policies.grant(user.id, policy?.id ?? null, tx);
			await this.deps.audit.record(
				{
					tenantId: this.deps.tenantId,
					actor,
					action,
					target: { id: user.id, email: user.email },
					path,
					outcome: 'ok',
					details: { policy: policy?.identity ?? GLOBAL_MEETING_POLICY }
				},
				tx
			);
		});
		await this.deps.onPoliciesChanged?.();
	}

	/** Administrators only; a refusal is audited too, then refused with the one wording of access.ts. */
	private async authorize(actor: Actor, action: string, identity: string, path: AccessPath): Promise<void> {
		if (isAdmin(actor)) return;
		await this.deps.audit.record({
			tenantId: this.deps.tenantId,
			actor,
			action,
			target: null,
			path,
			outcome: 'denied',
			details: { identity }
		});
		requireAdmin(actor, 'change meeting policies');
	}

	private record(
		tx: Database,
		actor: Actor,
		action: string,
		identity: string,
		path: AccessPath,
		details: Record<string, string | number | boolean | null>
	): Promise<void> {
		return this.deps.audit.record(
			{
				tenantId: this.deps.tenantId,
				actor,
				action,
				target: null,
				path,
				outcome: 'ok',
				details: { policy: identity, ...details }
			},
			tx
		);
	}

	/** `not-found`, naming the policies there are (read in the caller's transaction, if any). */
	private async notFound(identity: string, db?: Database): Promise<ServiceError> {
		const names = [GLOBAL_MEETING_POLICY, ...(await this.deps.policies.list(db)).map((p) => p.identity)];
		return new ServiceError(
			'not-found',
			`No meeting policy named "${identity.trim()}". There are: ${names.join(', ')}.`
		);
	}

	private async tenant(): Promise<TenantRow> {
		const tenant = await this.deps.policies.tenant();
		if (!tenant) throw new ServiceError('not-found', 'The tenant does not exist.');
		return tenant;
	}
}

function isGlobal(identity: string): boolean {
	return identity.trim().toLowerCase() === GLOBAL_MEETING_POLICY.toLowerCase();
}

function parsePatch(settings: unknown): MeetingPolicyPatch {
	const parsed = meetingPolicyPatchSchema.safeParse(settings ?? {});
	if (!parsed.success)
		throw new ServiceError(
			'bad-request',
			zodSentence(parsed.error, { unknownKey: 'setting', unnamed: true })
		);
	return Object.fromEntries(
		Object.entries(parsed.data).filter(([, value]) => value !== undefined)
	) as MeetingPolicyPatch;
}

function settingsOf(source: Pick<MeetingPolicyRow, (typeof MEETING_POLICY_SETTINGS)[number]>) {
	return {
		lobbyMode: source.lobbyMode,
		autoAdmittedUsers: source.autoAdmittedUsers,
		allowPstnUsersToBypassLobby: source.allowPstnUsersToBypassLobby,
		allowAnonymousUsersToStartMeeting: source.allowAnonymousUsersToStartMeeting,
		usersCanAdmitFromLobby: source.usersCanAdmitFromLobby
	};
}

function globalJson(tenant: TenantRow, granted: number): MeetingPolicyJson {
	return {
		identity: GLOBAL_MEETING_POLICY,
		description: 'Every user granted no other policy has this one.',
		...settingsOf(tenant),
		users: granted
	};
}

function policyJson(row: MeetingPolicyRow, granted: number): MeetingPolicyJson {
	return { identity: row.identity, description: row.description, ...settingsOf(row), users: granted };
}
