/**
 * Reads a scenario file. Every problem, a YAML syntax error or a schema error, comes back with the
 * line and column it is at, so `lobby scenario validate` can print `file:line:column: message` and an
 * editor can jump there. Pure (no file system): the CLI reads the file, the browser its text.
 */
import {
	isMap,
	isPair,
	isScalar,
	isSeq,
	LineCounter,
	parseDocument,
	Parser,
	type CST,
	type Document,
	type Node as YamlNode,
	visit
} from 'yaml';
import type { z } from 'zod';
import { closest } from '$lib/format/did-you-mean';
import { scenarioSchema, type Scenario } from './scenario-format';

/** A problem in a scenario file, where it is (1-based line and column) and what to do about it. */
export interface ScenarioError {
	line: number;
	column: number;
	/** Where in the document: `steps[3].dial.caller`; empty for the whole file. */
	path: string;
	message: string;
}

/** Where a parsed scenario came from, for messages that point into the file. */
export interface ScenarioSource {
	file: string;
	/** The line each step starts on, by step index. */
	stepLines: number[];
	/** The line of each organizer's `pin:` (only those that have one), by actor name. */
	organizerPinLines?: Record<string, number>;
}

/**
 * The outcome of `parseScenario`. A valid file may still carry warnings: things that parse but are
 * probably not what the author meant (the file runs; `lobby scenario validate` prints them).
 */
export type ParseScenarioResult =
	| { ok: true; scenario: Scenario; source: ScenarioSource; warnings: ScenarioError[] }
	| { ok: false; errors: ScenarioError[] };

/** The keys whose values are prose a person reads, where a `#` is more likely text than a comment. */
const PROSE_KEYS: ReadonlySet<string> = new Set(['name', 'description', 'note', 'subject']);

type PathSegment = string | number;

/**
 * The largest scenario file read, in bytes of UTF-8. The shipped files are about 2 KB; the YAML
 * library takes seconds and hundreds of megabytes for each megabyte, so a larger file is refused
 * before it is parsed.
 */
export const MAX_SCENARIO_BYTES = 256 * 1024;

/**
 * How deeply mappings and lists may nest (a scenario needs six levels). The YAML library builds
 * documents recursively: a few hundred levels overflow its stack, and a second such file in the same
 * process can bring Node down altogether, so deeper files are refused before they are built.
 */
export const MAX_SCENARIO_DEPTH = 64;

/** The refusal of a file over `MAX_SCENARIO_BYTES` (also used before reading one from disk). */
export function scenarioTooLarge(bytes: number): ScenarioError {
	return {
		line: 1,
		column: 1,
		path: '',
		message: `The file has ${Math.ceil(bytes / 1024)} KB; a scenario file may have at most ${MAX_SCENARIO_BYTES / 1024} KB.`
	};
}

/**
 * Parses and checks a scenario's YAML text. `fileName` only names the source in the result. Never
 * throws for bad input: everything wrong is an error with a line number, in document order.
 */
export function parseScenario(text: string, fileName = 'scenario.yaml'): ParseScenarioResult {
	const bytes = new TextEncoder().encode(text).length;
	if (bytes > MAX_SCENARIO_BYTES) return { ok: false, errors: [scenarioTooLarge(bytes)] };
	const tooDeep = nestedBeyond(text, MAX_SCENARIO_DEPTH);
	if (tooDeep !== null) {
		const before = text.slice(0, tooDeep);
		const line = before.split('\n').length;
		return {
			ok: false,
			errors: [
				{
					line,
					column: tooDeep - before.lastIndexOf('\n'),
					path: '',
					message: `YAML: mappings and lists nest more than ${MAX_SCENARIO_DEPTH} levels deep here.`
				}
			]
		};
	}
	const lineCounter = new LineCounter();
	const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
	if (doc.errors.length > 0) {
		return {
			ok: false,
			errors: doc.errors.map((error) => {
				const pos = error.linePos?.[0] ?? { line: 1, col: 1 };
				// The pretty message repeats the source excerpt after a colon and newline: keep the first line.
				const message = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? '';
				return { line: pos.line, column: pos.col, path: '', message: `YAML: ${message}` };
			})
		};
	}
	let data: unknown;
	try {
		data = doc.toJS({ maxAliasCount: 1000 });
	} catch (error) {
		return {
			ok: false,
			errors: [{ line: 1, column: 1, path: '', message: `YAML: ${(error as Error).message}` }]
		};
	}
	if (data === null || data === undefined) {
		return {
			ok: false,
			errors: [
				{
					line: 1,
					column: 1,
					path: '',
					message: 'The file is empty: a scenario has name, description and steps.'
				}
			]
		};
	}
	const parsed = scenarioSchema.safeParse(data);
	if (!parsed.success) {
		const errors = flatten(parsed.error.issues, []).map((issue) =>
			locate(doc, lineCounter, issue.path, issue.message, issue.keys)
		);
		errors.sort((a, b) => a.line - b.line || a.column - b.column);
		return { ok: false, errors: dedupe(withoutEchoes(errors)) };
	}
	const steps = doc.get('steps', true);
	const stepLines = parsed.data.steps.map((_, i) => {
		const node = isSeq(steps) ? (steps.items[i] as YamlNode | undefined) : undefined;
		return node?.range ? lineCounter.linePos(node.range[0]).line : 1;
	});
	const organizerPinLines: Record<string, number> = {};
	for (const name of Object.keys(parsed.data.actors.organizers)) {
		const pin = doc.getIn(['actors', 'organizers', name, 'pin'], true) as YamlNode | undefined;
		if (pin?.range) organizerPinLines[name] = lineCounter.linePos(pin.range[0]).line;
	}
	return {
		ok: true,
		scenario: parsed.data,
		source: { file: fileName, stepLines, organizerPinLines },
		warnings: cutProse(text, doc, lineCounter)
	};
}

/**
 * Prose cut short by a comment: in YAML, ` #` after an unquoted value starts a comment, so
 * `note: she presses # and waits` reads as "she presses". The YAML specification's own pitfall;
 * the value is fine as YAML, so this is a warning at the `#`, with the fix.
 */
function cutProse(text: string, doc: Document, lineCounter: LineCounter): ScenarioError[] {
	const warnings: ScenarioError[] = [];
	visit(doc, {
		Pair(_, pair, ancestors) {
			const { key, value } = pair;
			if (!isScalar(key) || !isScalar(value) || value.type !== 'PLAIN') return;
			const name = String(key.value);
			if (!PROSE_KEYS.has(name) || value.comment === undefined || !value.range) return;
			const hash = text.indexOf('#', value.range[1]);
			const pos = lineCounter.linePos(hash < 0 ? value.range[1] : hash);
			warnings.push({
				line: pos.line,
				column: pos.col,
				path: formatPath([...pathOf(ancestors, pair), name]),
				message:
					`The ${name} stops before "#${value.comment}": in YAML an unquoted " #" starts a comment. ` +
					`Quote the whole ${name} ('...' or "...") to keep the rest.`
			});
		}
	});
	return warnings;
}

/** The keys and list positions from the document's root down to `node`'s parent, for messages. */
function pathOf(ancestors: readonly unknown[], node: unknown): PathSegment[] {
	const path: PathSegment[] = [];
	const chain = [...ancestors, node];
	for (let i = 0; i < chain.length - 1; i++) {
		const here = chain[i];
		const next = chain[i + 1];
		if (isPair(here) && isScalar(here.key)) path.push(String(here.key.value));
		else if (isSeq(here)) path.push(here.items.indexOf(next as never));
	}
	return path;
}

/**
 * The offset of the first collection nested deeper than `limit`, or null. It reads the YAML
 * library's concrete syntax tree, which is built without recursion, and walks it with a stack of
 * its own.
 */
function nestedBeyond(text: string, limit: number): number | null {
	const stack: { token: CST.Token; depth: number }[] = [];
	for (const token of new Parser().parse(text)) stack.push({ token, depth: 0 });
	for (let next = stack.pop(); next; next = stack.pop()) {
		const { token, depth } = next;
		switch (token.type) {
			case 'document':
				if (token.value) stack.push({ token: token.value, depth });
				break;
			case 'block-map':
			case 'block-seq':
			case 'flow-collection': {
				if (depth + 1 > limit) return token.offset;
				for (const item of token.items as { key?: CST.Token | null; value?: CST.Token | null }[]) {
					if (item.key) stack.push({ token: item.key, depth: depth + 1 });
					if (item.value) stack.push({ token: item.value, depth: depth + 1 });
				}
				break;
			}
			default:
				break;
		}
	}
	return null;
}

/** `steps[3].dial.caller` */
export function formatPath(path: readonly PathSegment[]): string {
	return path
		.map((segment, i) =>
			typeof segment === 'number' ? `[${segment}]` : `${i === 0 ? '' : '.'}${String(segment)}`
		)
		.join('');
}

interface FlatIssue {
	path: PathSegment[];
	message: string;
	keys?: string[];
}

/**
 * Zod reports a value that matches no branch of a union (`dial: alice` or `dial: { caller: alice }`)
 * as one issue holding every branch's issues. The branch the author meant is the one whose issues are
 * not "this is the wrong kind of value altogether"; its issues are the useful ones.
 */
function flatten(issues: readonly z.core.$ZodIssue[], prefix: PathSegment[]): FlatIssue[] {
	const out: FlatIssue[] = [];
	for (const issue of issues) {
		const path = [...prefix, ...(issue.path as PathSegment[])];
		if (issue.code === 'invalid_union' && issue.errors.length > 0) {
			const meant = issue.errors.filter(
				(branch) =>
					!(branch.length === 1 && branch[0]?.code === 'invalid_type' && branch[0].path.length === 0)
			);
			if (meant.length === 1 && meant[0]) {
				out.push(...flatten(meant[0], path));
				continue;
			}
			const kinds = issue.errors.flatMap((branch) =>
				branch[0]?.code === 'invalid_type' ? [describeType(branch[0].expected)] : []
			);
			out.push({
				path,
				message:
					kinds.length === issue.errors.length
						? `Expected ${[...new Set(kinds)].join(' or ')} here.`
						: 'This value fits none of the forms allowed here (see docs/scenarios.md).'
			});
			continue;
		}
		if (issue.code === 'invalid_type') {
			out.push({ path, message: `Expected ${describeType(issue.expected)} here.` });
			continue;
		}
		if (issue.code === 'invalid_value') {
			out.push({
				path,
				message: `Expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`
			});
			continue;
		}
		if (issue.code === 'unrecognized_keys') {
			out.push({ path, message: issue.message, keys: issue.keys });
			continue;
		}
		out.push({ path, message: issue.message });
	}
	return out;
}

function describeType(expected: string): string {
	switch (expected) {
		case 'string':
			return 'text';
		case 'object':
			return 'a mapping (key: value)';
		case 'array':
			return 'a list (- item)';
		case 'int':
		case 'number':
			return 'a number';
		case 'boolean':
			return 'true or false';
		default:
			return expected;
	}
}

/**
 * The line and column of a problem: the node at `path`, or as far along the path as the document
 * goes (a missing key is reported at the mapping that lacks it). For an unknown key, the key itself.
 */
function locate(
	doc: Document,
	lineCounter: LineCounter,
	path: PathSegment[],
	message: string,
	unknownKeys: string[] | undefined
): ScenarioError {
	let node: YamlNode | null = doc.contents as YamlNode | null;
	let found = 0;
	for (const segment of path) {
		const next = child(node, segment);
		if (!next) break;
		node = next.value ?? next.key;
		found += 1;
		// `key:` with nothing after it: the key is where the value should be.
		if (!next.value) break;
	}
	let text = message;
	const missing = path[found];
	if (typeof missing === 'string' && message.startsWith('Expected ')) {
		text = `"${missing}" is missing: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
	}
	let located: YamlNode | null = node;
	let shownPath = path.slice(0, found);
	if (unknownKeys && unknownKeys.length > 0 && isMap(node)) {
		const pair = node.items.find((p) => isScalar(p.key) && unknownKeys.includes(String(p.key.value)));
		if (pair && isScalar(pair.key)) {
			located = pair.key;
			const key = String(pair.key.value);
			shownPath = [...path, key];
			const known = knownKeysAt(path);
			const near = closest(key, known);
			text =
				`Unknown key "${key}"` +
				(near ? `: did you mean "${near}"?` : known.length ? `; expected one of: ${known.join(', ')}.` : '.');
		}
	}
	const pos = lineCounter.linePos(located?.range?.[0] ?? 0);
	return { line: pos.line, column: pos.col, path: formatPath(shownPath), message: text };
}

function child(
	node: YamlNode | null,
	segment: PathSegment
): { key: YamlNode | null; value: YamlNode | null } | null {
	if (isMap(node)) {
		const pair = node.items.find(
			(p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment)
		);
		if (!pair) return null;
		return { key: (pair.key as YamlNode | null) ?? null, value: (pair.value as YamlNode | null) ?? null };
	}
	if (isSeq(node) && typeof segment === 'number') {
		const item = node.items[segment] as YamlNode | undefined;
		return item ? { key: null, value: item } : null;
	}
	return null;
}

/** The keys the schema allows at `path`, for "did you mean" on a misspelt key. */
function knownKeysAt(path: PathSegment[]): string[] {
	let schema: unknown = scenarioSchema;
	const unwrap = (s: unknown): unknown => {
		for (let i = 0; i < 20; i++) {
			const def = (s as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
			if (!def) return s;
			if (
				def.type === 'optional' ||
				def.type === 'default' ||
				def.type === 'prefault' ||
				def.type === 'nullable'
			) {
				s = def.innerType;
			} else if (def.type === 'pipe') {
				s = def.in;
			} else if (def.type === 'union') {
				const options = def.options as unknown[];
				s =
					options.find((o) => (o as { _zod: { def: { type: string } } })._zod.def.type === 'object') ??
					options[0];
			} else {
				return s;
			}
		}
		return s;
	};
	for (const segment of path) {
		const def = (unwrap(schema) as { _zod: { def: Record<string, unknown> } })._zod.def;
		if (def.type === 'object') schema = (def.shape as Record<string, unknown>)[String(segment)];
		else if (def.type === 'array') schema = def.element;
		else if (def.type === 'record') schema = def.valueType;
		else return [];
		if (!schema) return [];
	}
	const def = (unwrap(schema) as { _zod: { def: Record<string, unknown> } })._zod.def;
	return def.type === 'object' ? Object.keys(def.shape as Record<string, unknown>) : [];
}

/**
 * A step whose only action is misspelt (`dail: alice`) is also "a step without an action": say the
 * cause, the unknown key, and not its echo.
 */
function withoutEchoes(errors: ScenarioError[]): ScenarioError[] {
	return errors.filter(
		(e) =>
			!e.message.startsWith('A step needs one action') ||
			!errors.some((other) => other !== e && other.path.startsWith(`${e.path}.`))
	);
}

function dedupe(errors: ScenarioError[]): ScenarioError[] {
	const seen = new Set<string>();
	return errors.filter((e) => {
		const key = `${e.line}:${e.column}:${e.message}`;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}
