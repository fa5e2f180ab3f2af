import { badgeKeyRing } from '#adapters/badge-keys';
import { eventStore } from '#adapters/event-store';
import { registrationStore } from '#adapters/registration-store';
import { manageTokenKey } from '#adapters/secrets';
import { signBadge } from '#domain/badge-token';
import { notFound } from '#domain/errors';
import type { KeyedAnswer } from '#domain/keyed-request';
import { issueManageToken } from '#domain/manage-token';
import { holdsBadge, isEventId, registrationView, type StoredRegistration } from '#domain/registration';
import { register } from '#domain/use-cases';
import { baseUrl } from '#http/base-url';
import { idempotentRequests, keyedRequest } from '#http/idempotency';
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
    // The answer is rendered before the write, so that a keyed request's record can hold it.
    const answer = async (registration: StoredRegistration): Promise<KeyedAnswer> => {
      const manageToken = issueManageToken(await manageTokenKey(), eventId, registration.id, registration.tokenVersion);
      const badgeToken = holdsBadge(registration) ? await signBadge(await badgeKeyRing(), { eventId, registrationId: registration.id }) : undefined;
      return {
        body: JSON.stringify(registrationView(registration, { manageToken, badgeToken, baseUrl: baseUrl(req.event) })),
        location: `/events/${eventId}/registrations/${registration.id}`,
      };
    };
    let answered: KeyedAnswer | undefined;
    const keyed = keyedRequest(req);
    const registration = await register(eventStore, registrationStore, eventId, (event) => validate(registrationInput(event), req.body, req.locale), {
      keyed: keyed && { ...keyed, answer: async (r) => (answered = await answer(r)) },
    });
    count(registration.status === 'confirmed' ? 'RegistrationsConfirmed' : 'RegistrationsWaitlisted');
    const { body, location } = answered ?? (await answer(registration));
    return { ...json(201, null, { Location: location }), body };
  },
  { use: [publishMetrics(), idempotentRequests(registrationStore.keyedRequest)] },
);
