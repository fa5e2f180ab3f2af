/**
 * The binary files badge rendering reads at run time: the Pretendard fonts and resvg's wasm.
 * They are never imported (esbuild would inline them into index.mjs); they are read from disk on
 * the first render and cached for the container's life.
 *
 * Where they are found:
 * - in a Lambda bundle, next to the file that runs this code (badge-renderer.mjs, beside
 *   index.mjs): `assets/<file>` (copied there with the badge renderer, a lazy module of
 *   lib/bundling.ts);
 * - from source (tsx, vitest), in node_modules, resolved like a package import.
 *
 * This module is shared with the CDK code (which files to copy), so it imports nothing heavy.
 */
import { readFile } from 'node:fs/promises';
// Aliased: the bundle's banner already declares `createRequire` (lib/gatepass-function.ts), and an
// unminified bundle would keep this name and fail to load.
import { createRequire as requireFrom } from 'node:module';

export interface BadgeAsset {
  /** File name under `assets/` next to the bundle. */
  readonly file: string;
  /** The same file as a package path, resolvable from node_modules. */
  readonly module: string;
}

/**
 * Pretendard (SIL OFL 1.1) in its TrueType flavour: the one font file both renderers accept.
 * The CFF .otf (smaller) is CID-keyed and @pdf-lib/fontkit 1.1.1 cannot parse its CFF table
 * ("Unknown operator 3079", a FontMatrix in the FDArray), so pdf-lib could not embed it;
 * resvg reads either, and one file per weight for both keeps SVG/PNG and PDF glyphs identical.
 */
export const BADGE_ASSETS = {
  regular: { file: 'Pretendard-Regular.ttf', module: 'pretendard/dist/public/static/alternative/Pretendard-Regular.ttf' },
  bold: { file: 'Pretendard-Bold.ttf', module: 'pretendard/dist/public/static/alternative/Pretendard-Bold.ttf' },
  resvgWasm: { file: 'resvg.wasm', module: '@resvg/resvg-wasm/index_bg.wasm' },
} as const satisfies Record<string, BadgeAsset>;

export type BadgeAssetName = keyof typeof BADGE_ASSETS;

/** Directory name, next to the bundle's index.mjs, that holds the copied assets. */
export const ASSET_DIR = 'assets';

/** Absolute path of an asset in node_modules (used from source and by the CDK copy step). */
export function assetSourcePath(asset: BadgeAsset): string {
  return requireFrom(import.meta.url).resolve(asset.module);
}

/**
 * Reads an asset: next to the bundle first, then node_modules. Not cached here; callers keep the
 * bytes (render.ts caches per container).
 */
export async function readAsset(name: BadgeAssetName): Promise<Uint8Array> {
  const asset = BADGE_ASSETS[name];
  try {
    return await readFile(new URL(`./${ASSET_DIR}/${asset.file}`, import.meta.url));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let source: string;
  try {
    source = assetSourcePath(asset);
  } catch {
    throw new Error(
      `Badge asset ${asset.file} is neither next to the bundle (${ASSET_DIR}/${asset.file}) nor in node_modules (${asset.module}); ` +
        'a function that renders badges ships them with the badge renderer (lazyModules: LAZY_MODULES.badgeRenderer, lib/bundling.ts).',
    );
  }
  return readFile(source);
}
