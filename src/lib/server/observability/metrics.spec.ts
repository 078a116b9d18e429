import { describe, expect, it } from 'vitest';
import { parseScrape } from '../../../../tests/helpers/prometheus';
import { DEFAULT_MEETING_SETTINGS, type OpenedMeeting } from '$lib/domain';
import { createLobbyMetrics, lobbyFigures } from './metrics';

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);

function meeting(status: OpenedMeeting['status'], arrivals: number[]): OpenedMeeting {
	return {
		status,
		meetingId: `m-${status}-${arrivals.length}`,
		conferenceId: '4410273',
		organizer: { userId: 'u', displayName: 'Amos Marble' },
		settings: DEFAULT_MEETING_SETTINGS,
		openedAt: T0,
		locked: false,
		lobby: arrivals.map((at, i) => ({ participantId: `p${i}`, phoneNumber: '+46 8 123', arrivedAt: at })),
		participants: []
	};
}

describe('lobbyFigures', () => {
	it('counts meetings by state, callers waiting and the longest wait at now', () => {
		const figures = lobbyFigures(
			[meeting('waiting', [T0, T0 + 30_000]), meeting('waiting', []), meeting('in-progress', [T0 + 90_000])],
			T0 + 120_000
		);
		expect(figures).toEqual({
			meetings: { waiting: 2, 'in-progress': 1 },
			callersInLobby: 3,
			longestWaitSeconds: 120
		});
	});

	it('reads zero with no live meetings', () => {
		expect(lobbyFigures([], T0)).toEqual({
			meetings: { waiting: 0, 'in-progress': 0 },
			callersInLobby: 0,
			longestWaitSeconds: 0
		});
	});
});

describe('createLobbyMetrics', () => {
	it('publishes what the services report and what the live meetings show, labelled with the node', async () => {
		const metrics = createLobbyMetrics({ nodeId: 'lobby-test-1' });
		metrics.observeMeetings({ liveMeetings: () => [meeting('waiting', [T0])] }, () => T0 + 42_000);
		metrics.observeConnections(() => 7);
		metrics.recorder.joined('phone');
		metrics.recorder.joined('phone');
		metrics.recorder.rejected('JoinByPhone', 'meeting-full');
		metrics.recorder.admitted(12);
		metrics.recorder.pinFailed(false);
		metrics.recorder.pinFailed(true);
		metrics.recorder.committed({ streams: 3, seconds: 0.004, ok: true });

		const { contentType, body } = await metrics.scrape();
		expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
		const scrape = parseScrape(body);
		const node = { node: 'lobby-test-1' };
		expect(scrape.value('lobby_meetings', { ...node, state: 'waiting' })).toBe(1);
		expect(scrape.value('lobby_meetings', { state: 'in-progress' })).toBe(0);
		expect(scrape.value('lobby_callers_in_lobby', node)).toBe(1);
		expect(scrape.value('lobby_longest_wait_seconds')).toBe(42);
		expect(scrape.value('lobby_socket_connections')).toBe(7);
		expect(scrape.value('lobby_joins_total', { via: 'phone' })).toBe(2);
		expect(scrape.value('lobby_joins_total', { via: 'client' })).toBe(0);
		expect(scrape.value('lobby_rejections_total', { command: 'JoinByPhone', code: 'meeting-full' })).toBe(1);
		expect(scrape.count('lobby_time_to_admit_seconds', node)).toBe(1);
		expect(scrape.value('lobby_pin_failures_total')).toBe(2);
		expect(scrape.value('lobby_pin_lockouts_total')).toBe(1);
		expect(scrape.value('lobby_commits_total', { outcome: 'ok' })).toBe(1);
		expect(scrape.count('lobby_commit_duration_seconds')).toBe(1);
		expect(scrape.value('lobby_commit_batch_size_sum')).toBe(3);
		expect(scrape.value('lobby_commit_batch_size_bucket', { le: '2' })).toBe(0);
		expect(scrape.value('lobby_commit_batch_size_bucket', { le: '5' })).toBe(1);
		// The process's own figures, event-loop lag among them.
		expect(scrape.family('nodejs_eventloop_lag_seconds').type).toBe('gauge');
		expect(scrape.family('process_cpu_user_seconds_total').type).toBe('counter');
		metrics.stop();
	});

	it('counts how late the event loop runs its timers, cumulatively, so a p99 over any window can be read', async () => {
		const metrics = createLobbyMetrics({ nodeId: 'loop' });
		await new Promise((resolve) => setTimeout(resolve, 60));
		// Hold the event loop for 120 ms: the next tick is that late.
		const until = performance.now() + 120;
		while (performance.now() < until);
		await new Promise((resolve) => setTimeout(resolve, 30));
		const scrape = parseScrape((await metrics.scrape()).body);
		metrics.stop();
		const total = scrape.count('lobby_event_loop_delay_seconds');
		expect(total).toBeGreaterThan(2);
		expect(scrape.value('lobby_event_loop_delay_seconds_bucket', { le: '0.05' })).toBeLessThan(total);
		expect(scrape.value('lobby_event_loop_delay_seconds_bucket', { le: '2.5' })).toBe(total);
	});

	it('keeps each runtime’s figures apart', async () => {
		const first = createLobbyMetrics({ nodeId: 'a' });
		const second = createLobbyMetrics({ nodeId: 'b' });
		first.recorder.joined('client');
		expect(parseScrape((await second.scrape()).body).value('lobby_joins_total', { via: 'client' })).toBe(0);
		expect(
			parseScrape((await first.scrape()).body).value('lobby_joins_total', { node: 'a', via: 'client' })
		).toBe(1);
		first.stop();
		second.stop();
	});
});
