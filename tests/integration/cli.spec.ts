/**
 * The `lobby` command as a process against a real server, with PIN emails delivered over SMTP to a
 * real server on loopback: the article's two commands (S15, S16) as written, the new PIN working by
 * phone and the old one not, masking, PowerShell's conventions, and every rule of the cmdlets.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, must, nextCallState, type Client } from '../helpers/clients';
import { TEST_ADMIN_PASSWORD, TEST_USER_PASSWORD } from '../helpers/directory';
import { lobby, loggedIn } from '../helpers/lobby-cli';
import { serverPerSuite } from '../helpers/suite-server';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';

const AMOS_CONFERENCE = '4410273';
const AMOS_OLD_PIN = '48213';
const ASTRID_CONFERENCE = '6390518';

describe('the lobby command against a running server', () => {
	let smtp: SmtpSink;
	let home: string;
	const sockets: Client[] = [];
	/** The environment of an administrator who ran `lobby login`. */
	let admin: Record<string, string>;
	/** The environment of a user (Amos himself) who ran `lobby login`. */
	let user: Record<string, string>;

	// The mail server first: the Lobby server is told where it is when it starts.
	beforeAll(async () => {
		home = mkdtempSync(join(tmpdir(), 'lobby-cli-'));
		smtp = await startSmtpSink();
	});
	afterAll(async () => {
		await smtp?.close();
		rmSync(home, { recursive: true, force: true });
	});

	const suite = serverPerSuite({
		directory: {
			pins: { 'amos.marble@contoso.com': AMOS_OLD_PIN }
		},
		env: () => ({ SMTP_URL: smtp.url })
	});

	beforeAll(async () => {
		admin = await loggedIn(suite.server.url, home, 'admin@contoso.com', TEST_ADMIN_PASSWORD);
		user = await loggedIn(suite.server.url, home, 'amos.marble@contoso.com', TEST_USER_PASSWORD);
	});

	afterAll(async () => {
		for (const s of sockets) s.disconnect();
	});

	/** Dials Amos's meeting as the organizer and enters `pin`; answers the call's state after `#`. */
	async function organizerDialsIn(pin: string) {
		const phone = await connect(suite.server.url);
		sockets.push(phone);
		await must(
			phone.emitWithAck('call:dial', { phoneNumber: '+46 70 111 22 33', keys: `${AMOS_CONFERENCE}#*` })
		);
		const { call } = await must(phone.emitWithAck('call:keys', { keys: `${pin}#` }));
		await must(phone.emitWithAck('call:hangup'));
		return call;
	}

	it('saves the login token for its owner only, and refuses a wrong password without saving', async () => {
		const file = admin.LOBBY_CREDENTIALS!;
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
			url: suite.server.url,
			email: 'admin@contoso.com'
		});

		const elsewhere = join(home, 'wrong', 'credentials.json');
		const wrong = await lobby(['login', '--user', 'admin@contoso.com', '--password-stdin'], {
			env: { LOBBY_URL: suite.server.url, LOBBY_CREDENTIALS: elsewhere },
			input: 'not-the-password'
		});
		expect(wrong.code).toBe(1);
		expect(wrong.stderr).toContain('do not match');
		expect(() => statSync(elsewhere)).toThrow();
	});

	it('refuses a saved token file that others can read', async () => {
		const copy = join(home, 'loose.json');
		writeFileSync(copy, readFileSync(admin.LOBBY_CREDENTIALS!));
		chmodSync(copy, 0o644);
		const result = await lobby(['Get-CsOnlineDialInConferencingTenantSettings'], {
			env: { LOBBY_URL: suite.server.url, LOBBY_CREDENTIALS: copy }
		});
		expect(result.code).toBe(1);
		expect(result.stderr).toContain('chmod 600');
	});

	it('S16: the article’s reset with the full address prints the new PIN once; it works by phone and the old one does not', async () => {
		const result = await lobby(
			['Set-CsOnlineDialInConferencingUser', '-Identity', 'amos.marble@contoso.com', '-ResetLeaderPIN'],
			{ env: admin }
		);
		expect(result, result.stderr).toMatchObject({ code: 0 });
		const lines = result.stdout.match(/^New leader PIN \(shown once\): (\d+)$/gm) ?? [];
		expect(lines).toHaveLength(1);
		const pin = /(\d+)$/.exec(lines[0]!)![1]!;
		expect(pin).toHaveLength(5);
		expect(pin).not.toBe(AMOS_OLD_PIN);

		expect(await organizerDialsIn(AMOS_OLD_PIN)).toMatchObject({ phase: 'ivr', prompt: { id: 'pin-wrong' } });
		expect(await organizerDialsIn(pin)).toMatchObject({ phase: 'in-meeting', isLeader: true });
	});

	it('S15: the article’s reset with the alias, en dashes and -SendEmailToAddress mails the new PIN to that address', async () => {
		const result = await lobby(
			[
				'Set-CsOnlineDialInConferencingUser',
				'–Identity',
				'amos.marble',
				'–ResetLeaderPIN',
				'–SendEmail',
				'–SendEmailToAddress',
				'amos@contoso.com'
			],
			{ env: admin }
		);
		expect(result, result.stderr).toMatchObject({ code: 0 });
		const pin = /^New leader PIN \(shown once\): (\d+)$/m.exec(result.stdout)![1]!;
		expect(result.stdout).toContain('Email: sent to amos@contoso.com.');
		await expect
			.poll(() => smtp.received.some((m) => m.to.includes('amos@contoso.com')), { timeout: 10_000 })
			.toBe(true);
		const mail = smtp.received.find((m) => m.to.includes('amos@contoso.com'))!;
		expect(mail.text).toContain(pin);
		expect(await organizerDialsIn(pin)).toMatchObject({ phase: 'in-meeting', isLeader: true });
	});

	it('Get-CsOnlineDialInConferencingUser shows the PIN masked, in list and JSON form', async () => {
		const list = await lobby(['get-csonlinedialinconferencinguser', '-identity', 'amos.marble'], {
			env: admin
		});
		expect(list, list.stderr).toMatchObject({ code: 0 });
		expect(list.stdout).toMatch(/^Identity\s+: amos\.marble@contoso\.com$/m);
		expect(list.stdout).toMatch(/^ConferenceId\s+: 4410273$/m);
		expect(list.stdout).toMatch(/^LeaderPin\s+: \*\*\*\*\*$/m);
		expect(list.stdout).not.toMatch(/LeaderPin\s+: \d/);

		const json = await lobby(['Get-CsOnlineDialInConferencingUser', 'amos.marble', '--json'], { env: admin });
		expect(JSON.parse(json.stdout)).toMatchObject({ email: 'amos.marble@contoso.com', leaderPin: '*****' });

		const all = await lobby(['Get-CsOnlineDialInConferencingUser', '-ResultSize', '2'], { env: admin });
		expect(all.stdout.match(/^Identity\s+:/gm)).toHaveLength(2);
	});

	it('a user’s token is refused a reset, even of their own PIN, and the refusal is audited', async () => {
		const result = await lobby(
			['Set-CsOnlineDialInConferencingUser', '-Identity', 'amos.marble', '-ResetLeaderPIN'],
			{
				env: user
			}
		);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain('Only administrators');
		expect(result.stdout).not.toContain('New leader PIN');

		const audit = await lobby(['Get-CsOnlineDialInConferencingUser', '-Identity', 'amos.marble'], {
			env: user
		});
		expect(audit.code).toBe(1);

		const token = readCredentials(admin).token;
		const entries = await api<{
			entries: { action: string; outcome: string; actorEmail: string; path: string }[];
		}>(token, '/audit?action=dial-in.reset-leader-pin');
		expect(entries.entries).toContainEqual(
			expect.objectContaining({ outcome: 'denied', actorEmail: 'amos.marble@contoso.com', path: 'cli' })
		);
	});

	it('enforces the rules before anything changes, with exit code 2', async () => {
		const before = await resets();
		const s15 = await lobby(
			[
				'Set-CsOnlineDialInConferencingUser',
				'-Identity',
				'amos.marble',
				'-ResetLeaderPIN',
				'-SendEmailToAddress',
				'a@contoso.com'
			],
			{ env: admin }
		);
		expect(s15.code).toBe(2);
		expect(s15.stderr).toContain('only valid together with -SendEmail (S15)');

		const short = await lobby(['Set-CsOnlineDialInConferencingTenantSettings', '-PinLength', '3'], {
			env: admin
		});
		expect(short.code).toBe(2);
		expect(short.stderr).toMatch(/4 and 12/);
		expect(await resets()).toBe(before);
		const settings = await lobby(['Get-CsOnlineDialInConferencingTenantSettings'], { env: admin });
		expect(settings.stdout).toMatch(/^PinLength\s+: 5$/m);
	});

	it('answers "did you mean" for an unknown cmdlet or parameter, and shows how to quote a missing boolean', async () => {
		const cmdlet = await lobby(['Get-CsOnlineDialInConferencingUsr'], { env: admin });
		expect(cmdlet.code).toBe(2);
		expect(cmdlet.stderr).toContain('Did you mean Get-CsOnlineDialInConferencingUser?');

		const command = await lobby(['scenaro', 'run', 'scenarios/']);
		expect(command.code).toBe(2);
		expect(command.stderr).toContain('Unknown command "scenaro". Did you mean scenario?');

		const param = await lobby(
			['Set-CsOnlineDialInConferencingUser', '-Identity', 'amos.marble', '-ResetLeaderPn'],
			{
				env: admin
			}
		);
		expect(param.code).toBe(2);
		expect(param.stderr).toContain('Did you mean -ResetLeaderPIN?');

		// What a POSIX shell passes for an unquoted $true: nothing.
		const missing = await lobby(
			['Set-CsOnlineDialInConferencingUser', '-Identity', 'megan.bowen', '-AllowPSTNOnlyMeetings'],
			{
				env: admin
			}
		);
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain("'$true'");
	});

	it('takes booleans as $true, true and :$false, shortened names, and changes the setting', async () => {
		const on = await lobby(
			['Set-CsOnlineDialInConferencingUser', '-Ident', 'diego.siciliani', '-AllowPSTN', '$true'],
			{
				env: admin
			}
		);
		// Diego is in the directory but not enabled: the setting is his all the same.
		expect(on, on.stderr).toMatchObject({ code: 0 });
		expect(on.stdout).toContain('AllowPstnOnlyMeetings is now True');
		const off = await lobby(
			['Set-CsOnlineDialInConferencingUser', 'diego.siciliani', '-AllowPSTNOnlyMeetings:$false'],
			{
				env: admin
			}
		);
		expect(off.stdout).toContain('AllowPstnOnlyMeetings is now False');

		const pinLength = await lobby(
			[
				'Set-CsOnlineDialInConferencingTenantSettings',
				'-PinLength',
				'6',
				'-AutomaticallySendEmailsToUsers',
				'false'
			],
			{
				env: admin
			}
		);
		expect(pinLength, pinLength.stderr).toMatchObject({ code: 0 });
		expect(pinLength.stdout).toMatch(/^PinLength\s+: 6$/m);
		expect(pinLength.stdout).toMatch(/^AutomaticallySendEmailsToUsers\s+: False$/m);
		// S13: new PINs get the new length.
		const reset = await lobby(
			['Set-CsOnlineDialInConferencingUser', '-Identity', 'astrid.lindqvist', '-ResetLeaderPIN'],
			{
				env: admin
			}
		);
		expect(reset.stdout).toMatch(/^New leader PIN \(shown once\): \d{6}$/m);
		expect(reset.stdout).toContain('Email: none (email is off).');
		await lobby(
			[
				'Set-CsOnlineDialInConferencingTenantSettings',
				'-PinLength',
				'5',
				'-AutomaticallySendEmailsToUsers',
				'$true'
			],
			{
				env: admin
			}
		);
	});

	it('explains each cmdlet with -? and lists them with --help', async () => {
		const help = await lobby(['--help']);
		expect(help.code).toBe(0);
		expect(help.stdout).toContain('Set-CsOnlineDialInConferencingTenantSettings');
		const cmdlet = await lobby(['Set-CsOnlineDialInConferencingUser', '-?']);
		expect(cmdlet.code).toBe(0);
		expect(cmdlet.stdout).toContain('-SendEmailToAddress');
		expect(cmdlet.stdout).toContain('amos@contoso.com');
	});

	it('lobby meeting: explains why each caller waits, and the organizer in his meeting admits and declines; anyone else is refused', async () => {
		const astrid = await loggedIn(suite.server.url, home, 'astrid.lindqvist@contoso.com', TEST_USER_PASSWORD);
		/** A caller in Astrid's lobby: its socket and participant id. */
		const waitingCaller = async (phoneNumber: string) => {
			const phone = await connect(suite.server.url);
			sockets.push(phone);
			const dialed = await must(
				phone.emitWithAck('call:dial', { phoneNumber, keys: `${ASTRID_CONFERENCE}##` })
			);
			expect(dialed.call.phase).toBe('lobby');
			return { phone, id: dialed.callId };
		};

		const early = await waitingCaller('+46 70 500 00 01');
		const before = await lobby(['meeting', 'explain', ASTRID_CONFERENCE], { env: user });
		expect(before, before.stderr).toMatchObject({ code: 0 });
		expect(before.stdout).toContain(`Meeting ${ASTRID_CONFERENCE} (waiting): 1 waiting in the lobby.`);
		// Numbers masked as the tenant says (MaskedForExternalUsers), as in the meeting view.
		expect(before.stdout).toContain(`1. +46 7• ••• •• 01  ${early.id}  waiting 0:0`);
		expect(before.stdout).toContain('[not-started]');
		expect(before.stdout).toContain('The meeting has not started, and a caller cannot start it (S5, S11).');

		// Astrid dials in with her PIN, fresh from a reset (the early caller is admitted, S10), and
		// locks the meeting.
		const reset = await lobby(
			['Set-CsOnlineDialInConferencingUser', '-Identity', 'astrid.lindqvist', '-ResetLeaderPIN'],
			{ env: admin }
		);
		const pin = /^New leader PIN \(shown once\): (\d+)$/m.exec(reset.stdout)?.[1];
		expect(pin, reset.stderr).toBeDefined();
		const leader = await connect(suite.server.url);
		sockets.push(leader);
		await must(
			leader.emitWithAck('call:dial', { phoneNumber: '+46 70 500 00 09', keys: `${ASTRID_CONFERENCE}#*` })
		);
		const led = await must(leader.emitWithAck('call:keys', { keys: `${pin}#` }));
		expect(led.call.phase).toBe('in-meeting');
		await must(leader.emitWithAck('call:keys', { keys: '*7' }));
		const first = await waitingCaller('+46 70 500 00 02');
		const second = await waitingCaller('+46 70 500 00 03');

		const locked = await lobby(['meeting', 'explain', ASTRID_CONFERENCE, '--json'], { env: astrid });
		const explained = JSON.parse(locked.stdout) as { lobby: { participantId: string; gate: string }[] };
		expect(explained.lobby.map((c) => [c.participantId, c.gate])).toEqual([
			[first.id, 'locked'],
			[second.id, 'locked']
		]);

		// Amos is not the organizer of this meeting: refused by the server, nothing changes.
		const refused = await lobby(['meeting', 'admit', ASTRID_CONFERENCE], { env: user });
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain('Only the organizer, Astrid Lindqvist, can admit callers');
		expect(refused.stderr).toContain('403 forbidden');

		const declinedPush = nextCallState(first.phone, (view) => view.phase === 'disconnected');
		const declined = await lobby(['meeting', 'decline', ASTRID_CONFERENCE, first.id], { env: astrid });
		expect(declined, declined.stderr).toMatchObject({ code: 0 });
		expect(declined.stdout).toContain(`Declined ${first.id}.`);
		expect(declined.stdout).toContain('1 waiting in the lobby.');
		expect(await declinedPush).toMatchObject({ reason: 'declined', prompt: { id: 'declined' } });

		const admitted = await lobby(['meeting', 'admit', ASTRID_CONFERENCE], { env: astrid });
		expect(admitted.stdout).toContain('Admitted the lobby.');
		expect(admitted.stdout).toContain('0 waiting in the lobby.');

		const usage = await lobby(['meeting', 'decline', ASTRID_CONFERENCE], { env: astrid });
		expect(usage.code).toBe(2);
		expect(usage.stderr).toContain('lobby meeting decline CONFERENCE_ID PARTICIPANT_ID');
		const unknown = await lobby(['meeting', 'explain', '1234567'], { env: astrid });
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toContain('no live meeting has the conference ID 1234567');
		for (const socket of [leader, first.phone, second.phone, early.phone]) socket.disconnect();
	});

	it('Get-CsTeamsMeetingPolicy and Set-CsTeamsMeetingPolicy: the Global policy’s lobby, which a live meeting follows at once; other identities, OrganizerOnly and users are refused', async () => {
		const LEE_CONFERENCE = '7152834';
		const before = await lobby(['Get-CsTeamsMeetingPolicy', '-Identity', 'Global'], { env: admin });
		expect(before, before.stderr).toMatchObject({ code: 0 });
		expect(before.stdout).toMatch(/^LobbyMode\s+: Classic$/m);
		expect(before.stdout).toMatch(/^AutoAdmittedUsers\s+: EveryoneInCompany$/m);
		expect(before.stdout).toMatch(/^AllowPSTNUsersToBypassLobby\s+: False$/m);

		// A caller waits in Lee's meeting, which has not started: the classic lobby admits at the start.
		const phone = await connect(suite.server.url);
		sockets.push(phone);
		await must(
			phone.emitWithAck('call:dial', { phoneNumber: '+46 70 600 00 01', keys: `${LEE_CONFERENCE}##` })
		);
		const classic = JSON.parse(
			(await lobby(['meeting', 'explain', LEE_CONFERENCE, '--json'], { env: admin })).stdout
		) as {
			lobby: { mode: string; atStart: string }[];
		};
		expect(classic.lobby[0]).toMatchObject({ mode: 'classic', atStart: 'admitted' });

		const set = await lobby(['Set-CsTeamsMeetingPolicy', '-Identity', 'Global', '-LobbyMode', 'Teams'], {
			env: admin
		});
		expect(set, set.stderr).toMatchObject({ code: 0 });
		expect(set.stdout).toMatch(/^LobbyMode\s+: Teams$/m);
		// The live meeting follows at once: under Teams without dial-in bypass the start admits nobody.
		const teams = JSON.parse(
			(await lobby(['meeting', 'explain', LEE_CONFERENCE, '--json'], { env: admin })).stdout
		) as {
			lobby: { mode: string; atStart: string; whenStarted: string }[];
		};
		expect(teams.lobby[0]).toMatchObject({ mode: 'teams', atStart: 'waits' });
		expect(teams.lobby[0]?.whenStarted).toContain('AllowPSTNUsersToBypassLobby is off');
		// The words say so too, as the meeting view does.
		const words = await lobby(['meeting', 'explain', LEE_CONFERENCE], { env: admin });
		expect(words.stdout).toContain('Even when the meeting starts they will wait to be admitted');

		// Under the Teams lobby, Lee, the organizer, lets people dialing in bypass his meeting's lobby.
		const lee = await loggedIn(suite.server.url, home, 'lee.gu@contoso.com', TEST_USER_PASSWORD);
		const byAdmin = await lobby(['meeting', 'options', LEE_CONFERENCE, '--pstn-bypass', 'on'], {
			env: admin
		});
		expect(byAdmin.code).toBe(1);
		expect(byAdmin.stderr).toContain('Only the organizer, Lee Gu');
		const mine = await lobby(['meeting', 'options', LEE_CONFERENCE, '--pstn-bypass', 'on', '--json'], {
			env: lee
		});
		expect(mine, mine.stderr).toMatchObject({ code: 0 });
		expect((JSON.parse(mine.stdout) as { lobby: { atStart: string }[] }).lobby[0]?.atStart).toBe('admitted');
		const noFlag = await lobby(['meeting', 'options', LEE_CONFERENCE], { env: lee });
		expect(noFlag.code).toBe(2);
		expect(noFlag.stderr).toContain('--pstn-bypass on|off');
		const reset = await lobby(['meeting', 'options', LEE_CONFERENCE, '--reset'], { env: lee });
		expect(reset.stdout).toContain('The meeting follows its meeting policy again.');

		const other = await lobby(
			['Set-CsTeamsMeetingPolicy', '-Identity', 'Tag:Students', '-LobbyMode', 'Teams'],
			{
				env: admin
			}
		);
		expect(other.code).toBe(1);
		expect(other.stderr).toContain('No meeting policy named "Students". There are: Global.');
		const notModelled = await lobby(['Set-CsTeamsMeetingPolicy', '-AutoAdmittedUsers', 'OrganizerOnly'], {
			env: admin
		});
		expect(notModelled.code).toBe(1);
		expect(notModelled.stderr).toContain('would keep signed-in users in the lobby');
		const byUser = await lobby(['Set-CsTeamsMeetingPolicy', '-LobbyMode', 'Classic'], { env: user });
		expect(byUser.code).toBe(1);
		expect(byUser.stderr).toContain('403');

		const back = await lobby(['Set-CsTeamsMeetingPolicy', '-LobbyMode', 'Classic'], { env: admin });
		expect(back.stdout).toMatch(/^LobbyMode\s+: Classic$/m);
		phone.disconnect();
	});

	it('New-, Grant-, Get- and Remove-CsTeamsMeetingPolicy: a named policy gives the organizer’s live meeting its lobby, and removing it hands him back to Global', async () => {
		const LEE_CONFERENCE = '7152834';
		const phone = await connect(suite.server.url);
		await must(
			phone.emitWithAck('call:dial', { phoneNumber: '+46 70 600 00 02', keys: `${LEE_CONFERENCE}##` })
		);
		const mode = async () =>
			(
				JSON.parse(
					(await lobby(['meeting', 'explain', LEE_CONFERENCE, '--json'], { env: admin })).stdout
				) as {
					lobby: { mode: string }[];
				}
			).lobby[0]?.mode;
		expect(await mode()).toBe('classic');

		const created = await lobby(
			[
				'New-CsTeamsMeetingPolicy',
				'-Identity',
				'Training',
				'-LobbyMode',
				'Teams',
				'-Description',
				'Course days'
			],
			{ env: admin }
		);
		expect(created, created.stderr).toMatchObject({ code: 0 });
		expect(created.stdout).toMatch(/^Identity\s+: Tag:Training$/m);
		expect(created.stdout).toMatch(/^Users\s+: 0$/m);
		const again = await lobby(['New-CsTeamsMeetingPolicy', 'training'], { env: admin });
		expect(again.code).toBe(1);
		expect(again.stderr).toContain('already exists');

		const granted = await lobby(
			['Grant-CsTeamsMeetingPolicy', '-Identity', 'lee.gu', '-PolicyName', 'Tag:Training'],
			{ env: admin }
		);
		expect(granted, granted.stderr).toMatchObject({ code: 0 });
		expect(granted.stdout).toContain('has the Training meeting policy');
		// Lee's live meeting follows at once.
		expect(await mode()).toBe('teams');
		const lee = await lobby(['Get-CsOnlineDialInConferencingUser', '-Identity', 'lee.gu'], { env: admin });
		expect(lee.stdout).toMatch(/^TeamsMeetingPolicy\s+: Training$/m);

		const all = await lobby(['Get-CsTeamsMeetingPolicy'], { env: admin });
		expect(all.stdout).toMatch(/^Identity\s+: Global$/m);
		expect(all.stdout).toMatch(/^Description\s+: Course days$/m);
		expect(all.stdout).toMatch(/^Users\s+: 1$/m);
		const byUser = await lobby(
			['Grant-CsTeamsMeetingPolicy', '-Identity', 'lee.gu', '-PolicyName', '$null'],
			{
				env: user
			}
		);
		expect(byUser.code).toBe(1);

		const removed = await lobby(['Remove-CsTeamsMeetingPolicy', 'Training'], { env: admin });
		expect(removed, removed.stderr).toMatchObject({ code: 0 });
		expect(removed.stdout).toContain('1 user has the Global policy again');
		expect(await mode()).toBe('classic');
		const global = await lobby(['Remove-CsTeamsMeetingPolicy', 'Global'], { env: admin });
		expect(global.code).toBe(1);
		expect(global.stderr).toContain('The Global policy cannot be removed');
		phone.disconnect();
	});

	it('without a server or a token, says so and exits 1', async () => {
		const down = await lobby(['Get-CsOnlineDialInConferencingTenantSettings'], {
			env: { LOBBY_URL: 'http://127.0.0.1:9', LOBBY_CREDENTIALS: join(home, 'none.json') }
		});
		expect(down.code).toBe(1);
		expect(down.stderr).toContain('not reachable at http://127.0.0.1:9');

		const anonymous = await lobby(['Get-CsOnlineDialInConferencingTenantSettings'], {
			env: { LOBBY_URL: suite.server.url, LOBBY_CREDENTIALS: join(home, 'none.json') }
		});
		expect(anonymous.code).toBe(1);
		expect(anonymous.stderr).toContain('lobby login');
	});

	it('makes, lists and revokes tokens; a revoked token is refused at once; logout revokes the saved one', async () => {
		const made = await lobby(['token', 'new', '--name', 'nightly report', '--json'], { env: admin });
		expect(made, made.stderr).toMatchObject({ code: 0 });
		const { token, tokenInfo } = JSON.parse(made.stdout) as { token: string; tokenInfo: { id: string } };
		const listed = await lobby(['token', 'list'], { env: admin });
		expect(listed.stdout).toContain(tokenInfo.id);
		expect(listed.stdout).not.toContain(token);

		const withToken = {
			LOBBY_URL: suite.server.url,
			LOBBY_TOKEN: token,
			LOBBY_CREDENTIALS: join(home, 'none.json')
		};
		expect((await lobby(['Get-CsOnlineDialInConferencingTenantSettings'], { env: withToken })).code).toBe(0);
		expect((await lobby(['token', 'revoke', tokenInfo.id], { env: admin })).code).toBe(0);
		const refused = await lobby(['Get-CsOnlineDialInConferencingTenantSettings'], { env: withToken });
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain('revoked');

		// A user may make a token of their own (the one token policy); it carries a user's rights only.
		const userMakes = await lobby(['token', 'new', '--name', 'mine', '--json'], { env: user });
		expect(userMakes, userMakes.stderr).toMatchObject({ code: 0 });
		const mine = JSON.parse(userMakes.stdout) as {
			tokenInfo: { owner: { email: string }; expiresAt: string };
		};
		expect(mine.tokenInfo.owner.email).toBe('amos.marble@contoso.com');
		expect(mine.tokenInfo.expiresAt).not.toBeNull();
		const tooLong = await lobby(['token', 'new', '--name', 'forever', '--expires-in-days', '3650'], {
			env: user
		});
		expect(tooLong.code).toBe(2);
		expect(tooLong.stderr).toContain('from 1 to 365');

		const logout = await lobby(['logout'], { env: user });
		expect(logout, logout.stderr).toMatchObject({ code: 0 });
		expect(() => statSync(user.LOBBY_CREDENTIALS!)).toThrow();
	});

	function readCredentials(env: Record<string, string>): { token: string } {
		return JSON.parse(readFileSync(env.LOBBY_CREDENTIALS!, 'utf8')) as { token: string };
	}

	async function api<T>(token: string, path: string): Promise<T> {
		const response = await fetch(`${suite.server.url}/api/v1${path}`, {
			headers: { authorization: `Bearer ${token}` }
		});
		expect(response.status).toBe(200);
		return (await response.json()) as T;
	}

	async function resets(): Promise<number> {
		const { entries } = await api<{ entries: unknown[] }>(
			readCredentials(admin).token,
			'/audit?action=dial-in.reset-leader-pin&limit=1000'
		);
		return entries.length;
	}
});
