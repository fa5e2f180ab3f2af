import document from '#openapi' with { type: 'json' };
import { publicRoute } from '#http/route';
import { json } from '#http/respond';

/** The OpenAPI document, generated from the zod schemas at build time (`npm run openapi`). */
export const handler = publicRoute('openapi', async () => json(200, document, { 'Cache-Control': 'public, max-age=300' }));
