import { catalog, type Params } from '../catalog';

/** Swedish genitive: a name takes -s without an apostrophe, and nothing after s, x or z. */
const svGenitive = (name: string) => (/[sxz]$/i.test(name) ? name : `${name}s`);

const callers = (en: boolean) => (p: Params) => {
	const n = Number(p.count ?? 0);
	return en ? (n === 1 ? '1 caller' : `${n} callers`) : n === 1 ? '1 uppringare' : `${n} uppringare`;
};

const people = (en: boolean) => (p: Params) => {
	const n = Number(p.count ?? 0);
	return en ? (n === 1 ? '1 person' : `${n} people`) : n === 1 ? '1 person' : `${n} personer`;
};

/** Presenter mode, the view a trainer puts on the projector; keys start with "presenter.". */
export const presenter = catalog(
	{
		'presenter.mode': 'Presenter mode',
		'presenter.heading': (p) => `${p.organizer}'s meeting`,
		'presenter.pageTitle': (p) => `${p.organizer}'s meeting: presenter mode`,
		'presenter.conferenceId': 'Conference ID {id}',
		'presenter.connecting': 'Connecting to the meeting…',
		'presenter.meetingView': 'Meeting view',
		'presenter.notFound.title': 'Meeting not found',
		'presenter.notFound.body':
			'There is no meeting with the ID {id}. The link may be mistyped, or the meeting is not known to this server.',
		'presenter.notFound.back': 'Back to the dashboard',

		'presenter.lobby.heading': 'Lobby',
		'presenter.lobby.music': 'Waiting, music playing',
		'presenter.lobby.empty': 'Nobody is waiting',
		'presenter.lobby.lockedHint': 'The meeting is locked (*7): new callers wait here.',
		'presenter.lobby.count': callers(true),

		'presenter.meeting.heading': 'Meeting',
		'presenter.meeting.started': 'Started',
		'presenter.meeting.waitingLeader': 'Waiting for the leader',
		'presenter.meeting.waitingLeaderHint':
			'{organizer} starts it by dialing in with the leader PIN, or by joining from the client.',
		'presenter.meeting.waitingFirstCaller': 'Waiting for the first caller',
		'presenter.meeting.waitingFirstCallerHint':
			'PSTN-only meetings are allowed for {organizer}: the first caller starts it.',
		'presenter.meeting.ended': 'Ended',
		'presenter.meeting.endedHint': 'The meeting is over; everyone was disconnected.',
		'presenter.meeting.leaderSeat': 'The leader’s seat',
		'presenter.meeting.count': people(true),
		'presenter.meeting.empty': 'Nobody is in the meeting',

		'presenter.door.closed': 'Admitted when the meeting starts',
		'presenter.door.open': 'Callers join directly',
		'presenter.door.locked': 'Locked: the leader admits',

		'presenter.token.phone': 'by phone',
		'presenter.token.client': 'from the client',
		'presenter.token.leader': 'leader',
		'presenter.token.muted': 'muted',
		'presenter.token.waiting': 'waiting {time}',

		'presenter.status.label': 'Status',
		'presenter.status.state': 'State',
		'presenter.status.waiting': 'Waiting for the leader',
		'presenter.status.waitingFirstCaller': 'Waiting for the first caller',
		'presenter.status.inProgress': 'In progress',
		'presenter.status.ended': 'Ended',
		'presenter.status.lobby': 'In the lobby',
		'presenter.status.participants': 'In the meeting',
		'presenter.status.longestWait': 'Longest wait',
		'presenter.status.noWait': 'none',
		'presenter.status.locked': 'Locked',
		'presenter.status.reconnecting': 'Reconnecting…',
		'presenter.status.sound': 'Sound',
		'presenter.status.music': 'Lobby music',

		'presenter.sound.on': 'On',
		'presenter.sound.off': 'Off',
		'presenter.sound.needsTap': 'Needs a tap',
		'presenter.music.playing': 'Playing',
		'presenter.music.silent': 'Not playing',
		'presenter.music.muted': 'Muted',

		'presenter.soundGate': 'Tap or press A to turn on sound',
		'presenter.soundGateHint': 'Browsers play sound only after a tap or a key press.',

		'presenter.captions.label': 'Captions',
		'presenter.captions.empty': 'Nothing has happened yet.',
		'presenter.captions.off': 'Captions are off. Press C to show them.',

		'presenter.controls.label': 'Presenter controls',
		'presenter.controls.fullscreen': 'Full screen',
		'presenter.controls.sound': 'Sound',
		'presenter.controls.music': 'Lobby music',
		'presenter.controls.captions': 'Captions',
		'presenter.controls.help': 'Keyboard shortcuts',

		'presenter.help.title': 'Keyboard shortcuts',
		'presenter.help.intro': 'Single keys, anywhere on this page except in form fields.',
		'presenter.help.close': 'Close',
		'presenter.help.inline': 'Keys:',
		'presenter.key.fullscreen': 'Full screen on or off',
		'presenter.key.audio': 'Sound on or off (the first press turns it on)',
		'presenter.key.music': 'Lobby music muted or heard',
		'presenter.key.captions': 'Captions on or off',
		'presenter.key.help': 'Show or hide this list',
		'presenter.key.close': 'Close this list, or leave full screen',
		'presenter.key.esc': 'Esc'
	},
	{
		'presenter.mode': 'Presentationsläge',
		'presenter.heading': (p) => `${svGenitive(String(p.organizer))} möte`,
		'presenter.pageTitle': (p) => `${svGenitive(String(p.organizer))} möte: presentationsläge`,
		'presenter.conferenceId': 'Konferens-ID {id}',
		'presenter.connecting': 'Ansluter till mötet…',
		'presenter.meetingView': 'Mötesvy',
		'presenter.notFound.title': 'Mötet hittades inte',
		'presenter.notFound.body':
			'Det finns inget möte med ID {id}. Länken kan vara felskriven, eller så känner den här servern inte till mötet.',
		'presenter.notFound.back': 'Tillbaka till översikten',

		'presenter.lobby.heading': 'Väntrum',
		'presenter.lobby.music': 'Väntar, musik spelas',
		'presenter.lobby.empty': 'Ingen väntar',
		'presenter.lobby.lockedHint': 'Mötet är låst (*7): nya uppringare väntar här.',
		'presenter.lobby.count': callers(false),

		'presenter.meeting.heading': 'Möte',
		'presenter.meeting.started': 'Startat',
		'presenter.meeting.waitingLeader': 'Väntar på ledaren',
		'presenter.meeting.waitingLeaderHint':
			'{organizer} startar mötet genom att ringa in med ledar-PIN eller ansluta från klienten.',
		'presenter.meeting.waitingFirstCaller': 'Väntar på den första uppringaren',
		'presenter.meeting.waitingFirstCallerHint':
			'{organizer} tillåter PSTN-möten: den första som ringer in startar mötet.',
		'presenter.meeting.ended': 'Avslutat',
		'presenter.meeting.endedHint': 'Mötet är slut; alla kopplades bort.',
		'presenter.meeting.leaderSeat': 'Ledarens plats',
		'presenter.meeting.count': people(false),
		'presenter.meeting.empty': 'Ingen är med i mötet',

		'presenter.door.closed': 'Släpps in när mötet startar',
		'presenter.door.open': 'Uppringare ansluter direkt',
		'presenter.door.locked': 'Låst: ledaren släpper in',

		'presenter.token.phone': 'via telefon',
		'presenter.token.client': 'från klienten',
		'presenter.token.leader': 'ledare',
		'presenter.token.muted': 'mikrofon av',
		'presenter.token.waiting': 'väntar {time}',

		'presenter.status.label': 'Status',
		'presenter.status.state': 'Läge',
		'presenter.status.waiting': 'Väntar på ledaren',
		'presenter.status.waitingFirstCaller': 'Väntar på den första uppringaren',
		'presenter.status.inProgress': 'Pågår',
		'presenter.status.ended': 'Avslutat',
		'presenter.status.lobby': 'I väntrummet',
		'presenter.status.participants': 'I mötet',
		'presenter.status.longestWait': 'Längsta väntan',
		'presenter.status.noWait': 'ingen',
		'presenter.status.locked': 'Låst',
		'presenter.status.reconnecting': 'Ansluter igen…',
		'presenter.status.sound': 'Ljud',
		'presenter.status.music': 'Väntmusik',

		'presenter.sound.on': 'På',
		'presenter.sound.off': 'Av',
		'presenter.sound.needsTap': 'Behöver ett tryck',
		'presenter.music.playing': 'Spelar',
		'presenter.music.silent': 'Spelar inte',
		'presenter.music.muted': 'Avstängd',

		'presenter.soundGate': 'Tryck här eller på A för att slå på ljudet',
		'presenter.soundGateHint': 'Webbläsare spelar ljud först efter ett tryck eller en tangent.',

		'presenter.captions.label': 'Textning',
		'presenter.captions.empty': 'Inget har hänt än.',
		'presenter.captions.off': 'Textningen är av. Tryck på C för att visa den.',

		'presenter.controls.label': 'Presentationskontroller',
		'presenter.controls.fullscreen': 'Helskärm',
		'presenter.controls.sound': 'Ljud',
		'presenter.controls.music': 'Väntmusik',
		'presenter.controls.captions': 'Textning',
		'presenter.controls.help': 'Kortkommandon',

		'presenter.help.title': 'Kortkommandon',
		'presenter.help.intro': 'Enskilda tangenter, var som helst på sidan utom i formulärfält.',
		'presenter.help.close': 'Stäng',
		'presenter.help.inline': 'Tangenter:',
		'presenter.key.fullscreen': 'Helskärm på eller av',
		'presenter.key.audio': 'Ljud på eller av (första trycket slår på det)',
		'presenter.key.music': 'Väntmusiken av eller på',
		'presenter.key.captions': 'Textning på eller av',
		'presenter.key.help': 'Visa eller dölj den här listan',
		'presenter.key.close': 'Stäng listan, eller lämna helskärm',
		'presenter.key.esc': 'Esc'
	}
);
