/**
 * Global setup of the integration, e2e and load projects: a small pool of DynamoDB Local engines
 * (JVMs, too heavy to start one per file on two cores) that test files lease, one engine per file
 * (test/support/stack.ts leases it, with an SES emulator of the file's own, and gives it back in
 * its last afterAll). Each project loads this setup in a module runner of its own, so the pool
 * is kept on `globalThis`: one pool for the run, whichever projects run.
 *
 * Why a pool: DynamoDB Local slows down as stream records pile up in it, across tables, and
 * dropping the tables does not give the time back. Measured here (20 tables × 1,000 items,
 * streams on vs off): filling took 63 s vs 10 s, and a later 400 puts + 50 queries 10.7 s vs
 * 1.1 s. Every Gatepass table has its stream on (the outbox and webhook workers read it), so
 * one engine for the whole run made late files several times slower than early ones. An engine
 * now serves FILES_PER_ENGINE files, then retires (stopped once its last file gives it back);
 * the next is started and warmed in the background before it is needed.
 */
import { createServer, type Server } from 'node:http';
import type { TestProject } from 'vitest/node';
import { CreateTableCommand, DeleteTableCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { dataTableDefinition, dynamoClient, freePort, startDynamoDbLocal, type RunningDynamo } from '#local/engines';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `POST <pool>/lease` → `{ endpoint }`; `POST <pool>/release?endpoint=…` gives it back. */
    enginePool: string;
  }
}

const FILES_PER_ENGINE = 3;

interface Engine {
  dynamo: RunningDynamo;
  /** Files that leased it (whether or not they gave it back). */
  served: number;
  /** Files holding it now. */
  holders: number;
  retired: boolean;
}

/** A fresh JVM answers its first requests slowly (JIT): a few writes and reads before any file sees it. */
async function warm(endpoint: string): Promise<void> {
  const client = dynamoClient(endpoint);
  const TableName = 'warm-up';
  try {
    await client.send(new CreateTableCommand(dataTableDefinition(TableName, { stream: true })));
    for (let i = 0; i < 60; i++) {
      await client.send(new PutItemCommand({ TableName, Item: { pk: { S: `W${i % 3}` }, sk: { S: String(i) } } }));
      await client.send(
        new QueryCommand({ TableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'W1' } } }),
      );
    }
    await client.send(new DeleteTableCommand({ TableName }));
  } finally {
    client.destroy();
  }
}

async function startEngine(): Promise<Engine> {
  const dynamo = await startDynamoDbLocal(await freePort());
  await warm(dynamo.endpoint);
  return { dynamo, served: 0, holders: 0, retired: false };
}

class EnginePool {
  /** Engines started and not yet stopped. */
  private readonly engines = new Set<Engine>();
  private current: Promise<Engine> = this.start();
  private next: Promise<Engine> | undefined;
  /** Leases are handed out one at a time, so two files never both take an engine's last place. */
  private queue: Promise<unknown> = Promise.resolve();

  ready(): Promise<void> {
    return this.current.then(() => undefined);
  }

  lease(): Promise<Engine> {
    const leased = this.queue.then(async () => {
      let engine = await this.current;
      if (engine.served >= FILES_PER_ENGINE) {
        engine.retired = true;
        if (engine.holders === 0) void this.stop(engine);
        this.current = this.next ?? this.start();
        this.next = undefined;
        engine = await this.current;
      }
      engine.served++;
      engine.holders++;
      // Start the next engine while this one serves its last files.
      if (engine.served >= FILES_PER_ENGINE - 1) this.next ??= this.start();
      return engine;
    });
    this.queue = leased.catch(() => undefined);
    return leased;
  }

  async release(endpoint: string): Promise<void> {
    const engine = [...this.engines].find((e) => e.dynamo.endpoint === endpoint);
    if (!engine) return;
    engine.holders = Math.max(0, engine.holders - 1);
    if (engine.retired && engine.holders === 0) await this.stop(engine);
  }

  async stopAll(): Promise<void> {
    await Promise.allSettled([this.current, this.next]);
    await Promise.all([...this.engines].map((e) => this.stop(e)));
  }

  /** A start that fails (a port taken meanwhile on a busy machine) is tried once more. */
  private start(): Promise<Engine> {
    const started = startEngine()
      .catch(() => startEngine())
      .then((engine) => {
        this.engines.add(engine);
        return engine;
      });
    // Awaited when leased; until then a failure is not an unhandled rejection.
    started.catch(() => undefined);
    return started;
  }

  private async stop(engine: Engine): Promise<void> {
    if (!this.engines.delete(engine)) return;
    await engine.dynamo.stop();
  }
}

interface Shared {
  started: Promise<{ pool: EnginePool; server: Server; url: string }>;
  users: number;
}
const run = globalThis as typeof globalThis & { gatepassEnginePool?: Shared };

async function startShared() {
  const pool = new EnginePool();
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://pool');
      if (req.method === 'POST' && url.pathname === '/lease') {
        const engine = await pool.lease();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ endpoint: engine.dynamo.endpoint }));
      } else if (req.method === 'POST' && url.pathname === '/release') {
        await pool.release(url.searchParams.get('endpoint') ?? '');
        res.writeHead(204).end();
      } else {
        res.writeHead(404).end();
      }
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // Fail the run at setup, clearly, if Java or the jar is missing.
  await pool.ready();
  return { pool, server, url: `http://127.0.0.1:${port}` };
}

export default async function setup(project: TestProject) {
  run.gatepassEnginePool ??= { started: startShared(), users: 0 };
  const shared = run.gatepassEnginePool;
  shared.users++;
  const { url, pool, server } = await shared.started;
  project.provide('enginePool', url);
  return async () => {
    if (--shared.users > 0) return;
    run.gatepassEnginePool = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await pool.stopAll();
  };
}
