import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { SIMULATED_ORGANIZERS_MAX } from '$lib/contract/api';
import type { Database } from '../db/index';
import { tenants, users } from '../db/schema';
import type { AccessPath, Actor, AuditService } from './audit.service';
import type { DialInService } from './dial-in.service';
import { ServiceError } from '../service-error';
import { zodSentence } from '../zod-sentence';
import type { Pin } from '../security/pin';

/**
 * `POST /api/v1/simulated-organizers`: how many simulated organizers to make sure of. Kept here,
 * beside the rule it states, so the route validates with it and the OpenAPI document describes it.
 */
export const simulatedOrganizersBody = z
	.object({
		count: z
			.number()
			.int('must be a whole number')
			.min(1, `must be from 1 to ${SIMULATED_ORGANIZERS_MAX}`)
			.max(SIMULATED_ORGANIZERS_MAX, `must be from 1 to ${SIMULATED_ORGANIZERS_MAX}`)
	})
	.strict();

/**
 * A simulated organizer ready to dial in: the one time its fresh leader PIN is shown (S8). The load
 * generator dials `conferenceId`, presses `*` and enters `leaderPin` to start the meeting (S2, S10).
 */
export interface SimulatedOrganizer {
	email: string;
	displayName: string;
	conferenceId: string;
	/** Shown once, in the API's answer to the load generator. */
	leaderPin: Pin;
}

export interface SimulatedOrganizersServiceDeps {
	db: Database;
	tenantId: string;
	/** PINs are issued only through dial-in administration, so they are hashed and audited like any other. */
	dialIn: DialInService;
	audit: AuditService;
}

/** `load-organizer-007`: the alias of the n-th simulated organizer. */
export function simulatedOrganizerAlias(n: number): string {
	return `load-organizer-${String(n).padStart(3, '0')}`;
}

/**
 * Simulated organizers for load generation: ordinary dial-in users of the directory (role user, no
 * mailbox, PSTN-only meetings off so callers wait in the lobby, S5), each answered with a fresh
 * leader PIN. The PINs are issued by DialInService (enable for new users, reset for existing ones),
 * so they are generated, hashed, audited and, with no mailbox, never emailed (S9, S12).
 * Administrators only, like every PIN reset (S3).
 */
export class SimulatedOrganizersService {
	constructor(private readonly deps: SimulatedOrganizersServiceDeps) {}

	/**
	 * Makes sure the first `count` simulated organizers exist and are enabled for dial-in, and answers
	 * each with a fresh PIN, in order. Earlier PINs of these users stop working.
	 */
	async ensure(actor: Actor, count: number, path: AccessPath): Promise<SimulatedOrganizer[]> {
		const action = 'simulated-organizers.ensure';
		if (actor.role !== 'admin') {
			await this.deps.audit.record({
				tenantId: this.deps.tenantId,
				actor,
				action,
				target: null,
				path,
				outcome: 'denied',
				details: { count }
			});
			throw new ServiceError('forbidden', 'Only administrators can make simulated organizers.');
		}
		const parsed = simulatedOrganizersBody.safeParse({ count });
		if (!parsed.success) {
			throw new ServiceError('bad-request', `${zodSentence(parsed.error, { joiner: ' ' })}.`);
		}

		const [tenant] = await this.deps.db
			.select({ domain: tenants.domain })
			.from(tenants)
			.where(eq(tenants.id, this.deps.tenantId));
		if (!tenant) throw new ServiceError('not-found', 'The tenant does not exist.');
		const wanted = Array.from({ length: count }, (_, i) => ({
			email: `${simulatedOrganizerAlias(i + 1)}@${tenant.domain}`.toLowerCase(),
			displayName: `Load organizer ${String(i + 1).padStart(3, '0')}`
		}));

		const created = await this.createMissing(wanted);
		await this.deps.audit.record({
			tenantId: this.deps.tenantId,
			actor,
			action,
			target: null,
			path,
			outcome: 'ok',
			details: { count, created }
		});

		const rows = await this.rows(wanted.map((w) => w.email));
		const organizers: SimulatedOrganizer[] = [];
		for (const { email } of wanted) {
			const user = rows.get(email);
			if (!user) throw new ServiceError('conflict', `${email} could not be made; try again.`);
			if (user.dialInEnabled && !user.conferenceId) {
				// Enabled without a conference ID: not a state dial-in administration makes; start over.
				await this.deps.dialIn.disableDialIn(actor, user.id, path);
			}
			// Explicitly no email: a simulated organizer's PIN goes to the load generator only.
			const issued =
				user.dialInEnabled && user.conferenceId
					? await this.deps.dialIn.resetLeaderPin(actor, user.id, { sendEmail: false }, path)
					: await this.deps.dialIn.enableDialIn(actor, user.id, path);
			organizers.push({
				email: issued.user.email,
				displayName: issued.user.displayName,
				conferenceId: issued.user.conferenceId,
				leaderPin: issued.pin
			});
		}

		// S6: enabling follows the tenant's default for PSTN-only meetings; these callers must wait (S5).
		for (const user of (await this.rows(wanted.map((w) => w.email))).values()) {
			if (user.allowPstnOnlyMeetings) {
				await this.deps.dialIn.setAllowPstnOnlyMeetings(actor, user.id, false, path);
			}
		}
		return organizers;
	}

	/**
	 * Inserts the simulated users that do not exist yet, as the seed inserts the demo directory;
	 * answers how many it made. An existing administrator by one of these addresses is refused
	 * rather than turned into a simulated user.
	 */
	private async createMissing(wanted: { email: string; displayName: string }[]): Promise<number> {
		const existing = await this.rows(wanted.map((w) => w.email));
		for (const user of existing.values()) {
			if (user.role === 'admin') {
				throw new ServiceError(
					'conflict',
					`${user.email} is an administrator; it cannot be used as a simulated organizer.`
				);
			}
		}
		const missing = wanted.filter((w) => !existing.has(w.email));
		if (missing.length > 0) {
			await this.deps.db
				.insert(users)
				.values(
					missing.map((w) => ({
						id: randomUUID(),
						tenantId: this.deps.tenantId,
						email: w.email,
						displayName: w.displayName,
						role: 'user' as const,
						hasMailbox: false,
						language: 'en' as const,
						dialInEnabled: false,
						conferenceId: null,
						allowPstnOnlyMeetings: false
					}))
				)
				.onConflictDoNothing();
		}
		// Existing ones keep their history but lose any mailbox, so their PINs are never emailed.
		const mailboxes = [...existing.values()].filter((u) => u.hasMailbox).map((u) => u.id);
		if (mailboxes.length > 0) {
			await this.deps.db.update(users).set({ hasMailbox: false }).where(inArray(users.id, mailboxes));
		}
		return missing.length;
	}

	/** The tenant's users with these (lower-case) addresses, by address. */
	private async rows(emails: string[]) {
		const found = await this.deps.db
			.select({
				id: users.id,
				email: users.email,
				role: users.role,
				hasMailbox: users.hasMailbox,
				dialInEnabled: users.dialInEnabled,
				conferenceId: users.conferenceId,
				allowPstnOnlyMeetings: users.allowPstnOnlyMeetings
			})
			.from(users)
			.where(and(eq(users.tenantId, this.deps.tenantId), inArray(sql`lower(${users.email})`, emails)));
		return new Map(found.map((u) => [u.email.toLowerCase(), u]));
	}
}
