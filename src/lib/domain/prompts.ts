/**
 * What the phone caller hears at each step of the call flow, named by a stable id. The words live in
 * the i18n catalogs (`phone.prompt.<id>` in src/lib/i18n/messages/phone.ts, English and Swedish): the
 * softphone speaks them in the caller's language and the server puts the English text on the wire.
 */

/** A prompt the call flow plays, by id. */
export type Prompt = { readonly id: PromptId };

/** The numbers a prompt's words take (`lobby-position`: "You are number {position} in the lobby"). */
export type PromptParams = { readonly position?: number };

/** Every prompt the call flow can play. */
export const PROMPT_IDS = [
	'enter-conference-id',
	'conference-id-unknown',
	'conference-id-failed',
	// As Teams does (docs/rules.md): callers are asked whether they are the organizer; if so they enter the PIN.
	'leader-choice',
	'enter-leader-pin',
	'pin-wrong',
	'pin-failed',
	// S3: users cannot reset their own PIN; S2: the client needs no PIN.
	'pin-locked',
	'joining',
	// S5: music plays in the lobby until the meeting starts.
	'lobby-waiting',
	// Lobby's own queue position (docs/rules.md, "Queue position"): "You are number 3 in the lobby."
	'lobby-position',
	'joined',
	'admitted',
	'meeting-full',
	'meeting-ended',
	// The end timers (docs/rules.md, "Meeting end timers"): callers hear why the meeting ended.
	'meeting-time-limit',
	'meeting-ended-verified-left',
	'lobby-timeout',
	// The leader declined the caller from the lobby (docs/rules.md, "Admit one, admit all, decline").
	'declined',
	'connection-lost',
	'goodbye',
	// Teams keypad commands in the meeting (docs/rules.md).
	'keypad-help-leader',
	'keypad-help',
	'muted',
	'unmuted',
	'hand-raised',
	'hand-lowered',
	'everyone-muted',
	'muted-by-leader',
	'announcements-on',
	'announcements-off',
	'meeting-locked',
	'meeting-unlocked',
	'lobby-admitted',
	'lobby-empty',
	'not-leader',
	'unknown-command'
] as const;

/** Every prompt the call flow can play. */
export type PromptId = (typeof PROMPT_IDS)[number];

const PROMPTS: Readonly<Record<PromptId, Prompt>> = Object.freeze(
	Object.fromEntries(PROMPT_IDS.map((id) => [id, Object.freeze({ id })])) as Record<PromptId, Prompt>
);

/** The prompt with this id. */
export function prompt(id: PromptId): Prompt {
	return PROMPTS[id];
}
