import { actorFor, ANONYMOUS_ACTOR } from './services/access';
import type { Actor } from './services/audit.service';

/** The acting user as services see it, from the session the request carried (never from a payload). */
export function actorOf(user: App.Locals['user']): Actor {
	return user ? actorFor(user) : ANONYMOUS_ACTOR;
}
