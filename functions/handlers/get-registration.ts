import { badgeKeyRing } from '#adapters/badge-keys';
import { registrationStore } from '#adapters/registration-store';
import { manageTokenKey } from '#adapters/secrets';
import { GatepassError, notFound } from '#domain/errors';
import { signBadge } from '#domain/badge-token';
import { holdsBadge, isEventId, isRegistrationId, registrationView } from '#domain/registration';
import { baseUrl } from '#http/base-url';
import { httpRoute } from '#http/route';
import { json } from '#http/respond';

export const handler = httpRoute(
  'get-registration',
  async (req) => {
    const { eventId = '', registrationId = '' } = req.params;
    const registration =
      isEventId(eventId) && isRegistrationId(registrationId) ? await registrationStore.read(eventId, registrationId) : undefined;
    if (!registration) throw notFound('No such registration.');
    // A rotated manage token (older version) no longer opens the registration.
    if (req.principal.kind === 'participant' && req.principal.tokenVersion !== registration.tokenVersion) {
      throw new GatepassError(401, 'unauthorized', { detail: 'This manage link has been replaced by a newer one.' });
    }
    const badgeToken = holdsBadge(registration) ? await signBadge(await badgeKeyRing(), { eventId, registrationId }) : undefined;
    return json(200, registrationView(registration, { badgeToken, baseUrl: baseUrl(req.event) }));
  },
  { manageTokenKey },
);
