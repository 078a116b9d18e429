/**
 * Reports of scenario runs: JUnit XML for CI (one testsuite per scenario file, one testcase per
 * expectation), a JSON report with the event logs, and the summary people read in a terminal.
 */
import { formatOffset } from '$lib/scenario/scenario-time';
import type { ExpectationResult, ScenarioResult } from './scenario-runner';

/** Characters XML 1.0 cannot hold at all, even escaped. */
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function xml(text: string): string {
	return text
		.replace(INVALID_XML, '\uFFFD')
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&apos;');
}

function seconds(ms: number): string {
	return (ms / 1000).toFixed(3);
}

/** `scenarios.s10-lobby-admitted`, from the file (or the scenario's name). */
function classNameOf(result: ScenarioResult): string {
	const source = result.file ?? result.name;
	return source
		.replace(/\\/g, '/')
		.replace(/\.ya?ml$/i, '')
		.replace(/^\.\//, '')
		.split('/')
		.filter(Boolean)
		.join('.')
		.replace(/\s+/g, '-');
}

/** Where a failed expectation stands in its file, for the failure text. */
function where(result: ScenarioResult, e: ExpectationResult): string {
	return result.file && e.line !== null ? `${result.file}:${e.line}` : (result.file ?? result.name);
}

/** Lines of the event log kept in a failing suite's system-out: enough to see what happened. */
const MAX_LOG_LINES = 2000;

/** A failure's text: what was expected and what happened, then the event log just before it. */
function failureText(result: ScenarioResult, e: ExpectationResult): string {
	const before = e.before?.length ? `\nJust before it:\n${e.before.map((l) => `  ${l}`).join('\n')}` : '';
	return `${where(result, e)}: ${e.message}${before}`;
}

/**
 * The event log a failing suite carries: up to `MAX_LOG_LINES`, ending at the first failure, so
 * the lines that lead to it are kept whatever came long before.
 */
function logAroundFailure(log: readonly string[]): string[] {
	const failed = log.findIndex((line) => / FAIL /.test(line));
	const end = failed < 0 ? log.length : failed + 1;
	const start = Math.max(0, end - MAX_LOG_LINES);
	const kept = log.slice(start, end);
	if (start > 0) kept.unshift(`... ${start} earlier lines`);
	if (end < log.length) kept.push(`... ${log.length - end} later lines`);
	return kept;
}

/**
 * JUnit XML for CI: one `<testsuite>` per scenario file, one `<testcase>` per expectation (an
 * `expect` step, an `expectError`, or a step that failed), `<failure>` saying what was expected,
 * what happened and the event log just before it. A failing suite carries the event log up to its
 * first failure in `<system-out>`.
 */
export function toJUnitXml(results: readonly ScenarioResult[]): string {
	const tests = results.reduce((n, r) => n + r.expectations.length, 0);
	const failures = results.reduce((n, r) => n + r.expectations.filter((e) => !e.passed).length, 0);
	const time = results.reduce((n, r) => n + r.wallMs + r.setupMs, 0);
	const out: string[] = [
		'<?xml version="1.0" encoding="UTF-8"?>',
		`<testsuites name="lobby scenarios" tests="${tests}" failures="${failures}" errors="0" time="${seconds(time)}">`
	];
	for (const result of results) {
		const suiteFailures = result.expectations.filter((e) => !e.passed).length;
		const className = classNameOf(result);
		out.push(
			`  <testsuite name="${xml(result.file ?? result.name)}" tests="${result.expectations.length}" failures="${suiteFailures}" errors="0" skipped="0" time="${seconds(result.wallMs + result.setupMs)}"${
				result.file ? ` file="${xml(result.file)}"` : ''
			}>`,
			'    <properties>',
			`      <property name="scenario" value="${xml(result.name)}"/>`,
			`      <property name="seed" value="${result.seed}"/>`,
			`      <property name="rules" value="${xml(result.rules.join(' '))}"/>`,
			`      <property name="simulated-ms" value="${result.simulatedMs}"/>`,
			'    </properties>'
		);
		for (const e of result.expectations) {
			const attributes = `name="${xml(e.name)}" classname="${xml(className)}" time="0"${
				result.file ? ` file="${xml(result.file)}"` : ''
			}${e.line !== null ? ` line="${e.line}"` : ''}`;
			if (e.passed) {
				out.push(`    <testcase ${attributes}/>`);
			} else {
				out.push(
					`    <testcase ${attributes}>`,
					`      <failure message="${xml(e.message)}" type="expectation">${xml(failureText(result, e))}</failure>`,
					'    </testcase>'
				);
			}
		}
		if (suiteFailures > 0 && result.log.length > 0) {
			out.push(`    <system-out>${xml(logAroundFailure(result.log).join('\n'))}</system-out>`);
		}
		out.push('  </testsuite>');
	}
	out.push('</testsuites>', '');
	return out.join('\n');
}

/** The JSON report: totals, then every result with its expectations and event log. */
export interface JsonReport {
	readonly passed: boolean;
	readonly scenarios: number;
	readonly failedScenarios: number;
	readonly expectations: number;
	readonly failedExpectations: number;
	readonly results: readonly ScenarioResult[];
}

/** The JSON report of `results` (serialise it with JSON.stringify). */
export function toJsonReport(results: readonly ScenarioResult[]): JsonReport {
	return {
		passed: results.every((r) => r.passed),
		scenarios: results.length,
		failedScenarios: results.filter((r) => !r.passed).length,
		expectations: results.reduce((n, r) => n + r.expectations.length, 0),
		failedExpectations: results.reduce((n, r) => n + r.expectations.filter((e) => !e.passed).length, 0),
		results
	};
}

function wall(ms: number): string {
	return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * One scenario's summary for a terminal: a line per expectation with ✓ or ✗, and for a failure the
 * message and where it is in the file.
 */
export function formatSummary(result: ScenarioResult): string {
	const origin = [result.file, `seed ${result.seed}`].filter(Boolean).join(', ');
	const lines = [`${result.passed ? '✓' : '✗'} ${result.name} (${origin})`];
	for (const e of result.expectations) {
		lines.push(`    ${e.passed ? '✓' : '✗'} ${e.name}`);
		if (!e.passed) {
			lines.push(
				`        ${e.message}${e.line !== null && result.file ? ` (${result.file}:${e.line})` : ''}`
			);
			if (e.before?.length) lines.push('        just before it:', ...e.before.map((l) => `          ${l}`));
		}
	}
	const failed = result.expectations.filter((e) => !e.passed).length;
	const speed =
		result.wallMs > 0 && result.simulatedMs > 0 ? `, ${Math.round(result.simulatedMs / result.wallMs)}x` : '';
	lines.push(
		`    ${result.expectations.length} expectation(s), ${failed} failed; ${formatOffset(result.simulatedMs)} of scenario time in ${wall(result.wallMs)}${speed} (setup ${wall(result.setupMs)})`
	);
	return `${lines.join('\n')}\n`;
}

/** The last line of a run of several files. */
export function formatTotals(results: readonly ScenarioResult[]): string {
	const report = toJsonReport(results);
	return `${report.scenarios} scenario(s): ${report.scenarios - report.failedScenarios} passed, ${report.failedScenarios} failed; ${report.expectations} expectation(s), ${report.failedExpectations} failed\n`;
}
