/**
 * Routes that check credentials: a Cognito access token (staff, admin) or a participant's manage
 * token, verified by `authentication` before anything else runs. Kept apart from route.ts so that
 * public routes bundle none of it (JWT verification, HMAC, configuration).
 */
import type { MiddlewareObj } from '@middy/core';
import type { SecretKeyRing } from '#domain/secret-keys';
import { authenticate } from '#http/auth';
import type { HttpResult } from '#http/respond';
import { buildRoute, gatepass, type GatepassEvent, type RouteFn, type RouteOptions } from '#http/route';
import { routeById, type Role } from '#routes';

export const authentication = (options: { manageTokenKey?: () => Promise<SecretKeyRing> }): MiddlewareObj<GatepassEvent, HttpResult> => ({
  before: async (request) => {
    const req = gatepass(request);
    const headers = request.event.headers ?? {};
    req.principal = await authenticate(
      req.route.who,
      {
        authorization: headers.authorization,
        manageToken: headers['x-manage-token'] ?? req.query.token,
        eventId: req.params.eventId,
        registrationId: req.params.registrationId,
      },
      options.manageTokenKey,
    );
  },
});

export interface SecuredRouteOptions extends RouteOptions {
  /** Verifies participants' manage tokens (required on routes open to `participant`). */
  manageTokenKey?: () => Promise<SecretKeyRing>;
}

export function securedRoute(id: string, fn: RouteFn, options: SecuredRouteOptions = {}) {
  const who = (routeById(id)?.who ?? []) as readonly Role[];
  if (who.includes('participant') && !options.manageTokenKey)
    throw new Error(`route ${id} is open to participants but verifies no manage token`);
  return buildRoute(id, fn, options, authentication(options));
}
