/**
 * Ids for one simulation run. Every run counts from 1 on its own, so the same scenario and seed hand
 * out the same ids in the same order and its event log repeats byte for byte; nothing is shared
 * between runs in one process. The ids are short and readable (`m1`, `call-3`) and free of long
 * digit runs, so nothing in a log can be mistaken for a PIN.
 */
import type { IdSource } from '../services/ports';

/** A fresh id source for one run. */
export function createRunIds(): IdSource {
	let meetings = 0;
	let calls = 0;
	let clients = 0;
	let phones = 0;
	return {
		meetingId: () => `m${++meetings}`,
		callId: () => `call-${++calls}`,
		participantId: () => `client-${++clients}`,
		phoneNumber: () => {
			const n = String(++phones).padStart(4, '0');
			return `+1 555 ${n.slice(0, -2)} ${n.slice(-2)}`;
		}
	};
}
