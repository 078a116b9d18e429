import { conferenceIdSchema } from '../identifier-schemas';
import { KeyedBuckets } from '../security/rate-limit';
import type { DirectoryRepository } from '../repositories/directory.repository';
import type { Actor } from './audit.service';

/** Anonymous lookups one client address may make: a burst, then so many a minute. */
export const ANONYMOUS_LOOKUPS = { burst: 60, perMinute: 60 } as const;

/** What a lookup came to: whose meeting it is, none, or too many lookups from this address. */
export type ConferenceLookup = { organizer: { displayName: string } | null } | { throttled: true };

/**
 * What anyone may know about a tenant's meetings: the dial-in number, and whose meeting a
 * conference ID leads to, for the client join page (`/join/<conference ID>`). It
 * names the organizer to anyone, as the page a meeting invitation links to must; anonymous lookups
 * are slowed per client address so that conference IDs cannot be enumerated at speed. Signed-in
 * users are accountable and not slowed.
 */
export class ConferenceLookupService {
	private readonly anonymous: KeyedBuckets;

	constructor(
		private readonly directory: DirectoryRepository,
		private readonly tenantId: string,
		now: () => number = () => Date.now()
	) {
		this.anonymous = new KeyedBuckets(ANONYMOUS_LOOKUPS.burst, ANONYMOUS_LOOKUPS.perMinute, now);
	}

	async organizerOf(actor: Actor, clientAddress: string, conferenceId: string): Promise<ConferenceLookup> {
		if (actor.role === 'anonymous' && !this.anonymous.take(clientAddress)) return { throttled: true };
		const organizer = conferenceIdSchema.safeParse(conferenceId).success
			? await this.directory.organizerByConferenceId(conferenceId)
			: null;
		return { organizer: organizer ? { displayName: organizer.displayName } : null };
	}

	/** The tenant's dial-in number, which every meeting invitation prints (the softphone shows it). */
	async serviceNumber(): Promise<string> {
		return (await this.directory.tenant(this.tenantId))?.serviceNumber ?? '';
	}
}
