/**
 * The `lobby` command: the article's cmdlets against a running server (LOBBY_URL, LOBBY_TOKEN or a
 * token saved by `lobby login`), token management, and the simulator's commands.
 * Exit codes: 0 done, 1 refused by the server or failed, 2 usage error.
 */
import { readFileSync } from 'node:fs';
import { ApiClient, ApiRequestError } from './api-client';
import { CMDLETS, runCmdlet, UsageError } from './cmdlets';
import { loadCommand } from './load-command';
import { scenarioCommand } from './scenario-command';
import { parseLiveOptions, runLive } from './scenario-live';
import { credentialsPath, forgetCredentials, loadCredentials, saveCredentials } from './credentials';
import { cmdletHelp, findCmdlet, parseCmdletArgs } from './powershell-args';
import { closest } from '$lib/format/did-you-mean';
import type {
	ApiTokenJson,
	LobbyExplainedJson,
	TokenIssuedJson,
	WaitExplanationJson
} from '$lib/contract/api';
import { formatDuration } from '$lib/format/duration';
import { TOKEN_EXPIRY_DAYS_MAX } from '$lib/contract/token-policy';
import { LIVE_SPEED_RANGE_TEXT } from '$lib/scenario/live-speed';
import { AUTO_ADMITTED_USERS } from '$lib/domain/tenant-settings';

export const DEFAULT_URL = 'http://127.0.0.1:3000';

/** The commands besides the cmdlets, for "did you mean". */
const COMMANDS = ['login', 'logout', 'token', 'meeting', 'load', 'scenario', 'help'];

function version(): string {
	const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
		version: string;
	};
	return pkg.version;
}

const USAGE = `Usage: lobby COMMAND [options]

Lobby is a real-time meeting lobby simulator with a live dashboard. The cmdlets below talk to a
running server: LOBBY_URL (default ${DEFAULT_URL}) with LOBBY_TOKEN, or the token that
"lobby login" saved.

Dial-in administration (PowerShell's names and conventions; "lobby CMDLET -?" explains one):
${CMDLETS.map((c) => `  ${c.name}`).join('\n')}

Examples from the article:
  lobby Set-CsOnlineDialInConferencingUser -Identity amos.marble@contoso.com -ResetLeaderPIN
  lobby Set-CsOnlineDialInConferencingUser -Identity amos.marble -ResetLeaderPIN -SendEmail -SendEmailToAddress amos@contoso.com

Sign-in and tokens:
  lobby login --user EMAIL [--url URL] [--password-stdin] [--name NAME]
                                   get an API token (password prompted) and save it for this user only
  lobby logout                     revoke the saved token and forget it
  lobby token list                 API tokens (administrators see all)
  lobby token new --name NAME [--expires-in-days N]
                                   make a token (administrators); printed once
  lobby token revoke ID            revoke a token

Live meetings:
  lobby meeting explain CONFERENCE_ID [--json]
                                   why each caller waits in the lobby, and what would let them in
  lobby meeting admit CONFERENCE_ID [PARTICIPANT_ID]
                                   admit one waiting caller, or all (the organizer, in his meeting)
  lobby meeting decline CONFERENCE_ID PARTICIPANT_ID
                                   decline one waiting caller (the organizer, in his meeting)
  lobby meeting options CONFERENCE_ID [--pstn-bypass on|off] [--who-can-bypass VALUE] [--reset]
                                   the organizer's meeting options over the policy (Teams lobby)

Simulator:
  lobby scenario run FILE... [--virtual] [--seed N] [--junit FILE] [--json FILE]
                                   run scenarios (scenarios/*.yaml) in virtual time, with their expectations
  lobby scenario run FILE... --speed X [--url URL] [--paused] [--junit FILE] [--json FILE]
                                   run them live on a running server at ${LIVE_SPEED_RANGE_TEXT} (administrators)
  lobby scenario validate FILE...  report schema errors with line numbers
  lobby load --meetings M --callers N [--rate R | --duration D] [--concurrency C] [--json]
                                   real callers and organizers against a running server; "lobby load --help"

Options:
  --json           JSON output for scripts (cmdlets and token commands)
  -h, --help       show this help
  -v, --version    print the version

Exit codes: 0 done, 1 refused by the server or failed, 2 usage error.
`;

export interface CliIo {
	out: NodeJS.WritableStream;
	err: NodeJS.WritableStream;
	env: NodeJS.ProcessEnv;
	stdin: NodeJS.ReadStream;
}

/** The server and token to use: the environment first, then the saved login for that server. */
function connection(io: CliIo, json = false): { api: ApiClient; json: boolean } {
	const path = credentialsPath(io.env);
	const saved = loadCredentials(path);
	const url = (io.env.LOBBY_URL || saved?.url || DEFAULT_URL).replace(/\/+$/, '');
	const token = io.env.LOBBY_TOKEN || (saved && saved.url === url ? saved.token : null);
	return { api: new ApiClient({ url, token, userAgent: `lobby-cli/${version()}` }), json };
}

/** Long options of the non-cmdlet commands: `--name value` or `--name=value`, and flags. */
function options(args: readonly string[], flags: readonly string[], valued: readonly string[]) {
	const values: Record<string, string | true> = {};
	const rest: string[] = [];
	for (let i = 0; i < args.length; i++) {
		const arg = args[i]!;
		if (!arg.startsWith('--')) {
			rest.push(arg);
			continue;
		}
		const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
		if (flags.includes(name)) values[name] = true;
		else if (valued.includes(name)) {
			const value = inline ?? args[++i];
			if (value === undefined || value === '') throw new UsageError(`--${name} needs a value.`);
			values[name] = value;
		} else {
			throw new UsageError(`Unknown option --${name}. Run "lobby --help".`);
		}
	}
	return { values, rest };
}

async function readStdin(stdin: NodeJS.ReadStream): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
	return Buffer.concat(chunks)
		.toString('utf8')
		.replace(/\r?\n$/, '');
}

/** Reads a password from the terminal without echoing it. */
function promptPassword(io: CliIo, question: string): Promise<string> {
	const { stdin } = io;
	if (!stdin.isTTY) {
		return Promise.reject(
			new UsageError('There is no terminal to ask for the password: pipe it in with --password-stdin.')
		);
	}
	io.err.write(question);
	return new Promise((resolve, reject) => {
		let password = '';
		stdin.setRawMode(true);
		stdin.resume();
		stdin.setEncoding('utf8');
		const done = (error?: Error) => {
			stdin.setRawMode(false);
			stdin.pause();
			stdin.off('data', onData);
			io.err.write('\n');
			if (error) reject(error);
			else resolve(password);
		};
		const onData = (chunk: string) => {
			for (const ch of chunk) {
				if (ch === '\r' || ch === '\n') return done();
				if (ch === '\u0003') return done(new UsageError('Cancelled.'));
				if (ch === '\u007f' || ch === '\b') password = password.slice(0, -1);
				else password += ch;
			}
		};
		stdin.on('data', onData);
	});
}

async function login(args: readonly string[], io: CliIo): Promise<number> {
	const { values, rest } = options(args, ['password-stdin', 'json'], ['url', 'user', 'name']);
	if (rest.length) throw new UsageError(`lobby login takes no argument "${rest[0]}".`);
	const user = values.user;
	if (typeof user !== 'string')
		throw new UsageError('lobby login needs --user EMAIL, e.g. lobby login --user admin@contoso.com');
	const url = String(values.url ?? io.env.LOBBY_URL ?? DEFAULT_URL).replace(/\/+$/, '');
	try {
		new URL(url);
	} catch {
		throw new UsageError(`--url "${url}" is not a URL, e.g. http://127.0.0.1:3000`);
	}
	const password = values['password-stdin']
		? await readStdin(io.stdin)
		: await promptPassword(io, `Password for ${user}: `);
	if (!password) throw new UsageError('The password is empty.');
	const api = new ApiClient({ url, token: null, userAgent: `lobby-cli/${version()}` });
	const issued = await api.post<TokenIssuedJson>('/login', {
		email: user,
		password,
		tokenName: typeof values.name === 'string' ? values.name : `lobby login (${user})`
	});
	const path = credentialsPath(io.env);
	saveCredentials(path, { url, token: issued.token, email: user, savedAt: new Date().toISOString() });
	io.out.write(`Signed in to ${url} as ${user}. The token is saved in ${path} (readable by you only).\n`);
	return 0;
}

async function logout(args: readonly string[], io: CliIo): Promise<number> {
	if (args.length) throw new UsageError('lobby logout takes no arguments.');
	const path = credentialsPath(io.env);
	const saved = loadCredentials(path);
	if (!saved) {
		io.out.write('No saved login.\n');
		return 0;
	}
	const api = new ApiClient({ url: saved.url, token: saved.token, userAgent: `lobby-cli/${version()}` });
	try {
		await api.delete('/tokens/current');
	} catch (error) {
		// A token the server no longer knows is as good as revoked; anything else is worth saying.
		if (!(error instanceof ApiRequestError && error.status === 401)) throw error;
	}
	forgetCredentials(path);
	io.out.write(`Signed out of ${saved.url}; the token is revoked and ${path} removed.\n`);
	return 0;
}

function tokenLine(t: ApiTokenJson): string {
	const state = t.revokedAt
		? 'revoked'
		: t.expiresAt && Date.parse(t.expiresAt) < Date.now()
			? 'expired'
			: 'active';
	return `${t.id}  ${state.padEnd(7)}  ${t.prefix}…  ${t.owner.email}  "${t.name}"  last used ${t.lastUsedAt ?? 'never'}`;
}

async function token(args: readonly string[], io: CliIo): Promise<number> {
	const [sub, ...rest] = args;
	const { values, rest: positional } = options(rest, ['json'], ['name', 'expires-in-days']);
	const { api } = connection(io);
	const json = values.json === true;
	switch (sub) {
		case 'list': {
			const { tokens } = await api.get<{ tokens: ApiTokenJson[] }>('/tokens');
			io.out.write(
				json
					? `${JSON.stringify(tokens, null, 2)}\n`
					: tokens.map(tokenLine).join('\n') + (tokens.length ? '\n' : 'No API tokens.\n')
			);
			return 0;
		}
		case 'new': {
			if (typeof values.name !== 'string') throw new UsageError('lobby token new needs --name NAME.');
			const days = values['expires-in-days'];
			const expiresInDays = typeof days === 'string' ? Number(days) : null;
			if (
				expiresInDays !== null &&
				(!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > TOKEN_EXPIRY_DAYS_MAX)
			) {
				throw new UsageError(`--expires-in-days must be a whole number from 1 to ${TOKEN_EXPIRY_DAYS_MAX}.`);
			}
			const issued = await api.post<TokenIssuedJson>('/tokens', { name: values.name, expiresInDays });
			io.out.write(
				json
					? `${JSON.stringify(issued, null, 2)}\n`
					: `Token ${issued.tokenInfo.id} made for ${issued.tokenInfo.owner.email}.\nNew API token (shown once): ${issued.token}\n`
			);
			return 0;
		}
		case 'revoke': {
			const [id] = positional;
			if (!id || positional.length > 1)
				throw new UsageError('lobby token revoke needs one token id, e.g. lobby token revoke tok_abc.');
			const { tokenInfo } = await api.delete<{ tokenInfo: ApiTokenJson }>(
				`/tokens/${encodeURIComponent(id)}`
			);
			io.out.write(
				json ? `${JSON.stringify(tokenInfo, null, 2)}\n` : `Revoked ${tokenInfo.id} ("${tokenInfo.name}").\n`
			);
			return 0;
		}
		default:
			throw new UsageError(`lobby token needs list, new or revoke${sub ? ` (got "${sub}")` : ''}.`);
	}
}

/** One caller's line of `lobby meeting explain`. */
function waitLines(c: WaitExplanationJson): string {
	return (
		`${c.position}. ${c.phoneNumber}  ${c.participantId}  waiting ${formatDuration(c.waitedMs)}  [${c.gate}]\n` +
		`   ${c.why}\n   ${[c.letsIn, c.whenStarted, c.timesOut].filter(Boolean).join(' ')}\n`
	);
}

/**
 * `lobby meeting options`' flags as the API takes them: `--pstn-bypass on|off`, `--who-can-bypass
 * VALUE`, or `--reset` alone for the meeting policy again.
 */
function meetingOptions(values: Record<string, string | true>): Record<string, unknown> {
	const bypass = values['pstn-bypass'];
	const who = values['who-can-bypass'];
	if (values.reset === true) {
		if (bypass !== undefined || who !== undefined)
			throw new UsageError('--reset sets the meeting policy again: give it alone.');
		return {};
	}
	if (bypass === undefined && who === undefined)
		throw new UsageError(
			'lobby meeting options needs --pstn-bypass on|off, --who-can-bypass VALUE, or --reset for the meeting policy.'
		);
	const options: Record<string, unknown> = {};
	if (bypass !== undefined) {
		if (bypass !== 'on' && bypass !== 'off') throw new UsageError('--pstn-bypass is on or off.');
		options.allowPstnUsersToBypassLobby = bypass === 'on';
	}
	if (who !== undefined) {
		const found = AUTO_ADMITTED_USERS.find((a) => a.toLowerCase() === String(who).toLowerCase());
		if (!found) throw new UsageError(`--who-can-bypass is one of ${AUTO_ADMITTED_USERS.join(', ')}.`);
		options.autoAdmittedUsers = found;
	}
	return options;
}

async function meetingCommand(args: readonly string[], io: CliIo): Promise<number> {
	const [sub, ...rest] = args;
	const { values, rest: positional } = options(rest, ['json', 'reset'], ['pstn-bypass', 'who-can-bypass']);
	const [conferenceId, participantId] = positional;
	const usage = {
		explain: 'lobby meeting explain CONFERENCE_ID',
		admit: 'lobby meeting admit CONFERENCE_ID [PARTICIPANT_ID]',
		decline: 'lobby meeting decline CONFERENCE_ID PARTICIPANT_ID',
		options: 'lobby meeting options CONFERENCE_ID [--pstn-bypass on|off] [--who-can-bypass VALUE] [--reset]'
	} as const;
	if (sub !== 'explain' && sub !== 'admit' && sub !== 'decline' && sub !== 'options') {
		throw new UsageError(
			`lobby meeting needs explain, admit, decline or options${sub ? ` (got "${sub}")` : ''}.`
		);
	}
	const chosen = sub === 'options' ? meetingOptions(values) : null;
	const count = positional.length;
	const fits =
		count >= (sub === 'decline' ? 2 : 1) && count <= (sub === 'explain' || sub === 'options' ? 1 : 2);
	if (!fits || !conferenceId || !/^\d{1,20}$/.test(conferenceId)) {
		throw new UsageError(`Usage: ${usage[sub]} (the conference ID is digits, e.g. 4410273).`);
	}
	// An empty caller id (a script's unset variable) must not admit the whole lobby.
	if (participantId !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(participantId)) {
		throw new UsageError(
			`"${participantId}" is not a caller's id: 1 to 64 letters, digits, - or _, as "lobby meeting explain" shows.`
		);
	}
	const { api } = connection(io);
	const { meetings } = await api.get<{ meetings: { meetingId: string; conferenceId: string }[] }>(
		'/meetings'
	);
	const meeting = meetings.find((m) => m.conferenceId === conferenceId);
	if (!meeting) {
		io.err.write(`lobby: no live meeting has the conference ID ${conferenceId}.\n`);
		return 1;
	}
	const path = `/meetings/${encodeURIComponent(meeting.meetingId)}/lobby`;
	const lobby =
		sub === 'explain'
			? await api.get<LobbyExplainedJson>(path)
			: chosen
				? await api.put<LobbyExplainedJson>(`${path}/options`, chosen)
				: await api.post<LobbyExplainedJson>(`${path}/${sub}`, participantId ? { participantId } : {});
	if (values.json === true) {
		io.out.write(`${JSON.stringify(lobby, null, 2)}\n`);
		return 0;
	}
	if (sub === 'admit') io.out.write(participantId ? `Admitted ${participantId}.\n` : 'Admitted the lobby.\n');
	if (sub === 'decline') io.out.write(`Declined ${participantId}.\n`);
	if (chosen)
		io.out.write(
			Object.keys(chosen).length === 0
				? 'The meeting follows its meeting policy again.\n'
				: `Meeting options set: ${JSON.stringify(chosen)}.\n`
		);
	io.out.write(
		`Meeting ${lobby.conferenceId} (${lobby.status}): ${lobby.lobby.length} waiting in the lobby.\n` +
			lobby.lobby.map(waitLines).join('')
	);
	return 0;
}

async function cmdlet(name: string, args: readonly string[], io: CliIo): Promise<number> {
	const found = findCmdlet(CMDLETS, name);
	if (!found.ok) throw new UsageError(found.message);
	const parsed = parseCmdletArgs(found.cmdlet, args);
	if (!parsed.ok) throw new UsageError(`${parsed.message}\nSee "lobby ${found.cmdlet.name} -?".`);
	if (parsed.help) {
		io.out.write(cmdletHelp(found.cmdlet));
		return 0;
	}
	const { api } = connection(io);
	await runCmdlet(parsed.cmdlet, parsed.values, api, {
		out: (text) => io.out.write(text),
		err: (text) => io.err.write(text),
		json: parsed.json
	});
	return 0;
}

/** Runs the command with `argv` (without node and script) and answers the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
	const [first, ...rest] = argv;
	try {
		if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
			io.out.write(USAGE);
			return 0;
		}
		if (first === '-v' || first === '--version') {
			io.out.write(`lobby ${version()}\n`);
			return 0;
		}
		switch (first) {
			case 'login':
				return await login(rest, io);
			case 'logout':
				return await logout(rest, io);
			case 'token':
				return await token(rest, io);
			case 'meeting':
				return await meetingCommand(rest, io);
			case 'load':
				return await loadCommand(rest, io);
			case 'scenario': {
				const [sub, ...args] = rest;
				if (sub === 'run' && args.some((a) => a === '--speed' || a === '--url' || a === '--paused')) {
					const options = parseLiveOptions(args);
					const env = options.url ? { ...io.env, LOBBY_URL: options.url } : io.env;
					return await runLive(options, connection({ ...io, env }).api, io);
				}
				return await scenarioCommand(rest, { out: io.out, err: io.err, cwd: process.cwd() });
			}
		}
		// PowerShell's Verb-Noun, typed with any dashes and case.
		if (/^[a-z]+[-\u2013\u2014][a-z]/i.test(first)) return await cmdlet(first, rest, io);
		const near = closest(first, COMMANDS);
		throw new UsageError(
			`Unknown command "${first}".${near ? ` Did you mean ${near}?` : ''} Run "lobby --help" to see the commands.`
		);
	} catch (error) {
		if (error instanceof UsageError) {
			io.err.write(`lobby: ${error.message}\n`);
			return 2;
		}
		if (error instanceof ApiRequestError) {
			io.err.write(`lobby: ${error.message}${error.status ? ` (${error.status} ${error.code})` : ''}\n`);
			if (error.status === 401)
				io.err.write('Sign in with "lobby login --user EMAIL", or set LOBBY_TOKEN.\n');
			return 1;
		}
		io.err.write(`lobby: ${error instanceof Error ? error.message : String(error)}\n`);
		return 1;
	}
}

const isEntry = process.argv[1] !== undefined && /(?:cli\.js|lobby(?:\.js)?)$/.test(process.argv[1]);
if (isEntry) {
	process.exitCode = await run(process.argv.slice(2), {
		out: process.stdout,
		err: process.stderr,
		env: process.env,
		stdin: process.stdin
	});
}
