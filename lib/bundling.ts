/**
 * How every Lambda is bundled: the esbuild options GatepassFunction gives NodejsFunction, and what
 * its afterBundling hook adds beside index.mjs. One place, imported by lib/gatepass-function.ts
 * and by the bench (bench/bundles.ts, which bundles through esbuild's JS API and runs the same
 * afterBundling commands), so the bench measures what is deployed. No aws-cdk-lib here: the bench
 * must not load it.
 *
 * Functions that render badges (GatepassFunction `badgeAssets: true`) ship three more things:
 * - `badge-renderer.mjs`: functions/badges/render.ts (pdf-lib, @pdf-lib/fontkit, resvg: ~1.9 MB
 *   minified) built as its own file. The handler loads it with `import('#badge-renderer')` on the
 *   first render, and `#badge-renderer` is external in index.mjs, so the cold start never parses
 *   it. Inlined (a dynamic `import()` inside one esbuild output still inlines the module), it
 *   cost ~25 ms of V8 parsing at every cold start.
 * - `package.json`: `{"type":"module","imports":{"#badge-renderer":"./badge-renderer.mjs"}}`, so
 *   Node resolves the specifier from index.mjs at run time (in dev and tests, the project's
 *   package.json maps it to the .ts source instead).
 * - `assets/`: the fonts and resvg's wasm (functions/badges/assets.ts reads them relative to the
 *   module that runs, which is badge-renderer.mjs, beside index.mjs: same directory).
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

/** The badge renderer, a second file beside index.mjs in the functions that render badges. */
export const BADGE_RENDERER = {
  /** What the handler imports (package.json "imports": the .ts source in dev, the built file in a bundle). */
  specifier: '#badge-renderer',
  /** Its source, relative to the project root. */
  source: 'functions/badges/render.ts',
  /** The built file, relative to the bundle's output dir. */
  file: 'badge-renderer.mjs',
} as const;

/** The package.json written beside index.mjs so that Node maps the specifier to the built file. */
export const BADGE_BUNDLE_PACKAGE_JSON = { type: 'module', imports: { [BADGE_RENDERER.specifier]: `./${BADGE_RENDERER.file}` } } as const;

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

export interface FunctionBundling {
  /** Ships the badge renderer as its own file, with the fonts and the wasm. */
  readonly badges?: boolean;
  /** Other files copied next to index.mjs. */
  readonly assets?: readonly BundledAsset[];
}

/** Modules esbuild leaves out of index.mjs (the AWS SDK is bundled: pinned, tree-shaken). */
export function externalModules(f: FunctionBundling): string[] {
  return f.badges ? [BADGE_RENDERER.specifier] : [];
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
 * The afterBundling commands (bash) that complete a function's output dir: the badge renderer and
 * its package.json, then the assets. Locally (input dir = the project root) the project's own
 * esbuild builds the renderer, the same binary NodejsFunction ran; in Docker, the image's `esbuild`.
 */
export function afterBundlingCommands(f: FunctionBundling, inputDir: string, outputDir: string): string[] {
  const commands: string[] = [];
  if (f.badges) {
    const local = path.resolve(inputDir) === PROJECT_ROOT;
    const esbuild = local ? path.join(PROJECT_ROOT, 'node_modules', '.bin', 'esbuild') : 'esbuild';
    const entry = path.posix.join(inputDir, BADGE_RENDERER.source);
    const outfile = path.posix.join(outputDir, BADGE_RENDERER.file);
    commands.push(
      [esbuild, entry, ...esbuildFlags(), `--outfile=${outfile}`, '--log-level=warning'].map(shellQuote).join(' '),
      `printf '%s' ${shellQuote(JSON.stringify(BADGE_BUNDLE_PACKAGE_JSON))} > ${shellQuote(path.posix.join(outputDir, 'package.json'))}`,
    );
  }
  const assets = [...(f.badges ? badgeAssets() : []), ...(f.assets ?? [])];
  const copies = assets.map((a) => ({ from: fromInput(a.from, inputDir), to: path.posix.join(outputDir, a.to) }));
  const dirs = [...new Set(copies.map((c) => path.posix.dirname(c.to)))];
  commands.push(...dirs.map((d) => `mkdir -p ${shellQuote(d)}`), ...copies.map((c) => `cp ${shellQuote(c.from)} ${shellQuote(c.to)}`));
  return commands;
}
