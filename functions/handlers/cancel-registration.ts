import { eventStore } from '#adapters/event-store';
import { registrationStore } from '#adapters/registration-store';
import { seatStore } from '#adapters/seat-store';
import { manageTokenKey } from '#adapters/secrets';
import { notFound } from '#domain/errors';
import { isEventId, isRegistrationId, registrationView } from '#domain/registration';
import { cancelRegistration } from '#domain/seat-changes';
import { assertCurrentManageToken } from '#http/participant';
import { httpRoute } from '#http/route';
import { json } from '#http/respond';

const stores = { events: eventStore, registrations: registrationStore, seats: seatStore };

export const handler = httpRoute(
  'cancel-registration',
  async (req) => {
    const { eventId = '', registrationId = '' } = req.params;
    const existing = isEventId(eventId) && isRegistrationId(registrationId) ? await registrationStore.read(eventId, registrationId) : undefined;
    if (!existing) throw notFound('No such registration.');
    assertCurrentManageToken(req, existing);
    const cancelled = await cancelRegistration(stores, eventId, registrationId);
    return json(200, registrationView(cancelled));
  },
  { manageTokenKey },
);
