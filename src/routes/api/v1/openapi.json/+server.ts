import { json } from '@sveltejs/kit';
import { openApiDocument } from '$lib/server/api/openapi';

/** The API's description (OpenAPI 3.1), for people and for client generators. */
export const GET = () => json(openApiDocument());
