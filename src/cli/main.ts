/**
 * The `lobby` command. Later releases add the dial-in cmdlets, scenarios and load generation; this
 * one answers `--help` and `--version`.
 */
import { readFileSync } from 'node:fs';

const USAGE = `Usage: lobby [--help] [--version]

Lobby is a real-time meeting lobby simulator with a live dashboard.
Start the server with "npm start", then open http://127.0.0.1:3000.

Options:
  -h, --help       show this help
  -v, --version    print the version
`;

function version(): string {
	const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
		version: string;
	};
	return pkg.version;
}

/** Runs the command with `argv` (without node and script) and returns the exit code. */
export function run(argv: string[], out = process.stdout, err = process.stderr): number {
	const [first] = argv;
	if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
		out.write(USAGE);
		return 0;
	}
	if (first === '-v' || first === '--version') {
		out.write(`lobby ${version()}\n`);
		return 0;
	}
	err.write(`lobby: unknown command or option "${first}"\n\n${USAGE}`);
	return 2;
}

process.exitCode = run(process.argv.slice(2));
