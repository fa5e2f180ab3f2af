/**
 * GET /events/{eventId}/meetings/export.csv (admin): every meeting, by slot, as CSV with the
 * registrations' conventions (domain/csv.ts: BOM, RFC 4180, formulas neutralised), each row as
 * time has made it (expired, no-show) without writing. Over the response limit it is stored and
 * answered 303, as the registrations export.
 */
import { batchGetAll } from '#adapters/batch-get';
import { eventStore } from '#adapters/event-store';
import { canStoreExports, storeExport } from '#adapters/export-store';
import { keys } from '#adapters/keys';
import { meetingStore } from '#adapters/meeting-store';
import { config } from '#config';
import { serviceUnavailable } from '#domain/errors';
import { BOM, csvRow } from '#domain/csv';
import { dueChange, type StoredMeeting } from '#domain/meetings';
import { eventIdOf, found } from '#http/event-id';
import { meetingPorts } from '#http/meetings';
import { json } from '#http/respond';
import { securedRoute } from '#http/secured-route';

/** As the registrations export: about 1 MB of Lambda's 6 MB left for headers and slack. */
const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

const HEADER = [
  'id',
  'status',
  'startsAt',
  'endsAt',
  'table',
  'requesterId',
  'requesterName',
  'requesterOrganization',
  'inviteeId',
  'inviteeName',
  'inviteeOrganization',
  'noShow',
  'createdAt',
];

export const handler = securedRoute('export-meetings', async (req) => {
  const eventId = eventIdOf(req.params);
  found(await eventStore.read(eventId));
  const chunks = [BOM, csvRow(HEADER)];
  let bytes = Buffer.byteLength(chunks.join(''));
  let after: Record<string, unknown> | undefined;
  const now = meetingPorts.now();
  do {
    const page = await meetingStore.list(eventId, { limit: 100, after });
    after = page.next;
    const ids = [...new Set(page.items.flatMap((m) => [m.requester, m.invitee]))];
    const people = new Map(
      (
        await batchGetAll(
          config().DATA_TABLE,
          ids.map((id) => keys.registration(eventId, id)),
        )
      ).map((i) => [String(i.id), i]),
    );
    for (const stored of page.items) {
      const m: StoredMeeting = { ...stored, ...dueChange(stored, now) };
      const a = people.get(m.requester);
      const b = people.get(m.invitee);
      const row = csvRow([
        m.id,
        m.status,
        m.startsAt ?? '',
        m.endsAt ?? '',
        m.table ?? '',
        m.requester,
        String(a?.name ?? ''),
        String(a?.organization ?? ''),
        m.invitee,
        String(b?.name ?? ''),
        String(b?.organization ?? ''),
        (m.noShow ?? []).join('; '),
        m.createdAt,
      ]);
      bytes += Buffer.byteLength(JSON.stringify(row)) - 2;
      chunks.push(row);
    }
    if (bytes > MAX_RESPONSE_BYTES && !canStoreExports()) throw serviceUnavailable(60);
  } while (after);
  const filename = `meetings-${eventId}.csv`;
  if (bytes > MAX_RESPONSE_BYTES) {
    const { url, expiresAt } = await storeExport(eventId, chunks.join(''), filename);
    return json(303, { downloadUrl: url, expiresAt }, { Location: url });
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
