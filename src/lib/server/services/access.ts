/**
 * Who may read and change what: the one place the services ask. Every service method that reads
 * or changes protected data takes the acting principal and calls one of these itself, so no page,
 * endpoint, socket event or command can forget the check; refusals are `ServiceError('forbidden')`,
 * which every edge turns into 401/403 (or a redirect to sign in), never a server error.
 */
import { ServiceError } from '../service-error';
import type { Actor } from './audit.service';

/** The server acting on its own (first start, issuing missing PINs): audited under "system". */
export const SYSTEM_ACTOR: Actor = Object.freeze({ userId: null, email: 'system', role: 'admin' });

/** The actor of a request that proved nothing. */
export const ANONYMOUS_ACTOR: Actor = Object.freeze({ userId: null, email: 'anonymous', role: 'anonymous' });

/** A directory user as the actor of what they do; the role is the directory's, never a request's. */
export function actorFor(user: { id: string; email: string; role: 'admin' | 'user' }): Actor {
	return { userId: user.id, email: user.email, role: user.role };
}

/** Whether `actor` is an administrator (or the system). */
export function isAdmin(actor: Actor): boolean {
	return actor.role === 'admin';
}

/**
 * Administrators only: the admin center's data (the directory, tenant settings, the mailbox, the
 * audit log). `what` completes "Only administrators can …".
 */
export function requireAdmin(actor: Actor, what: string): void {
	if (isAdmin(actor)) return;
	throw new ServiceError(
		'forbidden',
		actor.role === 'anonymous'
			? `Sign in as an administrator to ${what}.`
			: `Only administrators can ${what}.`
	);
}

/** Administrators, or the signed-in user about themselves. */
export function requireSelfOrAdmin(actor: Actor, userId: string, what: string): void {
	if (isAdmin(actor) || (actor.userId !== null && actor.userId === userId)) return;
	requireAdmin(actor, what);
}
