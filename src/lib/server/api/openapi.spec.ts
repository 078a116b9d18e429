/**
 * The OpenAPI document describes every route under /api/v1 and nothing else, and the copy in
 * docs/openapi.json is the one the code produces.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPERATIONS, openApiDocument } from './openapi';

const ROOT = join(import.meta.dirname, '../../../..');
const API_ROUTES = join(ROOT, 'src/routes/api/v1');

/** `METHOD /path` for every handler exported by a +server.ts under /api/v1. */
function routeHandlers(): string[] {
	const found: string[] = [];
	for (const entry of readdirSync(API_ROUTES, { recursive: true, encoding: 'utf8' })) {
		if (!entry.endsWith('+server.ts')) continue;
		const source = readFileSync(join(API_ROUTES, entry), 'utf8');
		const dir = relative(API_ROUTES, join(API_ROUTES, entry, '..'));
		const path = `/${dir}`.replace(/\[(\w+)\]/g, '{$1}').replace(/\/$/, '') || '/';
		for (const [, method] of source.matchAll(/export const (GET|POST|PATCH|PUT|DELETE)\b/g)) {
			found.push(`${method} ${path}`);
		}
	}
	return found.sort();
}

describe('the OpenAPI document', () => {
	it('describes exactly the routes the server has', () => {
		const described = OPERATIONS.map((op) => `${op.method.toUpperCase()} ${op.path}`).sort();
		expect(described).toEqual(routeHandlers());
	});

	it('is current in docs/openapi.json (regenerate: npm run docs:openapi)', () => {
		const file = join(ROOT, 'docs/openapi.json');
		if (process.env.UPDATE_OPENAPI === '1')
			writeFileSync(file, `${JSON.stringify(openApiDocument(), null, '\t')}\n`);
		const committed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
		expect(committed).toEqual(openApiDocument());
	});

	it('takes the request bodies from the validating schemas', () => {
		const doc = openApiDocument() as {
			paths: Record<
				string,
				Record<string, { requestBody?: { content: Record<string, { schema: { properties: object } }> } }>
			>;
		};
		const reset = doc.paths['/dial-in-users/{identity}/reset-leader-pin']!.post!;
		expect(Object.keys(reset.requestBody!.content['application/json']!.schema.properties)).toEqual([
			'sendEmail',
			'sendEmailToAddress'
		]);
		const settings = doc.paths['/tenant-settings']!.patch!;
		expect(settings.requestBody!.content['application/json']!.schema.properties).toMatchObject({
			pinLength: { minimum: 4, maximum: 12 }
		});
	});
});
