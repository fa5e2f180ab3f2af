/**
 * The workers, locally, as deployed: the table's stream is polled and the same handlers get the
 * same event shape (Lambda's DynamoDB stream event, filtered to outbox items, batches of 10,
 * partial batch failures honoured); a batch that keeps failing is retried, then recorded as the
 * deployed DLQ records it (where it failed, not the records). Scheduled workers run on a timer.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { workers, type Worker } from '#routes';
import { runLanesWith, type Lane } from '#adapters/webhook-dispatch';
import { localCredentials, localRegion } from '#local/engines';

const BATCH_SIZE = 10;
const RETRY_ATTEMPTS = 3;

type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
type ScheduledHandler = () => Promise<unknown>;

export interface WorkerOptions {
  dynamo: DynamoDBClient;
  endpoint: string;
  table: string;
  stateDir: string;
  sweepSeconds?: number;
  log?: (line: string) => void;
}

export interface RunningWorkers {
  stop(): Promise<void>;
  /** Resolves once every record written so far has been handed to the stream workers. */
  drain(): Promise<void>;
  /** Runs the scheduled workers now (tests). */
  tick(): Promise<void>;
}

/** As the deployed event source filter: a worker sees the records whose pk starts with its prefix. */
const matches = (prefix: string) => (r: _Record) => String(r.dynamodb?.Keys?.pk?.S ?? '').startsWith(prefix);

export async function startWorkers(options: WorkerOptions): Promise<RunningWorkers> {
  const log = options.log ?? ((line: string) => console.warn(line));
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region: localRegion, credentials: localCredentials });
  const table = await options.dynamo.send(new DescribeTableCommand({ TableName: options.table }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${options.table} has no stream`);
  const load = async <T>(id: string) => ((await import(`../handlers/${id}.ts`)) as { handler: T }).handler;
  const streamWorkers = await Promise.all(
    (workers as readonly Worker[])
      .filter((w) => w.trigger === 'outbox-stream')
      .map(async (w) => ({ id: w.id, handler: await load<StreamHandler>(w.id), wants: matches(w.streamPrefix ?? 'OUTBOX#') })),
  );
  // Each stream worker is its own event source mapping deployed: its batches queue behind its own
  // only, so a slow webhook batch never holds up the mailer's (and the reverse).
  const queues = new Map<string, Promise<void>>(streamWorkers.map((w) => [w.id, Promise.resolve()]));
  // Workers invoked asynchronously deployed (the webhook sender, one invocation per lane) run here
  // side by side, not awaited by their caller, as Lambda's Event invocations are.
  const invoked = new Set<Promise<unknown>>();
  const sender = (workers as readonly Worker[]).find((w) => w.trigger === 'invoke' && w.id === 'webhook-sender');
  if (sender) {
    const send = await load<(lane: Lane) => Promise<unknown>>(sender.id);
    runLanesWith((lane) => {
      const run = send(lane).catch((error: unknown) =>
        log(`worker ${sender.id} failed: ${error instanceof Error ? error.name : String(error)}`),
      );
      invoked.add(run);
      void run.finally(() => invoked.delete(run));
    });
  }
  const scheduled = await Promise.all(
    (workers as readonly Worker[])
      .filter((w) => w.trigger === 'schedule')
      .map(async (w) => ({ id: w.id, handler: await load<ScheduledHandler>(w.id) })),
  );

  let stopped = false;
  const iterators = new Map<string, string | undefined>();
  /** Per shard, the sequence number of the last record read. */
  const lastRead = new Map<string, string>();
  // A waiter resolves after a pass that began after it was registered and found nothing new.
  let passes = 0;
  const idleWaiters: { after: number; resolve: () => void }[] = [];

  async function deliverBatch(worker: (typeof streamWorkers)[number], shardId: string, records: _Record[]): Promise<void> {
    const asLambda = (r: _Record): DynamoDBRecord => ({ ...(r as DynamoDBRecord), eventSourceARN: streamArn });
    {
      let pending = records;
      for (let attempt = 1; pending.length; attempt++) {
        let failedFrom: number;
        try {
          const result = await worker.handler({ Records: pending.map(asLambda) });
          const failed = result?.batchItemFailures?.[0]?.itemIdentifier;
          failedFrom = failed === undefined ? -1 : pending.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
        } catch {
          failedFrom = 0;
        }
        if (failedFrom < 0) break;
        pending = pending.slice(failedFrom);
        if (attempt > RETRY_ATTEMPTS) {
          // As the deployed DLQ: where it failed (shard, sequence numbers), not the records.
          const entry = {
            at: new Date().toISOString(),
            worker: worker.id,
            streamArn,
            shardId,
            startSequenceNumber: pending[0]?.dynamodb?.SequenceNumber,
            endSequenceNumber: pending.at(-1)?.dynamodb?.SequenceNumber,
            batchSize: pending.length,
          };
          appendFileSync(join(options.stateDir, 'stream-dlq.jsonl'), `${JSON.stringify(entry)}\n`);
          log(`stream worker ${worker.id} gave up on ${pending.length} record(s); recorded in .gatepass/stream-dlq.jsonl`);
          break;
        }
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  }

  async function refreshShards(): Promise<void> {
    const described = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of described.StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || iterators.has(shard.ShardId)) continue;
      iterators.set(shard.ShardId, await iteratorFor(shard.ShardId));
    }
  }

  /** Where a shard's reading goes on: after the last record read from it, or from its start. */
  async function iteratorFor(shardId: string): Promise<string | undefined> {
    const after = lastRead.get(shardId);
    const it = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return it.ShardIterator;
  }

  /**
   * Reads a shard. DynamoDB Local numbers stream records across all its tables, and an iterator
   * taken while the shard was empty is refused (TrimmedDataAccessException) once another table
   * has written: measured, with two stacks on one engine no email was ever delivered. As Lambda's
   * event source mapping does with an iterator it cannot use, take a new one where reading stopped.
   */
  async function readShard(shardId: string, iterator: string) {
    // The new iterator may be refused too if another table writes in between: a few tries.
    for (let attempt = 0; ; attempt++) {
      try {
        return await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        if ((name !== 'TrimmedDataAccessException' && name !== 'ExpiredIteratorException') || attempt >= 3) throw error;
        iterator = (await iteratorFor(shardId)) ?? iterator;
      }
    }
  }

  /** One pass over every shard; true when some shard returned records. */
  async function pollOnce(): Promise<boolean> {
    let any = false;
    for (const [shardId, iterator] of iterators) {
      if (!iterator) continue;
      const out = await readShard(shardId, iterator);
      iterators.set(shardId, out.NextShardIterator);
      const last = out.Records?.at(-1)?.dynamodb?.SequenceNumber;
      if (last) lastRead.set(shardId, last);
      if (out.Records?.length) any = true;
      for (const worker of streamWorkers) {
        const records = (out.Records ?? []).filter(worker.wants);
        if (!records.length) continue;
        const queued = queues.get(worker.id)!.then(async () => {
          for (let i = 0; i < records.length; i += BATCH_SIZE) await deliverBatch(worker, shardId, records.slice(i, i + BATCH_SIZE));
        });
        queues.set(worker.id, queued);
      }
    }
    return any;
  }

  const loop = (async () => {
    let lastRefresh = 0;
    while (!stopped) {
      const pass = ++passes;
      let any = false;
      let failed = false;
      try {
        if (Date.now() - lastRefresh > 5000) {
          await refreshShards();
          lastRefresh = Date.now();
        }
        any = await pollOnce();
        // Before telling a waiter the stream is idle, look for shards opened since the last look
        // (every 5 s otherwise): their records are owed to the waiter too.
        if (!any && idleWaiters.length) {
          await refreshShards();
          lastRefresh = Date.now();
          any = await pollOnce();
        }
      } catch (error) {
        failed = true;
        if (!stopped) log(`stream poller: ${error instanceof Error ? error.name : String(error)}`);
      }
      // A pass that failed has not seen the stream: it tells no waiter that nothing is left.
      if (!any && !failed) {
        for (const w of idleWaiters.filter((w) => w.after < pass)) {
          idleWaiters.splice(idleWaiters.indexOf(w), 1);
          w.resolve();
        }
      }
      await new Promise((r) => setTimeout(r, any ? 20 : 200));
    }
  })();

  const tick = async () => {
    for (const s of scheduled) {
      try {
        await s.handler();
      } catch (error) {
        log(`scheduled worker ${s.id} failed: ${error instanceof Error ? error.name : String(error)}`);
      }
    }
  };
  const timer = setInterval(() => void tick(), (options.sweepSeconds ?? 10) * 1000);
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      for (const w of idleWaiters.splice(0)) w.resolve();
      await loop;
      await Promise.all(queues.values());
      await Promise.all(invoked);
      runLanesWith(undefined);
      streams.destroy();
    },
    drain: async () => {
      // Stopped workers deliver nothing more: there is nothing to wait for.
      if (!stopped) await new Promise<void>((resolve) => idleWaiters.push({ after: passes, resolve }));
      // Then what the workers were handed meanwhile (a batch queued behind a slow one).
      for (let settled = false; !settled; ) {
        const pending = [...queues.values()];
        await Promise.all(pending);
        settled = pending.every((p, i) => p === [...queues.values()][i]);
      }
      await Promise.all(invoked);
    },
    async tick() {
      await tick();
      await Promise.all(invoked);
    },
  };
}
