/**
 * GET /events/{eventId}/registrations/export.csv (admin): every registration of the event, every
 * status, oldest first, as CSV (functions/domain/csv.ts), read page by page from gsi1.
 *
 * Lambda's response payload is at most 6 MB, counted on the JSON that carries the body (a `"`
 * becomes `\"`, CRLF becomes `\r\n`). The export is measured in those bytes as it is built; one
 * over MAX_RESPONSE_BYTES is stored (export bucket) and answered 303 with a short-lived download
 * URL (API.md). Without a place to store it, it is refused with 503 service_unavailable.
 */
import { canStoreExports, storeExport } from '#adapters/export-store';
import { eventStore } from '#adapters/event-store';
import { everyRegistration, type ReadStats } from '#adapters/registration-query';
import { BOM, exportColumns, headerRow, registrationRow } from '#domain/csv';
import { logger } from '#http/route';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';
import { eventIdOf, found } from '#http/event-id';
import { exportTooLarge, MAX_RESPONSE_BYTES, payloadBytes } from '#http/export-limits';

export const handler = securedRoute('export-registrations', async (req) => {
  const eventId = eventIdOf(req.params);
  const page = found(await eventStore.read(eventId));

  const columns = exportColumns(page.event);
  const chunks = [BOM, headerRow(columns)];
  let bytes = payloadBytes(chunks.join(''));
  let rows = 0;
  const stats: ReadStats = { plan: 'gsi1', queries: 0, itemsRead: 0, capacityUnits: 0 };
  for await (const registrations of everyRegistration(eventId, stats)) {
    for (const r of registrations) {
      const row = registrationRow(columns, r);
      bytes += payloadBytes(row);
      chunks.push(row);
      rows++;
    }
    if (bytes > MAX_RESPONSE_BYTES && !canStoreExports()) {
      logger.warn('export over the response limit', { ...stats, rows, bytes });
      throw exportTooLarge(req.locale);
    }
  }
  logger.info('exported registrations', { ...stats, rows, bytes });
  const filename = `registrations-${eventId}.csv`;
  if (bytes > MAX_RESPONSE_BYTES) {
    const { url, expiresAt } = await storeExport(eventId, chunks.join(''), filename);
    return json(303, { downloadUrl: url, expiresAt, rows }, { Location: url });
  }
  return {
    statusCode: 200,
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
    body: chunks.join(''),
  };
});
