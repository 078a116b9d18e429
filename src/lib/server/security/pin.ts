/** How a PIN reads wherever it is printed, logged, serialized or shown after its one time (S8). */
export const PIN_MASK = '*****';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A leader PIN while the server holds it: from its generation or entry to its hash, its one-time
 * display and the email body (S8). Every printable form of it reads `*****`: `String(pin)`, a
 * template literal, `JSON.stringify`, `util.inspect` and `console.log`, pino's serialization, an
 * object spread (the digits are a private field). Only `reveal()` gives the digits, and it is called
 * only where they are needed: hashing and checking (`pin-hash.ts`), the answer that shows a new PIN
 * once, the outbox's copy for the email, and the simulator's callers who dial with it. So a PIN
 * passed to the log by mistake, whole or inside an object or an error, prints as `*****`.
 */
export class Pin {
	readonly #digits: string;

	private constructor(digits: string) {
		this.#digits = digits;
	}

	/** The PIN made of `digits`: as generated, or as a caller entered it (not checked here). */
	static of(digits: string): Pin {
		return new Pin(digits);
	}

	/** The digits themselves. Call it only to hash, check, show once or send the PIN to its owner. */
	reveal(): string {
		return this.#digits;
	}

	/** How many digits the PIN has: not a secret (the audit log and the email say so). */
	get length(): number {
		return this.#digits.length;
	}

	toString(): string {
		return PIN_MASK;
	}

	toJSON(): string {
		return PIN_MASK;
	}

	[Symbol.toPrimitive](): string {
		return PIN_MASK;
	}

	[INSPECT](): string {
		return PIN_MASK;
	}
}
