import { eventStore } from '#adapters/event-store';
import { createEvent } from '#domain/use-cases';
import { eventView } from '#domain/event';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';
import { validate } from '#http/validate';
import { eventInput } from '#schemas/event';

export const handler = securedRoute('create-event', async (req) => {
  const input = validate(eventInput, req.body, req.locale);
  const event = await createEvent(eventStore, input);
  const page = await eventStore.read(event.id);
  return json(201, eventView(event, page!.counters), { Location: `/events/${event.id}` });
});
