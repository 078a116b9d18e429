import { rmSync } from 'node:fs';

/** Removes the end-to-end run's embedded database. */
export default function teardown(): void {
	const dir = process.env.LOBBY_E2E_DATA_DIR;
	if (dir) rmSync(dir, { recursive: true, force: true });
}
