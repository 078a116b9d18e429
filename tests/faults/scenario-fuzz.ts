/**
 * Fuzzing the scenario parser: alias bombs, files of 10 MB, deep nesting, random bytes, and the
 * shipped scenarios mutated line by line. Each input must be refused with errors that say where, or
 * accepted, in bounded time and memory; `parseScenario` never throws.
 */
import { parseScenario } from '$lib/scenario/parse-scenario';
import type { Fuzz } from './fuzz-values';

/** A named input for the parser. */
export interface ScenarioInput {
	kind: string;
	text: string;
}

/** YAML's "billion laughs": `levels` anchors, each aliasing the one before `width` times. */
export function aliasBomb(levels: number, width: number): string {
	const names = Array.from({ length: levels }, (_, i) => `l${i}`);
	const lines = [`${names[0]}: &${names[0]} ${JSON.stringify('lol'.repeat(10))}`];
	for (let i = 1; i < levels; i++) {
		lines.push(
			`${names[i]}: &${names[i]} [${Array(width)
				.fill(`*${names[i - 1]}`)
				.join(', ')}]`
		);
	}
	return lines.join('\n');
}

/** The fixed hostile inputs: bombs, 10 MB files, deep nesting of each kind. */
export function hostileInputs(valid: string): ScenarioInput[] {
	const tenMb = 10 * 1024 * 1024;
	const steps = '  - at: 0s\n    dial: alice\n';
	return [
		{ kind: 'alias bomb', text: aliasBomb(10, 10) },
		{ kind: 'alias bomb', text: `${valid}\nx: ${aliasBomb(6, 30).replace(/\n/g, '\n  ')}` },
		{ kind: 'alias bomb', text: `a: &a [*a]\n` },
		{ kind: '10 MB file', text: `${valid}${steps.repeat(Math.ceil(tenMb / steps.length))}` },
		{ kind: '10 MB file', text: `name: "${'x'.repeat(tenMb)}"\n` },
		{ kind: '10 MB file', text: '#'.repeat(tenMb) },
		{ kind: 'deep nesting', text: '['.repeat(100_000) + ']'.repeat(100_000) },
		{ kind: 'deep nesting', text: '{a: '.repeat(50_000) + '}'.repeat(50_000) },
		{ kind: 'deep nesting', text: `steps:\n  - ${'- '.repeat(50_000)}x\n` },
		{ kind: 'deep nesting', text: Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') },
		{ kind: 'deep nesting', text: '['.repeat(60) + ']'.repeat(60) },
		{ kind: 'deep nesting', text: '['.repeat(100_000) }
	];
}

/** Random bytes, read as UTF-8 and as Latin-1. */
export function randomBytes(f: Fuzz): ScenarioInput {
	const bytes = Buffer.alloc(f.int(0, 4096));
	for (let i = 0; i < bytes.length; i++) bytes[i] = f.int(0, 255);
	return { kind: 'random bytes', text: bytes.toString(f.chance(0.5) ? 'utf8' : 'latin1') };
}

/** A shipped scenario with a few of its lines broken. */
export function mutatedScenario(f: Fuzz, texts: readonly string[]): ScenarioInput {
	const lines = f.pick(texts).split('\n');
	for (let n = f.int(1, 4); n > 0; n--) {
		const i = f.int(0, lines.length - 1);
		const line = lines[i] ?? '';
		switch (f.int(0, 9)) {
			case 0:
				lines.splice(i, 1);
				break;
			case 1:
				lines.splice(i, 0, line);
				break;
			case 2:
				lines[i] = `${f.pick(['', ' ', '  ', '\t'])}${line.trimStart()}`;
				break;
			case 3:
				lines[i] = line.replace(
					/: .*$/,
					`: ${f.pick(['&a x', '*a', '*nope', '!!binary x', '[', '{', '"', '~', '-1e999', '0x1F', '!!js/function f'])}`
				);
				break;
			case 4:
				lines[i] = `${line.slice(0, f.int(0, line.length))}${f.text(12)}${line.slice(f.int(0, line.length))}`;
				break;
			case 5:
				lines[i] = line.replace(/\d+/, String(f.pick([-1, 0, 1e9, 2 ** 53, '99999999999999999999'])));
				break;
			case 6:
				lines.length = f.int(0, lines.length);
				break;
			case 7:
				lines.splice(i, 0, `${line.match(/^\s*/)?.[0] ?? ''}${f.key()}: ${JSON.stringify(f.any(1))}`);
				break;
			case 8:
				lines[i] = line.replace(
					/(\w+):/,
					`${f.pick(['__proto__', 'constructor', 'prototype', 'steps', 'actors'])}:`
				);
				break;
			default:
				lines.splice(i, 0, '---');
				break;
		}
	}
	return { kind: 'mutated scenario', text: lines.join('\n') };
}

/** What the parser did with the inputs. */
export interface ParserTally {
	inputs: number;
	accepted: number;
	refused: number;
	threw: number;
	badErrors: number;
	slowestMs: number;
	slowestKind: string;
	peakRssMb: number;
	problems: string[];
}

/** Parses one input and checks the outcome. */
export function parseAndJudge(input: ScenarioInput, tally: ParserTally): void {
	tally.inputs += 1;
	const started = performance.now();
	try {
		const result = parseScenario(input.text, 'fuzz.yaml');
		if (result.ok) tally.accepted += 1;
		else {
			tally.refused += 1;
			const bad = result.errors.find(
				(e) => !(e.line >= 1 && e.column >= 1 && typeof e.message === 'string' && e.message.length > 0)
			);
			if (result.errors.length === 0 || bad) {
				tally.badErrors += 1;
				if (tally.problems.length < 10)
					tally.problems.push(`${input.kind}: unclear error ${JSON.stringify(bad)}`);
			}
		}
	} catch (error) {
		tally.threw += 1;
		if (tally.problems.length < 10)
			tally.problems.push(`${input.kind}: threw ${String(error).slice(0, 200)}`);
	}
	const took = performance.now() - started;
	if (took > tally.slowestMs) {
		tally.slowestMs = took;
		tally.slowestKind = input.kind;
	}
	tally.peakRssMb = Math.max(tally.peakRssMb, process.memoryUsage().rss / 2 ** 20);
}
