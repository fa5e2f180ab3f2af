import { eventStore } from '#adapters/event-store';
import { guardMeetingsProgramme } from '#adapters/meeting-store';
import { registrationStore } from '#adapters/registration-store';
import { seatStore } from '#adapters/seat-store';
import { eventView } from '#domain/event';
import { continueOwedPromotions } from '#domain/seat-changes';
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
  // The change commits with the first step of the promotions it makes possible; the rest, if
  // any, is promoted here while time is left, else stays owed for the sweeper (never lost).
  const { owed } = await updateEvent(stores, eventId, patch, (merged) => validate(eventInput(), merged, req.locale), {
    deadline: req.deadline,
    meetingsGuard: (_before, after) => guardMeetingsProgramme(eventId, after.meetings ?? null),
  });
  if (owed) await continueOwedPromotions(stores, eventId, { deadline: req.deadline });
  const page = await eventStore.read(eventId);
  return json(200, eventView(page!.event, page!.counters));
});
