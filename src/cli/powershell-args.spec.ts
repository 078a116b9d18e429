import { describe, it, expect } from 'vitest';
import {
	cmdletHelp,
	findCmdlet,
	parseCmdletArgs,
	shellQuote,
	type CmdletSpec,
	type ParseResult
} from './powershell-args';

const setUser: CmdletSpec = {
	name: 'Set-CsOnlineDialInConferencingUser',
	synopsis: "Changes a user's dial-in conferencing settings, or resets their leader PIN.",
	positional: 'Identity',
	params: [
		{
			name: 'Identity',
			kind: 'string',
			valueName: 'UserPrincipalName',
			required: true,
			help: 'The user, by sign-in address or alias.'
		},
		{ name: 'ResetLeaderPIN', kind: 'switch', help: 'Gives the user a new leader PIN, shown once.' },
		{ name: 'SendEmail', kind: 'switch', help: 'Mails the user their conference information and PIN.' },
		{
			name: 'SendEmailToAddress',
			kind: 'string',
			valueName: 'EmailAddress',
			requires: 'SendEmail',
			help: 'Sends that mail to another address than the primary one.'
		},
		{
			name: 'AllowPSTNOnlyMeetings',
			kind: 'bool',
			help: 'Lets callers start meetings without the organizer.'
		}
	],
	examples: [
		{
			command: 'Set-CsOnlineDialInConferencingUser -Identity amos.marble@contoso.com -ResetLeaderPIN',
			says: "Resets Amos Marble's PIN and mails him the new one."
		}
	]
};

const getUser: CmdletSpec = {
	name: 'Get-CsOnlineDialInConferencingUser',
	synopsis: "Shows users' dial-in conferencing settings; the PIN shows as *****.",
	positional: 'Identity',
	params: [
		{ name: 'Identity', kind: 'string', help: 'The user, by sign-in address or alias.' },
		{ name: 'ResultSize', kind: 'int', min: 1, max: 10000, help: 'How many users to show at most.' }
	],
	examples: [{ command: 'lobby Get-CsOnlineDialInConferencingUser amos.marble', says: 'Shows Amos Marble.' }]
};

const setTenant: CmdletSpec = {
	name: 'Set-CsOnlineDialInConferencingTenantSettings',
	synopsis: "Changes the organization's dial-in conferencing settings.",
	params: [
		{ name: 'PinLength', kind: 'int', min: 4, max: 12, help: 'Digits in new PINs.' },
		{ name: 'AutomaticallySendEmailsToUsers', kind: 'bool', help: 'Mail users on enable and PIN reset.' },
		{ name: 'EntryExitAnnouncementsType', kind: 'string', help: 'UseNames or ToneOnly.' },
		{ name: 'Offset', kind: 'int', help: 'A parameter with no bounds, to test plain integers.' }
	],
	examples: []
};

const getTenant: CmdletSpec = {
	name: 'Get-CsOnlineDialInConferencingTenantSettings',
	synopsis: "Shows the organization's dial-in conferencing settings.",
	params: [],
	examples: []
};

const cmdlets = [setUser, getUser, setTenant, getTenant];

function values(result: ParseResult): Record<string, unknown> {
	if (!result.ok) throw new Error(`expected success, got: ${result.message}`);
	return result.values;
}

function message(result: ParseResult | { ok: boolean; message?: string }): string {
	if (result.ok) throw new Error('expected a usage error');
	return (result as { message: string }).message;
}

describe('parseCmdletArgs: the article command lines', () => {
	it('given the S16 reset line, when parsed, then Identity and ResetLeaderPIN are set', () => {
		const result = parseCmdletArgs(setUser, ['-Identity', 'amos.marble@contoso.com', '-ResetLeaderPIN']);
		expect(result).toEqual({
			ok: true,
			cmdlet: setUser,
			values: { Identity: 'amos.marble@contoso.com', ResetLeaderPIN: true },
			json: false,
			help: false
		});
	});

	it('given the S15 line pasted with en dashes, when parsed, then every parameter binds', () => {
		const args = [
			'–Identity',
			'amos.marble',
			'–ResetLeaderPIN',
			'-SendEmail',
			'-SendEmailToAddress',
			'amos@contoso.com'
		];
		expect(values(parseCmdletArgs(setUser, args))).toEqual({
			Identity: 'amos.marble',
			ResetLeaderPIN: true,
			SendEmail: true,
			SendEmailToAddress: 'amos@contoso.com'
		});
	});

	it('given only the parameters it was given, when parsed, then values has no other keys', () => {
		expect(Object.keys(values(parseCmdletArgs(getUser, ['-Identity', 'amos'])))).toEqual(['Identity']);
	});
});

describe('parseCmdletArgs: names (rules 1-3)', () => {
	it('given any letter case, when parsed, then the canonical name is the key', () => {
		const result = parseCmdletArgs(setUser, [
			'-identity',
			'amos',
			'-RESETLEADERPIN',
			'-resetleaderpin:$false'
		]);
		expect(message(result)).toBe('-ResetLeaderPIN was given twice. Give each parameter once.');
		expect(values(parseCmdletArgs(setUser, ['-IDENTITY', 'amos', '-resetleaderpin']))).toEqual({
			Identity: 'amos',
			ResetLeaderPIN: true
		});
	});

	it('given an unambiguous prefix, when parsed, then it binds the parameter', () => {
		expect(values(parseCmdletArgs(setUser, ['-Ident', 'amos', '-Reset', '-allow', 'true']))).toEqual({
			Identity: 'amos',
			ResetLeaderPIN: true,
			AllowPSTNOnlyMeetings: true
		});
	});

	it('given -SendEmail, which is also a prefix of -SendEmailToAddress, when parsed, then the exact name wins', () => {
		expect(values(parseCmdletArgs(setUser, ['-Identity', 'amos', '-sendemail']))).toEqual({
			Identity: 'amos',
			SendEmail: true
		});
	});

	it('given an ambiguous prefix, when parsed, then the error lists the candidates like PowerShell', () => {
		expect(message(parseCmdletArgs(setUser, ['-Identity', 'amos', '-SendE']))).toBe(
			"Parameter cannot be processed because the parameter name 'SendE' is ambiguous. " +
				'Possible matches include: -SendEmail -SendEmailToAddress.'
		);
	});

	it('given an en dash, an em dash or a minus sign in place of -, when parsed, then they work as a dash', () => {
		const args = ['\u2013Identity', 'amos', '\u2014ResetLeaderPIN', '\u2212AllowPSTNOnlyMeetings:$false'];
		expect(values(parseCmdletArgs(setUser, args))).toEqual({
			Identity: 'amos',
			ResetLeaderPIN: true,
			AllowPSTNOnlyMeetings: false
		});
	});

	it('given a POSIX double dash on a parameter, when parsed, then the error suggests the one-dash name', () => {
		expect(message(parseCmdletArgs(setUser, ['--Identity', 'amos']))).toBe(
			"'--Identity' is not an option here: cmdlet parameters take one dash, like PowerShell. Did you mean -Identity?"
		);
	});
});

describe('parseCmdletArgs: switches (rule 4)', () => {
	it.each([
		['-ResetLeaderPIN:$true', true],
		['-ResetLeaderPIN:$FALSE', false],
		['-ResetLeaderPIN:true', true],
		['-ResetLeaderPIN:False', false]
	])('given %s, when parsed, then the switch is %s', (token, expected) => {
		expect(values(parseCmdletArgs(setUser, ['-Identity', 'amos', token])).ResetLeaderPIN).toBe(expected);
	});

	it('given a switch followed by a separate $false, when parsed, then $false is a stray positional argument', () => {
		const text = message(parseCmdletArgs(setUser, ['-Identity', 'amos', '-ResetLeaderPIN', '$false']));
		expect(text).toContain("A positional parameter cannot be found that accepts argument '$false'.");
		expect(text).toContain('-ResetLeaderPIN is a switch, so it takes no separate value.');
		expect(text).toContain("-ResetLeaderPIN:'$false'");
	});

	it('given -Switch: with nothing after the colon (the shell ate $true), when parsed, then the error shows the fix', () => {
		const text = message(parseCmdletArgs(setUser, ['-Identity', 'amos', '-ResetLeaderPIN:']));
		expect(text).toContain('a POSIX shell turns an unquoted $true or $false into nothing');
		expect(text).toContain('lobby Set-CsOnlineDialInConferencingUser -Identity amos -ResetLeaderPIN');
	});

	it('given a switch with another value after the colon, when parsed, then the error names it', () => {
		expect(message(parseCmdletArgs(setUser, ['-Identity', 'amos', '-ResetLeaderPIN:yes']))).toBe(
			"-ResetLeaderPIN is a switch; after a colon it takes only $true or $false (got 'yes')."
		);
	});
});

describe('parseCmdletArgs: booleans (rule 5)', () => {
	it.each([
		[['-AllowPSTNOnlyMeetings', '$true'], true],
		[['-AllowPSTNOnlyMeetings', '$False'], false],
		[['-AllowPSTNOnlyMeetings', 'TRUE'], true],
		[['-AllowPSTNOnlyMeetings', 'false'], false],
		[['-AllowPSTNOnlyMeetings:$true'], true],
		[['-AllowPSTNOnlyMeetings:false'], false]
	])('given %j, when parsed, then the value is %s', (args, expected) => {
		expect(values(parseCmdletArgs(setUser, ['-Identity', 'amos', ...args])).AllowPSTNOnlyMeetings).toBe(
			expected
		);
	});

	it('given the value dropped by the shell at the end, when parsed, then the error shows the quoted command', () => {
		expect(message(parseCmdletArgs(setUser, ['-Identity', 'amos.marble', '-AllowPSTNOnlyMeetings']))).toBe(
			"-AllowPSTNOnlyMeetings needs a value: $true or $false. In a POSIX shell quote it ('$true') or write " +
				"true/false: lobby Set-CsOnlineDialInConferencingUser -Identity amos.marble -AllowPSTNOnlyMeetings '$true'"
		);
	});

	it('given the value dropped before another parameter, when parsed, then the rest of the line is kept', () => {
		const text = message(parseCmdletArgs(setUser, ['–allow', '-Identity', 'amos.marble', '--json']));
		expect(text).toContain('-AllowPSTNOnlyMeetings needs a value: $true or $false.');
		expect(text).toContain(
			"lobby Set-CsOnlineDialInConferencingUser -AllowPSTNOnlyMeetings '$true' -Identity amos.marble --json"
		);
	});

	it('given an empty-string value (a double-quoted "$true"), when parsed, then the error explains and quotes', () => {
		const text = message(
			parseCmdletArgs(setUser, ['-Identity', 'amos marble', '-AllowPSTNOnlyMeetings', ''])
		);
		expect(text).toContain('-AllowPSTNOnlyMeetings was given an empty value');
		expect(text).toContain(
			"lobby Set-CsOnlineDialInConferencingUser -Identity 'amos marble' -AllowPSTNOnlyMeetings '$true'"
		);
	});

	it('given an empty value after the colon, when parsed, then it is the same error', () => {
		const text = message(parseCmdletArgs(setTenant, ['-AutomaticallySendEmailsToUsers:']));
		expect(text).toContain('-AutomaticallySendEmailsToUsers was given an empty value');
		expect(text).toContain(
			"lobby Set-CsOnlineDialInConferencingTenantSettings -AutomaticallySendEmailsToUsers '$true'"
		);
	});

	it('given a value that is not a boolean, when parsed, then the error names the value', () => {
		expect(message(parseCmdletArgs(setUser, ['-Identity', 'a', '-AllowPSTNOnlyMeetings', 'yes']))).toBe(
			"-AllowPSTNOnlyMeetings takes $true or $false (got 'yes')."
		);
	});
});

describe('parseCmdletArgs: strings (rule 6)', () => {
	it('given -Param:value, when parsed, then the text after the first colon is the value', () => {
		expect(values(parseCmdletArgs(setUser, ['-Identity:sip:amos@contoso.com']))).toEqual({
			Identity: 'sip:amos@contoso.com'
		});
	});

	it('given a value that is a negative-looking number or a lone dash, when parsed, then it is taken', () => {
		expect(values(parseCmdletArgs(getUser, ['-Identity', '-'])).Identity).toBe('-');
		expect(
			values(parseCmdletArgs(setTenant, ['-EntryExitAnnouncementsType', '-1'])).EntryExitAnnouncementsType
		).toBe('-1');
	});

	it('given the next token is another parameter, when parsed, then the value is missing', () => {
		expect(message(parseCmdletArgs(setUser, ['-Identity', '-ResetLeaderPIN']))).toBe(
			"-Identity needs a value before '-ResetLeaderPIN': -Identity <UserPrincipalName>."
		);
	});

	it('given nothing after the parameter, when parsed, then the value is missing', () => {
		expect(message(parseCmdletArgs(getUser, ['-Identity']))).toBe(
			'-Identity needs a value: -Identity <String>.'
		);
	});

	it('given a dash word that is no parameter, when parsed, then the error offers the colon form', () => {
		expect(message(parseCmdletArgs(setUser, ['-Identity', '-amos']))).toBe(
			"-Identity needs a value, but the next argument is '-amos'. Write -Identity <UserPrincipalName>; " +
				'a value that begins with a dash goes after a colon: -Identity:-amos.'
		);
		expect(values(parseCmdletArgs(setUser, ['-Identity:-amos'])).Identity).toBe('-amos');
	});

	it('given an empty string, when parsed, then the error names the parameter', () => {
		expect(message(parseCmdletArgs(setUser, ['-Identity', '']))).toBe(
			'-Identity was given an empty value. Write -Identity <UserPrincipalName>.'
		);
	});
});

describe('parseCmdletArgs: integers (rule 7)', () => {
	it('given a decimal integer in range, when parsed, then the value is a number', () => {
		expect(values(parseCmdletArgs(setTenant, ['-PinLength', '5']))).toEqual({ PinLength: 5 });
		expect(values(parseCmdletArgs(setTenant, ['-PinLength:12']))).toEqual({ PinLength: 12 });
		expect(values(parseCmdletArgs(setTenant, ['-Offset', '-3']))).toEqual({ Offset: -3 });
	});

	it('given a value below the range, when parsed, then the error names the range', () => {
		expect(message(parseCmdletArgs(setTenant, ['-PinLength', '3']))).toBe(
			'-PinLength must be between 4 and 12 (got 3).'
		);
		expect(message(parseCmdletArgs(getUser, ['-ResultSize', '0']))).toBe(
			'-ResultSize must be between 1 and 10000 (got 0).'
		);
	});

	it.each(['5.5', 'five', '0x10', '1e3'])('given %s, when parsed, then it is not a whole number', (raw) => {
		expect(message(parseCmdletArgs(setTenant, ['-PinLength', raw]))).toBe(
			`-PinLength takes a whole number between 4 and 12 (got '${raw}').`
		);
	});

	it('given a huge number without bounds, when parsed, then it is too large', () => {
		expect(message(parseCmdletArgs(setTenant, ['-Offset', '99999999999999999999']))).toBe(
			'-Offset is too large (got 99999999999999999999).'
		);
	});
});

describe('parseCmdletArgs: unknown and repeated parameters (rules 8, 9)', () => {
	it('given a typo, when parsed, then the error suggests the closest parameter', () => {
		expect(message(parseCmdletArgs(setUser, ['-Identity', 'amos', '-ResetLeaderPn']))).toBe(
			"A parameter cannot be found that matches parameter name 'ResetLeaderPn'. Did you mean -ResetLeaderPIN?"
		);
	});

	it('given a name close to nothing, when parsed, then the error lists the parameters', () => {
		expect(message(parseCmdletArgs(getUser, ['-Verbose']))).toBe(
			"A parameter cannot be found that matches parameter name 'Verbose'. " +
				'Get-CsOnlineDialInConferencingUser takes -Identity and -ResultSize.'
		);
		expect(message(parseCmdletArgs(getTenant, ['-Verbose']))).toBe(
			"A parameter cannot be found that matches parameter name 'Verbose'. " +
				'Get-CsOnlineDialInConferencingTenantSettings takes no parameters.'
		);
	});

	it('given a parameter twice, when parsed, then it is an error', () => {
		expect(message(parseCmdletArgs(setUser, ['-Identity', 'a', '-Ident', 'b']))).toBe(
			'-Identity was given twice. Give each parameter once.'
		);
	});

	it('given Identity by position and then by name, when parsed, then the error says both ways', () => {
		expect(message(parseCmdletArgs(setUser, ['amos', '-Identity', 'amos']))).toBe(
			"-Identity was given twice: once by position ('amos') and once by name. Give each parameter once."
		);
	});
});

describe('parseCmdletArgs: positional arguments (rule 10)', () => {
	it('given a lone value first, when parsed, then it binds to Identity as in PowerShell', () => {
		expect(values(parseCmdletArgs(setUser, ['amos.marble@contoso.com', '-ResetLeaderPIN']))).toEqual({
			Identity: 'amos.marble@contoso.com',
			ResetLeaderPIN: true
		});
		expect(values(parseCmdletArgs(getUser, ['-ResultSize', '10', 'amos']))).toEqual({
			ResultSize: 10,
			Identity: 'amos'
		});
	});

	it('given a second lone value, when parsed, then it is a stray argument', () => {
		expect(message(parseCmdletArgs(getUser, ['amos', 'marble']))).toBe(
			"A positional parameter cannot be found that accepts argument 'marble'. " +
				'Only one value may go without a parameter name (-Identity); name the others.'
		);
	});

	it('given a lone value after Identity was named, when parsed, then it is a stray argument', () => {
		expect(message(parseCmdletArgs(getUser, ['-Identity', 'amos', 'marble']))).toBe(
			"A positional parameter cannot be found that accepts argument 'marble'. " +
				'-Identity is already given; put the parameter name before this value.'
		);
	});

	it('given a lone value to a cmdlet without a positional parameter, when parsed, then it is an error', () => {
		expect(message(parseCmdletArgs(setTenant, ['5']))).toBe(
			"A positional parameter cannot be found that accepts argument '5'. " +
				'Put the parameter name before each value, like -Name value.'
		);
	});
});

describe('parseCmdletArgs: generic flags (rule 11)', () => {
	it('given --json anywhere, when parsed, then json is true and nothing else changes', () => {
		const result = parseCmdletArgs(getUser, ['--json', '-Identity', 'amos']);
		expect(result).toMatchObject({ ok: true, json: true, help: false, values: { Identity: 'amos' } });
		expect(parseCmdletArgs(getUser, ['amos', '--JSON'])).toMatchObject({ ok: true, json: true });
	});

	it.each(['-?', '--help', '-h'])('given %s, when parsed, then help is true', (flag) => {
		expect(parseCmdletArgs(setUser, ['-Identity', 'amos', flag])).toMatchObject({ ok: true, help: true });
	});

	it('given help with otherwise broken arguments, when parsed, then no error is reported', () => {
		const result = parseCmdletArgs(setUser, ['-Bogus', '-?', '-PinLength', 'x']);
		expect(result).toEqual({ ok: true, cmdlet: setUser, values: {}, json: false, help: true });
		expect(parseCmdletArgs(setUser, ['-h'])).toMatchObject({ ok: true, help: true });
	});

	it('given --json where a value belongs, when parsed, then the value is missing', () => {
		expect(message(parseCmdletArgs(getUser, ['-Identity', '--json']))).toBe(
			"-Identity needs a value before '--json': -Identity <String>."
		);
	});
});

describe('parseCmdletArgs: required and dependent parameters', () => {
	it('given no Identity to a cmdlet that needs one, when parsed, then the error says so', () => {
		expect(message(parseCmdletArgs(setUser, ['-ResetLeaderPIN']))).toBe(
			'Set-CsOnlineDialInConferencingUser needs -Identity <UserPrincipalName>.'
		);
	});

	it('given -SendEmailToAddress without -SendEmail, when parsed, then it is an error (S15)', () => {
		const args = ['-Identity', 'amos', '-ResetLeaderPIN', '-SendEmailToAddress', 'u@hotmail.com'];
		expect(message(parseCmdletArgs(setUser, args))).toBe(
			'-SendEmailToAddress is only valid together with -SendEmail.'
		);
		expect(message(parseCmdletArgs(setUser, [...args, '-SendEmail:$false']))).toBe(
			'-SendEmailToAddress is only valid together with -SendEmail.'
		);
	});
});

describe('findCmdlet (rules 1, 8)', () => {
	it('given a name in any case, when found, then it is the cmdlet', () => {
		expect(findCmdlet(cmdlets, 'set-csonlinedialinconferencinguser')).toEqual({ ok: true, cmdlet: setUser });
		expect(findCmdlet(cmdlets, 'Get\u2013CsOnlineDialInConferencingUser')).toEqual({
			ok: true,
			cmdlet: getUser
		});
	});

	it('given a typo, when not found, then the message suggests the closest cmdlet', () => {
		expect(findCmdlet(cmdlets, 'Get-CsOnlineDialInConferencingUsr')).toEqual({
			ok: false,
			message:
				"'Get-CsOnlineDialInConferencingUsr' is not a lobby cmdlet. Did you mean Get-CsOnlineDialInConferencingUser?"
		});
	});

	it('given a name close to nothing, when not found, then the message says how to list the cmdlets', () => {
		expect(message(findCmdlet(cmdlets, 'Get-Mailbox'))).toBe(
			'\'Get-Mailbox\' is not a lobby cmdlet. Run "lobby --help" to see the cmdlets.'
		);
	});
});

describe('shellQuote', () => {
	it('given words with and without shell syntax, when quoted, then only the unsafe ones are quoted', () => {
		expect(shellQuote('amos.marble@contoso.com')).toBe('amos.marble@contoso.com');
		expect(shellQuote('$true')).toBe("'$true'");
		expect(shellQuote("it's")).toBe("'it'\\''s'");
		expect(shellQuote('')).toBe("''");
	});
});

describe('cmdletHelp', () => {
	it('given a cmdlet, when rendered, then it has synopsis, syntax, each parameter and the examples', () => {
		const text = cmdletHelp(setUser);
		expect(text).toContain(setUser.synopsis);
		expect(text).toContain(
			'lobby Set-CsOnlineDialInConferencingUser [-Identity] <UserPrincipalName> [-ResetLeaderPIN] [-SendEmail] ' +
				'[-SendEmailToAddress <EmailAddress>] [-AllowPSTNOnlyMeetings <Boolean>] [--json]'
		);
		for (const param of setUser.params) expect(text).toContain(param.help);
		expect(text).toContain('Only valid together with -SendEmail.');
		expect(text).toContain(
			'    lobby Set-CsOnlineDialInConferencingUser -Identity amos.marble@contoso.com -ResetLeaderPIN\n'
		);
		expect(text).toContain("Resets Amos Marble's PIN and mails him the new one.");
	});

	it('given ranges and an example already starting with lobby, when rendered, then both read naturally', () => {
		expect(cmdletHelp(setTenant)).toContain('A whole number between 4 and 12.');
		expect(cmdletHelp(setTenant)).not.toContain('EXAMPLES');
		expect(cmdletHelp(getUser)).toContain('[[-Identity] <String>] [-ResultSize <Int32>]');
		expect(cmdletHelp(getUser)).not.toContain('lobby lobby');
	});
});
