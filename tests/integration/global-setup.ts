import { existsSync } from 'node:fs';
import { SERVER_ENTRY } from '../helpers/server';

/** The integration specs drive the production build; say so plainly when it is missing. */
export default function setup(): void {
	if (!existsSync(SERVER_ENTRY)) {
		throw new Error('build/server.js is missing: run "npm run build" (npm test does it for you).');
	}
}
