import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureLog } from '../../../tests/helpers/log-capture';
import { announceFirstStartPasswords, FIRST_START_FILE } from './first-start-passwords';

const generated = { admin: 'generated-admin-4Kq9', users: 'generated-users-7Zp2' };
const dirs: string[] = [];

afterEach(() => {
	vi.restoreAllMocks();
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'lobby-first-start-'));
	dirs.push(dir);
	return dir;
}

/** Everything the log wrote while `run` ran. */
function logged(run: () => void): string {
	const capture = captureLog();
	run();
	return capture.text();
}

describe('the first start tells its generated passwords once, never to the log', () => {
	it('given a terminal, then the passwords are written to it and not to the log', () => {
		const terminal = new PassThrough();
		const dataDir = freshDir();
		const log = logged(() => announceFirstStartPasswords(generated, { dataDir, terminal }));
		const shown = String(terminal.read());
		expect(shown).toContain(generated.admin);
		expect(shown).toContain(generated.users);
		expect(log).not.toContain(generated.admin);
		expect(() => statSync(join(dataDir, FIRST_START_FILE))).toThrow();
	});

	it('given no terminal (a service, output sent to a file), then they go to a file only this user can read, and the log names the file alone', () => {
		const dataDir = join(freshDir(), 'not-yet-made');
		const log = logged(() => announceFirstStartPasswords(generated, { dataDir, terminal: null }));
		const file = join(dataDir, FIRST_START_FILE);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(statSync(dataDir).mode & 0o777).toBe(0o700);
		expect(readFileSync(file, 'utf8')).toContain(generated.admin);
		expect(log).toContain(file);
		expect(log).not.toContain(generated.admin);
		expect(log).not.toContain(generated.users);
	});

	it('given nothing generated (both passwords chosen), then nothing is written anywhere', () => {
		const dataDir = freshDir();
		const log = logged(() => announceFirstStartPasswords({}, { dataDir, terminal: null }));
		expect(log).toBe('');
		expect(() => statSync(join(dataDir, FIRST_START_FILE))).toThrow();
	});
});
