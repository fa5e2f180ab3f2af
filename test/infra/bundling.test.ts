/**
 * The one infra test that bundles for real (esbuild, locally, no Docker): GatepassFunction's
 * bundling settings must produce a small ESM index.mjs with a source map and a `require` shim,
 * and each lazy module must ship as a file of its own (`badge-renderer.mjs`, `mail-composer.mjs`,
 * `export-bucket.mjs`), external in index.mjs and mapped by one package.json beside it, with the
 * badge renderer's fonts and wasm beside it instead of inlined.
 * (test/integration/lambda-bundles.test.ts runs the real get-badge, mailer and export bundles.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BADGE_ASSETS, assetSourcePath } from '#badges/assets';
import projectPackage from '../../package.json' with { type: 'json' };
import {
  BADGE_RENDERER,
  LAZY_MODULES,
  afterBundlingCommands,
  bundlePackageJson,
  externalModules,
  lazyModulesFor,
} from '../../lib/bundling.ts';
import { GatepassFunction } from '../../lib/gatepass-function.ts';

let outdir: string;
let assetDir: string;
let badgeAssetDir: string;
let lazyAssetDir: string;
const { mailComposer, exportBucket } = LAZY_MODULES;

beforeAll(() => {
  // Prepare
  outdir = mkdtempSync(path.join(tmpdir(), 'gatepass-bundle-'));
  const app = new App({ outdir }); // no bundling-stacks override: bundles for real
  const stack = new Stack(app, 'Bundle');
  const health = new GatepassFunction(stack, 'health');
  const badges = new GatepassFunction(stack, 'badges', {
    entry: path.join(import.meta.dirname, 'fixtures', 'badge-handler.ts'),
    lazyModules: [LAZY_MODULES.badgeRenderer],
  });
  const lazy = new GatepassFunction(stack, 'lazy', {
    entry: path.join(import.meta.dirname, 'fixtures', 'lazy-handler.ts'),
    lazyModules: [mailComposer, exportBucket],
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
  lazyAssetDir = dirOf(lazy);
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

describe('GatepassFunction bundling with the badge renderer (fixture handler rendering every badge format)', () => {
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
    expect(pkg).toEqual(bundlePackageJson([BADGE_RENDERER]));
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

/** Runs `script` (an ES module body) in a fresh Node process in `dir`. */
function runIn(dir: string, script: string) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
}

const invokeLazy = (
  dir: string,
  use: 'mail' | 'export',
) => `const { handler } = await import(${JSON.stringify(path.join(dir, 'index.mjs'))});
  console.log(JSON.stringify(await handler({ use: ${JSON.stringify(use)} })));`;

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

describe('lazy modules: which function gets which, and the dev mapping', () => {
  it('follows the route and worker flags (rendersBadges, sendsEmail, storesExports)', () => {
    expect(lazyModulesFor({})).toEqual([]);
    expect(lazyModulesFor({ rendersBadges: true })).toEqual([LAZY_MODULES.badgeRenderer]);
    expect(lazyModulesFor({ sendsEmail: true })).toEqual([mailComposer]);
    expect(lazyModulesFor({ storesExports: true })).toEqual([exportBucket]);
    expect(lazyModulesFor({ storesExports: true, writesWorkbooks: true })).toEqual([exportBucket, LAZY_MODULES.xlsxWriter]);
    expect(lazyModulesFor({ wallet: 'apple' })).toEqual([LAZY_MODULES.applePass]);
    expect(lazyModulesFor({ wallet: 'google' })).toEqual([]);
    expect(externalModules({ lazyModules: lazyModulesFor({ sendsEmail: true, storesExports: true }) })).toEqual([
      '#mail-composer',
      '#export-bucket',
    ]);
  });

  it("maps every lazy specifier to its .ts source in the project's package.json (tsx, vitest), and the sources exist", () => {
    for (const m of Object.values(LAZY_MODULES)) {
      expect((projectPackage.imports as Record<string, string>)[m.specifier], m.specifier).toBe(`./${m.source}`);
      expect(existsSync(path.join(import.meta.dirname, '..', '..', m.source)), m.source).toBe(true);
    }
  });

  it('builds each lazy module with the others external, then writes one package.json (afterBundling commands)', () => {
    // Act
    const commands = afterBundlingCommands({ lazyModules: [mailComposer, exportBucket] }, '/asset-input', '/asset-output');
    // Assess
    expect(commands).toHaveLength(3);
    expect(commands[0]).toContain("'/asset-input/functions/mail/compose.ts'");
    expect(commands[0]).toContain("'--external:#export-bucket'");
    expect(commands[0]).toContain("'--outfile=/asset-output/mail-composer.mjs'");
    expect(commands[1]).toContain("'/asset-input/functions/adapters/export-bucket.ts'");
    expect(commands[1]).toContain("'--external:#mail-composer'");
    expect(commands[1]).toContain("'--outfile=/asset-output/export-bucket.mjs'");
    expect(commands[2]).toContain(
      JSON.stringify({ type: 'module', imports: { '#mail-composer': './mail-composer.mjs', '#export-bucket': './export-bucket.mjs' } }),
    );
    expect(afterBundlingCommands({}, '/asset-input', '/asset-output')).toEqual([]);
  });
});

describe('GatepassFunction bundling with two lazy modules (fixture handler: #mail-composer and #export-bucket)', () => {
  it('ships mail-composer.mjs and export-bucket.mjs (ESM, banner, source maps) and one package.json mapping both', () => {
    for (const m of [mailComposer, exportBucket]) {
      // Act
      const file = path.join(lazyAssetDir, m.file);
      const code = readFileSync(file, 'utf8');
      // Assess
      expect(code.startsWith("import { createRequire } from 'module'; const require = createRequire(import.meta.url);"), m.file).toBe(true);
      expect(code.trimEnd().endsWith(`//# sourceMappingURL=${m.file}.map`), m.file).toBe(true);
      expect(existsSync(`${file}.map`), m.file).toBe(true);
    }
    expect(JSON.parse(readFileSync(path.join(lazyAssetDir, 'package.json'), 'utf8'))).toEqual({
      type: 'module',
      imports: { '#mail-composer': './mail-composer.mjs', '#export-bucket': './export-bucket.mjs' },
    });
    expect(existsSync(path.join(lazyAssetDir, 'assets'))).toBe(false); // no fonts or wasm without the renderer
  });

  it('keeps both out of index.mjs (dynamic imports of their specifiers only), and each out of the other', () => {
    // Act
    const index = readFileSync(path.join(lazyAssetDir, 'index.mjs'), 'utf8');
    const composer = readFileSync(path.join(lazyAssetDir, mailComposer.file), 'utf8');
    const bucket = readFileSync(path.join(lazyAssetDir, exportBucket.file), 'utf8');
    // Assess
    expect(index).toMatch(/import\(\s*["']#mail-composer["']\s*\)/);
    expect(index).toMatch(/import\(\s*["']#export-bucket["']\s*\)/);
    expect(index).not.toMatch(/^\s*import[^(]*["']#(mail-composer|export-bucket)["']/m); // never a static import
    expect(statSync(path.join(lazyAssetDir, 'index.mjs')).size).toBeLessThan(5 * 1024);
    expect(composer).toContain('Content-Transfer-Encoding'); // nodemailer's MailComposer lives here
    expect(bucket).toContain('PutObject'); // the S3 client lives here...
    expect(bucket).toContain('X-Amz-Signature'); // ...and the presigner
    for (const code of [index, composer]) expect(code).not.toContain('PutObject');
    for (const code of [index, bucket]) expect(code).not.toContain('Content-Transfer-Encoding');
  });

  it('runs from its own directory, with no node_modules in reach: composes a message, finds putExport', () => {
    // Act
    const mail = runIn(lazyAssetDir, invokeLazy(lazyAssetDir, 'mail'));
    const bucket = runIn(lazyAssetDir, invokeLazy(lazyAssetDir, 'export'));
    // Assess
    expect(mail.status, mail.stderr).toBe(0);
    expect(lastJson(mail.stdout)).toMatchObject({ multipart: true });
    expect(bucket.status, bucket.stderr).toBe(0);
    expect(lastJson(bucket.stdout)).toEqual({ putExport: 'function' });
  }, 30_000);

  it.each([
    [mailComposer.file, 'mail', 'export'],
    [exportBucket.file, 'export', 'mail'],
    ['package.json', 'mail', undefined],
    ['package.json', 'export', undefined],
  ] as const)(
    'fails without %s beside index.mjs (%s), while a use that does not need it still works',
    (missing, use, unaffected) => {
      // Prepare: the same bundle, one file short
      const copy = mkdtempSync(path.join(tmpdir(), 'gatepass-bundle-short-'));
      try {
        cpSync(lazyAssetDir, copy, { recursive: true });
        rmSync(path.join(copy, missing));
        // Act
        const broken = runIn(copy, invokeLazy(copy, use));
        // Assess
        expect(broken.status).not.toBe(0);
        expect(broken.stderr).toMatch(/ERR_MODULE_NOT_FOUND|ERR_PACKAGE_IMPORT_NOT_DEFINED|Cannot find/);
        expect(broken.stderr).toContain(missing === 'package.json' ? (use === 'mail' ? '#mail-composer' : '#export-bucket') : missing);
        if (unaffected) {
          const other = runIn(copy, invokeLazy(copy, unaffected));
          expect(other.status, other.stderr).toBe(0);
        }
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    },
    30_000,
  );
});
