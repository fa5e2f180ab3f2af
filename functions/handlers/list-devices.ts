import { deviceStore } from '#adapters/device-store';
import { eventStore } from '#adapters/event-store';
import { cursorKey } from '#adapters/secrets';
import { deviceView } from '#domain/device';
import { notFound } from '#domain/errors';
import { isEventId } from '#domain/registration';
import { decodeCursor, encodeCursor, pageLimit } from '#http/cursor';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';

/** The event's door scanners, oldest first: when each was paired, last seen, revoked. */
export const handler = securedRoute('list-devices', async (req) => {
  const eventId = req.params.eventId ?? '';
  const limit = pageLimit(req.query.limit);
  if (!isEventId(eventId) || !(await eventStore.read(eventId))) throw notFound('No such event.');
  const key = await cursorKey();
  const scope = `devices:${eventId}`;
  const page = await deviceStore.list(eventId, limit, decodeCursor(key, scope, req.query.cursor));
  return json(200, { items: page.items.map(deviceView), nextCursor: encodeCursor(key, scope, page.next) });
});
