import { eventStore } from '#adapters/event-store';
import { eventView } from '#domain/event';
import { publicRoute } from '#http/route';
import { json } from '#http/respond';
import { eventIdOf, found } from '#http/event-id';

export const handler = publicRoute('get-event', async (req) => {
  const page = found(await eventStore.read(eventIdOf(req.params)));
  return json(200, eventView(page.event, page.counters));
});
