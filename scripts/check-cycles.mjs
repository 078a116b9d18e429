#!/usr/bin/env node
/**
 * Fails when the source has a value import cycle: modules that need each other to load. An import
 * counts when it brings a value at load time (`import { x }`, `import * as`, `export … from`);
 * `import type`, imports whose every name is `type`, and lazy `import()` do not, since they leave
 * nothing to evaluate. Svelte components count through their `<script>` blocks.
 *
 * Usage: node scripts/check-cycles.mjs [root …]   (default: src)
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');
/** @type {Record<string, string>} */
const ALIASES = { $lib: join(ROOT, 'src/lib') };
const EXTENSIONS = ['.ts', '.svelte.ts', '.js', '.svelte'];

/**
 * Every source file below `dir`, specs and declaration files left out.
 * @param {string} dir
 * @returns {string[]}
 */
function sources(dir) {
	/** @type {string[]} */
	const out = [];
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) out.push(...sources(path));
		else if (/\.(ts|svelte)$/.test(name) && !/\.(spec|test|e2e)\.ts$/.test(name) && !name.endsWith('.d.ts'))
			out.push(path);
	}
	return out;
}

/**
 * The file an import names, or null for a package or a generated module.
 * @param {string} from
 * @param {string} specifier
 * @returns {string | null}
 */
function resolveImport(from, specifier) {
	let base;
	const alias = Object.keys(ALIASES).find((a) => specifier === a || specifier.startsWith(`${a}/`));
	if (alias) base = join(ALIASES[alias], specifier.slice(alias.length));
	else if (specifier.startsWith('.')) base = resolve(dirname(from), specifier);
	else return null;
	const candidates = [
		base,
		...EXTENSIONS.map((e) => base + e),
		...EXTENSIONS.map((e) => join(base, `index${e}`))
	];
	const withoutJs = base.replace(/\.js$/, '');
	if (withoutJs !== base) candidates.push(`${withoutJs}.ts`);
	return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? null;
}

/**
 * The value imports of one file, as the specifiers written in it.
 * @param {string} path
 * @returns {string[]}
 */
function valueImports(path) {
	let text = readFileSync(path, 'utf8');
	if (path.endsWith('.svelte')) {
		text = [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
	}
	const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
	/** @type {string[]} */
	const found = [];
	for (const node of file.statements) {
		if (ts.isImportDeclaration(node)) {
			const clause = node.importClause;
			if (clause?.isTypeOnly) continue;
			const bindings = clause?.namedBindings;
			const onlyTypes =
				clause &&
				!clause.name &&
				bindings &&
				ts.isNamedImports(bindings) &&
				bindings.elements.length > 0 &&
				bindings.elements.every((e) => e.isTypeOnly);
			if (!onlyTypes)
				found.push(/** @type {import('typescript').StringLiteral} */ (node.moduleSpecifier).text);
		} else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) {
			const clause = node.exportClause;
			const onlyTypes =
				clause &&
				ts.isNamedExports(clause) &&
				clause.elements.length > 0 &&
				clause.elements.every((e) => e.isTypeOnly);
			if (!onlyTypes)
				found.push(/** @type {import('typescript').StringLiteral} */ (node.moduleSpecifier).text);
		}
	}
	return found;
}

/**
 * Strongly connected components of more than one file (or a file importing itself): Tarjan.
 * @param {Map<string, string[]>} graph
 * @returns {string[][]}
 */
function cycles(graph) {
	let index = 0;
	/** @type {string[]} */
	const stack = [];
	/** @type {Map<string, { index: number; low: number; onStack: boolean }>} */
	const meta = new Map();
	/** @type {string[][]} */
	const out = [];
	/** @param {string} v */
	const visit = (v) => {
		const mine = { index, low: index, onStack: true };
		meta.set(v, mine);
		index++;
		stack.push(v);
		for (const w of graph.get(v) ?? []) {
			const seen = meta.get(w);
			if (!seen) {
				visit(w);
				mine.low = Math.min(mine.low, /** @type {{ low: number }} */ (meta.get(w)).low);
			} else if (seen.onStack) mine.low = Math.min(mine.low, seen.index);
		}
		if (mine.low === mine.index) {
			/** @type {string[]} */
			const component = [];
			let w;
			do {
				w = /** @type {string} */ (stack.pop());
				/** @type {{ onStack: boolean }} */ (meta.get(w)).onStack = false;
				component.push(w);
			} while (w !== v);
			if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component);
		}
	};
	for (const v of graph.keys()) if (!meta.has(v)) visit(v);
	return out;
}

const roots = process.argv.slice(2);
const files = (roots.length > 0 ? roots : ['src']).flatMap((r) => sources(resolve(ROOT, r)));
const graph = new Map(
	files.map((f) => [
		f,
		valueImports(f)
			.map((s) => resolveImport(f, s))
			.filter((t) => t !== null)
	])
);
const found = cycles(graph);
if (found.length === 0) {
	console.log(`No value import cycle in ${files.length} files.`);
} else {
	for (const component of found) {
		console.error(`Value import cycle between ${component.length} files:`);
		for (const f of component.sort()) console.error(`  ${relative(ROOT, f)}`);
	}
	console.error('Break the cycle: move the shared part into its own module, or import only types.');
	process.exit(1);
}
