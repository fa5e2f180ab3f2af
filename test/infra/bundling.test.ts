/**
 * The one infra test that bundles for real (esbuild, locally, no Docker): GatepassFunction's
 * bundling settings must produce a small ESM index.mjs with a source map and a `require` shim,
 * and `badgeAssets` must ship the renderer as a second file (`badge-renderer.mjs`, mapped by a
 * package.json beside index.mjs) and the fonts and wasm beside it instead of inlining them.
 * (test/integration/get-badge-bundle.test.ts runs the real get-badge bundle against the table.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BADGE_ASSETS, assetSourcePath } from '#badges/assets';
import { BADGE_BUNDLE_PACKAGE_JSON, BADGE_RENDERER } from '../../lib/bundling.ts';
import { GatepassFunction } from '../../lib/gatepass-function.ts';

let outdir: string;
let assetDir: string;
let badgeAssetDir: string;

beforeAll(() => {
  // Prepare
  outdir = mkdtempSync(path.join(tmpdir(), 'gatepass-bundle-'));
  const app = new App({ outdir }); // no bundling-stacks override: bundles for real
  const stack = new Stack(app, 'Bundle');
  const health = new GatepassFunction(stack, 'health');
  const badges = new GatepassFunction(stack, 'badges', {
    entry: path.join(import.meta.dirname, 'fixtures', 'badge-handler.ts'),
    badgeAssets: true,
  });
  // Act
  const assembly = app.synth();
  const template = assembly.getStackByName('Bundle').template as { Resources: Record<string, any> };
  const dirOf = (fn: GatepassFunction) => {
    const s3Key = template.Resources[stack.getLogicalId(fn.fn.node.defaultChild as never)].Properties.Code.S3Key as string;
    return path.join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);
  };
  assetDir = dirOf(health);
  badgeAssetDir = dirOf(badges);
}, 120_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('GatepassFunction bundling (health handler)', () => {
  it('writes index.mjs, ESM, exporting handler, with the createRequire banner and a source map', () => {
    // Act
    const file = path.join(assetDir, 'index.mjs');
    const code = readFileSync(file, 'utf8');
    // Assess
    expect(code.startsWith("import { createRequire } from 'module'; const require = createRequire(import.meta.url);")).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{[^}]*\bhandler\b[^}]*\}/);
    expect(code).not.toMatch(/\bmodule\.exports\s*=/);
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    expect(existsSync(path.join(assetDir, 'index.mjs.map'))).toBe(true);
    // Node itself parses it as an ES module (syntax check only, nothing runs)
    expect(() => execFileSync(process.execPath, ['--check', file], { stdio: 'pipe' })).not.toThrow();
  });

  it('stays small (< 300 KB)', () => {
    // Act
    const size = statSync(path.join(assetDir, 'index.mjs')).size;
    // Assess
    expect(size).toBeLessThan(300 * 1024);
  });
});

describe('GatepassFunction bundling with badgeAssets (fixture handler rendering every badge format)', () => {
  it('copies the fonts and the wasm into assets/ beside index.mjs, byte for byte', () => {
    for (const asset of Object.values(BADGE_ASSETS)) {
      // Act
      const copied = path.join(badgeAssetDir, 'assets', asset.file);
      // Assess
      expect(existsSync(copied), asset.file).toBe(true);
      expect(readFileSync(copied).equals(readFileSync(assetSourcePath(asset))), asset.file).toBe(true);
    }
  });

  it('builds the renderer as badge-renderer.mjs (ESM, banner, source map) and maps #badge-renderer to it in a package.json', () => {
    // Act
    const renderer = path.join(badgeAssetDir, BADGE_RENDERER.file);
    const code = readFileSync(renderer, 'utf8');
    const pkg = JSON.parse(readFileSync(path.join(badgeAssetDir, 'package.json'), 'utf8'));
    // Assess
    expect(code.startsWith("import { createRequire } from 'module'; const require = createRequire(import.meta.url);")).toBe(true);
    expect(code).toMatch(/\/\/# sourceMappingURL=badge-renderer\.mjs\.map\s*$/);
    expect(existsSync(`${renderer}.map`)).toBe(true);
    expect(code).toContain('PDFDocument'); // pdf-lib lives here
    expect(pkg).toEqual({ type: 'module', imports: { '#badge-renderer': './badge-renderer.mjs' } });
    expect(pkg).toEqual(BADGE_BUNDLE_PACKAGE_JSON);
  });

  it('keeps the renderer and the assets out of index.mjs: a few KB that import #badge-renderer dynamically', () => {
    // Act
    const size = statSync(path.join(badgeAssetDir, 'index.mjs')).size;
    const code = readFileSync(path.join(badgeAssetDir, 'index.mjs'), 'latin1');
    // Assess
    expect(size).toBeLessThan(100 * 1024);
    expect(code).toMatch(/import\(\s*["']#badge-renderer["']\s*\)/);
    expect(code).not.toMatch(/^\s*import[^(]*["']#badge-renderer["']/m); // never a static import
    expect(code).not.toContain('PDFDocument');
    expect(code).not.toMatch(/AGFzbQ|\\x00asm/); // no wasm inlined (base64 or escaped)
    // The renderer file carries no wasm either
    expect(readFileSync(path.join(badgeAssetDir, BADGE_RENDERER.file), 'latin1')).not.toMatch(/AGFzbQ|\\x00asm/);
  });

  it('runs from its own directory, with no node_modules in reach, and renders every format', () => {
    // Prepare
    const token = `eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.${'e'.repeat(100)}.${'s'.repeat(86)}`;
    const script = `const { handler } = await import(${JSON.stringify(path.join(badgeAssetDir, 'index.mjs'))});
      console.log(JSON.stringify(await handler({ token: ${JSON.stringify(token)}, name: '김민지' })));`;
    // Act
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: badgeAssetDir, encoding: 'utf8' });
    const sizes = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
    // Assess
    expect(sizes.svg).toBeGreaterThan(1000);
    expect(sizes.png).toBeGreaterThan(10_000);
    expect(sizes.pdf).toBeGreaterThan(5_000);
    expect(sizes.pdf).toBeLessThan(150 * 1024);
    expect(sizes.qr).toBeGreaterThan(500);
  }, 60_000);

  it.each([BADGE_RENDERER.file, 'package.json'])('fails to render without %s beside index.mjs', (missing) => {
    // Prepare: the same bundle, one file short
    const copy = mkdtempSync(path.join(tmpdir(), 'gatepass-bundle-short-'));
    try {
      cpSync(badgeAssetDir, copy, { recursive: true });
      rmSync(path.join(copy, missing));
      const script = `const { handler } = await import(${JSON.stringify(path.join(copy, 'index.mjs'))});
        await handler({ token: 'x'.repeat(200), name: 'A' });`;
      // Act
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: copy, encoding: 'utf8' });
      // Assess
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/ERR_MODULE_NOT_FOUND|ERR_PACKAGE_IMPORT_NOT_DEFINED|Cannot find|#badge-renderer/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
