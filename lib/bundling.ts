/**
 * How every Lambda is bundled: the esbuild options GatepassFunction gives NodejsFunction, and what
 * its afterBundling hook adds beside index.mjs. One place, imported by lib/gatepass-function.ts
 * and by the bench (bench/bundles.ts, which bundles through esbuild's JS API and runs the same
 * afterBundling commands), so the bench measures what is deployed. No aws-cdk-lib here: the bench
 * must not load it.
 *
 * Lazy modules: code that only some invocations run (the badge renderer, the email composer with
 * its QR, calendar and MIME libraries, the S3 upload and presigner of large exports). A dynamic
 * `import()` inside one esbuild output still inlines the module, and V8 parses every inlined byte
 * at each cold start (get-badge's renderer alone cost ~25 ms). So each lazy module is:
 * - imported by a `#specifier` (`await import('#mail-composer')`), mapped by the project's
 *   package.json "imports" to its .ts source in dev and tests (tsx, vitest);
 * - external in index.mjs, and built by the afterBundling hook, with the same esbuild options, as
 *   its own file beside index.mjs (`mail-composer.mjs`...);
 * - mapped to that file by one `package.json` written beside index.mjs:
 *   `{"type":"module","imports":{"#mail-composer":"./mail-composer.mjs", ...}}` (every lazy module
 *   of the function), so Node resolves the specifier from index.mjs at run time.
 * Which function gets which follows from its route or worker flags (`lazyModulesFor`, used by the
 * stack and the bench). The badge renderer also ships `assets/`: the fonts and resvg's wasm
 * (functions/badges/assets.ts reads them relative to the module that runs, badge-renderer.mjs,
 * beside index.mjs: same directory).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASSET_DIR, BADGE_ASSETS, assetSourcePath } from '#badges/assets';

/** The repository root: NodejsFunction's project root (where package-lock.json is), its bundling input dir. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** ESM bundles have no `require`; some CommonJS dependencies still call it. */
export const REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * GatepassFunction's bundling options, in esbuild's terms (NodejsFunction passes them as CLI
 * flags; the renderer and the bench use the same ones).
 */
export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  minify: true,
  sourcemap: true, // --sourcemap: linked, <file>.map beside it
  mainFields: ['module', 'main'],
  banner: REQUIRE_BANNER,
} as const;

/** A file shipped beside the bundle's index.mjs, unbundled (fonts, wasm: read at run time, never inlined). */
export interface BundledAsset {
  /** Absolute path of the source file (e.g. resolved in node_modules). */
  readonly from: string;
  /** Path relative to the bundle's output dir, e.g. `assets/Pretendard-Regular.ttf`. */
  readonly to: string;
}

/** The fonts and resvg's wasm that functions/badges reads from `assets/` next to the bundle. */
export function badgeAssets(): BundledAsset[] {
  return Object.values(BADGE_ASSETS).map((a) => ({ from: assetSourcePath(a), to: `${ASSET_DIR}/${a.file}` }));
}

/** A module loaded on first use, shipped as its own file beside index.mjs (see the top of this file). */
export interface LazyModule {
  /** What the code imports (package.json "imports": the .ts source in dev, the built file in a bundle). */
  readonly specifier: `#${string}`;
  /** Its source, relative to the project root. */
  readonly source: string;
  /** The built file, relative to the bundle's output dir. */
  readonly file: string;
  /** Files it reads at run time, copied beside index.mjs with it. */
  readonly assets?: () => BundledAsset[];
}

export const LAZY_MODULES = {
  /** functions/badges/render.ts: pdf-lib, @pdf-lib/fontkit, resvg (~1.4 MB minified), the fonts and the wasm. */
  badgeRenderer: { specifier: '#badge-renderer', source: 'functions/badges/render.ts', file: 'badge-renderer.mjs', assets: badgeAssets },
  /** functions/mail/compose.ts: the email's content, QR (qrcode, pngjs), calendar (ics, yup) and MIME (nodemailer's MailComposer). */
  mailComposer: { specifier: '#mail-composer', source: 'functions/mail/compose.ts', file: 'mail-composer.mjs' },
  /** functions/adapters/export-bucket.ts: the S3 upload and presigned GET of exports over one response (client-s3, presigner). */
  exportBucket: { specifier: '#export-bucket', source: 'functions/adapters/export-bucket.ts', file: 'export-bucket.mjs' },
  /** functions/exports/workbook.ts: exceljs (~1.2 MB minified), which writes the XLSX export. */
  xlsxWriter: { specifier: '#xlsx-writer', source: 'functions/exports/workbook.ts', file: 'xlsx-writer.mjs' },
  /** functions/wallet/apple-pass.ts: passkit-generator with node-forge and joi, which zip and sign Apple passes. */
  applePass: { specifier: '#apple-pass', source: 'functions/wallet/apple-pass.ts', file: 'apple-pass.mjs' },
} as const satisfies Record<string, LazyModule>;

/** The badge renderer (kept as a name of its own: tests and the bench refer to it). */
export const BADGE_RENDERER = LAZY_MODULES.badgeRenderer;

/** What a function does, as its route or worker in functions/routes.ts says. */
export interface FunctionNeeds {
  readonly rendersBadges?: boolean;
  readonly sendsEmail?: boolean;
  readonly storesExports?: boolean;
  readonly writesWorkbooks?: boolean;
  readonly wallet?: 'apple' | 'google';
}

/** The lazy modules a function ships, from its flags: the one place that decides (stack and bench). */
export function lazyModulesFor(needs: FunctionNeeds): LazyModule[] {
  return [
    ...(needs.rendersBadges ? [LAZY_MODULES.badgeRenderer] : []),
    ...(needs.sendsEmail ? [LAZY_MODULES.mailComposer] : []),
    ...(needs.storesExports ? [LAZY_MODULES.exportBucket] : []),
    ...(needs.writesWorkbooks ? [LAZY_MODULES.xlsxWriter] : []),
    ...(needs.wallet === 'apple' ? [LAZY_MODULES.applePass] : []),
  ];
}

/** The package.json written beside index.mjs: one "imports" map with every lazy module of the function. */
export function bundlePackageJson(modules: readonly LazyModule[]): { type: 'module'; imports: Record<string, string> } {
  return { type: 'module', imports: Object.fromEntries(modules.map((m) => [m.specifier, `./${m.file}`])) };
}

export interface FunctionBundling {
  /** Modules shipped as files of their own beside index.mjs (external in it). */
  readonly lazyModules?: readonly LazyModule[];
  /** Other files copied next to index.mjs. */
  readonly assets?: readonly BundledAsset[];
}

/** Modules esbuild leaves out of index.mjs: the lazy modules (the AWS SDK is bundled: pinned, tree-shaken). */
export function externalModules(f: FunctionBundling): string[] {
  return (f.lazyModules ?? []).map((m) => m.specifier);
}

/** Whether the afterBundling hook has anything to do. */
export function needsAfterBundling(f: FunctionBundling): boolean {
  return (f.lazyModules?.length ?? 0) > 0 || (f.assets?.length ?? 0) > 0;
}

export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A path inside the project as the bundling step sees it: under the input dir (the host path when
 * bundling locally, /asset-input in Docker); paths outside the project stay as they are.
 */
function fromInput(file: string, inputDir: string): string {
  const rel = path.relative(PROJECT_ROOT, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : path.posix.join(inputDir, rel.split(path.sep).join('/'));
}

/** esbuild CLI flags for ESBUILD_OPTIONS (as NodejsFunction writes them). */
function esbuildFlags(): string[] {
  const o = ESBUILD_OPTIONS;
  return [
    ...(o.bundle ? ['--bundle'] : []),
    `--platform=${o.platform}`,
    `--target=${o.target}`,
    `--format=${o.format}`,
    ...(o.minify ? ['--minify'] : []),
    ...(o.sourcemap ? ['--sourcemap'] : []),
    `--main-fields=${o.mainFields.join(',')}`,
    `--banner:js=${o.banner}`,
  ];
}

/**
 * The afterBundling commands (bash) that complete a function's output dir: each lazy module built
 * to its file (the function's other lazy modules external in it too, so none inlines another),
 * the package.json that maps them, then the assets. Locally (input dir = the project root) the
 * project's own esbuild builds them, the same binary NodejsFunction ran; in Docker, the image's
 * `esbuild`.
 */
export function afterBundlingCommands(f: FunctionBundling, inputDir: string, outputDir: string): string[] {
  const commands: string[] = [];
  const lazy = f.lazyModules ?? [];
  if (lazy.length > 0) {
    const local = path.resolve(inputDir) === PROJECT_ROOT;
    const esbuild = local ? path.join(PROJECT_ROOT, 'node_modules', '.bin', 'esbuild') : 'esbuild';
    for (const m of lazy) {
      const entry = path.posix.join(inputDir, m.source);
      const outfile = path.posix.join(outputDir, m.file);
      const externals = lazy.filter((other) => other !== m).map((other) => `--external:${other.specifier}`);
      commands.push(
        [esbuild, entry, ...esbuildFlags(), ...externals, `--outfile=${outfile}`, '--log-level=warning'].map(shellQuote).join(' '),
      );
    }
    commands.push(
      `printf '%s' ${shellQuote(JSON.stringify(bundlePackageJson(lazy)))} > ${shellQuote(path.posix.join(outputDir, 'package.json'))}`,
    );
  }
  const assets = [...lazy.flatMap((m) => m.assets?.() ?? []), ...(f.assets ?? [])];
  const copies = assets.map((a) => ({ from: fromInput(a.from, inputDir), to: path.posix.join(outputDir, a.to) }));
  const dirs = [...new Set(copies.map((c) => path.posix.dirname(c.to)))];
  commands.push(...dirs.map((d) => `mkdir -p ${shellQuote(d)}`), ...copies.map((c) => `cp ${shellQuote(c.from)} ${shellQuote(c.to)}`));
  return commands;
}
