/**
 * GET /events/{eventId}/registrations/export.xlsx (admin): the CSV export's rows and columns
 * (functions/domain/csv.ts builds both) as a workbook with typed cells, times in the event's
 * timezone, the header row frozen and filtered (API.md "XLSX export").
 *
 * Above the CSV's size it answers 303 as the CSV does: the rows are measured as the CSV would be,
 * and the workbook's own base64 must fit one response too. exceljs (`#xlsx-writer`) loads on
 * the first export: deployed, a file of its own beside index.mjs (lib/bundling.ts).
 */
import { canStoreExports, storeExport } from '#adapters/export-store';
import { eventStore } from '#adapters/event-store';
import { everyRegistration, type ReadStats } from '#adapters/registration-query';
import { lazy } from '#badges/lazy';
import { BOM, exportColumns, exportText, headerRow, registrationValues, csvRow, type ExportValue } from '#domain/csv';
import { eventIdOf, found } from '#http/event-id';
import { base64Bytes, exportTooLarge, MAX_RESPONSE_BYTES, payloadBytes } from '#http/export-limits';
import { json } from '#http/respond';
import { logger } from '#http/route';
import { securedRoute } from '#http/secured-route';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const writer = lazy(async () => import('#xlsx-writer'));

export const handler = securedRoute('export-registrations-xlsx', async (req) => {
  const eventId = eventIdOf(req.params);
  const page = found(await eventStore.read(eventId));

  const columns = exportColumns(page.event);
  const rows: ExportValue[][] = [];
  // The CSV's measure, so that "above the same size" is the same export for both.
  let csvBytes = payloadBytes(BOM + headerRow(columns));
  const stats: ReadStats = { plan: 'gsi1', queries: 0, itemsRead: 0, capacityUnits: 0 };
  for await (const registrations of everyRegistration(eventId, stats)) {
    for (const r of registrations) {
      const values = registrationValues(columns, r);
      csvBytes += payloadBytes(csvRow(values.map(exportText)));
      rows.push(values);
    }
    if (csvBytes > MAX_RESPONSE_BYTES && !canStoreExports()) {
      logger.warn('export over the response limit', { ...stats, rows: rows.length, bytes: csvBytes });
      throw exportTooLarge(req.locale);
    }
  }
  const { registrationsWorkbook } = await writer();
  const workbook = await registrationsWorkbook({
    header: columns.header,
    rows,
    timeZone: page.event.timezone,
    sheetName: 'Registrations',
  });
  const bytes = Math.max(csvBytes, base64Bytes(workbook.length));
  logger.info('exported registrations as xlsx', { ...stats, rows: rows.length, bytes, workbookBytes: workbook.length });
  const filename = `registrations-${eventId}.xlsx`;
  if (bytes > MAX_RESPONSE_BYTES) {
    if (!canStoreExports()) throw exportTooLarge(req.locale);
    const { url, expiresAt } = await storeExport(eventId, workbook, filename, XLSX_TYPE);
    return json(303, { downloadUrl: url, expiresAt, rows: rows.length }, { Location: url });
  }
  return {
    statusCode: 200,
    headers: {
      'Content-Type': XLSX_TYPE,
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
    body: workbook.toString('base64'),
    isBase64Encoded: true,
  };
});
