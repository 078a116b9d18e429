import { describe, expect, it } from 'vitest';
import { T0, VirtualTime } from './virtual-time';

describe('virtual time', () => {
	it('given timers, when time advances, then each fires at its own due time, in due order, ties in the order set', () => {
		const time = new VirtualTime();
		const fired: string[] = [];
		time.after(300, () => fired.push(`c@${time.now() - T0}`));
		time.after(100, () => fired.push(`a@${time.now() - T0}`));
		time.after(100, () => fired.push(`b@${time.now() - T0}`));
		time.advance(250);
		expect(fired).toEqual(['a@100', 'b@100']);
		expect(time.now()).toBe(T0 + 250);
		expect(time.pending()).toBe(1);
		time.advance(50);
		expect(fired).toEqual(['a@100', 'b@100', 'c@300']);
		expect(time.pending()).toBe(0);
	});

	it('given a cancelled timer, then it never fires and is not pending', () => {
		const time = new VirtualTime();
		let fired = false;
		const cancel = time.after(10, () => (fired = true));
		cancel();
		cancel();
		expect(time.pending()).toBe(0);
		time.advance(100);
		expect(fired).toBe(false);
		expect(time.nextDue()).toBeNull();
	});

	it('given a timer whose work sets the next timer later, when advancing to a time with settle, then the chain runs to that time', async () => {
		const time = new VirtualTime();
		const ticks: number[] = [];
		const tick = () => {
			time.after(1000, () => {
				// The next tick is set only after asynchronous work, as the engine's lobby tick does.
				void Promise.resolve().then(() => {
					ticks.push(time.now() - T0);
					tick();
				});
			});
		};
		tick();
		await time.advanceTo(T0 + 3500, () => new Promise((resolve) => setImmediate(resolve)));
		expect(ticks).toEqual([1000, 2000, 3000]);
		expect(time.now()).toBe(T0 + 3500);
	});
});
