/**
 * "Did you mean …?": the one measure of how far a typo is from what was meant, and the one choice
 * of a suggestion, for the `lobby` command's cmdlets, parameters and commands and for the keys of
 * a scenario file. Pure, shared by the browser (the Scenarios page validates files) and the CLI.
 */

/**
 * Optimal-string-alignment distance (Levenshtein plus swapping two neighbours), ignoring case: the
 * number of one-letter typos between `a` and `b`.
 */
export function editDistance(a: string, b: string): number {
	const s = a.toLowerCase();
	const t = b.toLowerCase();
	const rows: number[][] = [];
	for (let i = 0; i <= s.length; i++) {
		const row: number[] = [i];
		for (let j = 1; j <= t.length; j++) {
			if (i === 0) {
				row.push(j);
				continue;
			}
			const above = rows[i - 1] as number[];
			const cost = s[i - 1] === t[j - 1] ? 0 : 1;
			let best = Math.min(
				(above[j] as number) + 1,
				(row[j - 1] as number) + 1,
				(above[j - 1] as number) + cost
			);
			if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
				best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
			}
			row.push(best);
		}
		rows.push(row);
	}
	return (rows[s.length] as number[])[t.length] as number;
}

/**
 * The candidate the user most likely meant, for "did you mean" messages; undefined when nothing is close
 * enough that suggesting it would help. Close means at most max(2, length/3) typos (and fewer than the
 * words' length, so 'ab' never suggests 'cd'), or `input` appearing inside exactly one candidate.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
	if (input === '') return undefined;
	const limit = Math.max(2, Math.floor(input.length / 3));
	let best: string | undefined;
	let bestDistance = Infinity;
	for (const candidate of candidates) {
		const distance = editDistance(input, candidate);
		if (distance < bestDistance && distance <= limit && distance < Math.max(input.length, candidate.length)) {
			best = candidate;
			bestDistance = distance;
		}
	}
	if (best !== undefined) return best;
	const lower = input.toLowerCase();
	const containing = candidates.filter((c) => c.toLowerCase().includes(lower));
	return containing.length === 1 ? containing[0] : undefined;
}
