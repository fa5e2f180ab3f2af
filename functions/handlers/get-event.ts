import { eventStore } from '#adapters/event-store';
import { eventView } from '#domain/event';
import { notFound } from '#domain/errors';
import { isEventId } from '#domain/registration';
import { publicRoute } from '#http/route';
import { json } from '#http/respond';

export const handler = publicRoute('get-event', async (req) => {
  const eventId = req.params.eventId ?? '';
  const page = isEventId(eventId) ? await eventStore.read(eventId) : undefined;
  if (!page) throw notFound('No such event.');
  return json(200, eventView(page.event, page.counters));
});
