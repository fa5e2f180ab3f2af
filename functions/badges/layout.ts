/**
 * The badge's layout, computed once and drawn by both renderers (SVG, from which the PNG is
 * rendered, and PDF), so the three formats agree. Units are millimetres on an A6 portrait page,
 * y growing downwards; text positions are baselines, horizontally centred.
 */
import type { Weight } from './fonts.ts';

export const PAGE = { width: 105, height: 148 } as const; // A6 portrait, mm
const MARGIN = 6;
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN;
const HEADER_HEIGHT = 30;
const QR = { size: 52, top: 74 } as const;
const SESSIONS_TOP = QR.top + QR.size + 3;
const MAX_SESSION_LINES = 3;

export const COLORS = {
  paper: '#FFFFFF',
  header: '#1B2A4A',
  onHeader: '#FFFFFF',
  onHeaderMuted: '#C5CEE0',
  ink: '#111111',
  muted: '#4A4A4A',
  qr: '#000000',
} as const;

export type Locale = 'ko' | 'en';

export type TextRole = 'event' | 'name' | 'organization' | 'sessions';

export interface TextLine {
  /** What the line shows (the SVG's class attribute). */
  readonly role: TextRole;
  readonly text: string;
  readonly x: number; // centre
  readonly y: number; // baseline
  readonly size: number;
  readonly weight: Weight;
  readonly color: string;
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly color: string;
}

export interface QrPlacement {
  readonly x: number;
  readonly y: number;
  /** Side of the square, quiet zone included. */
  readonly size: number;
  /** Modules per side, quiet zone included. */
  readonly modules: number;
  /** Dark modules as one path in module units (quiet zone included in the coordinates). */
  readonly path: string;
}

export interface BadgeLayout {
  readonly rects: readonly Rect[];
  readonly lines: readonly TextLine[];
  readonly qr: QrPlacement;
  /** Plain-text summary for <title> and PDF metadata. */
  readonly title: string;
}

export interface LayoutInput {
  readonly name: string;
  readonly organization: string | null;
  readonly eventName: { readonly ko: string; readonly en: string };
  readonly locale: Locale;
  readonly sessions?: readonly { readonly id: string; readonly name: { readonly ko: string; readonly en: string } }[];
}

export type Measure = (text: string, weight: Weight, size: number) => number;

export interface QrMatrix {
  readonly size: number;
  get(row: number, col: number): boolean;
}

export const QR_QUIET_ZONE = 4;

// C0/C1 controls, lone surrogates, noncharacters: not text, and most are illegal in XML 1.0.
const NOT_TEXT = /[\u0000-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Bidi embeddings, overrides and isolates: would let a name display as something else.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** One printable line of text: controls dropped, whitespace runs collapsed, trimmed. */
export function cleanText(text: string): string {
  return text.replace(NOT_TEXT, ' ').replace(BIDI_CONTROLS, '').replace(/\s+/gu, ' ').trim();
}

let segmenter: Intl.Segmenter | undefined; // made on first use: it loads ICU data
const graphemes = (text: string): string[] =>
  Array.from((segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' })).segment(text), (s) => s.segment);

/** Greedy wrap at spaces; a word wider than the line is broken between graphemes. */
export function wrap(text: string, measure: Measure, weight: Weight, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  const fits = (candidate: string) => measure(candidate, weight, size) <= width;
  for (const word of text.split(' ')) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = '';
    if (fits(word)) {
      line = word;
      continue;
    }
    for (const g of graphemes(word)) {
      if (line && !fits(line + g)) {
        lines.push(line);
        line = '';
      }
      line += g;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** The longest prefix (in graphemes) that fits with a trailing ellipsis; the text itself if it fits. */
function ellipsize(text: string, measure: Measure, weight: Weight, size: number, width: number): string {
  if (measure(text, weight, size) <= width) return text;
  const gs = graphemes(text);
  const withEllipsis = (n: number) => `${gs.slice(0, n).join('').trimEnd()}…`;
  let lo = 0; // withEllipsis(lo) fits (an ellipsis alone always does on a badge line)
  let hi = gs.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(withEllipsis(mid), weight, size) <= width) lo = mid;
    else hi = mid - 1;
  }
  return withEllipsis(lo);
}

export interface FitOptions {
  readonly weight: Weight;
  readonly maxSize: number;
  readonly minSize: number;
  readonly maxLines: number;
  readonly width: number;
  readonly step?: number;
}

/**
 * Fewest lines first, then the largest size: one line if it fits at any size down to minSize,
 * else two, and so on; past maxLines at minSize the last line ends with an ellipsis.
 */
export function fitText(text: string, measure: Measure, o: FitOptions): { lines: string[]; size: number } {
  if (!text) return { lines: [], size: o.maxSize };
  const step = o.step ?? 0.25;
  const sizes: number[] = []; // largest first
  for (let i = 0; o.maxSize - i * step >= o.minSize - 1e-9; i++) sizes.push(o.maxSize - i * step);
  const wrapped = new Map<number, string[]>();
  const linesAt = (i: number) => {
    let lines = wrapped.get(i);
    if (!lines) wrapped.set(i, (lines = wrap(text, measure, o.weight, sizes[i]!, o.width)));
    return lines;
  };
  const smallest = sizes.length - 1;
  for (let count = 1; count <= o.maxLines; count++) {
    if (linesAt(smallest).length > count) continue;
    // Fewer lines as the size shrinks: find the largest size that takes at most `count` lines.
    let lo = 0;
    let hi = smallest;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (linesAt(mid).length <= count) hi = mid;
      else lo = mid + 1;
    }
    return { lines: linesAt(lo), size: sizes[lo]! };
  }
  const lines = linesAt(smallest);
  const kept = lines.slice(0, o.maxLines);
  kept[o.maxLines - 1] = ellipsize(lines.slice(o.maxLines - 1).join(' '), measure, o.weight, o.minSize, o.width);
  return { lines: kept, size: o.minSize };
}

interface Block {
  role: TextRole;
  lines: string[];
  size: number;
  weight: Weight;
  color: string;
  gapBefore: number;
}

const LINE_HEIGHT = 1.22;
const ASCENT = 0.9; // of the size: baseline below a line box's top (Pretendard's cap height and accents fit)

/** Stacks blocks, centred vertically in [top, bottom], as baselines. */
function stack(blocks: Block[], top: number, bottom: number, lines: TextLine[]): void {
  const present = blocks.filter((b) => b.lines.length > 0);
  const height = present.reduce((h, b, i) => h + (i ? b.gapBefore : 0) + b.lines.length * b.size * LINE_HEIGHT, 0);
  let y = top + Math.max(0, (bottom - top - height) / 2);
  present.forEach((b, i) => {
    if (i) y += b.gapBefore;
    for (const text of b.lines) {
      const lineBox = b.size * LINE_HEIGHT;
      lines.push({
        role: b.role,
        text,
        x: PAGE.width / 2,
        y: y + (lineBox - b.size) / 2 + b.size * ASCENT,
        size: b.size,
        weight: b.weight,
        color: b.color,
      });
      y += lineBox;
    }
  });
}

/** Dark modules as one path: each row's runs as rectangles, in module units. */
function qrPath(matrix: QrMatrix): string {
  const parts: string[] = [];
  for (let row = 0; row < matrix.size; row++) {
    let col = 0;
    while (col < matrix.size) {
      if (!matrix.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < matrix.size && matrix.get(row, col)) col++;
      parts.push(`M${start + QR_QUIET_ZONE} ${row + QR_QUIET_ZONE}h${col - start}v1h${start - col}z`);
    }
  }
  return parts.join('');
}

const SESSIONS_LABEL: Record<Locale, string> = { ko: '참가 세션', en: 'Sessions' };
const MORE: Record<Locale, (n: number) => string> = { ko: (n) => `외 ${n}개 세션`, en: (n) => `+ ${n} more` };

export function layoutBadge(input: LayoutInput, matrix: QrMatrix, measure: Measure): BadgeLayout {
  const other: Locale = input.locale === 'ko' ? 'en' : 'ko';
  const name = cleanText(input.name);
  const organization = cleanText(input.organization ?? '');
  const eventFirst = cleanText(input.eventName[input.locale]) || cleanText(input.eventName[other]);
  const eventSecondRaw = cleanText(input.eventName[other]);
  const eventSecond = eventSecondRaw && eventSecondRaw !== eventFirst ? eventSecondRaw : '';

  const lines: TextLine[] = [];
  const rects: Rect[] = [
    { x: 0, y: 0, width: PAGE.width, height: PAGE.height, color: COLORS.paper },
    { x: 0, y: 0, width: PAGE.width, height: HEADER_HEIGHT, color: COLORS.header },
  ];

  const event1 = fitText(eventFirst, measure, { weight: 'bold', maxSize: 6, minSize: 3.6, maxLines: 2, width: CONTENT_WIDTH });
  const event2 = fitText(eventSecond, measure, {
    weight: 'regular',
    maxSize: 3.6,
    minSize: 2.8,
    maxLines: event1.lines.length > 1 ? 1 : 2,
    width: CONTENT_WIDTH,
  });
  stack(
    [
      { ...event1, role: 'event', weight: 'bold', color: COLORS.onHeader, gapBefore: 0 },
      { ...event2, role: 'event', weight: 'regular', color: COLORS.onHeaderMuted, gapBefore: 1.2 },
    ],
    3,
    HEADER_HEIGHT - 3,
    lines,
  );

  const nameFit = fitText(name, measure, { weight: 'bold', maxSize: 12, minSize: 6, maxLines: 2, width: CONTENT_WIDTH });
  const orgFit = fitText(organization, measure, { weight: 'regular', maxSize: 5.5, minSize: 3.5, maxLines: 2, width: CONTENT_WIDTH });
  stack(
    [
      { ...nameFit, role: 'name', weight: 'bold', color: COLORS.ink, gapBefore: 0 },
      { ...orgFit, role: 'organization', weight: 'regular', color: COLORS.muted, gapBefore: 2.5 },
    ],
    HEADER_HEIGHT + 3,
    QR.top - 2,
    lines,
  );

  const modules = matrix.size + 2 * QR_QUIET_ZONE;
  const qr: QrPlacement = { x: (PAGE.width - QR.size) / 2, y: QR.top, size: QR.size, modules, path: qrPath(matrix) };

  const sessions = input.sessions ?? [];
  if (sessions.length > 0) {
    const size = 2.8;
    const names = sessions.map((s) => cleanText(s.name[input.locale]) || cleanText(s.name[other])).filter(Boolean);
    const shown = names.length > MAX_SESSION_LINES ? names.slice(0, MAX_SESSION_LINES - 1) : names;
    const small = [
      ...shown.map((n) => ellipsize(n, measure, 'regular', size, CONTENT_WIDTH)),
      ...(names.length > shown.length ? [MORE[input.locale](names.length - shown.length)] : []),
    ];
    stack(
      [
        { role: 'sessions', lines: [SESSIONS_LABEL[input.locale]], size, weight: 'bold', color: COLORS.muted, gapBefore: 0 },
        { role: 'sessions', lines: small, size, weight: 'regular', color: COLORS.muted, gapBefore: 0 },
      ],
      SESSIONS_TOP,
      PAGE.height - 3,
      lines,
    );
  }

  const title = [name, organization, eventFirst].filter(Boolean).join(' · ');
  return { rects, lines, qr, title };
}
