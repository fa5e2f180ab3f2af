/**
 * The CloudFront Function (JavaScript 2.0 runtime) that resolves the site's paths at the edge,
 * generated from web/site-routes.ts (the page table, the asset patterns, the not-found page) so
 * the deployed site resolves a path exactly as the local gateway does (resolveSitePath).
 *
 * - viewer-request: a page route becomes its file (`/e/x` → `/event.html`), an asset stays as it
 *   is, anything else becomes the not-found page, marked with a request header;
 * - viewer-response: the not-found page answers 404.
 * Not CloudFront's errorResponses: those apply to the whole distribution and would turn the API's
 * own 403/404 (problem+json) into the HTML page.
 */
import { assetPatterns, notFoundPage, pages } from '../web/site-routes.ts';

/** Set by viewer-request on a path that is no page and no asset; read by viewer-response. */
export const NOT_FOUND_MARK = 'x-gatepass-not-found';

/** A regex literal as CloudFront's runtime reads it (same source and flags as in site-routes). */
function literal(pattern: RegExp): string {
  if (pattern.flags.replace(/[i]/g, '') !== '') throw new Error(`site route ${pattern} uses flags CloudFront Functions need not support`);
  return pattern.toString();
}

export function siteFunctionSource(): string {
  const pageTable = pages.map((p) => `[${literal(p.pattern)}, ${JSON.stringify(`/${p.file}`)}]`).join(', ');
  const assetTable = assetPatterns.map(literal).join(', ');
  return `// Generated from web/site-routes.ts by lib/site-function.ts: do not edit in the console.
var pages = [${pageTable}];
var assets = [${assetTable}];
var notFound = ${JSON.stringify(`/${notFoundPage}`)};
var mark = ${JSON.stringify(NOT_FOUND_MARK)};
function handler(event) {
  var request = event.request;
  if (event.context.eventType === 'viewer-response') {
    var response = event.response;
    if (request.uri === notFound || request.headers[mark]) {
      response.statusCode = 404;
      response.statusDescription = 'Not Found';
    }
    return response;
  }
  // Only this function marks a request: a viewer's own mark is dropped.
  delete request.headers[mark];
  var uri = request.uri;
  for (var i = 0; i < pages.length; i++) {
    if (pages[i][0].test(uri)) {
      request.uri = pages[i][1];
      return request;
    }
  }
  for (var j = 0; j < assets.length; j++) {
    if (assets[j].test(uri)) return request;
  }
  request.uri = notFound;
  request.headers[mark] = { value: '1' };
  return request;
}
`;
}
