import { admissionsAt, listDuplicates } from '#adapters/checkin-store';
import { eventStore } from '#adapters/event-store';
import { registrationStore } from '#adapters/registration-store';
import { cursorKey } from '#adapters/secrets';
import { eventIdOf, found } from '#http/event-id';
import { decodeCursor, encodeCursor, pageLimit } from '#http/cursor';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';

/** Reads in flight while a page is assembled (two per listed badge). */
const CONCURRENCY = 8;

/**
 * Badges that two devices admitted at one place (at least one of them offline), each once per
 * place, with every admitting scan, earliest first. A page reads what it returns, nothing more.
 */
export const handler = securedRoute('list-checkin-duplicates', async (req) => {
  const eventId = eventIdOf(req.params);
  const limit = pageLimit(req.query.limit);
  found(await eventStore.read(eventId));
  const key = await cursorKey();
  const scope = `duplicates:${eventId}`;
  const page = await listDuplicates(eventId, limit, decodeCursor(key, scope, req.query.cursor));
  const items: unknown[] = new Array(page.items.length);
  let next = 0;
  const worker = async () => {
    while (next < page.items.length) {
      const index = next++;
      const { registrationId, place } = page.items[index]!;
      const [registration, scans] = await Promise.all([
        registrationStore.read(eventId, registrationId),
        admissionsAt(eventId, registrationId, place),
      ]);
      items[index] = { registrationId, name: registration?.name ?? null, place: place === 'VENUE' ? 'venue' : place.slice(8), scans };
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, page.items.length) }, worker));
  return json(200, { items, nextCursor: encodeCursor(key, scope, page.next) });
});
