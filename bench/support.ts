/**
 * What the benchmark figures share: progress lines, statistics, the SDK-level DynamoDB meter,
 * the event and participant shapes, API Gateway v2 events for in-process handler calls, and a
 * connection-limited HTTP client. Nothing here changes product code: the meter is a middleware
 * added to the shared SDK client in the bench process only.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

// ---------------------------------------------------------------------------------------------
// Progress and statistics
// ---------------------------------------------------------------------------------------------

const started = Date.now();
const clock = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;

/** One progress line on stderr (stdout carries the final table). */
export function progress(figure: string, message: string): void {
  process.stderr.write(`${clock()}  [${figure}] ${message}\n`);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile (q in [0, 1]). */
export function quantile(values: readonly number[], q: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** CPU time of this process and of another (Linux /proc), as shares of one core over a stretch. */
export function cpuShares(otherPid: number | undefined) {
  const ticks = () => {
    try {
      const stat = readFileSync(`/proc/${otherPid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100 a second)
    } catch {
      return Number.NaN;
    }
  };
  const wall = performance.now();
  const self = process.cpuUsage();
  const other = ticks();
  return () => {
    const seconds = (performance.now() - wall) / 1000;
    const used = process.cpuUsage(self);
    return {
      node: round((used.user + used.system) / 1e6 / seconds, 2),
      dynamoDbLocal: round((ticks() - other) / 100 / seconds, 2),
    };
  };
}

/** Runs `count` tasks with at most `concurrency` in flight; calls `tick` after each. */
export async function pool<T>(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
  tick?: (done: number) => void,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      results[i] = await task(i);
      tick?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

// ---------------------------------------------------------------------------------------------
// DynamoDB meter: ReturnConsumedCapacity on every data-plane call, capacity and round trips summed
// ---------------------------------------------------------------------------------------------

/** Operations that accept ReturnConsumedCapacity (the others are sent untouched). */
const METERED = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'TransactGetItems',
]);

interface CapacityEntry {
  TableName?: string;
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

export interface Tally {
  roundTrips: number;
  /** Round trips by operation name (GetItem, Query, TransactWriteItems…), retries included. */
  calls: Record<string, number>;
  /** Capacity units (table + indexes) as DynamoDB Local reports them. */
  capacity: number;
  /** Of which on global secondary indexes. */
  indexCapacity: number;
  /** By table name. */
  byTable: Record<string, number>;
  /** Calls that failed (conditional failures, cancelled transactions): DynamoDB Local reports no capacity for them. */
  failed: number;
  /** Milliseconds spent waiting for each operation's responses (summed over calls). */
  ms: Record<string, number>;
}

export const emptyTally = (): Tally => ({ roundTrips: 0, calls: {}, capacity: 0, indexCapacity: 0, byTable: {}, failed: 0, ms: {} });

export interface Meter {
  /** Counts into a fresh tally while `fn` runs (nothing else may use the client meanwhile). */
  measure<T>(fn: () => Promise<T>): Promise<{ result: T; tally: Tally }>;
  /** Every TransactWriteItems request body sent while capturing (the exact wire JSON). */
  capture(on: boolean): string[];
  /**
   * A running tally over a longer stretch (throughput runs); `capacity: false` counts round trips
   * and their latency only, leaving the requests untouched.
   */
  start(options?: { capacity?: boolean }): void;
  stop(): Tally;
}

/**
 * Adds two middlewares to an SDK client's stack (DynamoDBDocumentClient.from shares its client's
 * stack, so `documents` is metered too): at `build`, after serialization and before the content
 * length and the signature, ReturnConsumedCapacity: INDEXES goes into the JSON body of every
 * data-plane call; at `deserialize` (per attempt, inside the retry loop) the parsed
 * ConsumedCapacity is summed and the round trip counted.
 */
export function installMeter(client: Pick<DynamoDBClient, 'middlewareStack'>): Meter {
  let tally: Tally | undefined;
  let withCapacity = true;
  let captured: string[] | undefined;
  const stack = client.middlewareStack as unknown as {
    add(mw: unknown, options: Record<string, unknown>): void;
  };
  stack.add(
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: any) => {
      const op = (context.commandName ?? '').replace(/Command$/, '');
      const req = args.request as { body?: unknown } | undefined;
      if (METERED.has(op) && req && (tally || captured)) {
        // The SDK serializes to a string or (newer serde) a Uint8Array of JSON; decode the bytes
        // directly (Buffer.from(view) would call the adapter's valueOf, which warns).
        const b = req.body;
        const text =
          typeof b === 'string'
            ? b
            : b instanceof Uint8Array
              ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8')
              : undefined;
        if (text !== undefined) {
          let sent = text;
          if (tally && withCapacity) {
            const body = JSON.parse(text) as Record<string, unknown>;
            body.ReturnConsumedCapacity = 'INDEXES';
            sent = JSON.stringify(body);
            req.body = sent; // a string body: the content length is computed after this step
          }
          if (captured && op === 'TransactWriteItems') captured.push(sent);
        }
      }
      return next(args);
    },
    { step: 'build', priority: 'high', name: 'benchReturnConsumedCapacity' },
  );
  stack.add(
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: any) => {
      const op = (context.commandName ?? '').replace(/Command$/, '');
      const t = tally;
      if (!t || !METERED.has(op)) return next(args);
      t.roundTrips++;
      t.calls[op] = (t.calls[op] ?? 0) + 1;
      const t0 = performance.now();
      try {
        const result = await next(args);
        t.ms[op] = (t.ms[op] ?? 0) + performance.now() - t0;
        const consumed = (result.output as { ConsumedCapacity?: CapacityEntry | CapacityEntry[] }).ConsumedCapacity;
        for (const c of consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed]) {
          const units = c.CapacityUnits ?? 0;
          t.capacity += units;
          t.byTable[c.TableName ?? '?'] = (t.byTable[c.TableName ?? '?'] ?? 0) + units;
          for (const gsi of Object.values(c.GlobalSecondaryIndexes ?? {})) t.indexCapacity += gsi.CapacityUnits ?? 0;
        }
        return result;
      } catch (error) {
        t.ms[op] = (t.ms[op] ?? 0) + performance.now() - t0;
        t.failed++;
        throw error;
      }
    },
    { step: 'deserialize', priority: 'high', name: 'benchConsumedCapacity' },
  );
  return {
    async measure(fn) {
      const previous = tally;
      withCapacity = true;
      tally = emptyTally();
      const mine = tally;
      try {
        const result = await fn();
        return { result, tally: mine };
      } finally {
        tally = previous;
      }
    },
    capture(on) {
      const out = captured ?? [];
      captured = on ? [] : undefined;
      return out;
    },
    start(options = {}) {
      withCapacity = options.capacity ?? true;
      tally = emptyTally();
    },
    stop() {
      const t = tally ?? emptyTally();
      tally = undefined;
      withCapacity = true;
      return t;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Events, participants, tables
// ---------------------------------------------------------------------------------------------

export const uniqueName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** An event whose registration is open now: the tests' own. */
export { openEvent } from '../test/support/fixtures.ts';

export const participant = (tag: string, i: number, sessions: string[] = []) => ({
  email: `${tag}.person${i}@example.com`,
  name: i % 2 ? `김민지 ${i}` : `Hannah Müller ${i}`,
  organization: 'Gwangju Bio Co.',
  locale: i % 2 ? 'ko' : 'en',
  sessions,
  answers: { companyType: 'global' },
  consent: { privacy: true },
});

// ---------------------------------------------------------------------------------------------
// In-process handler calls: the API Gateway v2 event the local gateway builds
// ---------------------------------------------------------------------------------------------

export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export function apiEvent(options: {
  method: string;
  path: string;
  routeKey: string;
  params?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
}): APIGatewayProxyEventV2 {
  const now = new Date();
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    host: '127.0.0.1',
    'user-agent': 'gatepass-bench',
    'x-forwarded-proto': 'http',
    ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
    ...options.headers,
  };
  return {
    version: '2.0',
    routeKey: options.routeKey,
    rawPath: options.path,
    rawQueryString: '',
    headers,
    pathParameters: options.params,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: 'local',
      http: { method: options.method, path: options.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'gatepass-bench' },
      requestId: randomUUID(),
      routeKey: options.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body,
    isBase64Encoded: false,
  };
}

/** The Lambda context the local gateway gives handlers. */
export { lambdaContext } from '../functions/local/gateway.ts';

// ---------------------------------------------------------------------------------------------
// HTTP over loopback with a bounded connection pool (node:http Agent; `undici` is not a
// dependency of the project, and Node's global fetch exposes no connection limit without it)
// ---------------------------------------------------------------------------------------------

export interface HttpResult {
  status: number;
  json: any;
  /** ms from the call to the last byte. */
  total: number;
  /** ms from the moment a connection was assigned (the request left the client) to the last byte. */
  onWire: number;
}

export function httpClient(baseUrl: string, connections: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const url = new URL(baseUrl);
  const call = (method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) =>
    new Promise<HttpResult>((resolve, reject) => {
      const t0 = performance.now();
      let tSocket = t0;
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers: {
            ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
            ...options.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const t1 = performance.now();
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown = null;
            if ((res.headers['content-type'] ?? '').includes('json') && text) json = JSON.parse(text);
            resolve({ status: res.statusCode ?? 0, json, total: t1 - t0, onWire: t1 - tSocket });
          });
          res.on('error', reject);
        },
      );
      req.on('socket', () => (tSocket = performance.now()));
      req.on('error', reject);
      req.end(payload);
    });
  return { call, connections, close: () => agent.destroy() };
}
