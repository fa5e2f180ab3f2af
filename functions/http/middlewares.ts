/**
 * Gatepass's middlewares, each a small factory in middy's protocol: problem+json for every
 * refusal, the request context, strict JSON bodies. They need middy's types only, so a route
 * with nothing else to run (direct-route.ts) calls them without middy's engine.
 */
import type middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { GatepassError } from '#domain/errors';
import { negotiateLocale, type Locale } from '#domain/messages';
import type { Principal } from '#http/auth';
import { logger, useLambdaContext } from '#http/log';
import { problem, type HttpResult } from '#http/respond';
import type { Route } from '#routes';

export interface RouteRequest {
  readonly route: Pick<Route, 'id' | 'who'>;
  readonly event: APIGatewayProxyEventV2;
  readonly locale: Locale;
  principal: Principal;
  /** The parsed JSON body (undefined when the route takes none). */
  body: unknown;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** Epoch ms when the function's time runs out (Infinity outside Lambda), for bounded retries. */
  readonly deadline: number;
}

export type GatepassEvent = APIGatewayProxyEventV2 & { gatepass?: RouteRequest };
type Request = middy.Request<GatepassEvent, HttpResult, Error, Context>;

export const gatepass = (request: Request): RouteRequest => {
  if (!request.event.gatepass) throw new Error('requestContext middleware did not run');
  return request.event.gatepass;
};

/** Every refusal leaves as problem+json; anything unexpected is logged (no PII) and is a 500. */
export const problemResponses = (): MiddlewareObj<GatepassEvent, HttpResult> => ({
  onError: async (request) => {
    const locale = request.event.gatepass?.locale ?? negotiateLocale(request.event.headers?.['accept-language']);
    const error = request.error;
    if (error instanceof GatepassError) {
      request.response = problem(error.status, error.code, locale, error.options);
      if (error.status >= 500) logger.warn('refused with a server status', { code: error.code });
      return;
    }
    // middy's early time-out, just before the function's own: every use case stops writing
    // PLAN_MARGIN_MS (1.5 s) before it, so the work cut off here is a read or a write that hung
    // that long; answered as busy (come back), not as a fault.
    if (error?.name === 'TimeoutError' && (error.cause as { package?: string } | undefined)?.package === '@middy/core') {
      logger.error('function time ran out', { code: 'service_unavailable' });
      request.response = problem(503, 'service_unavailable', locale, { headers: { 'Retry-After': '1' } });
      return;
    }
    // The frames only: a message may echo the request (an email, a name).
    logger.error('unhandled error', {
      errorName: error?.name,
      stack: error?.stack
        ?.split('\n')
        .filter((line) => /^\s+at /.test(line))
        .join('\n'),
    });
    request.response = problem(500, 'internal_error', locale);
  },
});

/** Locale, path and query parameters, and the route, on the event for the middlewares after it. */
export const requestContext = (route: RouteRequest['route']): MiddlewareObj<GatepassEvent, HttpResult> => ({
  before: async (request) => {
    useLambdaContext(request.context);
    const event = request.event;
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) query[k] = v;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(event.pathParameters ?? {})) if (v !== undefined) params[k] = v;
    event.gatepass = {
      route,
      event,
      locale: negotiateLocale(event.headers?.['accept-language']),
      principal: { kind: 'anonymous' },
      body: undefined,
      params,
      query,
      deadline: Date.now() + (request.context?.getRemainingTimeInMillis?.() ?? Infinity),
    };
  },
});

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Finds `__proto__`-style keys anywhere in a parsed body, without recursion (deep bodies). */
function forbiddenKeyPath(root: unknown, maxDepth: number): string | undefined {
  const stack: { value: unknown; path: string[] }[] = [{ value: root, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (path.length > maxDepth) return path.join('.');
    for (const [k, v] of Object.entries(value)) {
      if (FORBIDDEN_KEYS.has(k)) return [...path, k].join('.');
      stack.push({ value: v, path: [...path, k] });
    }
  }
  return undefined;
}

/** Strict JSON bodies: application/json, at most 64 KiB (or the route's own limit), parseable, no prototype keys. */
export const jsonBody = ({ maxBytes = 64 * 1024, maxDepth = 32 } = {}): MiddlewareObj<GatepassEvent, HttpResult> => ({
  before: async (request) => {
    const req = gatepass(request);
    const event = request.event;
    const type = (event.headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const raw =
      event.body === undefined || event.body === null
        ? ''
        : event.isBase64Encoded
          ? Buffer.from(event.body, 'base64').toString('utf8')
          : event.body;
    if (Buffer.byteLength(raw, 'utf8') > maxBytes) throw new GatepassError(413, 'payload_too_large');
    if (type !== 'application/json') throw new GatepassError(415, 'unsupported_media_type');
    try {
      req.body = JSON.parse(raw);
    } catch {
      throw new GatepassError(400, 'invalid_json');
    }
    const bad = forbiddenKeyPath(req.body, maxDepth);
    if (bad !== undefined) {
      throw new GatepassError(422, 'validation_failed', { errors: [{ path: bad, message: 'not allowed here' }] });
    }
  },
});
