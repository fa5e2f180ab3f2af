/** lib/site-build.ts: when `cdk synth` rebuilds web/dist (missing, or older than a source or the lockfile). */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { siteBuildState } from '../../lib/site-build.ts';

let dir: string;
const at = (file: string, seconds: number) => utimesSync(file, seconds, seconds);
const write = (rel: string, seconds: number) => {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, rel);
  at(file, seconds);
  return file;
};

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gatepass-site-build-'));
  write('package-lock.json', 1000);
  write('web/src/pages/event.tsx', 1000);
  write('web/site-routes.ts', 1000);
  write('functions/schemas/registration.ts', 1000);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('siteBuildState', () => {
  const state = () => siteBuildState(path.join(dir, 'web'), path.join(dir, 'package-lock.json'), [path.join(dir, 'functions', 'schemas')]);

  it('is missing with no dist, or a dist without pages or assets', () => {
    expect(state()).toBe('missing');
    write('web/dist/event.html', 2000);
    expect(state()).toBe('missing');
  });

  it('is fresh when every built file is newer than every source', () => {
    write('web/dist/event.html', 2000);
    write('web/dist/assets/event-1.js', 2000);
    write('web/node_modules/.vite/cache.json', 3000);
    expect(state()).toBe('fresh');
  });

  it('is stale when a page source, the route table or the lockfile changed after the build', () => {
    write('web/dist/event.html', 2000);
    write('web/dist/assets/event-1.js', 2000);
    // functions/schemas: the pages validate with the handlers' own schemas.
    for (const source of ['web/src/pages/event.tsx', 'web/site-routes.ts', 'package-lock.json', 'functions/schemas/registration.ts']) {
      at(path.join(dir, source), 3000);
      expect(state(), source).toBe('stale');
      at(path.join(dir, source), 1000);
    }
    expect(state()).toBe('fresh');
  });
});
