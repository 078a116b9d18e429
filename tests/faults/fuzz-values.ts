/**
 * Seeded fuzz values for the fault suite: payloads built from a zod schema's own shape, and the
 * mutations a hostile or broken client would send (wrong types, missing and extra fields,
 * `__proto__` keys, deep nesting, strings near the size limit, binary, NUL and lone surrogates).
 * Everything comes from one `seeded` generator, so a seed repeats a run exactly.
 */
import type { z } from 'zod';
import { seeded } from './profile';

/** A JSON value, or binary (Socket.IO sends a Buffer as an attachment). */
export type FuzzValue =
	null | boolean | number | string | Buffer | FuzzValue[] | { [key: string]: FuzzValue };

/** Keys that name the prototype chain: a server that copies them carelessly changes every object. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

/** Sets `key` as an own, enumerable property, even `__proto__` (as JSON.parse does on the server). */
export function setOwn(target: Record<string, FuzzValue>, key: string, value: FuzzValue): void {
	Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

interface ZodDef {
	type: string;
	shape?: Record<string, z.ZodType>;
	innerType?: z.ZodType;
	in?: z.ZodType;
	options?: z.ZodType[];
	values?: unknown[];
	checks?: { _zod: { def: { check: string; value?: number; inclusive?: boolean } } }[];
}

const defOf = (schema: z.ZodType): ZodDef => (schema as unknown as { _zod: { def: ZodDef } })._zod.def;

/** A seeded source of fuzz values. `strings` are the plausible texts the schema's leaves draw from. */
export class Fuzz {
	readonly next: () => number;

	constructor(
		seed: number,
		private readonly strings: () => string[] = () => []
	) {
		this.next = seeded(seed);
	}

	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	chance(p: number): boolean {
		return this.next() < p;
	}

	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)]!;
	}

	/** `length` characters from `alphabet`. */
	chars(alphabet: string, length: number): string {
		let out = '';
		for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
		return out;
	}

	/** Text of every kind: plain, digits, DTMF, control characters and NUL, lone surrogates, emoji, RTL. */
	text(max = 80): string {
		const length = this.int(0, max);
		switch (this.int(0, 7)) {
			case 0:
				return this.chars('abcdefghijklmnopqrstuvwxyz ABC-_.@', length);
			case 1:
				return this.chars('0123456789', length);
			case 2:
				return this.chars('0123456789*#', length);
			case 3:
				return this.chars('a\u0000\u0001\u001b\n\r\t\u007f\u2028\u202e', length);
			case 4:
				return this.chars('x\ud800\udc00\udfff', length);
			case 5:
				return Array.from({ length: Math.min(length, 20) }, () =>
					this.pick(['😀', 'é', 'ß', '中', 'ﷺ'])
				).join('');
			case 6:
				return this.pick([
					'',
					' ',
					'null',
					'undefined',
					'NaN',
					'%00',
					'../../etc/passwd',
					'${x}',
					'<script>'
				]);
			default:
				return this.strings().length > 0 ? this.pick(this.strings()) : 'x';
		}
	}

	/** A string of about `bytes` bytes of UTF-8 (one byte per character). */
	huge(bytes: number): string {
		return 'A'.repeat(bytes);
	}

	/** Any value, nested at most `depth` levels. */
	any(depth = 2): FuzzValue {
		switch (this.int(0, depth > 0 ? 9 : 6)) {
			case 0:
				return null;
			case 1:
				return this.chance(0.5);
			case 2:
				return this.pick([0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308, 5e-324, this.int(-1000, 1000)]);
			case 3:
			case 4:
				return this.text();
			case 5:
				return Buffer.from(this.chars('\u0000\u00ff\u0080ab', this.int(0, 64)), 'latin1');
			case 6:
				return this.pick(PROTOTYPE_KEYS);
			case 7:
				return Array.from({ length: this.int(0, 4) }, () => this.any(depth - 1));
			default: {
				const out: Record<string, FuzzValue> = {};
				for (let i = this.int(0, 4); i > 0; i--) setOwn(out, this.key(), this.any(depth - 1));
				return out;
			}
		}
	}

	key(): string {
		return this.chance(0.2) ? this.pick(PROTOTYPE_KEYS) : this.text(12);
	}

	/** `depth` arrays or objects inside each other. */
	nested(depth: number): FuzzValue {
		let value: FuzzValue = this.text(4);
		const asObject = this.chance(0.5);
		for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
		return value;
	}

	/** A value of `schema`'s shape, with leaves drawn from the plausible strings (usually valid). */
	fromSchema(schema: z.ZodType): FuzzValue {
		const def = defOf(schema);
		switch (def.type) {
			case 'object': {
				const out: Record<string, FuzzValue> = {};
				for (const [key, field] of Object.entries(def.shape ?? {})) {
					if (defOf(field).type === 'optional' && this.chance(0.4)) continue;
					out[key] = this.fromSchema(field);
				}
				return out;
			}
			case 'optional':
			case 'nullable':
			case 'default':
				return this.fromSchema(def.innerType!);
			case 'pipe':
				return this.fromSchema(def.in!);
			case 'union':
				return this.fromSchema(this.pick(def.options!));
			case 'literal':
				return this.pick(def.values!) as FuzzValue;
			case 'boolean':
				return this.chance(0.5);
			case 'number': {
				const bounds = (def.checks ?? []).map((c) => c._zod.def);
				const min = bounds.find((b) => b.check === 'greater_than')?.value ?? -1000;
				const max = bounds.find((b) => b.check === 'less_than')?.value ?? 1000;
				return this.chance(0.9) ? min + this.next() * (max - min) : this.pick([min - 1, max + 1, 0]);
			}
			case 'string':
				return this.strings().length > 0 && this.chance(0.85) ? this.pick(this.strings()) : this.text();
			default:
				return this.any(1);
		}
	}

	/** One mutation of `value`: what a broken or hostile client does to a valid payload. */
	mutate(value: FuzzValue): { value: FuzzValue; how: string } {
		const isObject =
			typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
		const record = isObject ? { ...(value as Record<string, FuzzValue>) } : null;
		const keys = record ? Object.keys(record) : [];
		switch (this.int(0, 9)) {
			case 0:
				return { value: this.any(2), how: 'wrong type' };
			case 1:
				if (record && keys.length > 0) {
					delete record[this.pick(keys)];
					return { value: record, how: 'missing field' };
				}
				return { value: {}, how: 'missing field' };
			case 2: {
				const out = record ?? {};
				setOwn(out, this.key(), this.any(1));
				return { value: out, how: 'extra field' };
			}
			case 3: {
				const out = record ?? {};
				setOwn(out, this.pick(['__proto__', 'constructor']), {
					polluted: true,
					prototype: { polluted: true }
				});
				return { value: out, how: 'prototype key' };
			}
			case 4:
				if (record && keys.length > 0) {
					record[this.pick(keys)] = this.any(1);
					return { value: record, how: 'wrong field type' };
				}
				return { value: this.any(1), how: 'wrong field type' };
			case 5:
				return { value: this.nested(this.int(100, 2000)), how: 'deep nesting' };
			case 6: {
				// Near the 16 KB message limit, and under it: the packet adds the event name and framing.
				const out = record ?? {};
				const key = keys.length > 0 ? this.pick(keys) : 'keys';
				out[key] = this.huge(this.int(15_000, 16_000));
				return { value: out, how: 'near-16 KB string' };
			}
			case 7:
				if (record && keys.length > 0) {
					record[this.pick(keys)] = Buffer.from(this.text(40), 'utf8');
					return { value: record, how: 'binary' };
				}
				return { value: Buffer.alloc(this.int(0, 2000), 0xff), how: 'binary' };
			case 8:
				if (record && keys.length > 0) {
					const key = this.pick(keys);
					record[key] = `${String(record[key])}${this.pick(['\u0000', '\ud800', '\u202e', ' ', '\n'])}`;
					return { value: record, how: 'hostile characters' };
				}
				return { value: this.text(), how: 'hostile characters' };
			default:
				return { value: Array.isArray(value) ? value : [value], how: 'wrapped in an array' };
		}
	}
}

/** How many bytes a Socket.IO packet carrying `args` takes at least (its JSON, binary apart). */
export function packetBytes(event: string, args: readonly FuzzValue[]): number {
	let binary = 0;
	const json = JSON.stringify([event, ...args], (_key, v: unknown) => {
		if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer') {
			binary = Math.max(binary, ((v as { data: number[] }).data ?? []).length);
			return { _placeholder: true, num: 0 };
		}
		return v;
	});
	return Math.max(Buffer.byteLength(json, 'utf8') + 16, binary);
}
