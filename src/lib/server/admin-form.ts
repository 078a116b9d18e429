import { fail } from '@sveltejs/kit';
import { isAdminError } from './services/dial-in.service';

const STATUS = { forbidden: 403, 'not-found': 404, 'bad-request': 400, conflict: 409 } as const;

/** A refused admin action as the form's answer (`problem` for the page); anything else is a server error. */
export function refused(error: unknown) {
	if (isAdminError(error)) return fail(STATUS[error.code], { problem: error.message });
	throw error;
}
