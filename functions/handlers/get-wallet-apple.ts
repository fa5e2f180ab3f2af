import { badgeKeyRing } from '#adapters/badge-keys';
import { manageTokenKey } from '#adapters/secrets';
import { appleSigning } from '#adapters/wallet-secrets';
import { lazy } from '#badges/lazy';
import { signBadge } from '#domain/badge-token';
import { walletNotConfigured } from '#domain/errors';
import { applePass } from '#domain/wallet';
import { assertBadgeIssued } from '#domain/registration';
import { findRegistrationWithEvent } from '#http/lookup';
import { assertCurrentManageToken } from '#http/participant';
import { securedRoute } from '#http/secured-route';

/**
 * functions/wallet/apple-pass.ts (passkit-generator, node-forge, joi), loaded on the first pass.
 * Deployed, `#apple-pass` is a second file beside index.mjs (lib/bundling.ts), so a cold start
 * does not parse it.
 */
const packager = lazy(async () => import('#apple-pass'));

export const handler = securedRoute(
  'get-wallet-apple',
  async (req) => {
    const { page, registration } = await findRegistrationWithEvent(req.params);
    assertCurrentManageToken(req, registration);
    assertBadgeIssued(registration);
    const signing = await appleSigning();
    if (!signing) throw walletNotConfigured();
    const badgeToken = await signBadge(await badgeKeyRing(), { eventId: registration.eventId, registrationId: registration.id });
    const pkpass = (await packager()).buildApplePass(applePass({ event: page.event, registration, badgeToken }), signing);
    return {
      statusCode: 200,
      headers: {
        'Content-Type': 'application/vnd.apple.pkpass',
        'Cache-Control': 'private, no-store',
        'Content-Disposition': 'attachment; filename="badge.pkpass"',
        'X-Content-Type-Options': 'nosniff',
      },
      body: pkpass.toString('base64'),
      isBase64Encoded: true,
    };
  },
  { manageTokenKey },
);
