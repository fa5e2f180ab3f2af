/**
 * The one infra test that bundles for real (esbuild, locally, no Docker): GatepassFunction's
 * bundling settings must produce a small ESM index.mjs with a source map and a `require` shim.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatepassFunction } from '../../lib/gatepass-function.ts';

let outdir: string;
let assetDir: string;

beforeAll(() => {
  // Prepare
  outdir = mkdtempSync(path.join(tmpdir(), 'gatepass-bundle-'));
  const app = new App({ outdir }); // no bundling-stacks override: bundles for real
  const stack = new Stack(app, 'Bundle');
  const health = new GatepassFunction(stack, 'health');
  // Act
  const assembly = app.synth();
  const template = assembly.getStackByName('Bundle').template as { Resources: Record<string, any> };
  const fnId = stack.getLogicalId(health.fn.node.defaultChild as never);
  const s3Key = template.Resources[fnId].Properties.Code.S3Key as string;
  assetDir = path.join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);
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
