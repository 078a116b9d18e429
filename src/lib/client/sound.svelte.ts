/**
 * Every sound the app plays, made by our own code (src/lib/audio) and played through howler: the
 * lobby music (looping, faded out on admission), DTMF tones with the real dual frequencies, the join
 * and leave chimes, and the IVR prompts spoken where the browser can. Browsers allow audio only after
 * a gesture, so `state` says whether a tap is still needed; `musicPlaying` is read from howler itself,
 * so what the page shows is what is heard.
 */
import type { Howl as HowlType } from 'howler';
import {
	encodeWav,
	isDtmfKey,
	synthDtmf,
	synthJoinTone,
	synthLeaveTone,
	synthLobbyMusic,
	type DtmfKey
} from '$lib/audio';

const RATE = 22050;

type Sounds = {
	music: HowlType;
	join: HowlType;
	leave: HowlType;
	/** Built once; never reactive, so a plain record. */
	dtmf: Partial<Record<DtmfKey, HowlType>>;
};

class SoundBoard {
	/** `locked`: the browser waits for a tap; `ready`: sound plays. */
	state = $state<'off' | 'locked' | 'ready'>('off');
	/** Whether howler reports the music playing (sampled a few times a second). */
	musicPlaying = $state(false);
	/** Mute all sound (the person's choice, remembered for the tab). */
	muted = $state(false);

	private sounds: Promise<Sounds> | null = null;
	private urls: string[] = [];
	private poll: ReturnType<typeof setInterval> | null = null;
	private wantMusic = false;

	/** Builds the sounds (once) and starts watching whether audio is allowed. */
	load(): Promise<Sounds> {
		this.sounds ??= (async () => {
			const { Howl, Howler } = await import('howler');
			const howl = (samples: Float32Array, loop = false, volume = 1) => {
				const url = URL.createObjectURL(
					new Blob([encodeWav(samples, RATE) as BlobPart], { type: 'audio/wav' })
				);
				this.urls.push(url);
				return new Howl({ src: [url], format: ['wav'], loop, volume, html5: false });
			};
			const dtmf: Sounds['dtmf'] = {};
			for (const key of '0123456789*#') {
				if (isDtmfKey(key)) dtmf[key] = howl(synthDtmf(key, { sampleRate: RATE }), false, 0.6);
			}
			const sounds: Sounds = {
				music: howl(synthLobbyMusic({ sampleRate: RATE }), true, 0.7),
				join: howl(synthJoinTone({ sampleRate: RATE })),
				leave: howl(synthLeaveTone({ sampleRate: RATE })),
				dtmf
			};
			const check = () => {
				const ctx = Howler.ctx as AudioContext | undefined;
				this.state = !ctx || ctx.state === 'running' ? 'ready' : 'locked';
				this.musicPlaying = sounds.music.playing();
			};
			check();
			this.poll = setInterval(check, 200);
			return sounds;
		})();
		return this.sounds;
	}

	/** Called from a tap or key press: lets the browser start audio now. */
	async unlock(): Promise<void> {
		const { Howler } = await import('howler');
		await this.load();
		const ctx = Howler.ctx as AudioContext | undefined;
		if (ctx && ctx.state !== 'running') await ctx.resume().catch(() => undefined);
		if (this.wantMusic) await this.startMusic();
	}

	setMuted(muted: boolean): void {
		this.muted = muted;
		void import('howler').then(({ Howler }) => Howler.mute(muted));
	}

	/** S5: music in the lobby, looping, from the start of the loop. */
	async startMusic(): Promise<void> {
		this.wantMusic = true;
		const { music } = await this.load();
		if (!this.wantMusic) return;
		music.volume(0.7);
		if (!music.playing()) music.play();
	}

	/** Admitted or gone: the music fades out, then stops. */
	async stopMusic(fadeMs = 900): Promise<void> {
		this.wantMusic = false;
		const { music } = await this.load();
		if (!music.playing()) {
			// A play still waiting for the browser to allow sound must not start later.
			music.stop();
			return;
		}
		music.fade(music.volume(), 0, fadeMs);
		music.once('fade', () => {
			if (!this.wantMusic) music.stop();
		});
	}

	async tone(kind: 'join' | 'leave'): Promise<void> {
		const sounds = await this.load();
		sounds[kind].play();
	}

	async dtmf(key: string): Promise<void> {
		if (!isDtmfKey(key)) return;
		const sounds = await this.load();
		sounds.dtmf[key]?.play();
	}

	/** Speaks a prompt where the browser has speech; the text is always on screen as well. */
	speak(text: string, lang: string): void {
		if (this.muted || typeof speechSynthesis === 'undefined') return;
		speechSynthesis.cancel();
		const utterance = new SpeechSynthesisUtterance(text);
		utterance.lang = lang === 'sv' ? 'sv-SE' : 'en-US';
		speechSynthesis.speak(utterance);
	}

	/** Stops everything and frees the generated audio (leaving the page). */
	async dispose(): Promise<void> {
		this.wantMusic = false;
		if (this.poll) clearInterval(this.poll);
		if (this.sounds) {
			const sounds = await this.sounds;
			for (const h of [sounds.music, sounds.join, sounds.leave, ...Object.values(sounds.dtmf)]) h.unload();
		}
		for (const url of this.urls) URL.revokeObjectURL(url);
		this.urls = [];
		this.sounds = null;
		this.musicPlaying = false;
		this.state = 'off';
		if (typeof speechSynthesis !== 'undefined') speechSynthesis.cancel();
	}
}

/** A sound board for one page (each page makes its own and disposes it when it goes). */
export function createSoundBoard(): SoundBoard {
	return new SoundBoard();
}

export type { SoundBoard };
