/**
 * `publicRoute` (here) and `securedRoute` (secured-route.ts) turn a route-table entry and a small
 * function into a Lambda handler: middy with Gatepass's middlewares (middlewares.ts), in order:
 *   problemResponses → requestContext → [authentication] → jsonBody → [idempotency] → handler
 * Handlers only parse, authorize, call a use case and map the result to HTTP.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { requireConfigFor } from '#config';
import { logger } from '#http/log';
import { jsonBody, problemResponses, requestContext, type GatepassEvent, type RouteRequest } from '#http/middlewares';
import type { HttpResult } from '#http/respond';
import { routeOfHandler, type Role } from '#routes';

export { logger };
export { gatepass, jsonBody, problemResponses, requestContext, type GatepassEvent, type RouteRequest } from '#http/middlewares';

export interface RouteOptions {
  /** Extra middleware run last, right before the handler (idempotency). */
  use?: MiddlewareObj<GatepassEvent, HttpResult>[];
}

export type RouteFn = (req: RouteRequest) => Promise<HttpResult>;

/**
 * Builds the Lambda handler of one route of the route table, with `authentication` when the
 * route checks credentials (secured-route.ts supplies it, so public routes never bundle it).
 */
export function buildRoute(id: string, fn: RouteFn, options: RouteOptions, authentication?: MiddlewareObj<GatepassEvent, HttpResult>) {
  const route = routeOfHandler(id);
  requireConfigFor(route);
  const open = (route.who as readonly Role[]).includes('anyone');
  if (open === Boolean(authentication)) throw new Error(`route ${id}: use ${open ? 'publicRoute' : 'securedRoute'}`);
  const takesBody = 'request' in route && route.request !== undefined;
  const chain = middy<GatepassEvent, HttpResult, Error, Context>().use(problemResponses()).use(requestContext(route));
  if (authentication) chain.use(authentication);
  if (takesBody) chain.use(jsonBody('maxBodyBytes' in route && route.maxBodyBytes ? { maxBytes: route.maxBodyBytes } : {}));
  for (const m of options.use ?? []) chain.use(m);
  return chain.handler(async (event) => fn(event.gatepass!));
}

/** A route open to anyone: no credential is read. */
export const publicRoute = (id: string, fn: RouteFn, options: RouteOptions = {}) => buildRoute(id, fn, options);
