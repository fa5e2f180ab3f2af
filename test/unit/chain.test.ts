/**
 * http/chain.ts runs middlewares as @middy/core 6 does: each scenario runs through both, and the
 * responses, errors and the order in which middlewares ran must match.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { chain } from '#http/chain';

type Ev = { n: number };
type Res = { body: string };
type Mw = MiddlewareObj<Ev, Res, Error, Context>;

interface Scenario {
  name: string;
  middlewares: (log: string[]) => Mw[];
  handler: (log: string[]) => (event: Ev) => Promise<Res>;
  context?: Partial<Context>;
}

const tag = (log: string[], name: string, act: Partial<Record<'before' | 'after' | 'onError', (request: any) => unknown>> = {}): Mw => ({
  before: async (request) => {
    log.push(`${name}.before`);
    return act.before?.(request);
  },
  after: async (request) => {
    log.push(`${name}.after`);
    return act.after?.(request);
  },
  onError: async (request) => {
    log.push(`${name}.onError:${request.error?.message}`);
    return act.onError?.(request);
  },
});

const ok = (log: string[]) => async (event: Ev) => {
  log.push('handler');
  return { body: `n=${event.n}` };
};

const scenarios: Scenario[] = [
  { name: 'order: before in order, after in reverse', middlewares: (log) => [tag(log, 'a'), tag(log, 'b'), tag(log, 'c')], handler: ok },
  {
    name: 'a before that returns a value answers early (no handler, no after)',
    middlewares: (log) => [tag(log, 'a'), tag(log, 'b', { before: () => ({ body: 'early' }) }), tag(log, 'c')],
    handler: ok,
  },
  {
    name: 'an after that returns a value ends the after stack',
    middlewares: (log) => [tag(log, 'a'), tag(log, 'b', { after: () => ({ body: 'replaced' }) }), tag(log, 'c')],
    handler: ok,
  },
  {
    name: 'a throwing handler: onError in reverse, the one that sets a response wins',
    middlewares: (log) => [
      tag(log, 'a', { onError: (r) => void (r.response = { body: `handled ${r.error.message}` }) }),
      tag(log, 'b'),
    ],
    handler: (log) => async () => {
      log.push('handler');
      throw new Error('boom');
    },
  },
  {
    name: 'an error nobody handles is thrown again',
    middlewares: (log) => [tag(log, 'a'), tag(log, 'b')],
    handler: (log) => async () => {
      log.push('handler');
      throw new Error('unhandled');
    },
  },
  {
    name: 'a throwing before skips the rest and the handler',
    middlewares: (log) => [
      tag(log, 'a', { onError: (r) => void (r.response = { body: 'refused' }) }),
      tag(log, 'b', {
        before: () => {
          throw new Error('refuse');
        },
      }),
      tag(log, 'c'),
    ],
    handler: ok,
  },
  {
    name: 'a throwing after resets the response before onError',
    middlewares: (log) => [
      tag(log, 'a', { onError: (r) => void (r.response = { body: `after error, response was ${JSON.stringify(r.response)}` }) }),
      tag(log, 'b', {
        after: () => {
          throw new Error('after failed');
        },
      }),
    ],
    handler: ok,
  },
  {
    name: 'an onError that throws: its error is thrown',
    middlewares: (log) => [
      tag(log, 'a', {
        onError: () => {
          throw new Error('onError failed');
        },
      }),
    ],
    handler: (log) => async () => {
      log.push('handler');
      throw new Error('first');
    },
  },
  {
    name: 'request.internal is there for middlewares to share',
    middlewares: (log) => [
      tag(log, 'a', { before: (r) => void (r.internal.x = 1), after: (r) => void log.push(`internal ${JSON.stringify(r.internal)}`) }),
    ],
    handler: ok,
  },
  {
    name: 'the handler is given up 5 ms before the deadline with a TimeoutError',
    middlewares: (log) => [tag(log, 'a', { onError: (r) => void (r.response = { body: `${r.error.name}: ${r.error.message}` }) })],
    handler: (log) => async () => {
      log.push('handler');
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { body: 'too late' };
    },
    context: { getRemainingTimeInMillis: () => 30 },
  },
];

async function outcome(run: (event: Ev, context: Context) => Promise<Res>, context: Context) {
  try {
    return { response: await run({ n: 7 }, context) };
  } catch (error) {
    const e = error as Error & { originalError?: Error };
    return { error: e.message, name: e.name, originalError: e.originalError?.message };
  }
}

describe('http/chain runs middlewares as @middy/core does', () => {
  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_, s) => {
    const context = (s.context ?? {}) as Context;
    const viaMiddy: string[] = [];
    const m = middy<Ev, Res, Error, Context>();
    for (const mw of s.middlewares(viaMiddy)) m.use(mw);
    const expected = await outcome(m.handler(s.handler(viaMiddy)), context);

    const viaChain: string[] = [];
    const actual = await outcome(chain<Ev, Res>(s.middlewares(viaChain), s.handler(viaChain)), context);

    expect(actual).toEqual(expected);
    expect(viaChain).toEqual(viaMiddy);
  });
});
