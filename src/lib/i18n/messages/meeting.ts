import { catalog } from '../catalog';

const callers = (en: boolean) => (p: { count?: string | number }) => {
	const n = Number(p.count ?? 0);
	return en ? (n === 1 ? '1 caller' : `${n} callers`) : n === 1 ? '1 uppringare' : `${n} uppringare`;
};

/** The meeting view and the story of a meeting's timeline; keys start with "meeting.". */
export const meeting = catalog(
	{
		'meetingView.title': "{organizer}'s meeting",
		'meetingView.loading': 'Loading the meeting…',
		'meetingView.notFound': 'Meeting not found',
		'meetingView.backToDashboard': 'Back to the dashboard',
		'meetingView.conference': 'Conference ID {conferenceId}',
		'meetingView.status.waiting': 'Waiting for the leader',
		'meetingView.status.in-progress': 'In progress',
		'meetingView.status.ended': 'Ended',
		'meetingView.locked': 'Locked',
		'meetingView.open': 'Open this meeting',
		'meetingView.presenter': 'Presenter mode',
		'meetingView.softphone': 'Softphone for this meeting',
		'meetingView.clientJoin': 'Join from the client',
		'meetingView.addCaller': 'Add a simulated caller',
		'meetingView.dialOrganizer': 'Dial in as the organizer',
		'meetingView.pin': 'Leader PIN',
		'meetingView.dialWithPin': 'Dial in with this PIN',
		'meetingView.lobby': 'Lobby',
		'meetingView.lobbyEmpty': 'Nobody is waiting.',
		'meetingView.admit': 'Admit',
		'meetingView.admitNamed': 'Admit {who}',
		'meetingView.decline': 'Decline',
		'meetingView.declineNamed': 'Decline {who}',
		'meetingView.admitAll': 'Admit all',
		'meetingView.options': 'Meeting options',
		'meetingView.optionsOwn': 'Your choice for this meeting, over its meeting policy.',
		'meetingView.optionsPolicyBypass': 'As the meeting policy says: people dialing in bypass the lobby.',
		'meetingView.optionsPolicyAdmit': 'As the meeting policy says: people dialing in wait to be admitted.',
		'meetingView.optionsReset': 'Back to the meeting policy',
		'meetingView.why': 'Why is this caller waiting?',
		'meeting.wait.gate.not-started': 'The meeting has not started, and a caller cannot start it (S5, S11).',
		'meeting.wait.gate.locked':
			'The meeting is in progress, but the leader locked it (*7), so late callers wait.',
		'meeting.wait.gate.admission-required':
			'The meeting is in progress, but the lobby policy makes dial-in callers wait to be admitted (AllowPSTNUsersToBypassLobby is off).',
		'meeting.wait.atStart.admitted': 'When the meeting starts they are admitted with it.',
		'meeting.wait.atStart.bypassWaits':
			'When the meeting starts they are admitted with it: letting dial-in callers bypass the lobby does not start it.',
		'meeting.wait.atStart.waits':
			'Even when the meeting starts they will wait to be admitted (AllowPSTNUsersToBypassLobby is off).',
		'meeting.story.policyClassic':
			'The lobby policy changed to the classic lobby: callers are admitted when the meeting starts.',
		'meeting.story.policyTeamsBypass':
			'The lobby policy changed to the Teams lobby, where dial-in callers bypass the lobby once the meeting has started.',
		'meeting.story.policyTeamsAdmit':
			'The lobby policy changed to the Teams lobby, where dial-in callers wait until someone admits them.',
		'meeting.wait.gate.not-admitted':
			'The meeting is in progress and new callers go straight in, but this caller arrived while it was locked or while the policy kept callers waiting: unlocking or a change of policy lets nobody in who already waits.',
		'meeting.wait.remedy.organizer-pin': 'the organizer dials in with the leader PIN (S2)',
		'meeting.wait.remedy.client-join': 'a signed-in user joins from the client (S4)',
		'meeting.wait.remedy.leader-admits': 'the leader admits them (*8, *21, or Admit)',
		'meeting.wait.or': ' or ',
		'meeting.wait.letsIn': 'Lets them in: {remedies}.',
		'meeting.wait.startThenAdmit':
			'Starts the meeting: {remedies}; after that, the leader admits them (*8, *21, or Admit).',
		'meeting.wait.timesOut': 'The lobby timeout sends them away in {time}.',
		'meetingView.music': 'Hearing lobby music',
		'meetingView.waiting': 'waiting {time}',
		'meetingView.meeting': 'Meeting',
		'meetingView.waitingForLeader': 'The meeting has not started: callers wait until the leader joins (S5).',
		'meetingView.via.phone': 'Phone',
		'meetingView.via.client': 'Client',
		'meetingView.leader': 'Leader',
		'meetingView.muted': 'Muted',
		'meetingView.handRaised': 'Hand raised',
		'meetingView.timeline': 'What happened',
		'meetingView.replay': 'Replay',
		'meetingView.replayLead':
			'Play this meeting back from its events, at any speed; drag the slider to scrub.',
		'meetingView.replayStart': 'Replay from the start',
		'meetingView.play': 'Play',
		'meetingView.pause': 'Pause',
		'meetingView.replayPosition': 'Replay position',
		'meetingView.replayTime': 'Replay time',
		'meetingView.replaySpeed': 'Replay speed',
		'meetingView.backToLive': 'Back to live',
		'meetingView.previousEvent': 'Previous event',
		'meetingView.nextEvent': 'Next event',
		'meetings.title': 'Meetings',
		'meetings.lead': 'Live and past meetings, newest first. Open one to watch it live or replay it.',
		'meetings.empty': 'No meetings yet.',
		'meetings.organizer': 'Organizer',
		'meetings.conference': 'Conference ID',
		'meetings.status': 'State',
		'meetings.opened': 'Opened',
		'meetings.participants': 'Participants',
		'meeting.someone': 'someone',
		'meeting.story.opened':
			"{organizer}'s meeting (conference ID {conferenceId}) opened and waits for its leader.",
		'meeting.story.lobby': '{who} dialed in and waits in the lobby; music is playing.',
		'meeting.story.optionsBypass':
			'The organizer changed the meeting options: people dialing in bypass the lobby once the meeting has started.',
		'meeting.story.optionsAdmit':
			'The organizer changed the meeting options: people dialing in wait in the lobby until someone admits them.',
		'meeting.story.optionsPolicy': 'The organizer set the meeting options back to the meeting policy.',
		'meeting.story.optionsWho':
			'The organizer changed the meeting options: who can bypass the lobby is {who}.',
		'meeting.story.lobbyAt': '{who} dialed in and waits in the lobby as number {position}; music is playing.',
		'meeting.story.positions': (p) =>
			Number(p.count) === 1
				? 'A waiting caller heard their place in the lobby again.'
				: `${p.count} waiting callers heard their place in the lobby again.`,
		'meeting.story.joinedPhone': '{who} dialed in and joined the meeting.',
		'meeting.story.joinedLeader': '{who} dialed in with the leader PIN and joined.',
		'meeting.story.joinedClient': '{who} joined from the client.',
		'meeting.story.startedPin': '{who} entered the leader PIN: the meeting started',
		'meeting.story.startedClient':
			'{who} joined from the client, signed in: the meeting started without a PIN',
		'meeting.story.startedPstn':
			'{who} dialed in and, as PSTN-only meetings are allowed, the meeting started',
		'meeting.story.andAdmitted': (p) =>
			`and ${callers(true)(p)} ${Number(p.count) === 1 ? 'was' : 'were'} admitted.`,
		'meeting.story.admittedAll': (p) => `${p.who} admitted the lobby: ${callers(true)(p)} joined.`,
		'meeting.story.admittedOne': '{by} admitted {who} from the lobby.',
		'meeting.story.declined': '{by} declined {who}: the call ended with "The organizer did not let you in".',
		'meeting.story.leftLobby': '{who} hung up while waiting in the lobby.',
		'meeting.story.lobbyTimeout': (p) =>
			`${callers(true)(p)} waited too long and ${Number(p.count) === 1 ? 'was' : 'were'} disconnected from the lobby.`,
		'meeting.story.lobbyEnded': (p) =>
			`The meeting ended; ${callers(true)(p)} in the lobby ${Number(p.count) === 1 ? 'was' : 'were'} disconnected.`,
		'meeting.story.left': '{who} left the meeting.',
		'meeting.story.muted': '{who} muted themself (*6).',
		'meeting.story.unmuted': '{who} unmuted (*6).',
		'meeting.story.locked': '{who} locked the meeting (*7): new callers wait in the lobby.',
		'meeting.story.unlocked': '{who} unlocked the meeting (*7).',
		'meeting.story.help': '{who} heard the keypad commands (*1).',
		'meeting.story.handRaised': '{who} raised a hand (*5).',
		'meeting.story.handLowered': '{who} lowered a hand (*5).',
		'meeting.story.audienceMuted': (p) =>
			`${p.who} muted everyone else (*22): ${Number(p.count) === 1 ? '1 participant was' : `${p.count} participants were`} muted.`,
		'meeting.story.announcementsOn': '{who} turned entry and exit announcements on (*23).',
		'meeting.story.announcementsOff': '{who} turned entry and exit announcements off (*23).',
		'meeting.story.ended.last-participant-left': 'The last participant left: the meeting ended.',
		'meeting.story.ended.lobby-timeout': 'Nobody started the meeting in time: it ended.',
		'meeting.story.ended.max-length': 'The meeting reached its 30-hour limit and ended.',
		'meeting.story.ended.roster-unchanged': 'Nobody joined or left for 24 hours: the meeting ended.',
		'meeting.story.ended.callers-only': 'Only callers were left, and their time ran out: the meeting ended.',
		'meeting.story.ended.verified-left':
			'Nobody signed in or leading had been in the meeting for 90 minutes: it ended.',
		'meeting.story.ended.ended-by-admin': 'An administrator ended the meeting.',
		'meeting.story.ended.ended-by-simulator': 'The simulator ended the meeting.'
	},
	{
		'meetingView.title': '{organizer}s möte',
		'meetingView.loading': 'Läser in mötet…',
		'meetingView.notFound': 'Mötet hittades inte',
		'meetingView.backToDashboard': 'Tillbaka till översikten',
		'meetingView.conference': 'Konferens-ID {conferenceId}',
		'meetingView.status.waiting': 'Väntar på ledaren',
		'meetingView.status.in-progress': 'Pågår',
		'meetingView.status.ended': 'Avslutat',
		'meetingView.locked': 'Låst',
		'meetingView.open': 'Öppna det här mötet',
		'meetingView.presenter': 'Presentationsläge',
		'meetingView.softphone': 'Mjukvarutelefon för mötet',
		'meetingView.clientJoin': 'Anslut från klienten',
		'meetingView.addCaller': 'Lägg till en simulerad uppringare',
		'meetingView.dialOrganizer': 'Ring in som organisatör',
		'meetingView.pin': 'Ledar-PIN',
		'meetingView.dialWithPin': 'Ring in med den här PIN-koden',
		'meetingView.lobby': 'Väntrum',
		'meetingView.lobbyEmpty': 'Ingen väntar.',
		'meetingView.admit': 'Släpp in',
		'meetingView.admitNamed': 'Släpp in {who}',
		'meetingView.decline': 'Neka',
		'meetingView.declineNamed': 'Neka {who}',
		'meetingView.admitAll': 'Släpp in alla',
		'meetingView.options': 'Mötesalternativ',
		'meetingView.optionsOwn': 'Ditt val för det här mötet, över mötesprincipen.',
		'meetingView.optionsPolicyBypass': 'Som mötesprincipen säger: den som ringer in går förbi väntrummet.',
		'meetingView.optionsPolicyAdmit': 'Som mötesprincipen säger: den som ringer in väntar på att släppas in.',
		'meetingView.optionsReset': 'Tillbaka till mötesprincipen',
		'meetingView.why': 'Varför väntar den som ringer?',
		'meeting.wait.gate.not-started':
			'Mötet har inte startat, och den som ringer in kan inte starta det (S5, S11).',
		'meeting.wait.gate.locked': 'Mötet pågår, men ledaren har låst det (*7), så den som kommer sent väntar.',
		'meeting.wait.gate.admission-required':
			'Mötet pågår, men mötesprincipen låter den som ringer in vänta tills någon släpper in hen (AllowPSTNUsersToBypassLobby är av).',
		'meeting.wait.atStart.admitted': 'När mötet startar släpps hen in.',
		'meeting.wait.atStart.bypassWaits':
			'När mötet startar släpps hen in: att låta uppringare gå förbi väntrummet startar inte mötet.',
		'meeting.wait.atStart.waits':
			'Även när mötet startat väntar hen tills någon släpper in hen (AllowPSTNUsersToBypassLobby är av).',
		'meeting.story.policyClassic':
			'Mötesprincipen ändrades till det klassiska väntrummet: uppringare släpps in när mötet startar.',
		'meeting.story.policyTeamsBypass':
			'Mötesprincipen ändrades till Teams väntrum, där uppringare går förbi väntrummet när mötet har startat.',
		'meeting.story.policyTeamsAdmit':
			'Mötesprincipen ändrades till Teams väntrum, där uppringare väntar tills någon släpper in dem.',
		'meeting.wait.gate.not-admitted':
			'Mötet pågår och nya uppringare går direkt in, men den här kom medan mötet var låst eller principen lät uppringare vänta: att låsa upp eller ändra principen släpper inte in den som redan väntar.',
		'meeting.wait.remedy.organizer-pin': 'organisatören ringer in med ledar-PIN (S2)',
		'meeting.wait.remedy.client-join': 'en inloggad användare ansluter från klienten (S4)',
		'meeting.wait.remedy.leader-admits': 'ledaren släpper in hen (*8, *21 eller Släpp in)',
		'meeting.wait.or': ' eller ',
		'meeting.wait.letsIn': 'Släpps in när: {remedies}.',
		'meeting.wait.startThenAdmit':
			'Mötet startar när: {remedies}; sedan släpper ledaren in hen (*8, *21 eller Släpp in).',
		'meeting.wait.timesOut': 'Väntrummets tidsgräns skickar bort hen om {time}.',
		'meetingView.music': 'Hör väntmusik',
		'meetingView.waiting': 'väntar {time}',
		'meetingView.meeting': 'Möte',
		'meetingView.waitingForLeader': 'Mötet har inte startat: uppringare väntar tills ledaren ansluter (S5).',
		'meetingView.via.phone': 'Telefon',
		'meetingView.via.client': 'Klient',
		'meetingView.leader': 'Ledare',
		'meetingView.muted': 'Avstängd mikrofon',
		'meetingView.handRaised': 'Uppräckt hand',
		'meetingView.timeline': 'Vad som hände',
		'meetingView.replay': 'Uppspelning',
		'meetingView.replayLead':
			'Spela upp mötet från dess händelser, i valfri hastighet; dra i reglaget för att spola.',
		'meetingView.replayStart': 'Spela upp från början',
		'meetingView.play': 'Spela',
		'meetingView.pause': 'Pausa',
		'meetingView.replayPosition': 'Uppspelningsposition',
		'meetingView.replayTime': 'Uppspelningstid',
		'meetingView.replaySpeed': 'Uppspelningshastighet',
		'meetingView.backToLive': 'Tillbaka till live',
		'meetingView.previousEvent': 'Föregående händelse',
		'meetingView.nextEvent': 'Nästa händelse',
		'meetings.title': 'Möten',
		'meetings.lead':
			'Pågående och tidigare möten, nyast först. Öppna ett för att följa det live eller spela upp det.',
		'meetings.empty': 'Inga möten ännu.',
		'meetings.organizer': 'Organisatör',
		'meetings.conference': 'Konferens-ID',
		'meetings.status': 'Läge',
		'meetings.opened': 'Öppnat',
		'meetings.participants': 'Deltagare',
		'meeting.someone': 'någon',
		'meeting.story.opened':
			'{organizer}s möte (konferens-ID {conferenceId}) öppnades och väntar på sin ledare.',
		'meeting.story.lobby': '{who} ringde in och väntar i väntrummet; musik spelas.',
		'meeting.story.optionsBypass':
			'Organisatören ändrade mötesalternativen: den som ringer in går förbi väntrummet när mötet har startat.',
		'meeting.story.optionsAdmit':
			'Organisatören ändrade mötesalternativen: den som ringer in väntar i väntrummet tills någon släpper in dem.',
		'meeting.story.optionsPolicy': 'Organisatören återställde mötesalternativen till mötesprincipen.',
		'meeting.story.optionsWho':
			'Organisatören ändrade mötesalternativen: vem som kan gå förbi väntrummet är {who}.',
		'meeting.story.lobbyAt': '{who} ringde in och väntar i väntrummet som nummer {position}; musik spelas.',
		'meeting.story.positions': (p) =>
			Number(p.count) === 1
				? 'En väntande uppringare fick höra sin plats i väntrummet igen.'
				: `${p.count} väntande uppringare fick höra sin plats i väntrummet igen.`,
		'meeting.story.joinedPhone': '{who} ringde in och anslöt till mötet.',
		'meeting.story.joinedLeader': '{who} ringde in med ledar-PIN och anslöt.',
		'meeting.story.joinedClient': '{who} anslöt från klienten.',
		'meeting.story.startedPin': '{who} angav ledar-PIN: mötet startade',
		'meeting.story.startedClient': '{who} anslöt inloggad från klienten: mötet startade utan PIN',
		'meeting.story.startedPstn': '{who} ringde in och eftersom PSTN-möten är tillåtna startade mötet',
		'meeting.story.andAdmitted': (p) => `och ${callers(false)(p)} släpptes in.`,
		'meeting.story.admittedAll': (p) => `${p.who} släppte in väntrummet: ${callers(false)(p)} anslöt.`,
		'meeting.story.admittedOne': '{by} släppte in {who} från väntrummet.',
		'meeting.story.declined':
			'{by} nekade {who}: samtalet avslutades med "Organisatören släppte inte in dig".',
		'meeting.story.leftLobby': '{who} lade på medan hen väntade i väntrummet.',
		'meeting.story.lobbyTimeout': (p) =>
			`${callers(false)(p)} väntade för länge och kopplades bort från väntrummet.`,
		'meeting.story.lobbyEnded': (p) => `Mötet avslutades; ${callers(false)(p)} i väntrummet kopplades bort.`,
		'meeting.story.left': '{who} lämnade mötet.',
		'meeting.story.muted': '{who} stängde av sin mikrofon (*6).',
		'meeting.story.unmuted': '{who} slog på sin mikrofon (*6).',
		'meeting.story.locked': '{who} låste mötet (*7): nya uppringare väntar i väntrummet.',
		'meeting.story.unlocked': '{who} låste upp mötet (*7).',
		'meeting.story.help': '{who} hörde knappsatskommandona (*1).',
		'meeting.story.handRaised': '{who} räckte upp handen (*5).',
		'meeting.story.handLowered': '{who} tog ner handen (*5).',
		'meeting.story.audienceMuted': (p) =>
			`${p.who} stängde av mikrofonen för alla andra (*22): ${Number(p.count) === 1 ? '1 deltagare' : `${p.count} deltagare`}.`,
		'meeting.story.announcementsOn': '{who} slog på meddelanden vid anslutning och avslut (*23).',
		'meeting.story.announcementsOff': '{who} stängde av meddelanden vid anslutning och avslut (*23).',
		'meeting.story.ended.last-participant-left': 'Den sista deltagaren lämnade: mötet avslutades.',
		'meeting.story.ended.lobby-timeout': 'Ingen startade mötet i tid: det avslutades.',
		'meeting.story.ended.max-length': 'Mötet nådde sin gräns på 30 timmar och avslutades.',
		'meeting.story.ended.roster-unchanged': 'Ingen anslöt eller lämnade på 24 timmar: mötet avslutades.',
		'meeting.story.ended.callers-only': 'Bara uppringare var kvar, och deras tid tog slut: mötet avslutades.',
		'meeting.story.ended.verified-left':
			'Ingen inloggad eller ledare hade varit i mötet på 90 minuter: det avslutades.',
		'meeting.story.ended.ended-by-admin': 'En administratör avslutade mötet.',
		'meeting.story.ended.ended-by-simulator': 'Simulatorn avslutade mötet.'
	}
);
