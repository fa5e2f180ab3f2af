/** Each log line carries the Lambda request id and whether the invocation was a cold start. */
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';

const context = (awsRequestId: string) =>
  ({
    awsRequestId,
    functionName: 'gatepass-get-event',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-northeast-2:000000000000:function:gatepass-get-event',
    memoryLimitInMB: '256',
    getRemainingTimeInMillis: () => 10_000,
  }) as unknown as Context;

let lines: string[] = [];
beforeEach(() => {
  vi.resetModules();
  lines = [];
  Object.assign(process.env, { POWERTOOLS_DEV: 'true', POWERTOOLS_LOG_LEVEL: 'INFO', AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' });
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const)
    vi.spyOn(console, method).mockImplementation((line: unknown) => void lines.push(String(line)));
});
afterEach(() => vi.restoreAllMocks());

/** What the request context middleware does at each invocation, then one line logged. */
async function invoke(requestId: string, log: boolean) {
  const { requestContext } = await import('#http/middlewares');
  const { logger } = await import('#http/log');
  await requestContext({ id: 'get-event', who: ['anyone'] }).before!({
    event: { headers: {} },
    context: context(requestId),
    response: null,
    error: null,
    internal: {},
  } as never);
  if (log) logger.warn('something worth a line', { code: 'x' });
}

it('the first invocation logs cold_start true, the next false, each with its own request id', async () => {
  // Act
  await invoke('req-1', true);
  await invoke('req-2', true);
  // Assess
  const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(logged.map((l) => [l.function_request_id, l.cold_start])).toEqual([
    ['req-1', true],
    ['req-2', false],
  ]);
});

it('a logger first used at a later invocation does not claim a cold start', async () => {
  // Act: nothing logged during the cold start
  await invoke('req-1', false);
  await invoke('req-2', true);
  // Assess
  const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(logged.map((l) => [l.function_request_id, l.cold_start])).toEqual([['req-2', false]]);
});
