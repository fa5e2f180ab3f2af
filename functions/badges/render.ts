/**
 * Badge rendering: SVG, PNG (the SVG through resvg-wasm) and print-ready PDF (A6 portrait, pdf-lib
 * with a Pretendard subset), plus the bare QR as PNG for the confirmation email.
 *
 * The libraries are imported dynamically and the fonts and the wasm are read from disk on the
 * first render, then kept for the container's life (functions/badges/assets.ts says where they
 * are found). Handlers import this module as `#badge-renderer`, dynamically: in a deployed bundle
 * it is a second file, badge-renderer.mjs beside index.mjs (lib/bundling.ts), because inside one
 * esbuild output a dynamic `import()` of a package still inlines it, and V8 would parse pdf-lib,
 * fontkit and resvg's JS (~1.4 MB) at every cold start.
 */
import { readAsset } from './assets.ts';
import { loadFonts, type BadgeFonts } from './fonts.ts';
import { lazy } from './lazy.ts';
import { COLORS, PAGE, layoutBadge, type BadgeLayout } from './layout.ts';
import { qrMatrix } from './qr.ts';

/** Also in `#badges/qr`, for functions that need only the QR (a far smaller bundle). */
export { qrPng } from './qr.ts';

export interface BadgeContent {
  token: string; // the exact QR text (a compact JWS, ~150-250 chars)
  name: string; // as written: Hangul, Latin or mixed; any markup renders as text
  organization: string | null;
  eventName: { ko: string; en: string };
  locale: 'ko' | 'en'; // which event name comes first, and the labels
  sessions?: { id: string; name: { ko: string; en: string } }[]; // confirmed sessions, small print
}

/** PNG badge resolution: 8 px/mm, about 203 dpi (840 × 1184 px for A6). */
const PNG_PX_PER_MM = 8;
const MM_TO_PT = 72 / 25.4;
const FONT_STACK = "Pretendard, 'Apple SD Gothic Neo', 'Noto Sans KR', 'Malgun Gothic', sans-serif";

const loadPdfLib = lazy(async () => import('pdf-lib'));
const loadResvg = lazy(async () => {
  const [resvg, wasm] = await Promise.all([import('@resvg/resvg-wasm'), readAsset('resvgWasm')]);
  await resvg.initWasm(wasm);
  return resvg;
});

async function layout(c: BadgeContent): Promise<{ layout: BadgeLayout; fonts: BadgeFonts }> {
  const [fonts, matrix] = await Promise.all([loadFonts(), qrMatrix(c.token)]);
  return { layout: layoutBadge(c, matrix, fonts.width), fonts };
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
/** Escapes text for XML content and attribute values. */
function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch]!);
}

const num = (n: number) => String(Math.round(n * 1000) / 1000);

function svgFromLayout(l: BadgeLayout, locale: BadgeContent['locale']): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PAGE.width}mm" height="${PAGE.height}mm" viewBox="0 0 ${PAGE.width} ${PAGE.height}" role="img" xml:lang="${locale}" aria-label="${escapeXml(l.title)}">`,
    `<title>${escapeXml(l.title)}</title>`,
  ];
  for (const r of l.rects) {
    out.push(`<rect x="${num(r.x)}" y="${num(r.y)}" width="${num(r.width)}" height="${num(r.height)}" fill="${r.color}"/>`);
  }
  out.push(`<g font-family="${FONT_STACK}" text-anchor="middle">`);
  for (const t of l.lines) {
    const weight = t.weight === 'bold' ? ' font-weight="700"' : '';
    out.push(
      `<text class="${t.role}" x="${num(t.x)}" y="${num(t.y)}" font-size="${num(t.size)}"${weight} fill="${t.color}">${escapeXml(t.text)}</text>`,
    );
  }
  out.push('</g>');
  const module = l.qr.size / l.qr.modules;
  out.push(
    `<g transform="translate(${num(l.qr.x)} ${num(l.qr.y)}) scale(${num(module)})">`,
    `<rect width="${l.qr.modules}" height="${l.qr.modules}" fill="${COLORS.paper}"/>`,
    `<path d="${l.qr.path}" fill="${COLORS.qr}" shape-rendering="crispEdges"/>`,
    '</g>',
    '</svg>',
  );
  return out.join('\n');
}

/** image/svg+xml: QR (vector), name, organisation, event name; every text XML-escaped. */
export async function badgeSvg(c: BadgeContent): Promise<string> {
  const { layout: l } = await layout(c);
  return svgFromLayout(l, c.locale);
}

/** image/png of the same badge, 840 × 1184 px, rendered from the SVG by resvg with Pretendard. */
export async function badgePng(c: BadgeContent): Promise<Uint8Array> {
  const [{ layout: l, fonts }, { Resvg }] = await Promise.all([layout(c), loadResvg()]);
  const resvg = new Resvg(svgFromLayout(l, c.locale), {
    fitTo: { mode: 'width', value: PAGE.width * PNG_PX_PER_MM },
    background: COLORS.paper,
    font: {
      fontBuffers: [fonts.bytes.regular, fonts.bytes.bold],
      loadSystemFonts: false,
      defaultFontFamily: 'Pretendard',
      sansSerifFamily: 'Pretendard',
    },
  });
  try {
    const image = resvg.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}

type PdfLib = typeof import('pdf-lib');
type PdfDocument = Awaited<ReturnType<PdfLib['PDFDocument']['create']>>;
type EmbeddedFonts = Record<'regular' | 'bold', Awaited<ReturnType<PdfDocument['embedFont']>>>;

/** A PDF document with the Pretendard subsets embedded (only the glyphs its pages use). */
async function newPdf(title: string, locale: BadgeContent['locale']) {
  const [fonts, pdfLib] = await Promise.all([loadFonts(), loadPdfLib()]);
  const doc = await pdfLib.PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fonts.fontkit);
  doc.setTitle(title);
  doc.setLanguage(locale === 'ko' ? 'ko-KR' : 'en');
  doc.setCreator('Gatepass');
  doc.setProducer('Gatepass (pdf-lib)');
  const embedded: EmbeddedFonts = {
    regular: await doc.embedFont(fonts.bytes.regular, { subset: true }),
    bold: await doc.embedFont(fonts.bytes.bold, { subset: true }),
  };
  return { doc, embedded, rgb: pdfLib.rgb };
}

/** One A6 page of `doc` holding the badge laid out in `l`. */
function drawBadgePage(pdf: Awaited<ReturnType<typeof newPdf>>, l: BadgeLayout): void {
  const { doc, embedded, rgb } = pdf;
  const pageHeight = PAGE.height * MM_TO_PT;
  const page = doc.addPage([PAGE.width * MM_TO_PT, pageHeight]);
  const color = (hex: string) => rgb(...([1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number]));

  for (const r of l.rects) {
    if (r.color === COLORS.paper) continue; // the page is already white
    page.drawRectangle({
      x: r.x * MM_TO_PT,
      y: pageHeight - (r.y + r.height) * MM_TO_PT,
      width: r.width * MM_TO_PT,
      height: r.height * MM_TO_PT,
      color: color(r.color),
    });
  }
  for (const t of l.lines) {
    const font = embedded[t.weight];
    const size = t.size * MM_TO_PT;
    const width = font.widthOfTextAtSize(t.text, size);
    page.drawText(t.text, { x: t.x * MM_TO_PT - width / 2, y: pageHeight - t.y * MM_TO_PT, size, font, color: color(t.color) });
  }
  const module = (l.qr.size / l.qr.modules) * MM_TO_PT;
  // drawSvgPath takes SVG coordinates (y down) from the given top-left corner.
  page.drawSvgPath(l.qr.path, { x: l.qr.x * MM_TO_PT, y: pageHeight - l.qr.y * MM_TO_PT, scale: module, color: color(COLORS.qr) });
}

/**
 * Print-ready PDF, one A6 portrait page (105 × 148 mm): vector QR, and the text in an embedded
 * subset of Pretendard (only the glyphs used), so Hangul prints anywhere.
 */
export async function badgePdf(c: BadgeContent): Promise<Uint8Array> {
  const { layout: l } = await layout(c);
  const pdf = await newPdf(l.title, c.locale);
  drawBadgePage(pdf, l);
  return pdf.doc.save();
}

/**
 * The print run: many badges in one PDF, one A6 page each, in the order given (the caller sorts),
 * with one font subset for the whole document. `shouldStop` is asked between pages (the
 * function's time): true stops the run, and it answers undefined.
 */
export async function badgesPdf(
  badges: readonly BadgeContent[],
  options: { title: string; locale: BadgeContent['locale']; shouldStop?: () => boolean },
): Promise<Uint8Array | undefined> {
  const pdf = await newPdf(options.title, options.locale);
  for (const c of badges) {
    if (options.shouldStop?.()) return undefined;
    const { layout: l } = await layout(c);
    drawBadgePage(pdf, l);
  }
  if (options.shouldStop?.()) return undefined;
  return pdf.doc.save();
}
