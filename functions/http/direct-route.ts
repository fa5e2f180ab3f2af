/**
 * `directRoute`: a route that reads no credential, no body and no table (health, openapi, the
 * not-found fallback) runs its two middlewares, the request context and the problem+json mapping,
 * directly. With nothing in between there is no chain to run, and leaving middy's engine out keeps
 * its stream imports (node:stream/web…) out of these functions' cold start (bench/README.md).
 */
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { problemResponses, requestContext, type GatepassEvent, type RouteRequest } from '#http/middlewares';
import type { HttpResult } from '#http/respond';
import { routeOfHandler, type Role } from '#routes';

export function directRoute(id: string, fn: (req: RouteRequest) => Promise<HttpResult>) {
  const route = routeOfHandler(id);
  const simple =
    (route.who as readonly Role[]).includes('anyone') &&
    !('request' in route && route.request) &&
    (!('table' in route) || route.table === 'none');
  if (!simple) throw new Error(`route ${id}: a credential, a body or the table needs publicRoute or securedRoute`);
  const context = requestContext(route);
  const problems = problemResponses();
  return async (event: GatepassEvent, lambdaContext: Context): Promise<HttpResult> => {
    const request: middy.Request<GatepassEvent, HttpResult, Error, Context> = {
      event,
      context: lambdaContext,
      response: null,
      error: null,
      internal: {},
    };
    try {
      await context.before!(request);
      return await fn(event.gatepass!);
    } catch (error) {
      request.error = error instanceof Error ? error : new Error(String(error));
      await problems.onError!(request);
      return request.response!;
    }
  };
}
