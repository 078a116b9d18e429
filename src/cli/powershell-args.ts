/**
 * PowerShell-style argument parsing for the dial-in cmdlets of the `lobby` command (`lobby
 * Set-CsOnlineDialInConferencingUser -Identity amos.marble@contoso.com -ResetLeaderPIN`).
 *
 * Admins paste command lines from Microsoft's articles, so the parser follows PowerShell's conventions:
 * case-insensitive names, unambiguous prefixes, `-Switch:$false`, `-Param:value`, one positional `-Identity`.
 * But the argv arrives through a POSIX shell, which eats an unquoted `$true`; the error messages say so and
 * show the quoted command to run instead. Pure: no I/O.
 */
import { closest } from '$lib/format/did-you-mean';

export type ParamKind = 'string' | 'int' | 'bool' | 'switch';

export interface ParamSpec {
	name: string;
	kind: ParamKind;
	/** Inclusive bounds of an 'int' parameter. */
	min?: number;
	max?: number;
	help: string;
	/** What the value is called in help and messages (`-Identity <UserPrincipalName>`); defaults by kind. */
	valueName?: string;
	/** The cmdlet cannot run without this parameter. */
	required?: boolean;
	/** Name of another parameter that must be given (and, for a switch or bool, be true) when this one is. */
	requires?: string;
}

export interface CmdletSpec {
	name: string;
	synopsis: string;
	params: readonly ParamSpec[];
	examples: readonly { command: string; says: string }[];
	/** The parameter a lone argument without a name binds to (PowerShell's positional `-Identity`). */
	positional?: string;
}

export type ParamValue = string | number | boolean;

export type ParseResult =
	| { ok: true; cmdlet: CmdletSpec; values: Record<string, ParamValue>; json: boolean; help: boolean }
	| { ok: false; message: string };

/** Dashes that word processors and web pages put where PowerShell's `-` belongs. */
const DASH_LOOKALIKES = new Set(['\u2013', '\u2014', '\u2212']);

const HELP_FLAGS = new Set(['-?', '-h', '--help']);
const JSON_FLAG = '--json';

const DEFAULT_VALUE_NAME: Record<ParamKind, string> = {
	string: 'String',
	int: 'Int32',
	bool: 'Boolean',
	switch: ''
};

/** The example value shown wherever a POSIX shell may have swallowed `$true`. */
const QUOTED_TRUE = "'$true'";

/** Replaces a leading en dash, em dash or minus sign with `-`, so pasted article text parses. */
function asciiDash(token: string): string {
	const first = token[0];
	return first !== undefined && DASH_LOOKALIKES.has(first) ? `-${token.slice(1)}` : token;
}

function isHelpFlag(token: string): boolean {
	return HELP_FLAGS.has(token) || token.toLowerCase() === '--help';
}

function isGenericFlag(token: string): boolean {
	return isHelpFlag(token) || token.toLowerCase() === JSON_FLAG;
}

/** A `-Name` token (PowerShell: a dash then a letter, `_` or `?`). `-5` and a lone `-` are values. */
function isParameterToken(token: string): boolean {
	return /^-[\p{L}_?]/u.test(asciiDash(token));
}

/** A token that is an option of some kind, so it never silently becomes a parameter's value. */
function isOptionLike(token: string): boolean {
	return isGenericFlag(token) || isParameterToken(token) || /^--[\p{L}_]/u.test(asciiDash(token));
}

function valueName(param: ParamSpec): string {
	return param.valueName ?? DEFAULT_VALUE_NAME[param.kind];
}

/** Quotes a word the way a POSIX shell needs it, so a suggested command can be pasted as is. */
export function shellQuote(word: string): string {
	return /^[\p{L}\p{N}_@%+=:,./-]+$/u.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

type Resolution =
	{ kind: 'found'; param: ParamSpec } | { kind: 'ambiguous'; matches: ParamSpec[] } | { kind: 'unknown' };

/** PowerShell's rule: an exact name wins, otherwise a prefix of exactly one parameter. */
function resolveParam(cmdlet: CmdletSpec, name: string): Resolution {
	const lower = name.toLowerCase();
	const exact = cmdlet.params.find((p) => p.name.toLowerCase() === lower);
	if (exact) return { kind: 'found', param: exact };
	const matches = cmdlet.params.filter((p) => p.name.toLowerCase().startsWith(lower));
	if (matches.length === 1 && matches[0]) return { kind: 'found', param: matches[0] };
	if (matches.length > 1) return { kind: 'ambiguous', matches };
	return { kind: 'unknown' };
}

/** Splits `-Name:value` into its name and the value after the first colon (undefined without a colon). */
function splitParameterToken(token: string): { name: string; inline: string | undefined } {
	const text = asciiDash(token).slice(1);
	const colon = text.indexOf(':');
	return colon < 0
		? { name: text, inline: undefined }
		: { name: text.slice(0, colon), inline: text.slice(colon + 1) };
}

function parseBoolLiteral(raw: string): boolean | undefined {
	const lower = raw.toLowerCase();
	if (lower === '$true' || lower === 'true') return true;
	if (lower === '$false' || lower === 'false') return false;
	return undefined;
}

function rangeText(param: ParamSpec): string {
	const { min, max } = param;
	if (min !== undefined && max !== undefined) return `between ${min} and ${max}`;
	if (min !== undefined) return `at least ${min}`;
	if (max !== undefined) return `at most ${max}`;
	return '';
}

function listNames(names: readonly string[]): string {
	if (names.length <= 1) return names.join('');
	return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

class UsageError extends Error {}

/**
 * Parses the arguments after the cmdlet name. Returns the values by canonical parameter name, or one usage
 * error written for a person. With `-?`, `-h` or `--help` anywhere, errors are not reported: the caller
 * shows the help instead.
 */
export function parseCmdletArgs(cmdlet: CmdletSpec, args: readonly string[]): ParseResult {
	const help = args.some(isHelpFlag);
	const json = args.some((a) => a.toLowerCase() === JSON_FLAG);
	const values: Record<string, ParamValue> = {};
	try {
		bindArguments(cmdlet, args, values);
		if (!help) checkCombinations(cmdlet, values);
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		if (!help) return { ok: false, message: error.message };
	}
	return { ok: true, cmdlet, values, json, help };
}

function bindArguments(
	cmdlet: CmdletSpec,
	args: readonly string[],
	values: Record<string, ParamValue>
): void {
	/** How each parameter was given, to explain a second one. */
	const givenBy = new Map<string, 'name' | { position: string }>();
	let previousSwitch: ParamSpec | undefined;

	for (let i = 0; i < args.length; i++) {
		const token = args[i] as string;
		if (isGenericFlag(token)) continue;

		if (/^--[\p{L}_]/u.test(asciiDash(token))) throw new UsageError(doubleDashMessage(cmdlet, token));

		if (!isParameterToken(token)) {
			bindPositional(cmdlet, token, values, givenBy, previousSwitch);
			previousSwitch = undefined;
			continue;
		}

		const { name, inline } = splitParameterToken(token);
		const param = resolveOrThrow(cmdlet, name);
		const before = givenBy.get(param.name);
		if (before !== undefined) {
			const how = before === 'name' ? '' : `: once by position ('${before.position}') and once by name`;
			throw new UsageError(`-${param.name} was given twice${how}. Give each parameter once.`);
		}
		givenBy.set(param.name, 'name');
		previousSwitch = param.kind === 'switch' ? param : undefined;

		if (param.kind === 'switch') {
			values[param.name] = switchValue(cmdlet, args, i, param, inline);
			continue;
		}

		let raw: string;
		let removed = 1;
		if (inline !== undefined) {
			raw = inline;
		} else {
			const next = args[i + 1];
			if (next === undefined || isOptionLike(next))
				throw new UsageError(missingValueMessage(cmdlet, args, i, param, next));
			raw = next;
			removed = 2;
			i++;
		}
		if (raw === '') throw new UsageError(emptyValueMessage(cmdlet, args, i + 1 - removed, removed, param));
		values[param.name] = convert(param, raw);
	}
}

function resolveOrThrow(cmdlet: CmdletSpec, name: string): ParamSpec {
	const found = resolveParam(cmdlet, name);
	if (found.kind === 'found') return found.param;
	if (found.kind === 'ambiguous') {
		const names = found.matches.map((p) => `-${p.name}`).join(' ');
		throw new UsageError(
			`Parameter cannot be processed because the parameter name '${name}' is ambiguous. Possible matches include: ${names}.`
		);
	}
	throw new UsageError(unknownParameterMessage(cmdlet, name));
}

function unknownParameterMessage(cmdlet: CmdletSpec, name: string): string {
	const start = `A parameter cannot be found that matches parameter name '${name}'.`;
	const names = cmdlet.params.map((p) => p.name);
	const guess = closest(name, names);
	if (guess !== undefined) return `${start} Did you mean -${guess}?`;
	if (names.length === 0) return `${start} ${cmdlet.name} takes no parameters.`;
	return `${start} ${cmdlet.name} takes ${listNames(names.map((n) => `-${n}`))}.`;
}

function doubleDashMessage(cmdlet: CmdletSpec, token: string): string {
	const { name } = splitParameterToken(asciiDash(token).slice(1));
	const found = resolveParam(cmdlet, name);
	const fix = found.kind === 'found' ? ` Did you mean -${found.param.name}?` : '';
	return `'${token}' is not an option here: cmdlet parameters take one dash, like PowerShell.${fix}`;
}

function switchValue(
	cmdlet: CmdletSpec,
	args: readonly string[],
	at: number,
	param: ParamSpec,
	inline: string | undefined
): boolean {
	if (inline === undefined) return true;
	const value = parseBoolLiteral(inline);
	if (value !== undefined) return value;
	if (inline === '') {
		return fail(
			`-${param.name}: has nothing after the colon; a POSIX shell turns an unquoted $true or $false into nothing. ` +
				`Give the switch alone to turn it on, or quote the value: -${param.name}:'$false'. ` +
				`For example: ${exampleCommand(cmdlet, args, at, 1, [`-${param.name}`])}`
		);
	}
	return fail(`-${param.name} is a switch; after a colon it takes only $true or $false (got '${inline}').`);
}

function fail(message: string): never {
	throw new UsageError(message);
}

function missingValueMessage(
	cmdlet: CmdletSpec,
	args: readonly string[],
	at: number,
	param: ParamSpec,
	next: string | undefined
): string {
	if (param.kind === 'bool') {
		return `-${param.name} needs a value: $true or $false. ${quotingAdvice(cmdlet, args, at, 1, param)}`;
	}
	const usage = `-${param.name} <${valueName(param)}>`;
	if (next === undefined) return `-${param.name} needs a value: ${usage}.`;
	const nextIsOption =
		isGenericFlag(next) || resolveParam(cmdlet, splitParameterToken(next).name).kind !== 'unknown';
	if (nextIsOption) return `-${param.name} needs a value before '${next}': ${usage}.`;
	return (
		`-${param.name} needs a value, but the next argument is '${next}'. Write ${usage}; ` +
		`a value that begins with a dash goes after a colon: -${param.name}:${shellQuote(next)}.`
	);
}

function emptyValueMessage(
	cmdlet: CmdletSpec,
	args: readonly string[],
	at: number,
	removed: number,
	param: ParamSpec
): string {
	if (param.kind === 'bool') {
		return (
			`-${param.name} was given an empty value; a POSIX shell turns an unquoted $true or $false into nothing. ` +
			quotingAdvice(cmdlet, args, at, removed, param)
		);
	}
	return `-${param.name} was given an empty value. Write -${param.name} <${valueName(param)}>.`;
}

function quotingAdvice(
	cmdlet: CmdletSpec,
	args: readonly string[],
	at: number,
	removed: number,
	param: ParamSpec
): string {
	const example = exampleCommand(cmdlet, args, at, removed, [`-${param.name}`, QUOTED_TRUE]);
	return `In a POSIX shell quote it (${QUOTED_TRUE}) or write true/false: ${example}`;
}

/**
 * The user's own command line with `removed` arguments at `at` replaced, ready to paste: parameter names
 * spelled out with a plain dash, everything else quoted for the shell.
 */
function exampleCommand(
	cmdlet: CmdletSpec,
	args: readonly string[],
	at: number,
	removed: number,
	replacement: readonly string[]
): string {
	const show = (token: string): string => {
		if (isGenericFlag(token)) return token;
		if (!isParameterToken(token)) return shellQuote(token);
		const { name, inline } = splitParameterToken(token);
		const found = resolveParam(cmdlet, name);
		if (found.kind !== 'found') return shellQuote(token);
		return inline === undefined ? `-${found.param.name}` : `-${found.param.name}:${shellQuote(inline)}`;
	};
	const words = [
		'lobby',
		cmdlet.name,
		...args.slice(0, at).map(show),
		...replacement,
		...args.slice(at + removed).map(show)
	];
	return words.join(' ');
}

function convert(param: ParamSpec, raw: string): ParamValue {
	switch (param.kind) {
		case 'string':
			return raw;
		case 'switch':
			return true;
		case 'bool': {
			const value = parseBoolLiteral(raw);
			if (value === undefined) {
				return fail(`-${param.name} takes $true or $false (got '${raw}').`);
			}
			return value;
		}
		case 'int': {
			if (!/^[+-]?\d+$/.test(raw)) {
				const range = rangeText(param);
				return fail(`-${param.name} takes a whole number${range ? ` ${range}` : ''} (got '${raw}').`);
			}
			const value = Number(raw);
			const { min, max } = param;
			if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
				return fail(`-${param.name} must be ${rangeText(param)} (got ${raw}).`);
			}
			if (!Number.isSafeInteger(value)) return fail(`-${param.name} is too large (got ${raw}).`);
			return value;
		}
	}
}

function bindPositional(
	cmdlet: CmdletSpec,
	token: string,
	values: Record<string, ParamValue>,
	givenBy: Map<string, 'name' | { position: string }>,
	previousSwitch: ParamSpec | undefined
): void {
	const start = `A positional parameter cannot be found that accepts argument '${token}'.`;
	if (previousSwitch && (token === '' || parseBoolLiteral(token) !== undefined)) {
		fail(
			`${start} -${previousSwitch.name} is a switch, so it takes no separate value. ` +
				`Give it alone to turn it on; to turn it off leave it out or write -${previousSwitch.name}:'$false'.`
		);
	}
	const param = cmdlet.params.find((p) => p.name === cmdlet.positional);
	if (!param || param.kind === 'switch') {
		fail(`${start} Put the parameter name before each value, like -Name value.`);
	}
	const before = givenBy.get(param.name);
	if (before === 'name') {
		fail(`${start} -${param.name} is already given; put the parameter name before this value.`);
	}
	if (before !== undefined) {
		fail(`${start} Only one value may go without a parameter name (-${param.name}); name the others.`);
	}
	if (token === '')
		fail(`-${param.name} was given an empty value. Write -${param.name} <${valueName(param)}>.`);
	values[param.name] = convert(param, token);
	givenBy.set(param.name, { position: token });
}

/** Rules across parameters: the required ones, and `requires` (-SendEmailToAddress needs -SendEmail). */
function checkCombinations(cmdlet: CmdletSpec, values: Record<string, ParamValue>): void {
	for (const param of cmdlet.params) {
		if (param.required && values[param.name] === undefined) {
			const usage = param.kind === 'switch' ? `-${param.name}` : `-${param.name} <${valueName(param)}>`;
			fail(`${cmdlet.name} needs ${usage}.`);
		}
	}
	for (const param of cmdlet.params) {
		if (param.requires === undefined || values[param.name] === undefined) continue;
		const other = values[param.requires];
		if (other === undefined || other === false) {
			fail(`-${param.name} is only valid together with -${param.requires}.`);
		}
	}
}

/**
 * Finds the cmdlet by name, ignoring case (PowerShell does) and pasted dash look-alikes; on a miss the
 * message suggests the closest cmdlet, so a typo costs one more try rather than a trip to the docs.
 */
export function findCmdlet(
	specs: readonly CmdletSpec[],
	name: string
): { ok: true; cmdlet: CmdletSpec } | { ok: false; message: string } {
	const wanted = [...name].map((c) => (DASH_LOOKALIKES.has(c) ? '-' : c)).join('');
	const lower = wanted.toLowerCase();
	const cmdlet = specs.find((s) => s.name.toLowerCase() === lower);
	if (cmdlet) return { ok: true, cmdlet };
	const guess = closest(
		wanted,
		specs.map((s) => s.name)
	);
	const start = `'${name}' is not a lobby cmdlet.`;
	return {
		ok: false,
		message:
			guess !== undefined
				? `${start} Did you mean ${guess}?`
				: `${start} Run "lobby --help" to see the cmdlets.`
	};
}

function syntaxPart(cmdlet: CmdletSpec, param: ParamSpec): string {
	if (param.kind === 'switch') return param.required ? `-${param.name}` : `[-${param.name}]`;
	const name = param.name === cmdlet.positional ? `[-${param.name}]` : `-${param.name}`;
	const part = `${name} <${valueName(param)}>`;
	return param.required ? part : `[${part}]`;
}

function paramNotes(cmdlet: CmdletSpec, param: ParamSpec): string[] {
	const notes: string[] = [];
	if (param.kind === 'int') {
		const range = rangeText(param);
		notes.push(range ? `A whole number ${range}.` : 'A whole number.');
	}
	if (param.kind === 'bool')
		notes.push(`$true or $false; in a POSIX shell quote it (${QUOTED_TRUE}) or write true/false.`);
	if (param.kind === 'switch') notes.push(`A switch: give it alone to turn it on.`);
	if (param.required) notes.push('Required.');
	if (param.name === cmdlet.positional) notes.push('May be given without its name, as the first argument.');
	if (param.requires !== undefined) notes.push(`Only valid together with -${param.requires}.`);
	return notes;
}

const INDENT = '    ';

function indent(text: string, depth: number): string {
	return text
		.split('\n')
		.map((line) => (line === '' ? '' : INDENT.repeat(depth) + line))
		.join('\n');
}

/**
 * Renders `lobby CMDLET -?` in the shape of PowerShell's Get-Help (name, synopsis, syntax, parameters,
 * examples), so the help reads like the Microsoft documentation it stands in for.
 */
export function cmdletHelp(cmdlet: CmdletSpec): string {
	const syntax = ['lobby', cmdlet.name, ...cmdlet.params.map((p) => syntaxPart(cmdlet, p)), `[${JSON_FLAG}]`];
	const sections: string[] = [
		`NAME\n${indent(cmdlet.name, 1)}`,
		`SYNOPSIS\n${indent(cmdlet.synopsis, 1)}`,
		`SYNTAX\n${indent(syntax.join(' '), 1)}`
	];

	const params = cmdlet.params.map((p) => {
		const head = p.kind === 'switch' ? `-${p.name}` : `-${p.name} <${valueName(p)}>`;
		return `${indent(head, 1)}\n${indent([p.help, ...paramNotes(cmdlet, p)].join('\n'), 2)}`;
	});
	params.push(`${indent(JSON_FLAG, 1)}\n${indent('Print the result as JSON instead of text.', 2)}`);
	params.push(`${indent('-?, -h, --help', 1)}\n${indent('Show this help.', 2)}`);
	sections.push(`PARAMETERS\n${params.join('\n\n')}`);

	if (cmdlet.examples.length > 0) {
		const examples = cmdlet.examples.map((e) => {
			const command = /^lobby\s/.test(e.command) ? e.command : `lobby ${e.command}`;
			return `${indent(command, 1)}\n${indent(e.says, 2)}`;
		});
		sections.push(`EXAMPLES\n${examples.join('\n\n')}`);
	}
	return `${sections.join('\n\n')}\n`;
}
