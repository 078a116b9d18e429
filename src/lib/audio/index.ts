/**
 * Sounds for the lobby, all synthesized by our own code (we may not ship audio we did not make). Pure
 * functions returning Float32Array samples in [-1, 1]; the browser wraps them for howler.js with
 * `new Blob([encodeWav(samples, sampleRate)], { type: 'audio/wav' })`.
 */
export { encodeWav, WAV_HEADER_BYTES } from './wav';
export {
	DTMF_COLUMN_HZ,
	DTMF_KEYS,
	DTMF_ROW_HZ,
	dtmfFrequencies,
	isDtmfKey,
	synthDtmf,
	type DtmfKey,
	type DtmfOptions
} from './dtmf';
export {
	CHIME_MS,
	synthJoinTone,
	synthLeaveTone,
	synthRingback,
	type RingbackOptions,
	type ToneOptions
} from './tones';
export { LOBBY_MUSIC_SECONDS, synthLobbyMusic, type LobbyMusicOptions } from './music';
