import { manageLinkStore } from '#adapters/resend-store';
import { manageTokenKey } from '#adapters/secrets';
import { rotateManageLink } from '#domain/manage-link';
import { isRegistrationId } from '#domain/registration';
import { eventIdOf } from '#http/event-id';
import { notFound } from '#domain/errors';
import { assertCurrentManageToken } from '#http/participant';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';

/** 202: the new link goes by email only; the caller's own token stops working at once. */
export const handler = securedRoute(
  'rotate-manage-token',
  async (req) => {
    const eventId = eventIdOf(req.params);
    const { registrationId = '' } = req.params;
    if (!isRegistrationId(registrationId)) throw notFound('No such registration.');
    await rotateManageLink(manageLinkStore, eventId, registrationId, (registration) => assertCurrentManageToken(req, registration));
    return json(202, { status: 'accepted' });
  },
  { manageTokenKey },
);
