/**
 * Durations as people read them on a clock, the same on the dashboard, in presenter mode, on the
 * meeting and Scenarios pages, in scenario messages and in the `lobby` command: `0:07`, `12:30`,
 * `1:02:03`. Shared by the browser, the server and the CLI.
 */

/**
 * A duration as a clock reads: `m:ss` below an hour, `h:mm:ss` from then on. Whole seconds, rounded
 * down, so a timer never shows a second that has not passed yet; a negative duration reads `0:00`.
 */
export function formatDuration(ms: number): string {
	const total = Math.max(0, Math.floor(ms / 1000));
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const ss = String(total % 60).padStart(2, '0');
	return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The same duration as an ISO 8601 duration, for `<time datetime>`: `PT1M5S`. */
export function isoDuration(ms: number): string {
	const total = Math.max(0, Math.floor(ms / 1000));
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = total % 60;
	return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s || total === 0 ? `${s}S` : ''}`;
}
