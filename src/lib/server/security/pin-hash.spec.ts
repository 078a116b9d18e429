import { describe, expect, it } from 'vitest';
import { Pin } from './pin';
import { hashPin, verifyPin } from './pin-hash';

describe('leader PIN hashing (S8)', () => {
	it('stores a salted hash that never contains the PIN', async () => {
		const hash = await hashPin(Pin.of('48213'));
		expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
		expect(hash).not.toContain('48213');
	});

	it('salts every hash, so one PIN hashes differently each time', async () => {
		expect(await hashPin(Pin.of('48213'))).not.toBe(await hashPin(Pin.of('48213')));
	});

	it('accepts the PIN and refuses any other', async () => {
		const hash = await hashPin(Pin.of('48213'));
		expect(await verifyPin(Pin.of('48213'), hash)).toBe(true);
		expect(await verifyPin(Pin.of('48214'), hash)).toBe(false);
		expect(await verifyPin(Pin.of(''), hash)).toBe(false);
	});

	it('refuses a malformed or foreign hash instead of throwing', async () => {
		expect(await verifyPin(Pin.of('48213'), 'plain-text')).toBe(false);
		expect(await verifyPin(Pin.of('48213'), 'scrypt$0$8$1$c2FsdA$aGFzaA')).toBe(false);
		expect(await verifyPin(Pin.of('48213'), 'scrypt$16384$8$1$c2FsdA$c2hvcnQ')).toBe(false);
	});
});
