/**
 * The pure domain of Lobby: the meeting and call aggregates, their prompts, and the decider shape they
 * share. Imports nothing outside this folder (docs/architecture.md, "Layers").
 */
export * from './decider';
export * from './prompts';
export * from './meeting';
export * from './call';
export * from './pin-policy';
export * from './tenant-settings';

import type { CallRejectionCode } from './call';
import type { MeetingRejectionCode } from './meeting';

/** Every rejection code the domain can answer with, across aggregates. */
export type RejectionCode = MeetingRejectionCode | CallRejectionCode;
