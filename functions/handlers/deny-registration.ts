import { eventStore } from '#adapters/event-store';
import { registrationStore } from '#adapters/registration-store';
import { registrationView } from '#domain/registration';
import { denyRegistration } from '#domain/approval';
import { findRegistrationWithEvent } from '#http/lookup';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';
import { validate } from '#http/validate';
import { denyInput } from '#schemas/registration';

const stores = { events: eventStore, registrations: registrationStore };

export const handler = securedRoute('deny-registration', async (req) => {
  const { reason } = validate(denyInput(), req.body, req.locale);
  const read = await findRegistrationWithEvent(req.params);
  const denied = await denyRegistration(stores, read.registration.eventId, read.registration.id, reason || undefined, {
    read,
    deadline: req.deadline,
  });
  return json(200, registrationView(denied));
});
