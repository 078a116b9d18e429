/**
 * What the phone caller hears at each step of the call flow. Each prompt has a stable id and its English
 * text; the UI translates by id and the presenter view shows the text as it plays.
 */

/** A recorded prompt: a stable id and the English words. */
export type Prompt = { readonly id: PromptId; readonly text: string };

/** Every prompt the call flow can play. */
export type PromptId =
	| 'enter-conference-id'
	| 'conference-id-unknown'
	| 'conference-id-failed'
	| 'leader-choice'
	| 'enter-leader-pin'
	| 'pin-wrong'
	| 'pin-failed'
	| 'pin-locked'
	| 'joining'
	| 'lobby-waiting'
	| 'joined'
	| 'admitted'
	| 'meeting-full'
	| 'meeting-ended'
	| 'lobby-timeout'
	| 'connection-lost'
	| 'goodbye'
	| 'keypad-help-leader'
	| 'keypad-help'
	| 'muted'
	| 'unmuted'
	| 'meeting-locked'
	| 'meeting-unlocked'
	| 'lobby-admitted'
	| 'lobby-empty'
	| 'not-leader'
	| 'unknown-command';

const TEXTS: Readonly<Record<PromptId, string>> = {
	'enter-conference-id': 'Welcome. Please enter the conference ID followed by the pound key.',
	'conference-id-unknown':
		'That conference ID was not found. Please enter the conference ID followed by the pound key.',
	'conference-id-failed': 'That conference ID was not found. Please check the ID and call again. Goodbye.',
	// As Teams does (docs/rules.md): callers are asked whether they are the organizer; if so they enter the PIN.
	'leader-choice': 'If you are the leader, press star. Otherwise, please wait.',
	'enter-leader-pin': 'Please enter your leader PIN followed by the pound key.',
	'pin-wrong': 'That PIN is not correct. Please enter your leader PIN followed by the pound key.',
	'pin-failed': 'That PIN is not correct. Too many attempts. Goodbye.',
	// S3: users cannot reset their own PIN; S2: the client needs no PIN.
	'pin-locked': 'The leader PIN is locked; ask an administrator, or start the meeting from the client.',
	joining: 'Please wait while we connect you to the meeting.',
	// S5: music plays in the lobby until the meeting starts.
	'lobby-waiting': 'Please wait in the lobby. You will join the meeting when the leader lets you in.',
	joined: 'You are now joining the meeting.',
	admitted: 'You have been admitted to the meeting.',
	'meeting-full': 'This meeting is full. Goodbye.',
	'meeting-ended': 'The meeting has ended. Goodbye.',
	'lobby-timeout': 'Nobody let you into the meeting in time. Please call again later. Goodbye.',
	'connection-lost': 'The connection was lost. Goodbye.',
	goodbye: 'Goodbye.',
	// Teams keypad commands in the meeting (docs/rules.md).
	'keypad-help-leader':
		'Press star 6 to mute or unmute yourself, star 7 to lock or unlock the meeting, star 8 to admit everyone from the lobby.',
	'keypad-help': 'Press star 6 to mute or unmute yourself.',
	muted: 'You are muted.',
	unmuted: 'You are unmuted.',
	'meeting-locked': 'The meeting is locked. New callers will wait in the lobby.',
	'meeting-unlocked': 'The meeting is unlocked.',
	'lobby-admitted': 'Everyone in the lobby has been admitted.',
	'lobby-empty': 'Nobody is waiting in the lobby.',
	'not-leader': 'Only the leader can do that.',
	'unknown-command': 'That is not a keypad command. Press star 1 for help.'
};

/** Every prompt by id, English text included. */
export const PROMPTS: Readonly<Record<PromptId, Prompt>> = Object.freeze(
	Object.fromEntries(
		(Object.keys(TEXTS) as PromptId[]).map((id) => [id, Object.freeze({ id, text: TEXTS[id] })])
	) as Record<PromptId, Prompt>
);

/** The prompt with this id. */
export function prompt(id: PromptId): Prompt {
	return PROMPTS[id];
}
