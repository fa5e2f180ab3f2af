import { loadCommonJs } from '#http/commonjs';
import { directRoute } from '#http/direct-route';
import { json } from '#http/respond';

/**
 * The OpenAPI document, generated from the zod schemas at build time (`npm run openapi`). Loaded on
 * the first request, not at cold start: bundled, its 80 KB are an object literal V8 would
 * otherwise parse and build when the module loads.
 */
let document: unknown;

export const handler = directRoute('openapi', async () => {
  document ??= loadCommonJs<unknown>('#openapi', () => require('#openapi'));
  return json(200, document, { 'Cache-Control': 'public, max-age=300' });
});
