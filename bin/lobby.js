#!/usr/bin/env node
// The `lobby` command: a thin launcher for the built CLI in build/cli.js.
import { existsSync } from 'node:fs';

const cli = new URL('../build/cli.js', import.meta.url);
if (!existsSync(cli)) {
	console.error('lobby: the command is not built yet. Run "npm run build" in the Lobby folder first.');
	process.exit(2);
}
await import(cli.href);
