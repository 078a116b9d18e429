/** Times on `lobby load`'s command line: `30s`, `2m`, `1.5h`, `500ms`, or a bare number of seconds. */

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3600_000 };

/** `30s`, `2m`, `1.5h`, `500ms`, or a bare number of seconds, in milliseconds; null when it is none of those. */
export function parseDuration(text: string): number | null {
	const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?$/i.exec(text.trim());
	if (!match) return null;
	const ms = Number(match[1]) * UNITS[(match[2] ?? 's').toLowerCase()]!;
	return Number.isFinite(ms) ? ms : null;
}
