import { eventStore } from '#adapters/event-store';
import { registrationStore } from '#adapters/registration-store';
import { seatStore } from '#adapters/seat-store';
import { eventView } from '#domain/event';
import { promoteIntoFreeSeats } from '#domain/seat-changes';
import { updateEvent } from '#domain/use-cases';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';
import { validate } from '#http/validate';
import { eventInput, eventPatch } from '#schemas/event';
import { eventIdOf } from '#http/event-id';

const stores = { events: eventStore, registrations: registrationStore, seats: seatStore };

export const handler = securedRoute('update-event', async (req) => {
  const eventId = eventIdOf(req.params);
  const patch = validate(eventPatch(), req.body, req.locale);
  await updateEvent(eventStore, eventId, patch, (merged) => validate(eventInput(), merged, req.locale));
  // A raised capacity promotes as many as it frees, before anyone new can take a seat.
  if (patch.capacity !== undefined || patch.sessions !== undefined) await promoteIntoFreeSeats(stores, eventId);
  const page = await eventStore.read(eventId);
  return json(200, eventView(page!.event, page!.counters));
});
