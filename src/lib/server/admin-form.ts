import { error, fail } from '@sveltejs/kit';
import { isAdminError } from './services/dial-in.service';

const STATUS = { forbidden: 403, 'not-found': 404, 'bad-request': 400, conflict: 409 } as const;

/** A refused admin action as the form's answer (`problem` for the page); anything else is a server error. */
export function refused(problem: unknown) {
	if (isAdminError(problem)) return fail(STATUS[problem.code], { problem: problem.message });
	throw problem;
}

/**
 * Runs a page's read through the services; a refusal becomes the page's 403 (or 404), never a
 * server error.
 */
export async function readOrRefuse<T>(read: () => Promise<T>): Promise<T> {
	try {
		return await read();
	} catch (e) {
		if (isAdminError(e)) error(STATUS[e.code], e.message);
		throw e;
	}
}
