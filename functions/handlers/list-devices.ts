import { deviceStore } from '#adapters/device-store';
import { eventStore } from '#adapters/event-store';
import { cursorKey } from '#adapters/secrets';
import { deviceView } from '#domain/device';
import { eventIdOf, found } from '#http/event-id';
import { decodeCursor, encodeCursor, pageLimit } from '#http/cursor';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';

/** The event's door scanners, oldest first: when each was paired, last seen, revoked. */
export const handler = securedRoute('list-devices', async (req) => {
  const eventId = eventIdOf(req.params);
  const limit = pageLimit(req.query.limit);
  found(await eventStore.read(eventId));
  const key = await cursorKey();
  const scope = `devices:${eventId}`;
  const page = await deviceStore.list(eventId, limit, decodeCursor(key, scope, req.query.cursor));
  return json(200, { items: page.items.map(deviceView), nextCursor: encodeCursor(key, scope, page.next) });
});
