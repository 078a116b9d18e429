/**
 * A failed zod parse as one sentence for people: the API's 400s, the socket's acknowledgements, the
 * admin pages, the services and the configuration check all say a problem the same way, naming the
 * field unless the message already does (`limit: must be from 1 to 1000`, `conferenceId must be 1
 * to 20 digits`, `Unknown field: pinLenght.`).
 */
import type { z } from 'zod';

export type SentenceOptions = {
	/** What an unknown key is called: `field` (the default), or `setting` for the tenant settings. */
	unknownKey?: string;
	/** Between the field's name and the message: `: ` (the default); ` ` where messages read on from it. */
	joiner?: string;
	/** Leave the field's name out, where the message names the setting itself. */
	unnamed?: boolean;
};

/** One issue as a sentence. */
export function issueSentence(issue: z.core.$ZodIssue, options: SentenceOptions = {}): string {
	const { unknownKey = 'field', joiner = ': ', unnamed = false } = options;
	if (issue.code === 'unrecognized_keys') return `Unknown ${unknownKey}: ${issue.keys.join(', ')}.`;
	const path = issue.path.join('.');
	if (unnamed || !path || issue.message.startsWith(path)) return issue.message;
	return `${path}${joiner}${issue.message}`;
}

/** The first problem of a failed parse as a sentence. */
export function zodSentence(error: z.ZodError, options: SentenceOptions = {}): string {
	const issue = error.issues[0];
	return issue ? issueSentence(issue, options) : 'The request is not valid.';
}
