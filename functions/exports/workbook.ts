/**
 * The registrations export as an XLSX workbook (API.md "XLSX export"), written by exceljs: the CSV's
 * columns and rows (functions/domain/csv.ts builds both), typed cells, the header row frozen and
 * filtered. Loaded as `#xlsx-writer` by the first XLSX export: deployed, a file of its own beside
 * index.mjs (xlsx-writer.mjs, lib/bundling.ts), so no cold start parses exceljs (~1.2 MB
 * minified). Import only types from it elsewhere; a value import would inline it again.
 */
import ExcelJS from 'exceljs';
import type { ExportValue } from '#domain/csv';
import { zonedParts } from '#domain/zoned-time';

/** How times show: the event's local wall-clock time (Excel dates carry no timezone). */
export const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';

/**
 * An instant as the wall-clock time of `timeZone`, as a Date whose UTC fields are that local time:
 * exceljs turns a Date's UTC fields into the serial number Excel shows.
 */
export function wallClock(iso: string, timeZone: string): Date {
  const at = new Date(iso);
  const p = zonedParts(at, timeZone);
  const n = (field: string) => Number(p[field]);
  return new Date(Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'), at.getUTCMilliseconds()));
}

/**
 * Characters XML 1.0 cannot hold (U+FFFE, U+FFFF; the text rules already refuse controls and lone
 * surrogates): exceljs writes text as it is, and one such character makes Excel refuse the whole
 * file, so each becomes U+FFFD.
 */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
export const xmlSafe = (text: string) => text.replace(NOT_XML, '\uFFFD');

export interface WorkbookInput {
  header: readonly string[];
  rows: readonly (readonly ExportValue[])[];
  timeZone: string;
  sheetName: string;
}

/** The workbook's bytes. Text stays text (a cell starting with `=` is a string, never a formula). */
export async function registrationsWorkbook(input: WorkbookInput): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Gatepass';
  const sheet = workbook.addWorksheet(input.sheetName, { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
  sheet.addRow(input.header.map(xmlSafe)).font = { bold: true };
  for (const values of input.rows) {
    const row = sheet.addRow(
      values.map((v) => (v !== null && typeof v === 'object' ? wallClock(v.at, input.timeZone) : typeof v === 'string' ? xmlSafe(v) : v)),
    );
    values.forEach((v, i) => {
      if (v !== null && typeof v === 'object') row.getCell(i + 1).numFmt = DATE_FORMAT;
    });
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: Math.max(1, input.header.length) } };
  input.header.forEach((h, i) => {
    sheet.getColumn(i + 1).width = Math.min(40, Math.max(10, h.length + 2));
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
