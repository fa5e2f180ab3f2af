/**
 * The local gateway serves the built web app beside the API, as CloudFront does deployed: page
 * routes → their page, hashed assets cached for good, anything else → the not-found page with
 * 404 for a browser (problem+json for a client that asks for no HTML), the site's security
 * headers on all of it; the API's paths stay the API's (problem+json).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#local/engines';
import { createGateway } from '#local/gateway';
import { securityHeaders } from '../../web/site-routes.ts';

let server: Server;
let base: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatepass-site-'));
  mkdirSync(join(dir, 'assets'));
  for (const page of ['event', 'manage', 'resend', 'not-found'])
    writeFileSync(join(dir, `${page}.html`), `<!doctype html><title>${page}</title>`);
  writeFileSync(join(dir, 'assets', 'event-abc123.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt.bak'), 'not served');
  const port = await freePort();
  server = createGateway({ site: { dir } });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

// As a browser navigates: Accept names text/html.
const get = (path: string, method = 'GET') =>
  fetch(base + path, { method, headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });

describe('the site on the gateway', () => {
  it.each([
    ['/e/gwangju-2023', 'event'],
    ['/e/gwangju-2023/resend', 'resend'],
    ['/manage', 'manage'],
  ])('%s answers 200 with the %s page, not cached, with every security header', async (path, page) => {
    const r = await get(path);
    expect([r.status, r.headers.get('content-type'), r.headers.get('cache-control')]).toEqual([
      200,
      'text/html; charset=utf-8',
      'no-cache',
    ]);
    expect(await r.text()).toContain(`<title>${page}</title>`);
    for (const [k, v] of Object.entries(securityHeaders)) expect(r.headers.get(k), k).toBe(v);
  });

  it('a hashed asset is served with its type, cached for good, with the security headers', async () => {
    const r = await get('/assets/event-abc123.js');
    expect([r.status, r.headers.get('content-type'), r.headers.get('cache-control')]).toEqual([
      200,
      'text/javascript; charset=utf-8',
      'public, max-age=31536000, immutable',
    ]);
    expect(r.headers.get('content-security-policy')).toBe(securityHeaders['content-security-policy']);
  });

  it.each(['/nothing', '/assets/missing-1.js', '/assets/..%2F..%2Fpackage.json', '/secret.txt.bak', '/e/a/b/c'])(
    '%s is the not-found page with 404',
    async (path) => {
      const r = await get(path);
      expect([r.status, r.headers.get('content-type')]).toEqual([404, 'text/html; charset=utf-8']);
      expect(await r.text()).toContain('<title>not-found</title>');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
    },
  );

  it("an unknown path asked for by a client that wants no HTML (Accept */*) keeps the API's 404 problem+json", async () => {
    const r = await fetch(`${base}/no-such-route`);
    expect([r.status, r.headers.get('content-type')]).toEqual([404, 'application/problem+json; charset=utf-8']);
    expect(((await r.json()) as { code: string }).code).toBe('not_found');
  });

  it('HEAD answers the headers without a body', async () => {
    const r = await get('/manage', 'HEAD');
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('');
  });

  it("unknown paths under the API's prefixes stay 404 problem+json", async () => {
    for (const path of ['/events/nosuchevent1/nothing', '/health/x', '/devices']) {
      const r = await get(path);
      expect(r.status).toBe(404);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(((await r.json()) as { code: string }).code).toBe('not_found');
    }
  });
});
