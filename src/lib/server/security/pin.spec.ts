import { AsyncLocalStorage } from 'node:async_hooks';
import { format, inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogContext } from '../log';
import { Pin, PIN_MASK } from './pin';

const DIGITS = '48213';

describe('a leader PIN prints as ***** in every form (S8)', () => {
	const pin = Pin.of(DIGITS);

	it.each([
		['String(pin)', () => String(pin)],
		['a template literal', () => `${pin}`],
		['concatenation', () => 'PIN ' + pin],
		['JSON.stringify', () => JSON.stringify({ pin, nested: { pins: [pin] } })],
		['util.inspect', () => inspect({ pin }, { depth: 5, showHidden: true })],
		['util.format %s, %o, %j', () => format('%s %o %j', pin, pin, pin)],
		['an error message', () => new Error(`wrong PIN ${pin}`).message],
		['an object spread', () => JSON.stringify({ ...pin })]
	])('given %s, then the digits never show', (_, print) => {
		const printed = print();
		expect(printed).not.toContain(DIGITS);
	});

	it('reads ***** where it is printed whole', () => {
		expect(String(pin)).toBe(PIN_MASK);
		expect(`${pin}`).toBe(PIN_MASK);
		expect(JSON.stringify(pin)).toBe(`"${PIN_MASK}"`);
		expect(inspect(pin)).toBe(PIN_MASK);
	});

	it('given pino, when a PIN is logged as a field, inside an object or as the message, then the line says *****', () => {
		const lines: string[] = [];
		const logger = createLogger(
			{
				out: { write: (text: string) => lines.push(text) },
				err: { write: (text: string) => lines.push(text) },
				pretty: false
			},
			'trace',
			new AsyncLocalStorage<LogContext>()
		);
		logger.info({ issued: pin, caller: { entered: pin } }, 'a PIN was issued');
		logger.info(`entered ${pin}`);
		logger.warn({ list: [pin] }, 'list');
		const pretty: string[] = [];
		createLogger(
			{
				out: { write: (text: string) => pretty.push(text) },
				err: { write: (text: string) => pretty.push(text) },
				pretty: true
			},
			'trace',
			new AsyncLocalStorage<LogContext>()
		).info({ issued: pin }, 'on a terminal');
		for (const line of [...lines, ...pretty]) expect(line).not.toContain(DIGITS);
		expect(JSON.parse(lines[0]!)).toMatchObject({ issued: PIN_MASK, caller: { entered: PIN_MASK } });
		expect(pretty[0]).toContain(`issued=${PIN_MASK}`);
	});

	it('gives its digits only when revealed, and says how many there are', () => {
		expect(pin.reveal()).toBe(DIGITS);
		expect(pin.length).toBe(5);
		expect(Object.keys(pin)).toEqual([]);
	});
});
