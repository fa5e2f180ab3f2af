import { badgeKeyRing } from '#adapters/badge-keys';
import { manageTokenKey } from '#adapters/secrets';
import { config } from '#config';
import { signBadge } from '#domain/badge-token';
import { holdsBadge, registrationView } from '#domain/registration';
import { walletOffer } from '#domain/wallet';
import { findRegistration } from '#http/lookup';
import { assertCurrentManageToken } from '#http/participant';
import { baseUrl } from '#http/base-url';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';

export const handler = securedRoute(
  'get-registration',
  async (req) => {
    const registration = await findRegistration(req.params);
    const { eventId, id: registrationId } = registration;
    assertCurrentManageToken(req, registration);
    const badgeToken = holdsBadge(registration) ? await signBadge(await badgeKeyRing(), { eventId, registrationId }) : undefined;
    return json(200, registrationView(registration, { badgeToken, baseUrl: baseUrl(req.event), wallet: walletOffer(config()) }));
  },
  { manageTokenKey },
);
