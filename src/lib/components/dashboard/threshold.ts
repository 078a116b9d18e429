/**
 * The admin's alert threshold: a wait, in minutes, after which a lobby caller counts as waiting
 * too long. Remembered in this browser only (localStorage), as it is one admin's preference.
 */

export const DEFAULT_THRESHOLD_MIN = 5;
export const MIN_THRESHOLD_MIN = 0.1;
export const MAX_THRESHOLD_MIN = 1440;
export const THRESHOLD_STORAGE_KEY = 'lobby-dashboard-alert-minutes';

/** The threshold typed or stored, or null when it is not a usable number of minutes. */
export function parseThreshold(raw: string | number | null | undefined): number | null {
	if (raw === null || raw === undefined) return null;
	const text = String(raw).trim().replace(',', '.');
	if (text === '') return null;
	const n = Number(text);
	if (!Number.isFinite(n) || n < MIN_THRESHOLD_MIN || n > MAX_THRESHOLD_MIN) return null;
	return n;
}

/** The remembered threshold, or the default when nothing (usable) is stored. */
export function loadThreshold(storage: Pick<Storage, 'getItem'> | null | undefined): number {
	try {
		return parseThreshold(storage?.getItem(THRESHOLD_STORAGE_KEY)) ?? DEFAULT_THRESHOLD_MIN;
	} catch {
		// Storage can be blocked (privacy settings); the default still works.
		return DEFAULT_THRESHOLD_MIN;
	}
}

export function saveThreshold(storage: Pick<Storage, 'setItem'> | null | undefined, minutes: number): void {
	try {
		storage?.setItem(THRESHOLD_STORAGE_KEY, String(minutes));
	} catch {
		// Not remembered, but still applied for this visit.
	}
}
