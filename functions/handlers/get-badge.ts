import { badgeKeyRing } from '#adapters/badge-keys';
import { manageTokenKey } from '#adapters/secrets';
import type { BadgeContent } from '#badge-renderer';
import { lazy } from '#badges/lazy';
import { signBadge } from '#domain/badge-token';
import { GatepassError } from '#domain/errors';
import { findRegistrationWithEvent } from '#http/lookup';
import { assertCurrentManageToken } from '#http/participant';
import { securedRoute } from '#http/secured-route';

/**
 * functions/badges/render.ts (pdf-lib, fontkit, resvg: ~1.9 MB bundled), loaded on the first
 * render. Deployed, `#badge-renderer` is a second file beside index.mjs (lib/bundling.ts), so a
 * cold start does not parse it; a static import would put it back into index.mjs.
 */
const renderer = lazy(async () => import('#badge-renderer'));

const formats = {
  svg: {
    type: 'image/svg+xml; charset=utf-8',
    render: async (c: BadgeContent) => Buffer.from(await (await renderer()).badgeSvg(c), 'utf8'),
  },
  png: { type: 'image/png', render: async (c: BadgeContent) => Buffer.from(await (await renderer()).badgePng(c)) },
  pdf: { type: 'application/pdf', render: async (c: BadgeContent) => Buffer.from(await (await renderer()).badgePdf(c)) },
} as const;

export const handler = securedRoute(
  'get-badge',
  async (req) => {
    const format = req.query.format ?? 'svg';
    if (!Object.hasOwn(formats, format)) {
      throw new GatepassError(422, 'validation_failed', { errors: [{ path: 'format', message: 'svg, png or pdf' }] });
    }
    const { page, registration } = await findRegistrationWithEvent(req.params);
    const { eventId, id: registrationId } = registration;
    assertCurrentManageToken(req, registration);
    if (registration.status === 'cancelled') throw new GatepassError(409, 'registration_cancelled');
    if (registration.status !== 'confirmed') throw new GatepassError(409, 'badge_not_issued');
    const { type, render } = formats[format as keyof typeof formats];
    const body = await render({
      token: await signBadge(await badgeKeyRing(), { eventId, registrationId }),
      name: registration.name,
      organization: registration.organization,
      eventName: page.event.name,
      locale: registration.locale,
      sessions: registration.sessions
        .filter((s) => s.status === 'confirmed')
        .flatMap((s) => page.event.sessions.filter((x) => x.id === s.id).map((x) => ({ id: x.id, name: x.name }))),
    });
    return {
      statusCode: 200,
      headers: {
        'Content-Type': type,
        'Cache-Control': 'private, no-store',
        'Content-Disposition': `inline; filename="badge.${format}"`,
        'X-Content-Type-Options': 'nosniff',
      },
      body: body.toString('base64'),
      isBase64Encoded: true,
    };
  },
  { manageTokenKey },
);
