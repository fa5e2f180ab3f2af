/**
 * An XLSX reader independent of the writer (exceljs): unzip with jszip, parse the sheet, shared
 * strings and styles with fast-xml-parser, and read cells as ECMA-376 says (t="s" shared string,
 * t="inlineStr", t="b" boolean, no t: a number, a date when its style's number format is one).
 */
import { XMLParser } from 'fast-xml-parser';
import JSZip from 'jszip';

export type Cell =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number; format?: string }
  | { type: 'boolean'; value: boolean };

export interface Sheet {
  rows: Map<number, Map<string, Cell>>;
  pane?: { state?: string; ySplit?: number; xSplit?: number; topLeftCell?: string };
  autoFilter?: string;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (name) => ['row', 'c', 'si', 'r', 'xf', 'numFmt', 'sheet'].includes(name),
});

const textOf = (node: unknown): string => {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (typeof node === 'object' && '#text' in (node as Record<string, unknown>)) return String((node as Record<string, unknown>)['#text']);
  return '';
};
/** A shared or inline string: plain `<t>` or rich-text runs `<r><t>`. */
const stringOf = (si: Record<string, unknown>): string =>
  si.t !== undefined ? textOf(si.t) : ((si.r as Record<string, unknown>[] | undefined) ?? []).map((r) => textOf(r.t)).join('');

/** Excel's built-in date formats (ids 14–22), plus any custom format with y/m/d/h/s. */
const isDateFormat = (id: number, code?: string) =>
  (id >= 14 && id <= 22) || (code !== undefined && /[ymdhs]/i.test(code.replace(/"[^"]*"/g, '')));

export async function readFirstSheet(bytes: Uint8Array): Promise<Sheet> {
  const zip = await JSZip.loadAsync(bytes);
  const read = async (path: string) => {
    const file = zip.file(path);
    return file ? parser.parse(await file.async('string')) : undefined;
  };
  const workbook = await read('xl/workbook.xml');
  const rels = await read('xl/_rels/workbook.xml.rels');
  const firstId = workbook.workbook.sheets.sheet[0]['r:id'];
  const rel = ([] as Record<string, string>[]).concat(rels.Relationships.Relationship).find((r) => r.Id === firstId)!;
  const sheetPath = `xl/${rel.Target.replace(/^\/?xl\//, '')}`;
  const shared: string[] = ((await read('xl/sharedStrings.xml'))?.sst?.si ?? []).map(stringOf);
  const styles = await read('xl/styles.xml');
  const formats = new Map<number, string>(
    ((styles?.styleSheet?.numFmts?.numFmt ?? []) as Record<string, string>[]).map((f) => [Number(f.numFmtId), f.formatCode]),
  );
  const xfs = ((styles?.styleSheet?.cellXfs?.xf ?? []) as Record<string, string>[]).map((xf) => Number(xf.numFmtId ?? 0));
  const ws = (await read(sheetPath)).worksheet;
  const rows = new Map<number, Map<string, Cell>>();
  for (const row of ws.sheetData?.row ?? []) {
    const cells = new Map<string, Cell>();
    for (const c of row.c ?? []) {
      const column = String(c.r).replace(/\d+$/, '');
      if (c.t === 's') cells.set(column, { type: 'string', value: shared[Number(textOf(c.v))]! });
      else if (c.t === 'inlineStr') cells.set(column, { type: 'string', value: stringOf(c.is) });
      else if (c.t === 'str') cells.set(column, { type: 'string', value: textOf(c.v) });
      else if (c.t === 'b') cells.set(column, { type: 'boolean', value: textOf(c.v) === '1' });
      else if (c.v !== undefined) {
        const fmtId = xfs[Number(c.s ?? 0)] ?? 0;
        const code = formats.get(fmtId);
        cells.set(column, {
          type: 'number',
          value: Number(textOf(c.v)),
          ...(isDateFormat(fmtId, code) ? { format: code ?? `builtin:${fmtId}` } : {}),
        });
      }
    }
    rows.set(Number(row.r), cells);
  }
  const view = [].concat(ws.sheetViews?.sheetView ?? [])[0] as Record<string, Record<string, string>> | undefined;
  const pane = view?.pane;
  return {
    rows,
    ...(pane
      ? {
          pane: {
            state: pane.state,
            ...(pane.ySplit ? { ySplit: Number(pane.ySplit) } : {}),
            ...(pane.xSplit ? { xSplit: Number(pane.xSplit) } : {}),
            topLeftCell: pane.topLeftCell,
          },
        }
      : {}),
    ...(ws.autoFilter ? { autoFilter: ws.autoFilter.ref } : {}),
  };
}

/** Column letters: 1 → A, 27 → AA. */
export const columnName = (n: number): string =>
  n <= 0 ? '' : columnName(Math.floor((n - 1) / 26)) + String.fromCharCode(65 + ((n - 1) % 26));

/** An Excel serial date (1900 system) as the wall-clock time it shows, `YYYY-MM-DDTHH:MM:SS.mmm`. */
export function serialToWallClock(serial: number): string {
  return new Date(Math.round((serial - 25569) * 86_400_000)).toISOString().slice(0, 23);
}
