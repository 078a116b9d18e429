import { describe, expect, it } from 'vitest';
import { keyOf, SHORTCUTS, shortcutFor } from './shortcuts';

describe('presenter shortcuts', () => {
	it('maps F, A, M, C, ? and Esc in either case', () => {
		expect(shortcutFor({ key: 'f' })).toBe('fullscreen');
		expect(shortcutFor({ key: 'F' })).toBe('fullscreen');
		expect(shortcutFor({ key: 'a' })).toBe('audio');
		expect(shortcutFor({ key: 'm' })).toBe('music');
		expect(shortcutFor({ key: 'c' })).toBe('captions');
		expect(shortcutFor({ key: '?' })).toBe('help');
		expect(shortcutFor({ key: 'Escape' })).toBe('close');
	});

	it('leaves other keys alone', () => {
		expect(shortcutFor({ key: 'x' })).toBeNull();
		expect(shortcutFor({ key: 'Enter' })).toBeNull();
		expect(shortcutFor({ key: ' ' })).toBeNull();
	});

	it('leaves Ctrl, Cmd and Alt presses to the browser (Ctrl+F is find)', () => {
		expect(shortcutFor({ key: 'f', ctrlKey: true })).toBeNull();
		expect(shortcutFor({ key: 'c', metaKey: true })).toBeNull();
		expect(shortcutFor({ key: 'a', altKey: true })).toBeNull();
	});

	it('leaves keys typed into form fields to the field, but Esc still closes', () => {
		expect(shortcutFor({ key: 'a', target: { tagName: 'SELECT' } })).toBeNull();
		expect(shortcutFor({ key: 'f', target: { tagName: 'input' } })).toBeNull();
		expect(shortcutFor({ key: 'c', target: { tagName: 'DIV', isContentEditable: true } })).toBeNull();
		expect(shortcutFor({ key: 'm', target: { tagName: 'BUTTON' } })).toBe('music');
		expect(shortcutFor({ key: 'Escape', target: { tagName: 'INPUT' } })).toBe('close');
	});

	it('lists every action once, for the help overlay', () => {
		const actions = SHORTCUTS.map((s) => s.action);
		expect(new Set(actions).size).toBe(actions.length);
		expect(keyOf('help')).toBe('?');
	});
});
