import { eventStore } from '#adapters/event-store';
import { cursorKey } from '#adapters/secrets';
import { eventView, freshCounters } from '#domain/event';
import { decodeCursor, encodeCursor, pageLimit } from '#http/cursor';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';

export const handler = securedRoute('list-events', async (req) => {
  const key = await cursorKey();
  const after = decodeCursor(key, 'events', req.query.cursor);
  const page = await eventStore.list(pageLimit(req.query.limit), after);
  const counters = await eventStore.countersOf(page.items);
  const items = page.items.map((event) => eventView(event, counters.get(event.id) ?? freshCounters(event)));
  return json(200, { items, nextCursor: encodeCursor(key, 'events', page.next) });
});
