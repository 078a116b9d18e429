/**
 * Presenter mode's keyboard shortcuts: single keys a trainer can press while talking, listed in the
 * help overlay from this one table so the list and the behaviour cannot drift apart.
 */
import type { MessageKey } from '$lib/i18n/i18n.svelte';

export type ShortcutAction = 'fullscreen' | 'audio' | 'music' | 'captions' | 'help' | 'close';

export interface Shortcut {
	/** The key as shown on screen and in `aria-keyshortcuts`. */
	readonly key: string;
	readonly action: ShortcutAction;
	readonly describe: MessageKey;
}

export const SHORTCUTS: readonly Shortcut[] = Object.freeze([
	{ key: 'F', action: 'fullscreen', describe: 'presenter.key.fullscreen' },
	{ key: 'A', action: 'audio', describe: 'presenter.key.audio' },
	{ key: 'M', action: 'music', describe: 'presenter.key.music' },
	{ key: 'C', action: 'captions', describe: 'presenter.key.captions' },
	{ key: '?', action: 'help', describe: 'presenter.key.help' },
	{ key: 'Escape', action: 'close', describe: 'presenter.key.close' }
] satisfies Shortcut[]);

/** The key of `action`, for button hints and `aria-keyshortcuts`. */
export function keyOf(action: ShortcutAction): string {
	return SHORTCUTS.find((s) => s.action === action)?.key ?? '';
}

/** The parts of a `KeyboardEvent` that decide a shortcut (a plain object in specs). */
export interface KeyPress {
	readonly key: string;
	readonly ctrlKey?: boolean;
	readonly metaKey?: boolean;
	readonly altKey?: boolean;
	readonly target?: unknown;
}

/** True when keys typed at `target` belong to it: text fields, selects, editable content. */
function typingInto(target: unknown): boolean {
	if (typeof target !== 'object' || target === null) return false;
	const el = target as { tagName?: unknown; isContentEditable?: unknown };
	if (el.isContentEditable === true) return true;
	return typeof el.tagName === 'string' && ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName.toUpperCase());
}

/**
 * The action of a key press, or null. Letters work in either case (Caps Lock, Shift); `?` is typed
 * with Shift on most layouts, so Shift is allowed. Presses with Ctrl, Cmd or Alt belong to the
 * browser, and keys typed into a form field belong to the field.
 */
export function shortcutFor(press: KeyPress): ShortcutAction | null {
	if (press.ctrlKey || press.metaKey || press.altKey) return null;
	if (press.key === 'Escape') return 'close';
	if (typingInto(press.target)) return null;
	if (press.key === '?') return 'help';
	const found = SHORTCUTS.find((s) => s.key.length === 1 && s.key.toLowerCase() === press.key.toLowerCase());
	return found?.action ?? null;
}
