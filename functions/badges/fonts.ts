/**
 * Pretendard for badges: the bytes (read once per container) and @pdf-lib/fontkit fonts (parsed
 * once), used to measure text for the layout and by pdf-lib to embed a subset.
 *
 * @pdf-lib/fontkit 1.1.1 (the fork pdf-lib needs) has a subsetting bug that upstream fontkit
 * fixed in 1.8 (foliojs/fontkit#191): a TrueType subset whose glyph data stays under 64 KB (a
 * badge's always does) gets a short `loca` (offsets halved) while its glyph records keep odd
 * lengths, so every glyph after an odd-length one reads garbage and prints blank or broken, with
 * no error. `subsetSafeFontkit` pads each glyph record of a subset to an even length, which keeps
 * the halved offsets exact (the OpenType spec asks glyph records to be so aligned anyway).
 * test/unit/badge-render.test.ts compares every embedded glyph with the full font's.
 */
import type { PDFDocument } from 'pdf-lib';
import { readAsset } from './assets.ts';
import { lazy } from './lazy.ts';

/** pdf-lib's view of fontkit (its own type module is not exported). */
export type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];
export type Font = ReturnType<Fontkit['create']>;

export type Weight = 'regular' | 'bold';

export interface BadgeFonts {
  readonly bytes: Readonly<Record<Weight, Uint8Array>>;
  readonly fonts: Readonly<Record<Weight, Font>>;
  /** The fontkit to register on a PDFDocument: cached fonts, and subsets that survive a short loca. */
  readonly fontkit: Fontkit;
  /** Advance width of `text` at `size` (any unit: the result is in the same unit). */
  width(text: string, weight: Weight, size: number): number;
}

/** The internals of fontkit's TTFSubset that the padding relies on (checked before use). */
interface TtfSubsetInternals {
  _addGlyph(gid: number): number;
  glyf: { length: number; constructor: { concat(list: unknown[]): unknown; alloc(size: number): unknown } }[];
  offset: number;
  glyphEncoder: unknown;
}

function isTtfSubset(subset: object): subset is TtfSubsetInternals {
  const s = subset as Partial<TtfSubsetInternals>;
  return typeof s._addGlyph === 'function' && 'glyphEncoder' in s;
}

function padGlyphRecords(subset: TtfSubsetInternals): void {
  const addGlyph = subset._addGlyph.bind(subset);
  subset._addGlyph = (gid: number) => {
    const id = addGlyph(gid);
    if (subset.offset % 2 === 1) {
      // The record just added is the last one; pad it with one zero byte, using fontkit's own Buffer class.
      const last = subset.glyf.length - 1;
      const record = subset.glyf[last]!;
      subset.glyf[last] = record.constructor.concat([record, record.constructor.alloc(1)]) as typeof record;
      subset.offset += 1;
    }
    return id;
  };
}

export function subsetSafeFontkit(base: Fontkit): Fontkit {
  const cache = new WeakMap<Uint8Array, Font>();
  return {
    create(buffer: Uint8Array, postscriptName?: string): Font {
      const cached = postscriptName === undefined ? cache.get(buffer) : undefined;
      if (cached) return cached;
      const font = base.create(buffer, postscriptName);
      const createSubset = font.createSubset.bind(font);
      font.createSubset = () => {
        const subset = createSubset();
        if (isTtfSubset(subset)) padGlyphRecords(subset);
        return subset;
      };
      if (postscriptName === undefined) cache.set(buffer, font);
      return font;
    },
  };
}

const WIDTH_CACHE_LIMIT = 5000;

/** Advance width in ems (shaped by fontkit, kerning included); fitting asks for the same strings often. */
function emWidth(font: Font, cache: Map<string, number>, text: string): number {
  let width = cache.get(text);
  if (width === undefined) {
    width = font.layout(text).advanceWidth / font.unitsPerEm;
    if (cache.size >= WIDTH_CACHE_LIMIT) cache.clear();
    cache.set(text, width);
  }
  return width;
}

export const loadFonts = lazy(async (): Promise<BadgeFonts> => {
  const [regularBytes, boldBytes, fontkitModule] = await Promise.all([readAsset('regular'), readAsset('bold'), import('@pdf-lib/fontkit')]);
  const base = ((fontkitModule as { default?: Fontkit }).default ?? fontkitModule) as Fontkit;
  const fontkit = subsetSafeFontkit(base);
  const fonts = { regular: fontkit.create(regularBytes), bold: fontkit.create(boldBytes) };
  const widths = { regular: new Map<string, number>(), bold: new Map<string, number>() };
  return {
    bytes: { regular: regularBytes, bold: boldBytes },
    fonts,
    fontkit,
    width(text, weight, size) {
      return emWidth(fonts[weight], widths[weight], text) * size;
    },
  };
});
