import { catalog, type Params } from '../catalog';

const count = (p: Params) => Number(p.n ?? 0);

/** "Amos Marble's meeting" / "Amos Marbles möte" (a Swedish name ending in s, x or z takes no extra s). */
const meetingOfEn = (p: Params) => `${String(p.organizer)}’s meeting`;
const meetingOfSv = (p: Params) => {
	const name = String(p.organizer);
	return /[sxz]$/i.test(name) ? `${name} möte` : `${name}s möte`;
};

/** Texts of the dashboard pages; keys start with "dashboard.". */
export const dashboard = catalog(
	{
		'dashboard.title': 'Dashboard',
		'dashboard.lead': 'Every live meeting, its lobby and how long callers have waited, as it happens.',
		'dashboard.connection': 'Live updates',
		'dashboard.connection.connecting': 'Connecting…',
		'dashboard.connection.connected': 'Connected: updates arrive live',
		'dashboard.connection.reconnecting':
			'Connection lost: reconnecting… (the figures below may be out of date)',
		'dashboard.problem': 'The server refused the live view: {message}',

		'dashboard.totals': 'Right now',
		'dashboard.totals.waiting': 'Meetings waiting',
		'dashboard.totals.lobby': 'Callers in lobbies',
		'dashboard.totals.longestWait': 'Longest wait',
		'dashboard.totals.live': 'Live meetings',
		'dashboard.totals.participants': 'Participants',
		'dashboard.wait.none': '—',

		'dashboard.alert.summary': (p) =>
			count(p) === 1
				? `1 meeting has a caller who has waited longer than ${String(p.threshold)} min.`
				: `${count(p)} meetings have callers who have waited longer than ${String(p.threshold)} min.`,
		'dashboard.alert.worst': 'Longest wait:',
		'dashboard.alert.meetingOf': meetingOfEn,
		'dashboard.threshold.label': 'Alert after (minutes)',
		'dashboard.threshold.hint': 'Warn when a caller has waited longer than this. Remembered in this browser.',
		'dashboard.threshold.invalid': 'Enter a number of minutes from 0.1 to 1440.',

		'dashboard.chart.title': 'Lobby callers over time',
		'dashboard.chart.span': 'Time span',
		'dashboard.chart.minutes': '{n} min',
		'dashboard.chart.label': (p) =>
			count(p) === 1
				? 'Line chart of lobby callers over the last minute'
				: `Line chart of lobby callers over the last ${count(p)} minutes`,
		'dashboard.chart.summary':
			'Now {current}, at most {peak} and on average {average} over the last {minutes} min.',
		'dashboard.chart.noData': 'No samples yet: the chart fills in once a second while connected.',
		'dashboard.chart.now': 'now',
		'dashboard.chart.ago': '−{n} min',

		'dashboard.histogram.title': 'Wait-time distribution',
		'dashboard.histogram.caption': 'Each lobby’s longest-waiting caller, by how long they have waited.',
		'dashboard.histogram.label': 'Bar chart of wait times: {bars}',
		'dashboard.histogram.empty': 'Nobody is waiting in a lobby right now.',
		'dashboard.histogram.meetings': (p) => (count(p) === 1 ? '1 meeting' : `${count(p)} meetings`),
		'dashboard.bucket.0': 'under 30 s',
		'dashboard.bucket.1': '30 s–1 min',
		'dashboard.bucket.2': '1–2 min',
		'dashboard.bucket.3': '2–5 min',
		'dashboard.bucket.4': '5–10 min',
		'dashboard.bucket.5': 'over 10 min',

		'dashboard.list.title': 'Meetings',
		'dashboard.list.count': 'Showing {shown} of {total}',
		'dashboard.filter.label': 'Filter by organizer or conference ID',
		'dashboard.show.label': 'Show',
		'dashboard.show.all': 'All meetings',
		'dashboard.show.lobby': 'With callers in the lobby',
		'dashboard.show.waiting': 'Waiting for the leader',
		'dashboard.show.in-progress': 'In progress',
		'dashboard.show.over': 'Over the alert threshold',
		'dashboard.column.organizer': 'Organizer',
		'dashboard.column.conferenceId': 'Conference ID',
		'dashboard.column.status': 'State',
		'dashboard.column.lobby': 'Lobby',
		'dashboard.column.wait': 'Longest wait',
		'dashboard.column.participants': 'Participants',
		'dashboard.column.locked': 'Locked',
		'dashboard.column.owner': 'Server',
		'dashboard.owner.alone': 'this one',
		'dashboard.servers': (p) =>
			Number(p.count) === 1 ? `1 server running: ${p.names}` : `${p.count} servers running: ${p.names}`,
		'dashboard.status.waiting': 'Waiting for leader',
		'dashboard.status.in-progress': 'In progress',
		'dashboard.status.ended': 'Ended',
		'dashboard.locked.yes': 'Locked',
		'dashboard.locked.no': 'No',
		'dashboard.row.over': 'Over the alert threshold:',
		'dashboard.empty.before': 'No live meetings yet — dial in from the ',
		'dashboard.empty.phone': 'Phone page',
		'dashboard.empty.middle': ' or ',
		'dashboard.empty.scenario': 'run a scenario',
		'dashboard.empty.after': '.',
		'dashboard.noMatch': 'No meetings match the filter.'
	},
	{
		'dashboard.title': 'Översikt',
		'dashboard.lead':
			'Alla aktiva möten, deras väntrum och hur länge uppringarna har väntat – medan det händer.',
		'dashboard.connection': 'Liveuppdateringar',
		'dashboard.connection.connecting': 'Ansluter…',
		'dashboard.connection.connected': 'Ansluten: uppdateringarna kommer direkt',
		'dashboard.connection.reconnecting':
			'Anslutningen bröts: ansluter igen… (siffrorna nedan kan vara inaktuella)',
		'dashboard.problem': 'Servern nekade liveöversikten: {message}',

		'dashboard.totals': 'Just nu',
		'dashboard.totals.waiting': 'Möten som väntar',
		'dashboard.totals.lobby': 'Uppringare i väntrum',
		'dashboard.totals.longestWait': 'Längsta väntetid',
		'dashboard.totals.live': 'Aktiva möten',
		'dashboard.totals.participants': 'Deltagare',
		'dashboard.wait.none': '—',

		'dashboard.alert.summary': (p) =>
			count(p) === 1
				? `1 möte har en uppringare som har väntat längre än ${String(p.threshold)} min.`
				: `${count(p)} möten har uppringare som har väntat längre än ${String(p.threshold)} min.`,
		'dashboard.alert.worst': 'Längsta väntetiden:',
		'dashboard.alert.meetingOf': meetingOfSv,
		'dashboard.threshold.label': 'Larma efter (minuter)',
		'dashboard.threshold.hint':
			'Varna när en uppringare har väntat längre än så. Sparas i den här webbläsaren.',
		'dashboard.threshold.invalid': 'Ange ett antal minuter mellan 0,1 och 1440.',

		'dashboard.chart.title': 'Uppringare i väntrum över tid',
		'dashboard.chart.span': 'Tidsperiod',
		'dashboard.chart.minutes': '{n} min',
		'dashboard.chart.label': (p) =>
			count(p) === 1
				? 'Linjediagram över uppringare i väntrum den senaste minuten'
				: `Linjediagram över uppringare i väntrum de senaste ${count(p)} minuterna`,
		'dashboard.chart.summary':
			'Nu {current}, som mest {peak} och i snitt {average} de senaste {minutes} min.',
		'dashboard.chart.noData': 'Inga mätvärden än: diagrammet fylls på varje sekund medan du är ansluten.',
		'dashboard.chart.now': 'nu',
		'dashboard.chart.ago': '−{n} min',

		'dashboard.histogram.title': 'Fördelning av väntetider',
		'dashboard.histogram.caption':
			'Varje väntrums längst väntande uppringare, efter hur länge hen har väntat.',
		'dashboard.histogram.label': 'Stapeldiagram över väntetider: {bars}',
		'dashboard.histogram.empty': 'Ingen väntar i något väntrum just nu.',
		'dashboard.histogram.meetings': (p) => (count(p) === 1 ? '1 möte' : `${count(p)} möten`),
		'dashboard.bucket.0': 'under 30 s',
		'dashboard.bucket.1': '30 s–1 min',
		'dashboard.bucket.2': '1–2 min',
		'dashboard.bucket.3': '2–5 min',
		'dashboard.bucket.4': '5–10 min',
		'dashboard.bucket.5': 'över 10 min',

		'dashboard.list.title': 'Möten',
		'dashboard.list.count': 'Visar {shown} av {total}',
		'dashboard.filter.label': 'Filtrera på organisatör eller konferens-ID',
		'dashboard.show.label': 'Visa',
		'dashboard.show.all': 'Alla möten',
		'dashboard.show.lobby': 'Med uppringare i väntrummet',
		'dashboard.show.waiting': 'Väntar på ledaren',
		'dashboard.show.in-progress': 'Pågår',
		'dashboard.show.over': 'Över larmgränsen',
		'dashboard.column.organizer': 'Organisatör',
		'dashboard.column.conferenceId': 'Konferens-ID',
		'dashboard.column.status': 'Läge',
		'dashboard.column.lobby': 'Väntrum',
		'dashboard.column.wait': 'Längsta väntetid',
		'dashboard.column.participants': 'Deltagare',
		'dashboard.column.locked': 'Låst',
		'dashboard.column.owner': 'Server',
		'dashboard.owner.alone': 'den här',
		'dashboard.servers': (p) =>
			Number(p.count) === 1 ? `1 server igång: ${p.names}` : `${p.count} servrar igång: ${p.names}`,
		'dashboard.status.waiting': 'Väntar på ledare',
		'dashboard.status.in-progress': 'Pågår',
		'dashboard.status.ended': 'Avslutat',
		'dashboard.locked.yes': 'Låst',
		'dashboard.locked.no': 'Nej',
		'dashboard.row.over': 'Över larmgränsen:',
		'dashboard.empty.before': 'Inga aktiva möten än — ring in från ',
		'dashboard.empty.phone': 'sidan Telefon',
		'dashboard.empty.middle': ' eller ',
		'dashboard.empty.scenario': 'kör ett scenario',
		'dashboard.empty.after': '.',
		'dashboard.noMatch': 'Inga möten matchar filtret.'
	}
);
