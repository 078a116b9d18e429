/**
 * The dial-in conferencing emails, in the user's language (English or Swedish). Pure: the same data
 * always gives the same text, and the PIN is never an input. Where the PIN goes the body holds the
 * placeholder `{{pin}}`, filled in only when the message is delivered or shown in the simulated
 * mailbox, so the stored text never carries a PIN (S8).
 */

/** Which message: the welcome on enablement, the notice on disablement, the new PIN on reset (S9). */
export type MailKind = 'dial-in-enabled' | 'dial-in-disabled' | 'pin-reset';

/** The user's language (`users.language`). */
export type MailLanguage = 'en' | 'sv';

/** Where the PIN goes in a body; the PIN itself is never given to a template. */
export const PIN_PLACEHOLDER = '{{pin}}';

/** What a message says about its recipient and the bridge (S12: the conference information). */
export interface TemplateData {
	displayName: string;
	/** The user's conference ID; the welcome and reset mails need it to tell how to start a meeting. */
	conferenceId?: string | null;
	/** The bridge's service number callers dial. */
	serviceNumber?: string | null;
	tenantName: string;
	/** Digits of the PIN the message carries (S13), to say how long it is. */
	pinLength?: number | null;
}

/** A rendered message: a subject and a plain-text body with `{{pin}}` where the PIN goes. */
export interface RenderedMail {
	subject: string;
	body: string;
}

/** Every kind and language the templates cover, for listings and specs. */
export const MAIL_KINDS: readonly MailKind[] = ['dial-in-enabled', 'dial-in-disabled', 'pin-reset'];
export const MAIL_LANGUAGES: readonly MailLanguage[] = ['en', 'sv'];

/**
 * A value from the directory made safe for a one-line spot in a text: no control characters or line
 * breaks, and no `{{`, so a display name can never plant a second PIN placeholder.
 */
function clean(value: string | null | undefined): string {
	return (value ?? '')
		.replace(/\p{Cc}+/gu, ' ')
		.replace(/\s+/g, ' ')
		.trim()
		.replaceAll('{{', '{ {')
		.replaceAll('}}', '} }');
}

interface Conference {
	conferenceId: string;
	serviceNumber: string;
	pinLength: number | null;
}

function conferenceOf(data: TemplateData): Conference {
	const pinLength = data.pinLength ?? null;
	return {
		conferenceId: clean(data.conferenceId),
		serviceNumber: clean(data.serviceNumber),
		pinLength: pinLength !== null && Number.isInteger(pinLength) && pinLength > 0 ? pinLength : null
	};
}

/** The texts of one language; the shared parts (conference information, how-to) are written once. */
interface Language {
	greeting(name: string): string;
	signature(tenant: string): string;
	conferenceInformation(c: Conference): string[];
	howToStartByPhone(c: Conference): string[];
	keepThisMessage: string;
	enabled: { subject: string; intro(tenant: string): string; pinLine: string };
	reset: { subject: string; intro(tenant: string): string; pinLine: string };
	disabled: { subject: string; paragraphs(tenant: string): string[] };
}

const en: Language = {
	greeting: (name) => `Hello ${name},`,
	signature: (tenant) => tenant,
	conferenceInformation(c) {
		const lines = [
			...(c.serviceNumber ? [`  Dial-in number: ${c.serviceNumber}`] : []),
			...(c.conferenceId ? [`  Conference ID: ${c.conferenceId}`] : [])
		];
		return lines.length ? ['Conference information', ...lines] : [];
	},
	howToStartByPhone: (c) => [
		'To start a meeting by phone',
		c.serviceNumber ? `  1. Call ${c.serviceNumber}.` : "  1. Call your organization's dial-in number.",
		c.conferenceId
			? `  2. Enter the conference ID, ${c.conferenceId}, followed by #.`
			: '  2. Enter your conference ID followed by #.',
		'  3. When asked whether you are the leader (the meeting organizer), press *.',
		c.pinLength
			? `  4. Enter your ${c.pinLength}-digit PIN followed by #.`
			: '  4. Enter your PIN followed by #.',
		'  The meeting starts, and callers waiting in the lobby are admitted.',
		'',
		'When you start the meeting from the client, signed in with your account, you need no PIN.'
	],
	keepThisMessage:
		'Keep this message. You cannot reset your PIN yourself: if you forget it, an administrator has to reset it.',
	enabled: {
		subject: 'Your dial-in conferencing PIN and conference information',
		intro: (tenant) =>
			`You have been enabled for dial-in conferencing at ${tenant}. You can now start your meetings by phone as the meeting organizer.`,
		pinLine: `Your dial-in conferencing PIN: ${PIN_PLACEHOLDER}`
	},
	reset: {
		subject: 'Your dial-in conferencing PIN has been reset',
		intro: (tenant) =>
			`An administrator at ${tenant} has reset your dial-in conferencing PIN. Your previous PIN no longer works.`,
		pinLine: `Your new PIN: ${PIN_PLACEHOLDER}`
	},
	disabled: {
		subject: 'Dial-in conferencing has been turned off for you',
		paragraphs: (tenant) => [
			`An administrator at ${tenant} has turned off dial-in conferencing for you. You can no longer start meetings by phone, and your dial-in conferencing PIN no longer works.`,
			'You can still start and join meetings from the client. If you think this is a mistake, contact your administrator.'
		]
	}
};

const sv: Language = {
	greeting: (name) => `Hej ${name}!`,
	signature: (tenant) => `Hälsningar\n${tenant}`,
	conferenceInformation(c) {
		const lines = [
			...(c.serviceNumber ? [`  Telefonnummer för inringning: ${c.serviceNumber}`] : []),
			...(c.conferenceId ? [`  Konferens-ID: ${c.conferenceId}`] : [])
		];
		return lines.length ? ['Konferensinformation', ...lines] : [];
	},
	howToStartByPhone: (c) => [
		'Så startar du ett möte via telefon',
		c.serviceNumber
			? `  1. Ring ${c.serviceNumber}.`
			: '  1. Ring organisationens telefonnummer för inringning.',
		c.conferenceId
			? `  2. Ange konferens-ID:t ${c.conferenceId} följt av #.`
			: '  2. Ange ditt konferens-ID följt av #.',
		'  3. När du får frågan om du är mötesorganisatör trycker du på *.',
		c.pinLength
			? `  4. Ange din PIN-kod på ${c.pinLength} siffror följt av #.`
			: '  4. Ange din PIN-kod följt av #.',
		'  Mötet startar, och deltagarna som väntar i lobbyn ansluts automatiskt.',
		'',
		'Om du startar mötet från klienten och är inloggad med ditt konto krävs ingen PIN-kod.'
	],
	keepThisMessage:
		'Spara det här meddelandet. Du kan inte återställa din PIN-kod själv: om du glömmer den måste en administratör återställa den.',
	enabled: {
		subject: 'Din PIN-kod och konferensinformation för konferens med uppringning',
		intro: (tenant) =>
			`Du har aktiverats för konferens med uppringning hos ${tenant}. Nu kan du starta dina möten via telefon som mötesorganisatör.`,
		pinLine: `Din PIN-kod för konferens med uppringning: ${PIN_PLACEHOLDER}`
	},
	reset: {
		subject: 'Din PIN-kod för konferens med uppringning har återställts',
		intro: (tenant) =>
			`En administratör hos ${tenant} har återställt din PIN-kod för konferens med uppringning. Den tidigare PIN-koden fungerar inte längre.`,
		pinLine: `Din nya PIN-kod: ${PIN_PLACEHOLDER}`
	},
	disabled: {
		subject: 'Konferens med uppringning har inaktiverats för dig',
		paragraphs: (tenant) => [
			`En administratör hos ${tenant} har inaktiverat konferens med uppringning för dig. Du kan inte längre starta möten via telefon, och din PIN-kod för konferens med uppringning fungerar inte längre.`,
			'Du kan fortfarande starta och ansluta till möten från klienten. Kontakta din administratör om du tror att det här är fel.'
		]
	}
};

const LANGUAGES: Record<MailLanguage, Language> = { en, sv };

/** Paragraphs (each one or more lines) joined by blank lines, empty ones left out. */
function paragraphs(...parts: (string | string[])[]): string {
	return parts
		.map((p) => (Array.isArray(p) ? p.join('\n') : p))
		.filter((p) => p.length > 0)
		.join('\n\n');
}

/**
 * Renders one message in one language. The welcome (S12) and reset mails carry `{{pin}}`, the
 * conference information and how to start a meeting by phone (S2); the disabled mail carries no PIN.
 */
export function renderMail(kind: MailKind, language: MailLanguage, data: TemplateData): RenderedMail {
	const t = LANGUAGES[language];
	if (!t) throw new RangeError(`No mail templates in language "${String(language)}".`);
	const name = clean(data.displayName);
	const tenant = clean(data.tenantName);
	const conference = conferenceOf(data);
	switch (kind) {
		case 'dial-in-enabled':
		case 'pin-reset': {
			const texts = kind === 'pin-reset' ? t.reset : t.enabled;
			return {
				subject: texts.subject,
				body: paragraphs(
					t.greeting(name),
					texts.intro(tenant),
					texts.pinLine,
					t.conferenceInformation(conference),
					t.howToStartByPhone(conference),
					t.keepThisMessage,
					t.signature(tenant)
				)
			};
		}
		case 'dial-in-disabled':
			return {
				subject: t.disabled.subject,
				body: paragraphs(t.greeting(name), ...t.disabled.paragraphs(tenant), t.signature(tenant))
			};
		default: {
			const unknown: never = kind;
			throw new RangeError(`No mail template "${String(unknown)}".`);
		}
	}
}
