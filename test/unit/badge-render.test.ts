/**
 * Badge rendering (functions/badges): what a scanner, a printer and a browser depend on. The QR
 * decodes to exactly the token; names print as written (Hangul, Latin, markup as text); the PDF
 * carries a working font subset and stays small; nothing heavy loads until the first render.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import fontkit, { type Glyph } from '@pdf-lib/fontkit';
import jsQR from 'jsqr';
import { type PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, type PDFRef, decodePDFRawStream } from 'pdf-lib';
import { PNG } from 'pngjs';
import { describe, expect, it, vi } from 'vitest';
import { BADGE_ASSETS, assetSourcePath } from '#badges/assets';

// Pass-through spy: which files the renderer reads, and when.
vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs/promises')>();
  return { ...original, readFile: vi.fn(original.readFile) };
});

/** A real compact JWS (EdDSA), shaped like the badge tokens, 200+ characters. */
function realisticToken(): string {
  const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');
  const key = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 7)]),
    format: 'der',
    type: 'pkcs8',
  });
  const header = b64(JSON.stringify({ alg: 'EdDSA', kid: 'Zk3vQ9aB' }));
  const payload = b64(JSON.stringify({ e: 'kiif-2026-seoul-forum', r: '01JQ7ZK4M3N8V5X2C6B9H1T0RW' }));
  const signature = sign(null, Buffer.from(`${header}.${payload}`), key).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

const TOKEN = realisticToken();

const content = (over: Partial<import('#badges/render').BadgeContent> = {}): import('#badges/render').BadgeContent => ({
  token: TOKEN,
  name: '김민지',
  organization: '한국산업기술진흥원',
  eventName: { ko: '2026 국제 투자 포럼', en: 'International Investment Forum 2026' },
  locale: 'ko',
  ...over,
});

function decodeQr(png: Uint8Array): string | undefined {
  const image = PNG.sync.read(Buffer.from(png));
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeEntities = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (_, e: string) =>
    e.startsWith('#x')
      ? String.fromCodePoint(parseInt(e.slice(2), 16))
      : e.startsWith('#')
        ? String.fromCodePoint(Number(e.slice(1)))
        : ENTITIES[e]!,
  );

/**
 * A strict reader for the XML subset an SVG badge uses (declaration, elements, attributes, text,
 * the five entities): throws on anything not well-formed, returns the elements with their text.
 */
function parseXml(xml: string): XmlElement[] {
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, '');
  const token = /<\/([A-Za-z][\w:.-]*)\s*>|<([A-Za-z][\w:.-]*)((?:\s+[A-Za-z][\w:.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const stack: XmlElement[] = [];
  const all: XmlElement[] = [];
  let roots = 0;
  let m: RegExpExecArray | null;
  while (token.lastIndex < body.length) {
    const at = token.lastIndex;
    m = token.exec(body);
    if (!m) throw new Error(`not well-formed at ${at}: ${body.slice(at, at + 40)}`);
    const [, close, open, attrs, selfClosing, text] = m;
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#x[0-9a-f]+|#[0-9]+);)/i.test(text) || text.includes('>')) throw new Error(`bad text: ${text}`);
      if (stack.length === 0 && text.trim()) throw new Error('text outside the root');
      stack.at(-1)!.text += decodeEntities(text);
    } else if (close !== undefined) {
      if (stack.pop()?.name !== close) throw new Error(`unbalanced </${close}>`);
    } else {
      const el: XmlElement = { name: open!, attrs: {}, text: '' };
      for (const [, k, v] of attrs!.matchAll(/([A-Za-z][\w:.-]*)="([^"]*)"/g)) {
        if (/&(?!(amp|lt|gt|quot|apos|#x[0-9a-f]+|#[0-9]+);)/i.test(v!)) throw new Error(`bad attribute: ${v}`);
        if (k! in el.attrs) throw new Error(`duplicate attribute ${k}`);
        el.attrs[k!] = decodeEntities(v!);
      }
      if (stack.length === 0 && ++roots > 1) throw new Error('more than one root');
      all.push(el);
      if (!selfClosing) stack.push(el);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  // XML 1.0 forbids these characters outright, escaped or not.
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(xml)) throw new Error('character not allowed in XML');
  return all;
}

const textsOf = (elements: XmlElement[], role: string) =>
  elements.filter((e) => e.name === 'text' && e.attrs.class === role).map((e) => e.text);

/** The PDF's embedded fonts: the FontFile2 program and the glyph → text map (ToUnicode) of each. */
async function embeddedFonts(pdf: Uint8Array) {
  const doc = await PDFDocument.load(pdf);
  const fonts: { name: string; program: Uint8Array; toUnicode: Map<number, string> }[] = [];
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict) || obj.get(PDFName.of('Subtype'))?.toString() !== '/Type0') continue;
    const descendant = doc.context.lookup((obj.get(PDFName.of('DescendantFonts')) as PDFArray).get(0), PDFDict);
    const descriptor = doc.context.lookup(descendant.get(PDFName.of('FontDescriptor')), PDFDict);
    const fontFile = doc.context.lookup(descriptor.get(PDFName.of('FontFile2')) as PDFRef);
    const cmapStream = doc.context.lookup(obj.get(PDFName.of('ToUnicode')) as PDFRef);
    if (!(fontFile instanceof PDFRawStream) || !(cmapStream instanceof PDFRawStream)) throw new Error('no FontFile2 or ToUnicode stream');
    const cmap = new TextDecoder().decode(decodePDFRawStream(cmapStream).decode());
    const toUnicode = new Map<number, string>();
    for (const [, gid, utf16] of cmap.matchAll(/<([0-9a-f]{4})> <([0-9a-f]+)>/gi)) {
      const units = utf16!.match(/.{4}/g)!.map((u) => parseInt(u, 16));
      toUnicode.set(parseInt(gid!, 16), String.fromCharCode(...units));
    }
    fonts.push({ name: obj.get(PDFName.of('BaseFont'))!.toString(), program: decodePDFRawStream(fontFile).decode(), toUnicode });
  }
  return { doc, fonts };
}

describe('badge rendering: laziness', () => {
  it('reads no font or wasm at import, reads them on the first render only, then keeps them', async () => {
    // Prepare
    const { readFile: spied } = await import('node:fs/promises');
    const reads = vi.mocked(spied);
    const assetReads = () => reads.mock.calls.map(([p]) => String(p)).filter((p) => /Pretendard|\.wasm/.test(p));
    // Act
    const render = await import('#badges/render');
    const atImport = assetReads().length;
    await render.badgeSvg(content());
    await render.badgePng(content());
    const afterFirst = assetReads();
    await render.badgeSvg(content({ name: '다른 이름' }));
    await render.badgePng(content({ name: '다른 이름' }));
    await render.badgePdf(content());
    // Assess
    expect(atImport).toBe(0);
    // From source, each is first looked for beside the module (ENOENT), then read from node_modules.
    const fromNodeModules = afterFirst.filter((p) => p.includes('/node_modules/'));
    expect(fromNodeModules.map((p) => p.split('/').at(-1)).sort()).toEqual([
      'Pretendard-Bold.ttf',
      'Pretendard-Regular.ttf',
      'index_bg.wasm',
    ]);
    expect(assetReads()).toEqual(afterFirst);
  });
});

describe('badge rendering: the QR code', () => {
  it('uses a realistic token: a 200+ character compact JWS', () => {
    // Assess
    expect(TOKEN.length).toBeGreaterThanOrEqual(200);
    expect(TOKEN).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('qrPng decodes to exactly the token, at the default and at a small scale', async () => {
    // Prepare
    const { qrPng } = await import('#badges/render');
    // Act
    const standard = await qrPng(TOKEN);
    const small = await qrPng(TOKEN, 3);
    // Assess
    expect([...standard.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(decodeQr(standard)).toBe(TOKEN);
    expect(decodeQr(small)).toBe(TOKEN);
  });

  it('the badge PNG, whole, decodes to exactly the token', async () => {
    // Prepare
    const { badgePng } = await import('#badges/render');
    // Act
    const png = await badgePng(content({ name: '최예린 (Yerin Choi)' }));
    // Assess
    expect(decodeQr(png)).toBe(TOKEN);
  });
});

describe('badge rendering: SVG', () => {
  it('renders markup in a name as text: escaped, never an element, and the SVG is well-formed XML', async () => {
    // Prepare
    const { badgeSvg } = await import('#badges/render');
    const name = '<img src=x onerror=alert(1)>';
    // Act
    const svg = await badgeSvg(content({ name, organization: 'R&D "Lab" <script>alert(2)</script>' }));
    const elements = parseXml(svg);
    // Assess
    expect(svg).not.toMatch(/<img|<script/i);
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(elements.map((e) => e.name).filter((n) => !['svg', 'title', 'rect', 'g', 'text', 'path'].includes(n))).toEqual([]);
    expect(textsOf(elements, 'name')).toEqual([name]);
    expect(textsOf(elements, 'organization').join(' ')).toBe('R&D "Lab" <script>alert(2)</script>');
  });

  it('drops control and bidi-override characters that XML forbids or that would disguise a name', async () => {
    // Prepare
    const { badgeSvg } = await import('#badges/render');
    // Act
    const svg = await badgeSvg(content({ name: 'Kim\u0000 \u202Eniml\u202C\u0007 Min-ji\uD800' }));
    const elements = parseXml(svg);
    // Assess
    expect(textsOf(elements, 'name')).toEqual(['Kim niml Min-ji']);
  });

  it.each([['김민지'], ['최예린 (Yerin Choi)']])('shows the name %s as written, with organisation and both event names', async (name) => {
    // Prepare
    const { badgeSvg } = await import('#badges/render');
    // Act
    const elements = parseXml(await badgeSvg(content({ name })));
    // Assess
    expect(textsOf(elements, 'name')).toEqual([name]);
    expect(textsOf(elements, 'organization')).toEqual(['한국산업기술진흥원']);
    expect(textsOf(elements, 'event')).toEqual(['2026 국제 투자 포럼', 'International Investment Forum 2026']);
  });

  it('puts the locale first: English event name first, English session labels', async () => {
    // Prepare
    const { badgeSvg } = await import('#badges/render');
    const sessions = [
      { id: 's1', name: { ko: '개회식', en: 'Opening ceremony' } },
      { id: 's2', name: { ko: '미래 에너지', en: 'Future energy' } },
      { id: 's3', name: { ko: '미래 모빌리티', en: 'Future mobility' } },
      { id: 's4', name: { ko: 'B2B 비즈니스 매칭', en: 'B2B matchmaking' } },
    ];
    // Act
    const elements = parseXml(await badgeSvg(content({ locale: 'en', organization: null, sessions })));
    // Assess
    expect(textsOf(elements, 'event')).toEqual(['International Investment Forum 2026', '2026 국제 투자 포럼']);
    expect(textsOf(elements, 'organization')).toEqual([]);
    expect(textsOf(elements, 'sessions')).toEqual(['Sessions', 'Opening ceremony', 'Future energy', '+ 2 more']);
  });

  it('fits a 200-character name in at most two lines, ending in an ellipsis, never past the badge edge', async () => {
    // Prepare
    const { badgeSvg } = await import('#badges/render');
    const name = 'Alexandra-Konstantina Papadopoulou-Vasilakopoulou '.repeat(4).trim();
    // Act
    const elements = parseXml(await badgeSvg(content({ name })));
    const lines = textsOf(elements, 'name');
    // Assess
    expect(lines.length).toBe(2);
    expect(lines[1]!.endsWith('…')).toBe(true);
    expect(name.startsWith(lines[0]!)).toBe(true);
    const nameElements = elements.filter((e) => e.attrs.class === 'name');
    expect(nameElements.every((e) => Number(e.attrs['font-size']) >= 6)).toBe(true);
  });
});

describe('badge rendering: PNG', () => {
  it('is a PNG of the A6 badge at 8 px/mm (840 × 1184)', async () => {
    // Prepare
    const { badgePng } = await import('#badges/render');
    // Act
    const png = await badgePng(content());
    const image = PNG.sync.read(Buffer.from(png));
    // Assess
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect([image.width, image.height]).toEqual([840, 1184]);
  });

  it('draws the Hangul name in ink (the font reached resvg): the name band (33–72 mm) is not blank', async () => {
    // Prepare
    const { badgePng } = await import('#badges/render');
    const inkIn = (png: Uint8Array) => {
      const image = PNG.sync.read(Buffer.from(png));
      let dark = 0;
      for (let y = 264; y < 576; y++) for (let x = 0; x < image.width; x++) if (image.data[(y * image.width + x) * 4]! < 128) dark++;
      return dark;
    };
    // Act
    const withName = inkIn(await badgePng(content({ name: '김민지', organization: null })));
    const without = inkIn(await badgePng(content({ name: ' ', organization: null })));
    // Assess
    expect(without).toBe(0);
    expect(withName).toBeGreaterThan(2000);
  });
});

describe('badge rendering: PDF', () => {
  it('is one A6 portrait page (105 × 148 mm) under 150 KB, with a Hangul name', async () => {
    // Prepare
    const { badgePdf } = await import('#badges/render');
    // Act
    const pdf = await badgePdf(content({ name: '최예린 (Yerin Choi)' }));
    const doc = await PDFDocument.load(pdf);
    // Assess
    expect(pdf.length).toBeLessThan(150 * 1024);
    expect(doc.getPageCount()).toBe(1);
    const { width, height } = doc.getPage(0).getSize();
    expect(width).toBeCloseTo((105 * 72) / 25.4, 1);
    expect(height).toBeCloseTo((148 * 72) / 25.4, 1);
    expect(doc.getTitle()).toContain('최예린 (Yerin Choi)');
  });

  it('embeds subsets of Pretendard (not the 2.7 MB fonts) that map back to the name as written', async () => {
    // Prepare
    const { badgePdf } = await import('#badges/render');
    // Act
    const { fonts } = await embeddedFonts(await badgePdf(content({ name: '최예린 (Yerin Choi)' })));
    // Assess
    expect(fonts.map((f) => f.name).sort()).toEqual([
      expect.stringMatching(/^\/Pretendard-Bold/),
      expect.stringMatching(/^\/Pretendard-Regular/),
    ]);
    for (const f of fonts) expect(f.program.length).toBeLessThan(100 * 1024);
    const bold = fonts.find((f) => f.name.startsWith('/Pretendard-Bold'))!;
    const boldText = new Set(bold.toUnicode.values());
    for (const ch of '최예린 (Yerin Choi)'.replace(/ /g, '')) expect(boldText.has(ch), ch).toBe(true);
  });

  it('keeps every subset glyph intact: same outline as in the full font (the short-loca bug would garble them)', async () => {
    // Prepare
    const { badgePdf } = await import('#badges/render');
    const strings = [
      '최예린 (Yerin Choi) 김민지 가나다라마바사 ÀÉÎõü',
      'Ĳssel & Ödegaard — 한국 «Co.»',
      '2026 국제 투자 포럼',
      'International Investment Forum 2026',
    ];
    const originals = {
      regular: fontkit.create(await readFile(assetSourcePath(BADGE_ASSETS.regular))),
      bold: fontkit.create(await readFile(assetSourcePath(BADGE_ASSETS.bold))),
    };
    // The glyphs a text may use: the cmap's, and the contextual alternates shaping picks (Pretendard raises dashes between capitals).
    const candidates = (font: typeof originals.regular, ch: string) => [
      font.glyphForCodePoint(ch.codePointAt(0)!),
      ...strings.flatMap((s) => font.layout(s).glyphs).filter((g) => g.codePoints.includes(ch.codePointAt(0)!)),
    ];
    const outline = (g: Glyph) => ({ path: g.path.toSVG(), bbox: { ...g.bbox } });
    // Act
    const { fonts } = await embeddedFonts(await badgePdf(content({ name: strings[0]!, organization: strings[1]! })));
    // Assess
    let compared = 0;
    for (const f of fonts) {
      const original = f.name.startsWith('/Pretendard-Bold') ? originals.bold : originals.regular;
      const subset = fontkit.create(f.program);
      for (const [gid, text] of f.toUnicode) {
        expect(candidates(original, text).map(outline), `${f.name} ${text}`).toContainEqual(outline(subset.getGlyph(gid)));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(40);
  });
});
