import { importPKCS8, SignJWT } from 'jose';
import { badgeKeyRing } from '#adapters/badge-keys';
import { manageTokenKey } from '#adapters/secrets';
import { googleSigning } from '#adapters/wallet-secrets';
import { signBadge } from '#domain/badge-token';
import { walletNotConfigured } from '#domain/errors';
import { googleSaveClaims } from '#domain/wallet';
import { baseUrl } from '#http/base-url';
import { assertBadgeIssued } from '#domain/registration';
import { findRegistrationWithEvent } from '#http/lookup';
import { assertCurrentManageToken } from '#http/participant';
import { json } from '#http/respond';
import { securedRoute } from '#http/secured-route';

/** The service-account key, imported once per container. */
let imported: { pem: string; key: ReturnType<typeof importPKCS8> } | undefined;
const signingKey = (pem: string) => {
  if (imported?.pem !== pem) imported = { pem, key: importPKCS8(pem, 'RS256') };
  return imported.key;
};

export const handler = securedRoute(
  'get-wallet-google',
  async (req) => {
    const { page, registration } = await findRegistrationWithEvent(req.params);
    assertCurrentManageToken(req, registration);
    assertBadgeIssued(registration);
    const signing = await googleSigning();
    if (!signing) throw walletNotConfigured();
    const badgeToken = await signBadge(await badgeKeyRing(), { eventId: registration.eventId, registrationId: registration.id });
    // Where the Save button may be shown: this API's origin, which also serves the pages.
    const claims = googleSaveClaims(
      { event: page.event, registration, badgeToken },
      { issuerId: signing.issuerId, serviceAccountEmail: signing.clientEmail, origins: [baseUrl(req.event)] },
      new Date(),
    );
    const jwt = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(await signingKey(signing.privateKey));
    return json(200, { saveUrl: `https://pay.google.com/gp/v/save/${jwt}` }, { 'Cache-Control': 'private, no-store' });
  },
  { manageTokenKey },
);
