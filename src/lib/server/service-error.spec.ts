/**
 * Production runs the pages and the Socket.IO server as two bundles, each with its own copy of
 * ServiceError; the services are built into the server's. In dev and in Vitest there is one module
 * graph, so an `instanceof` at an edge passes every other spec and fails only in production. This
 * spec builds two bundles the same way, one throwing as a service does and one answering as the
 * edges do, and checks the answer across them.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import type * as EdgeErrors from './edge-errors';
import type * as ServiceErrors from './service-error';
import type { Runtime } from './runtime';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SERVER = join(ROOT, 'src', 'lib', 'server');
// Inside the project, so the bundles' external imports (SvelteKit) resolve from its node_modules.
const OUT = join(ROOT, 'node_modules', '.cache', `lobby-two-bundles-${randomBytes(4).toString('hex')}`);

/** Builds `source` on its own, as the production builds do: the project's modules inlined, packages external. */
async function bundle(name: string, source: string): Promise<string> {
	const entry = join(OUT, `${name}.entry.ts`);
	writeFileSync(entry, source);
	await build({
		configFile: false,
		logLevel: 'silent',
		root: ROOT,
		resolve: { alias: { $lib: join(ROOT, 'src', 'lib') } },
		build: {
			ssr: entry,
			outDir: OUT,
			emptyOutDir: false,
			target: 'node20',
			minify: false,
			rollupOptions: { output: { format: 'es', entryFileNames: `${name}.js` } }
		}
	});
	return join(OUT, `${name}.js`);
}

/** The bundle the services live in: an administrator-only check refusing a user. */
const SERVICES_SOURCE = `
export { ServiceError } from ${JSON.stringify(join(SERVER, 'service-error.ts'))};
import { requireAdmin } from ${JSON.stringify(join(SERVER, 'services', 'access.ts'))};
export function refuseUser() {
	requireAdmin({ userId: 'u-1', email: 'amos.marble@contoso.com', role: 'user' }, 'reset PINs');
}
`;

/** The bundle the pages live in: the guard and the edges' answers. */
const EDGES_SOURCE = `
export { ServiceError, isServiceError } from ${JSON.stringify(join(SERVER, 'service-error.ts'))};
export { toAck, toFormFailure, toJsonResponse } from ${JSON.stringify(join(SERVER, 'edge-errors.ts'))};
`;

type ServicesBundle = Pick<typeof ServiceErrors, 'ServiceError'> & { refuseUser(): void };
type EdgesBundle = Pick<typeof ServiceErrors, 'ServiceError' | 'isServiceError'> &
	Pick<typeof EdgeErrors, 'toAck' | 'toFormFailure' | 'toJsonResponse'>;

const healthy = {
	services: { status: { health: () => Promise.resolve({ status: 'ok' }) } }
} as unknown as Runtime;

describe('a refusal thrown in one bundle and answered in another', () => {
	let files: { services: string; edges: string };
	let services: ServicesBundle;
	let edges: EdgesBundle;
	let refusal: unknown;

	beforeAll(async () => {
		mkdirSync(OUT, { recursive: true });
		files = {
			services: await bundle('services', SERVICES_SOURCE),
			edges: await bundle('edges', EDGES_SOURCE)
		};
		services = (await import(/* @vite-ignore */ pathToFileURL(files.services).href)) as ServicesBundle;
		edges = (await import(/* @vite-ignore */ pathToFileURL(files.edges).href)) as EdgesBundle;
		try {
			services.refuseUser();
		} catch (error) {
			refusal = error;
		}
	}, 60_000);

	afterAll(() => {
		rmSync(OUT, { recursive: true, force: true });
	});

	it('given two bundles, then each has a class of its own, and instanceof across them fails', () => {
		for (const file of Object.values(files)) {
			// Each bundle inlined the module: its class and its look-up of the shared brand.
			expect(readFileSync(file, 'utf8')).toMatch(/Symbol\.for\(["']lobby\.service-error["']\)/);
		}
		expect(services.ServiceError).not.toBe(edges.ServiceError);
		expect(refusal).toBeInstanceOf(services.ServiceError);
		expect(refusal instanceof edges.ServiceError).toBe(false);
	});

	it('given a refusal from the services bundle, then the guard of the edges bundle recognises it', () => {
		expect(edges.isServiceError(refusal)).toBe(true);
	});

	it('given a refusal from the services bundle, then every edge of the other answers it with its code, status and message', async () => {
		const message = 'Only administrators can reset PINs.';
		expect(edges.toAck(refusal)).toEqual({ ok: false, error: { code: 'forbidden', message } });
		const response = await edges.toJsonResponse(refusal, healthy);
		expect(response.status).toBe(403);
		expect(await response.json()).toEqual({ error: { code: 'forbidden', message } });
		expect(edges.toFormFailure(refusal)).toMatchObject({ status: 403, data: { problem: message } });
	});
});
