import { eventStore } from '#adapters/event-store';
import { createEvent } from '#domain/use-cases';
import { eventView, freshCounters } from '#domain/event';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';
import { validate } from '#http/validate';
import { eventInput } from '#schemas/event';

export const handler = securedRoute('create-event', async (req) => {
  const input = validate(eventInput(), req.body, req.locale);
  const event = await createEvent(eventStore, input, new Date(), req.deadline);
  return json(201, eventView(event, freshCounters(event)), { Location: `/events/${event.id}` });
});
