/**
 * Reads a scrape in Prometheus's text format (version 0.0.4), strictly: every sample must belong to a
 * family declared with `# TYPE`, and every value must be a number. Written here because the npm
 * parser `parse-prometheus-text-format` drops the count and sum of a histogram whose series carry
 * labels besides `le`, and every Lobby series carries `node`.
 */

/** One sample line: its name (with `_bucket`, `_sum` or `_count` for a histogram), labels and value. */
export interface Sample {
	name: string;
	labels: Record<string, string>;
	value: number;
}

/** A metric family: its `# TYPE`, `# HELP` and samples. */
export interface Family {
	name: string;
	type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
	help: string;
	samples: Sample[];
}

/** A parsed scrape, with lookups by name and labels. */
export interface Scrape {
	families: Map<string, Family>;
	/** The family `name`; throws when the scrape lacks it. */
	family(name: string): Family;
	/** The value of the sample `name` whose labels include `labels`; throws when there is none. */
	value(name: string, labels?: Record<string, string>): number;
	/** The observation count of the histogram `name` (its `_count` sample). */
	count(name: string, labels?: Record<string, string>): number;
}

const SAMPLE = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /\s*([A-Za-z_]\w*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseLabels(text: string, line: string): Record<string, string> {
	const labels: Record<string, string> = {};
	LABEL.lastIndex = 0;
	while (LABEL.lastIndex < text.length) {
		const match = LABEL.exec(text);
		if (!match) throw new Error(`Bad labels in: ${line}`);
		labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
	}
	return labels;
}

/** A float as Prometheus reads it (Go's ParseFloat: `NaN` and `Inf` in any case; prom-client writes `Nan`). */
function parseValue(text: string, line: string): number {
	const special = text.toLowerCase();
	if (special === 'nan') return NaN;
	if (special === '+inf' || special === 'inf') return Infinity;
	if (special === '-inf') return -Infinity;
	const value = Number(text);
	if (text !== '' && !Number.isNaN(value)) return value;
	throw new Error(`Bad value in: ${line}`);
}

/** Parses `text`; throws on anything that is not the text format. */
export function parseScrape(text: string): Scrape {
	const families = new Map<string, Family>();
	const familyOf = (sample: string): Family | undefined =>
		families.get(sample) ?? families.get(sample.replace(/_(bucket|sum|count)$/, ''));
	for (const line of text.split('\n')) {
		if (line.trim() === '') continue;
		const meta = /^# (HELP|TYPE) ([A-Za-z_:][\w:]*) ?(.*)$/.exec(line);
		if (meta) {
			const [, kind, name, rest] = meta as unknown as [string, string, string, string];
			const family = families.get(name) ?? { name, type: 'untyped', help: '', samples: [] };
			if (kind === 'HELP') family.help = rest;
			else if (TYPES.has(rest)) family.type = rest as Family['type'];
			else throw new Error(`Unknown type in: ${line}`);
			families.set(name, family);
			continue;
		}
		if (line.startsWith('#')) continue;
		const match = SAMPLE.exec(line);
		if (!match) throw new Error(`Not a sample: ${line}`);
		const family = familyOf(match[1]!);
		if (!family) throw new Error(`A sample without a # TYPE: ${line}`);
		family.samples.push({
			name: match[1]!,
			labels: parseLabels(match[2] ?? '', line),
			value: parseValue(match[3]!, line)
		});
	}
	const family = (name: string) => {
		const found = families.get(name);
		if (!found) throw new Error(`The scrape has no ${name}`);
		return found;
	};
	const value = (name: string, labels: Record<string, string> = {}) => {
		const found = familyOf(name)?.samples.find(
			(s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)
		);
		if (!found) throw new Error(`The scrape has no ${name} with ${JSON.stringify(labels)}`);
		return found.value;
	};
	return { families, family, value, count: (name, labels) => value(`${name}_count`, labels) };
}
