import { describe, expect, it } from 'vitest';
import { judgeThresholds, parseThreshold, type MeasuredRun } from './load-thresholds';
import { summarize } from './load-stats';

function run(admissions: number[], errors = 0, callers = 1000): MeasuredRun {
	return {
		latencies: {
			join: summarize([100, 200, 300]),
			admit: summarize(admissions),
			pin: summarize([50]),
			resume: summarize([])
		},
		errors,
		callers
	};
}

describe('load thresholds', () => {
	it('given a latency over its limit, then it is breached, saying by how much; one under it is within', () => {
		const slow = Array.from({ length: 100 }, (_, i) => (i < 90 ? 1000 : 2412));
		const [admit, join] = judgeThresholds(
			[parseThreshold('max-admit-p95', '2s'), parseThreshold('max-join-max', '1s')],
			run(slow)
		);
		expect(admit).toEqual({
			option: '--max-admit-p95',
			figure: 'admission p95',
			unit: 'ms',
			limit: 2000,
			actual: 2412,
			breached: true,
			text: 'admission p95 2,412 ms is over 2,000 ms by 412 ms (21 %)'
		});
		expect(join).toMatchObject({ breached: false, text: 'join max 300 ms is within 1,000 ms' });
	});

	it('given nothing measured, then a latency threshold is breached, since it cannot be shown to hold', () => {
		const [resume] = judgeThresholds([parseThreshold('max-resume-p99', '500ms')], run([1]));
		expect(resume).toMatchObject({ breached: true, actual: null });
		expect(resume!.text).toContain('nothing was measured');
	});

	it('given errors as a share or a count, then they are judged against the callers or the number', () => {
		const [share] = judgeThresholds([parseThreshold('max-errors', '0.1%')], run([1], 4, 1000));
		expect(share).toMatchObject({
			unit: '%',
			actual: 0.4,
			breached: true,
			text: 'errors 0.4 % (4 of 1,000 callers) are over 0.1 % by 0.3 points'
		});
		const [within] = judgeThresholds([parseThreshold('max-errors', '0.5%')], run([1], 4, 1000));
		expect(within).toMatchObject({ breached: false });
		const [count] = judgeThresholds([parseThreshold('max-errors', '3')], run([1], 4));
		expect(count).toMatchObject({ unit: 'errors', limit: 3, actual: 4, breached: true });
		const [none] = judgeThresholds([parseThreshold('max-errors', '0')], run([1], 0));
		expect(none).toMatchObject({ breached: false, text: 'errors 0 are within 0' });
	});
});
