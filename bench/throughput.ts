/**
 * Handler-path throughput: registrations per second through the real create-registration handler,
 * called in-process with API Gateway v2 events (as the local gateway builds them) against
 * DynamoDB Local, as a ratio to raw TransactWriteItems of the very same items (the request bodies
 * the handler run sent, captured on the wire and replayed) on the same DynamoDB Local, in the
 * same run. Same concurrency, same count, a fresh table for each.
 */
import { randomUUID } from 'node:crypto';
import { BatchWriteItemCommand, TransactWriteItemsCommand, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import type { BenchContext } from './context.ts';
import { createEvent } from './context.ts';
import { apiEvent, cpuShares, lambdaContext, openEvent, participant, pool, progress, round, type LambdaHandler } from './support.ts';

export const THROUGHPUT_TARGET = 0.7;

export interface ThroughputRun {
  what: string;
  count: number;
  seconds: number;
  perSecond: number;
  failures: number;
  /** DynamoDB round trips per registration, by operation, and their mean latency under this load (ms). */
  perRegistration?: Record<string, { calls: number; meanMs: number }>;
  /** Cores' worth of CPU used by the bench process (handlers or client) and by DynamoDB Local. */
  cpu: { node: number; dynamoDbLocal: number };
}

export interface ThroughputResult {
  method: string;
  concurrency: number;
  count: number;
  raw: ThroughputRun;
  handler: ThroughputRun;
  handlerNoKey: ThroughputRun;
  ratio: number;
  ratioNoKey: number;
  /** The ratio of each round (handler run / its raw replay): the spread to read the ratio against. */
  roundRatios: { withKey: number[]; noKey: number[] };
  target: string;
  met: boolean;
}

/** A fresh table holding one open event (capacity enough for everyone); its id and partition items. */
async function freshEvent(ctx: BenchContext, prefix: string, capacity: number) {
  const table = await ctx.useTable(prefix);
  const eventId = await createEvent(ctx, openEvent({ capacity, sessions: openEvent().sessions.map((s) => ({ ...s, capacity })) }));
  return { table, eventId };
}

async function handlerRun(
  ctx: BenchContext,
  handler: LambdaHandler,
  what: string,
  count: number,
  concurrency: number,
  withKey: boolean,
  capture = false,
): Promise<{ run: ThroughputRun; bodies: string[]; partition: Record<string, unknown>[]; table: string }> {
  const { table, eventId } = await freshEvent(ctx, 'tput', count * 2);
  const partition = await ctx.partition(table, `EVENT#${eventId}`);
  const tag = randomUUID().slice(0, 8);
  const events = Array.from({ length: count }, (_, i) =>
    apiEvent({
      method: 'POST',
      path: `/events/${eventId}/registrations`,
      routeKey: 'POST /events/{eventId}/registrations',
      params: { eventId },
      headers: withKey ? { 'idempotency-key': randomUUID(), 'accept-language': 'ko' } : { 'accept-language': 'ko' },
      body: participant(tag, i, [i % 2 ? 'bio' : 'energy']),
    }),
  );
  let failures = 0;
  if (capture) ctx.meter.capture(true);
  ctx.meter.start({ capacity: false });
  const cpu = cpuShares(ctx.dynamoPid);
  const t0 = performance.now();
  await pool(
    count,
    concurrency,
    async (i) => {
      const r = await handler(events[i]!, lambdaContext('create-registration'));
      if (r.statusCode !== 201) failures++;
    },
    undefined,
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpuUsed = cpu();
  const tally = ctx.meter.stop();
  const bodies = capture ? ctx.meter.capture(false) : [];
  const perRegistration: ThroughputRun['perRegistration'] = {};
  for (const [op, n] of Object.entries(tally.calls))
    perRegistration[op] = { calls: round(n / count, 2), meanMs: round((tally.ms[op] ?? 0) / n, 1) };
  return {
    run: { what, count, seconds: round(seconds, 2), perSecond: round(count / seconds, 1), failures, perRegistration, cpu: cpuUsed },
    bodies,
    partition,
    table,
  };
}

/** Replays captured TransactWriteItems bodies on a fresh table holding the same event partition. */
async function rawRun(
  ctx: BenchContext,
  bodies: string[],
  partition: Record<string, unknown>[],
  concurrency: number,
  stream = false,
): Promise<ThroughputRun> {
  const table = await ctx.useTable(stream ? 'raw-stream' : 'raw', { stream });
  await ctx.raw.send(
    new BatchWriteItemCommand({ RequestItems: { [table]: partition.map((Item) => ({ PutRequest: { Item: Item as never } })) } }),
  );
  const inputs = bodies.map((b) => {
    const input = JSON.parse(b) as TransactWriteItemsCommandInput & { ReturnConsumedCapacity?: string };
    delete input.ReturnConsumedCapacity;
    for (const item of input.TransactItems ?? []) {
      for (const op of [item.Put, item.Update, item.Delete, item.ConditionCheck]) if (op) op.TableName = table;
    }
    return input;
  });
  let failures = 0;
  let waited = 0;
  const cpu = cpuShares(ctx.dynamoPid);
  const t0 = performance.now();
  await pool(
    inputs.length,
    concurrency,
    async (i) => {
      const t = performance.now();
      try {
        await ctx.raw.send(new TransactWriteItemsCommand({ ...inputs[i]!, ClientRequestToken: randomUUID() }));
      } catch {
        failures++;
      }
      waited += performance.now() - t;
    },
    undefined,
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpuUsed = cpu();
  return {
    what: `raw TransactWriteItems (same items)${stream ? ', table with a stream' : ''}`,
    count: inputs.length,
    seconds: round(seconds, 2),
    perSecond: round(inputs.length / seconds, 1),
    failures,
    perRegistration: { TransactWriteItems: { calls: 1, meanMs: round(waited / inputs.length, 1) } },
    cpu: cpuUsed,
  };
}

/** Several runs of one variant as one: counts and times summed, per-operation figures weighted. */
function combine(what: string, runs: ThroughputRun[]): ThroughputRun & { rounds: number[] } {
  const count = runs.reduce((a, r) => a + r.count, 0);
  const seconds = runs.reduce((a, r) => a + r.seconds, 0);
  const perRegistration: NonNullable<ThroughputRun['perRegistration']> = {};
  for (const op of new Set(runs.flatMap((r) => Object.keys(r.perRegistration ?? {})))) {
    let calls = 0;
    let ms = 0;
    for (const r of runs) {
      const x = r.perRegistration?.[op];
      if (!x) continue;
      calls += x.calls * r.count;
      ms += x.meanMs * x.calls * r.count;
    }
    perRegistration[op] = { calls: round(calls / count, 2), meanMs: round(ms / calls, 1) };
  }
  const share = (k: 'node' | 'dynamoDbLocal') => round(runs.reduce((a, r) => a + r.cpu[k] * r.seconds, 0) / seconds, 2);
  return {
    what,
    count,
    seconds: round(seconds, 2),
    perSecond: round(count / seconds, 1),
    failures: runs.reduce((a, r) => a + r.failures, 0),
    perRegistration,
    cpu: { node: share('node'), dynamoDbLocal: share('dynamoDbLocal') },
    rounds: runs.map((r) => r.perSecond),
  };
}

export async function measureThroughput(
  ctx: BenchContext,
  options: { count: number; concurrency: number; warmup: number; rounds: number },
): Promise<ThroughputResult> {
  const { handler } = (await import('../functions/handlers/create-registration.ts')) as { handler: LambdaHandler };
  const { count, concurrency, rounds } = options;
  const perRound = Math.ceil(count / rounds);

  progress('throughput', `warm-up: ${options.warmup} registrations through the handler and their raw replay (JIT on both sides)`);
  const warm = await handlerRun(ctx, handler, 'warm-up', options.warmup, concurrency, true, true);
  await rawRun(ctx, warm.bodies, warm.partition, concurrency);

  // Interleaved rounds, as the import timings are: drift (JIT, GC, other load on the machine)
  // spreads over the three variants instead of landing on one of them.
  const runs = { withKey: [] as ThroughputRun[], raw: [] as ThroughputRun[], noKey: [] as ThroughputRun[] };
  for (let r = 0; r < rounds; r++) {
    progress(
      'throughput',
      `round ${r + 1}/${rounds}: ${perRound} registrations through the handler (Idempotency-Key), their raw replay, ${perRound} without a key; ${concurrency} in flight`,
    );
    const withKey = await handlerRun(ctx, handler, 'handler (Idempotency-Key)', perRound, concurrency, true, true);
    if (withKey.bodies.length !== perRound) throw new Error(`captured ${withKey.bodies.length} transactions for ${perRound} registrations`);
    runs.withKey.push(withKey.run);
    const raw = () => rawRun(ctx, withKey.bodies, withKey.partition, concurrency);
    const noKey = async () => (await handlerRun(ctx, handler, 'handler (no Idempotency-Key)', perRound, concurrency, false)).run;
    if (r % 2 === 0) {
      runs.raw.push(await raw());
      runs.noKey.push(await noKey());
    } else {
      runs.noKey.push(await noKey());
      runs.raw.push(await raw());
    }
  }
  const withKey = combine('handler (Idempotency-Key)', runs.withKey);
  const raw = combine('raw TransactWriteItems (same items)', runs.raw);
  const noKey = combine('handler (no Idempotency-Key)', runs.noKey);
  const ratio = round(withKey.perSecond / raw.perSecond, 2);
  const roundRatios = (a: ThroughputRun[]) => a.map((x, i) => round(x.perSecond / runs.raw[i]!.perSecond, 2));
  return {
    method: `In-process calls of functions/handlers/create-registration.ts \`handler\` with API Gateway v2 events (one session each, Accept-Language ko), against DynamoDB Local; the raw baseline replays the exact TransactWriteItems request bodies the handler sent (captured at the SDK build step), table name swapped, on a fresh table seeded with the same event partition, through a plain DynamoDBClient. Same concurrency, same count; ${rounds} interleaved rounds of ${perRound} (a fresh table for every run), after a warm-up of both. Tables have no stream (bench/context.ts streamlessTable; bench/stream-penalty.ts shows why).`,
    concurrency,
    count: perRound * rounds,
    raw,
    handler: withKey,
    handlerNoKey: noKey,
    ratio,
    ratioNoKey: round(noKey.perSecond / raw.perSecond, 2),
    roundRatios: { withKey: roundRatios(runs.withKey), noKey: roundRatios(runs.noKey) },
    target: `≥ ${THROUGHPUT_TARGET}`,
    met: ratio >= THROUGHPUT_TARGET && withKey.failures === 0 && raw.failures === 0,
  };
}
