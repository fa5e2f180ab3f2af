/**
 * Runs a route's middlewares around its handler, the way @middy/core 6 does (and with middy's
 * middleware objects, so Powertools' middy middlewares plug in unchanged):
 * - `before` in the order given, then the handler, then `after` in reverse order;
 * - a `before` (or `after`) that returns a value ends that stack: the value is the response
 *   (`request.earlyResponse`, as middy has it: Powertools Idempotency answers a replay this way);
 * - anything thrown runs `onError` in reverse order with `request.error` set and the response
 *   reset; an error no `onError` turned into a response is thrown again;
 * - when the context tells the remaining time, the handler is given up 5 ms before it ends with
 *   middy's `TimeoutError`, which the `onError` stack then sees like any other error.
 *
 * Why not middy itself: @middy/core imports node:stream, node:stream/promises, node:stream/web and
 * node:timers for response streaming, which Gatepass does not use, and in an ESM bundle those
 * imports load at every cold start: about a third of what health, openapi and not-found cost
 * over a bare Node start.
 */
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

const TIMEOUT_EARLY_MS = 5;

/** middy's request object, as it is at run time (`undefined` where middy's types say `null`). */
interface ChainRequest<E, R> {
  event: E;
  context: Context;
  response: R | undefined;
  error: Error | undefined;
  internal: Record<string, unknown>;
  earlyResponse?: R;
}

type Step<E, R> = (request: ChainRequest<E, R>) => unknown;

function timeoutError(): Error {
  const error = new Error('[AbortError]: The operation was aborted.', { cause: { package: '@middy/core' } });
  error.name = 'TimeoutError';
  return error;
}

/** Runs one stack; true when a middleware answered early. */
async function run<E, R>(request: ChainRequest<E, R>, steps: readonly Step<E, R>[]): Promise<boolean> {
  for (const step of steps) {
    const result = await step(request);
    if (result !== undefined) request.earlyResponse = result as R;
    if (Object.hasOwn(request, 'earlyResponse')) {
      request.response = request.earlyResponse;
      return true;
    }
  }
  return false;
}

export function chain<E, R>(
  middlewares: readonly MiddlewareObj<E, R, Error, Context>[],
  handler: (event: E, context: Context, options: { signal: AbortSignal }) => Promise<R>,
): (event: E, context: Context) => Promise<R> {
  const steps = (pick: (m: MiddlewareObj<E, R, Error, Context>) => unknown) =>
    middlewares.flatMap((m) => (pick(m) ? [pick(m) as Step<E, R>] : []));
  const before = steps((m) => m.before);
  const after = steps((m) => m.after).reverse();
  const onError = steps((m) => m.onError).reverse();

  // Like middy, a missing event or context is an empty object.
  return async (event = {} as E, context = {} as Context) => {
    const request: ChainRequest<E, R> = {
      event,
      context,
      response: undefined,
      error: undefined,
      internal: {},
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      if (!(await run(request, before))) {
        const abort = new AbortController();
        const racers = [handler(request.event, request.context, { signal: abort.signal })];
        if (typeof context.getRemainingTimeInMillis === 'function') {
          racers.push(
            new Promise<R>((_, reject) => {
              timer = setTimeout(() => {
                abort.abort();
                reject(timeoutError());
              }, context.getRemainingTimeInMillis() - TIMEOUT_EARLY_MS);
            }),
          );
        }
        request.response = await Promise.race(racers);
        clearTimeout(timer);
        await run(request, after);
      }
    } catch (error) {
      clearTimeout(timer);
      request.response = undefined;
      request.error = error as Error;
      try {
        await run(request, onError);
      } catch (unhandled) {
        (unhandled as Error & { originalError?: unknown }).originalError = request.error;
        request.error = unhandled as Error;
        throw unhandled;
      }
      if (request.response === undefined) throw request.error;
    }
    return request.response as R;
  };
}
