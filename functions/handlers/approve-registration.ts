import { eventStore } from '#adapters/event-store';
import { registrationStore } from '#adapters/registration-store';
import { registrationView } from '#domain/registration';
import { approveRegistration } from '#domain/approval';
import { findRegistrationWithEvent } from '#http/lookup';
import { count, publishMetrics } from '#http/metrics';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';

const stores = { events: eventStore, registrations: registrationStore };

/** 200 with the registration as approved (no badge here: the participant gets it by email, as ever). */
export const handler = securedRoute(
  'approve-registration',
  async (req) => {
    const read = await findRegistrationWithEvent(req.params);
    const approved = await approveRegistration(stores, read.registration.eventId, read.registration.id, { read, deadline: req.deadline });
    count(approved.status === 'confirmed' ? 'RegistrationsConfirmed' : 'RegistrationsWaitlisted');
    return json(200, registrationView(approved));
  },
  { use: [publishMetrics()] },
);
