/**
 * The web app, locally: the gateway serves web/dist on its own port beside the API routes, as
 * CloudFront serves the bucket deployed (same page routes, same security headers), and `npm start`
 * builds the app first when web/dist is missing or older than its sources.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSiteBuilt as buildSiteIfNeeded } from '../../lib/site-build.ts';
import { notFoundPage, resolveSitePath, securityHeaders } from '../../web/site-routes.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
export const webDir = join(repo, 'web');
export const defaultSiteDir = join(webDir, 'dist');

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Answers a site (non-API) GET or HEAD from the built app: a page, an asset, or the not-found page with 404. */
export async function serveSite(req: IncomingMessage, res: ServerResponse, dir: string, path: string): Promise<void> {
  let { file, status } = resolveSitePath(path);
  let body = await readInside(dir, file);
  if (!body && status === 200) {
    // A page or asset route whose file is not in the build: the not-found page, as deployed.
    [file, status] = [notFoundPage, 404];
    body = await readInside(dir, file);
  }
  const headers: Record<string, string> = { ...securityHeaders };
  if (!body) {
    res
      .writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' })
      .end('The web app is not built: run `npm run build:web`.\n');
    return;
  }
  headers['content-type'] = types[extname(file)] ?? 'application/octet-stream';
  // Vite's /assets/ files carry a content hash in their names: they never change. Pages do.
  headers['cache-control'] = file.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
  headers['content-length'] = String(body.length);
  res.writeHead(status, headers).end(req.method === 'HEAD' ? undefined : body);
}

async function readInside(dir: string, file: string): Promise<Buffer | undefined> {
  const full = normalize(join(dir, file));
  if (!full.startsWith(normalize(dir) + sep)) return undefined;
  return readFile(full).catch(() => undefined);
}

/** The one build rule for npm start and cdk synth (lib/site-build.ts): built when missing or stale. */
export async function ensureSiteBuilt(log: (line: string) => void = console.log): Promise<void> {
  buildSiteIfNeeded(log);
}
