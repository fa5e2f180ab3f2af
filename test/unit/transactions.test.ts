/** Failure paths DynamoDB Local never produces: conflicts and throttling (aws-sdk-client-mock). */
import { TransactionCanceledException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { documents } from '#adapters/clients';
import { transactWrite } from '#adapters/transactions';

const ddb = mockClient(documents);
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
const noSleep = { sleep: async () => undefined };

beforeAll(() => {
  process.env.DATA_TABLE = 'unit-table';
});
afterEach(() => ddb.reset());

describe('transactWrite', () => {
  it('retries TransactionConflict under one ClientRequestToken, then succeeds', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'TransactionConflict'))
      .rejectsOnce(cancelled('TransactionConflict', 'None'))
      .resolves({});
    await expect(transactWrite([], noSleep)).resolves.toEqual({ ok: true });
    const tokens = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.ClientRequestToken);
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens).size).toBe(1);
  });

  it('returns the items whose condition failed, without retrying', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'ConditionalCheckFailed'));
    await expect(transactWrite([], noSleep)).resolves.toEqual({ ok: false, failed: [0, 2] });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('gives up on endless conflicts with 503 service_unavailable and Retry-After', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('TransactionConflict'));
    await expect(transactWrite([], { ...noSleep, maxAttempts: 4 })).rejects.toMatchObject({
      status: 503,
      code: 'service_unavailable',
      options: { headers: { 'Retry-After': expect.any(String) } },
    });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(4);
  });

  it('turns throttling that outlasts the SDK retries into 503', async () => {
    ddb.on(TransactWriteCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    await expect(transactWrite([], { ...noSleep, maxAttempts: 2 })).rejects.toMatchObject({ status: 503 });
  });

  it('lets other errors through unchanged', async () => {
    ddb.on(TransactWriteCommand).rejects(new Error('boom'));
    await expect(transactWrite([], noSleep)).rejects.toThrow('boom');
  });
});

describe('transactWrite bounded by the function’s time', () => {
  it('waits out a burst of conflicts past the fixed six tries while a try still fits before the deadline', async () => {
    let call = ddb.on(TransactWriteCommand);
    for (let i = 0; i < 10; i++) call = call.rejectsOnce(cancelled('TransactionConflict'));
    call.resolves({});
    let clock = 0;
    const pauses: number[] = [];
    const sleep = async (ms: number) => {
      pauses.push(ms);
      clock += ms;
    };
    await expect(transactWrite([], { deadline: 10_000, now: () => clock, sleep })).resolves.toEqual({ ok: true });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(11);
    // Full jitter under a cap: no pause is longer than half a second.
    expect(Math.max(...pauses)).toBeLessThanOrEqual(500);
  });

  it('answers 503 once another try would not fit before the deadline, every try having been cancelled', async () => {
    let clock = 0;
    const sentAt: number[] = [];
    ddb.on(TransactWriteCommand).callsFake(() => {
      sentAt.push(clock);
      throw cancelled('TransactionConflict');
    });
    const sleep = async (ms: number) => {
      clock += ms + 10; // each try itself takes 10 ms
    };
    await expect(transactWrite([], { deadline: 6_000, now: () => clock, sleep })).rejects.toMatchObject({
      status: 503,
      code: 'service_unavailable',
    });
    expect(sentAt.length).toBeGreaterThan(6);
    // Even at the longest pauses, 4.5 s holds more than six tries; none starts within the margin (1.5 s) of the deadline.
    expect(Math.max(...sentAt)).toBeLessThanOrEqual(4_500);
  });

  it('without a finite deadline keeps the fixed bound', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('TransactionConflict'));
    await expect(transactWrite([], { ...noSleep, deadline: Infinity })).rejects.toMatchObject({ status: 503 });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(6);
  });
});
