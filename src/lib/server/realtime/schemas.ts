import { z } from 'zod';
import { meetingOptionsSchema } from '$lib/contract/tenant-settings';
import { LIVE_SPEED_MAX, LIVE_SPEED_MIN, liveSpeedRangeMessage } from '$lib/scenario/live-speed';
import {
	conferenceIdSchema,
	meetingIdSchema,
	participantIdSchema,
	printableText
} from '../identifier-schemas';
import { zodSentence } from '../zod-sentence';

/**
 * Validation of every payload a socket may send (types are not validation). Messages name the field
 * and what it takes, so a client author can fix the call.
 */
export const keysSchema = z
	.string({ error: 'keys must be a string of DTMF keys: 0-9, * and #' })
	.regex(/^[0-9*#]{1,64}$/, 'keys must be 1 to 64 DTMF keys: 0-9, * and #');

export const dialSchema = z
	.object({
		phoneNumber: z
			.string()
			.regex(/^\+?[0-9][0-9 ()-]{2,22}$/, 'phoneNumber must look like a phone number, e.g. +46 8 123 45 67')
			.optional(),
		keys: keysSchema.optional()
	})
	.strict();

export const keysRequestSchema = z.object({ keys: keysSchema }).strict();

export const resumeSchema = z
	.object({
		callId: z.string().min(1).max(64),
		resumeToken: z.string().min(1).max(128)
	})
	.strict();

export const clientJoinSchema = z.object({ conferenceId: conferenceIdSchema }).strict();

export const lobbyAdmitSchema = z
	.object({ meetingId: meetingIdSchema, participantId: participantIdSchema.optional() })
	.strict();

export const lobbyDeclineSchema = z
	.object({ meetingId: meetingIdSchema, participantId: participantIdSchema })
	.strict();

export const lobbyOptionsSchema = z
	.object({ meetingId: meetingIdSchema, options: meetingOptionsSchema })
	.strict();

export const monitorScopeSchema = z.discriminatedUnion(
	'scope',
	[
		z.object({ scope: z.literal('all') }).strict(),
		z.object({ scope: z.literal('meeting'), meetingId: meetingIdSchema }).strict()
	],
	{ error: 'scope must be "all" or "meeting" (with a meetingId)' }
);

/** The first problem of a failed parse, as one sentence. */
export const describeIssues = (error: z.ZodError): string => zodSentence(error);

export const liveSpeed = z
	.number()
	.min(LIVE_SPEED_MIN, liveSpeedRangeMessage('speed'))
	.max(LIVE_SPEED_MAX, liveSpeedRangeMessage('speed'));

/** A scenario to run live: a file the server listed, and a speed from 0.25x to 100x. */
export const scenarioStartSchema = z
	.object({
		file: printableText('file', 300, { required: true }),
		speed: liveSpeed,
		paused: z.boolean().optional()
	})
	.strict();

export const scenarioControlSchema = z.discriminatedUnion('action', [
	z.object({ action: z.literal('pause') }).strict(),
	z.object({ action: z.literal('resume') }).strict(),
	z.object({ action: z.literal('step') }).strict(),
	z.object({ action: z.literal('stop') }).strict(),
	z
		.object({
			action: z.literal('speed'),
			speed: liveSpeed
		})
		.strict()
]);
