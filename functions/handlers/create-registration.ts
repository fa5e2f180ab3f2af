import { eventStore } from '#adapters/event-store';
import { registrationStore } from '#adapters/registration-store';
import { manageTokenKey } from '#adapters/secrets';
import { notFound } from '#domain/errors';
import { issueManageToken } from '#domain/manage-token';
import { isEventId, registrationView } from '#domain/registration';
import { register } from '#domain/use-cases';
import { idempotentRequests } from '#http/idempotency';
import { httpRoute } from '#http/route';
import { json } from '#http/respond';
import { validate } from '#http/validate';
import { registrationInput } from '#schemas/registration';

export const handler = httpRoute(
  'create-registration',
  async (req) => {
    const eventId = req.params.eventId ?? '';
    if (!isEventId(eventId)) throw notFound('No such event.');
    const registration = await register(eventStore, registrationStore, eventId, (event) => validate(registrationInput(event), req.body, req.locale));
    const manageToken = issueManageToken(await manageTokenKey(), eventId, registration.id, registration.tokenVersion);
    return json(201, registrationView(registration, { manageToken }), { Location: `/events/${eventId}/registrations/${registration.id}` });
  },
  { manageTokenKey, use: [idempotentRequests()] },
);
