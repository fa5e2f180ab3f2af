import { badgeKeyRing } from '#adapters/badge-keys';
import { eventStore } from '#adapters/event-store';
import { registrationStore } from '#adapters/registration-store';
import { manageTokenKey } from '#adapters/secrets';
import { signBadge } from '#domain/badge-token';
import { notFound } from '#domain/errors';
import { issueManageToken } from '#domain/manage-token';
import { holdsBadge, isEventId, registrationView } from '#domain/registration';
import { register } from '#domain/use-cases';
import { baseUrl } from '#http/base-url';
import { idempotentRequests } from '#http/idempotency';
import { count, publishMetrics } from '#http/metrics';
import { publicRoute } from '#http/route';
import { json } from '#http/respond';
import { validate } from '#http/validate';
import { registrationInput } from '#schemas/registration';

export const handler = publicRoute(
  'create-registration',
  async (req) => {
    const eventId = req.params.eventId ?? '';
    if (!isEventId(eventId)) throw notFound('No such event.');
    const registration = await register(eventStore, registrationStore, eventId, (event) => validate(registrationInput(event), req.body, req.locale));
    count(registration.status === 'confirmed' ? 'RegistrationsConfirmed' : 'RegistrationsWaitlisted');
    const manageToken = issueManageToken(await manageTokenKey(), eventId, registration.id, registration.tokenVersion);
    const badgeToken = holdsBadge(registration) ? await signBadge(await badgeKeyRing(), { eventId, registrationId: registration.id }) : undefined;
    return json(201, registrationView(registration, { manageToken, badgeToken, baseUrl: baseUrl(req.event) }), {
      Location: `/events/${eventId}/registrations/${registration.id}`,
    });
  },
  { use: [publishMetrics(), idempotentRequests()] },
);
