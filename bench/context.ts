/**
 * The bench's engines and stack, started once: one DynamoDB Local (free port), one SES emulator,
 * one local stack (startLocalStack: gateway on a free port, the issuer's JWKS) whose stream
 * workers are stopped so that the only DynamoDB traffic in this process is the work being
 * measured. Each figure gets a fresh data table (`useTable`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  createTables,
  dataTableDefinition,
  dynamoClient,
  freePort,
  startDynamoDbLocal,
  startSesEmulator,
  type RunningDynamo,
  type RunningSes,
} from '#local/engines';
import { signToken } from '#local/issuer';
import { startLocalStack, type LocalStack } from '#local/stack';
import { httpClient, installMeter, progress, uniqueName, type Meter } from './support.ts';

export interface BenchContext {
  endpoint: string;
  /** The DynamoDB Local JVM's process id (CPU accounting). */
  dynamoPid: number | undefined;
  stack: LocalStack;
  /** The shared SDK client of functions/adapters/clients.ts, metered. */
  meter: Meter;
  /** The bench's own client (never metered): seeding, replays, checks. */
  raw: DynamoDBClient;
  docs: DynamoDBDocumentClient;
  admin: string;
  staff: string;
  /** Sequential HTTP calls to the stack's gateway. */
  http: ReturnType<typeof httpClient>;
  /**
   * A fresh data table; the handlers' environment points at it from now on. Without a stream
   * unless asked (see streamlessTable).
   */
  useTable(prefix: string, options?: { stream?: boolean }): Promise<string>;
  /** Every item of one partition (raw client). */
  partition(table: string, pk: string): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

export async function startBench(): Promise<BenchContext> {
  const stateDir = mkdtempSync(join(tmpdir(), 'gatepass-bench-'));
  progress('engines', 'starting DynamoDB Local (one JVM for the whole bench) and the SES emulator');
  let dynamo: RunningDynamo | undefined;
  let ses: RunningSes | undefined;
  let stack: LocalStack | undefined;
  try {
    dynamo = await startDynamoDbLocal(await freePort());
    ses = await startSesEmulator(await freePort());
    stack = await startLocalStack({
      port: await freePort(),
      dynamoEndpoint: dynamo.endpoint,
      sesEndpoint: ses.endpoint,
      stateDir,
      tables: { data: uniqueName('bench-first') },
    });
    // The outbox mailer would compete for the two cores and use the shared client: measure the
    // request path alone (deployed, the mailer runs in functions of its own).
    await stack.workers.stop();
    progress('engines', `DynamoDB Local at ${dynamo.endpoint}, local stack at ${stack.url} (stream workers stopped)`);

    const { resetConfig } = await import('#config');
    const { resetJwks } = await import('#http/auth');
    const { dynamodb } = await import('#adapters/clients');
    resetConfig();
    resetJwks();
    const meter = installMeter(dynamodb);
    const raw = dynamoClient(dynamo.endpoint);
    const docs = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
    const endpoint = dynamo.endpoint;
    const running = { dynamo, ses, stack };
    return {
      endpoint,
      dynamoPid: dynamo.process.pid,
      stack,
      meter,
      raw,
      docs,
      admin: await signToken(stateDir, 'admin'),
      staff: await signToken(stateDir, 'staff'),
      http: httpClient(stack.url, 8),
      async useTable(prefix, options = {}) {
        const data = uniqueName(`bench-${prefix}`);
        if (options.stream) await createTables(endpoint, { data });
        else await streamlessTable(raw, data);
        process.env.DATA_TABLE = data;
        resetConfig();
        return data;
      },
      async partition(table, pk) {
        const items: Record<string, unknown>[] = [];
        let start: Record<string, any> | undefined;
        do {
          const out = await raw.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': { S: pk } },
              ExclusiveStartKey: start,
              ConsistentRead: true,
            }),
          );
          items.push(...((out.Items ?? []) as Record<string, unknown>[]));
          start = out.LastEvaluatedKey;
        } while (start);
        return items;
      },
      async stop() {
        raw.destroy();
        await running.stack.stop();
        await running.ses.stop();
        await running.dynamo.stop();
        rmSync(stateDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stack?.stop().catch(() => undefined);
    await ses?.stop().catch(() => undefined);
    await dynamo?.stop().catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  }
}

/** Creates an event through the API (admin), returns its id. */
export async function createEvent(ctx: BenchContext, input: unknown): Promise<string> {
  const r = await ctx.http.call('POST', '/events', { body: input, headers: { authorization: `Bearer ${ctx.admin}` } });
  if (r.status !== 201) throw new Error(`create event: ${r.status} ${JSON.stringify(r.json)}`);
  return (r.json as { id: string }).id;
}

/**
 * The data table exactly as createTables (functions/local/engines.ts) makes it — keys and the
 * GSIs of table-design.ts — but without its stream. The bench stops the stream workers, so
 * nothing reads it; and DynamoDB Local makes every transactional write to a streamed table
 * slower as its stream store grows (bench/stream-penalty.ts, on this machine: ~80–90 registration
 * transactions/s on a streamed table against ~200–270/s without, on a fresh JVM; ~31/s against
 * ~253/s once 12,800 stream records exist), which would make
 * each figure depend on the ones before it. DynamoDB's streams cost the writer nothing.
 */
export async function streamlessTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(new CreateTableCommand(dataTableDefinition(name, { stream: false })));
}
