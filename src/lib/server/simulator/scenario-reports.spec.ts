import { describe, expect, it } from 'vitest';
import { formatSummary, formatTotals, toJsonReport, toJUnitXml } from './scenario-reports';
import type { ScenarioResult } from './scenario-runner';

const PASSED: ScenarioResult = {
	name: 'Lobby callers are admitted',
	description: 'S10',
	rules: ['S5', 'S10'],
	file: 'scenarios/s10-lobby-admitted.yaml',
	seed: 10,
	passed: true,
	expectations: [
		{
			step: 3,
			line: 20,
			at: 4000,
			name: 'step 3 at 0:04: meeting amos is waiting',
			passed: true,
			message: 'ok'
		}
	],
	log: ['00:00:00.000 step 1: dial alice'],
	simulatedMs: 10_000,
	wallMs: 50,
	setupMs: 1500,
	steps: 8,
	items: 8
};

const FAILED: ScenarioResult = {
	...PASSED,
	name: 'Broken <"&\'> scenario',
	file: 'scenarios/broken.yaml',
	passed: false,
	expectations: [
		...PASSED.expectations,
		{
			step: 4,
			line: 27,
			at: 12_000,
			name: 'step 4 at 0:12: meeting amos is in-progress',
			passed: false,
			message:
				'at 0:12 expected meeting amos to be in-progress, but meeting amos is waiting with 2 callers <&> in the lobby\u0001'
		}
	]
};

/**
 * A small well-formedness check: one root, tags balanced and properly nested, attributes quoted,
 * no raw `<` or `&` in text or attributes except entity references.
 */
function wellFormed(text: string): boolean {
	const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
	const stack: string[] = [];
	let roots = 0;
	const token =
		/<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>|([^<]+)/gy;
	let consumed = 0;
	for (let m = token.exec(body); m; m = token.exec(body)) {
		consumed = token.lastIndex;
		const [, closing, name, , selfClosing, textPart] = m;
		if (textPart !== undefined) {
			if (/&(?!(?:amp|lt|gt|quot|apos);)/.test(textPart)) return false;
			if (stack.length === 0 && textPart.trim() !== '') return false;
			continue;
		}
		if (closing) {
			if (stack.pop() !== name) return false;
		} else if (!selfClosing) {
			if (stack.length === 0) roots += 1;
			stack.push(name!);
		} else if (stack.length === 0) roots += 1;
	}
	return consumed === body.length && stack.length === 0 && roots === 1;
}

describe('scenario reports', () => {
	it('writes well-formed JUnit XML: one testsuite per file, one testcase per expectation, failures with their message', () => {
		const xml = toJUnitXml([PASSED, FAILED]);
		expect(wellFormed(xml)).toBe(true);
		expect(wellFormed('<a><b></a></b>')).toBe(false);
		expect(xml).toContain('<testsuites name="lobby scenarios" tests="3" failures="1" errors="0"');
		expect(xml.match(/<testsuite /g)).toHaveLength(2);
		expect(xml.match(/<testcase /g)).toHaveLength(3);
		expect(xml).toContain('<testsuite name="scenarios/broken.yaml" tests="2" failures="1"');
		expect(xml).toContain('classname="scenarios.broken"');
		expect(xml).toContain('line="27"');
		expect(xml).toContain(
			'<failure message="at 0:12 expected meeting amos to be in-progress, but meeting amos is waiting with 2 callers &lt;&amp;&gt; in the lobby\uFFFD" type="expectation">scenarios/broken.yaml:27: '
		);
		expect(xml).toContain('<property name="scenario" value="Broken &lt;&quot;&amp;&apos;&gt; scenario"/>');
		expect(xml).toContain('<system-out>00:00:00.000 step 1: dial alice</system-out>');
		expect(toJUnitXml([])).toContain('<testsuites name="lobby scenarios" tests="0" failures="0"');
	});

	it('prints a summary with ✓ and ✗ per expectation, the failure message and where it is in the file', () => {
		const summary = formatSummary(FAILED);
		expect(summary.split('\n').slice(0, 4)).toEqual([
			'✗ Broken <"&\'> scenario (scenarios/broken.yaml, seed 10)',
			'    ✓ step 3 at 0:04: meeting amos is waiting',
			'    ✗ step 4 at 0:12: meeting amos is in-progress',
			'        at 0:12 expected meeting amos to be in-progress, but meeting amos is waiting with 2 callers <&> in the lobby\u0001 (scenarios/broken.yaml:27)'
		]);
		expect(formatSummary(PASSED)).toMatch(/^✓ Lobby callers are admitted/);
		expect(formatTotals([PASSED, FAILED])).toBe(
			'2 scenario(s): 1 passed, 1 failed; 3 expectation(s), 1 failed\n'
		);
	});

	it('writes a JSON report with totals and every result', () => {
		const report = toJsonReport([PASSED, FAILED]);
		expect(report).toMatchObject({
			passed: false,
			scenarios: 2,
			failedScenarios: 1,
			expectations: 3,
			failedExpectations: 1
		});
		expect(JSON.parse(JSON.stringify(report))).toEqual(report);
	});

	it('says where a failing run diverged: the log lines just before each failure, and the log up to the first failure however long', () => {
		const before = [
			'00:00:11.000 call alice: in the lobby, music',
			'00:00:11.500 meeting amos m-1 CallerEnteredLobby bob'
		];
		const early = Array.from({ length: 2500 }, (_, i) => `00:00:0${i % 10}.000 line ${i}`);
		const failing: ScenarioResult = {
			...FAILED,
			expectations: FAILED.expectations.map((e) => (e.passed ? e : { ...e, before })),
			log: [
				...early,
				'00:00:12.000 FAIL step 4 at 0:12: meeting amos is in-progress -- ...',
				'after the failure'
			]
		};
		const summary = formatSummary(failing);
		expect(summary).toContain(`        just before it:\n          ${before[0]}\n          ${before[1]}\n`);
		const junit = toJUnitXml([failing]);
		expect(wellFormed(junit)).toBe(true);
		expect(junit).toContain(`Just before it:\n  ${before[0]}`);
		const out = /<system-out>([\s\S]*)<\/system-out>/.exec(junit)![1]!.split('\n');
		expect(out[0]).toBe('... 501 earlier lines');
		expect(out.at(-2)).toBe('00:00:12.000 FAIL step 4 at 0:12: meeting amos is in-progress -- ...');
		expect(out.at(-1)).toBe('... 1 later lines');
		expect(toJsonReport([failing]).results[0]!.expectations[1]!.before).toEqual(before);
	});
});
