import { eventStore } from '#adapters/event-store';
import { eventView } from '#domain/event';
import { notFound } from '#domain/errors';
import { isEventId } from '#domain/registration';
import { updateEvent } from '#domain/use-cases';
import { httpRoute } from '#http/route';
import { json } from '#http/respond';
import { validate } from '#http/validate';
import { eventInput, eventPatch } from '#schemas/event';

export const handler = httpRoute('update-event', async (req) => {
  const eventId = req.params.eventId ?? '';
  if (!isEventId(eventId)) throw notFound('No such event.');
  const patch = validate(eventPatch, req.body, req.locale);
  const event = await updateEvent(eventStore, eventId, patch, (merged) => validate(eventInput, merged, req.locale));
  const page = await eventStore.read(event.id);
  return json(200, eventView(event, page!.counters));
});
