/** A local stack for one test file: its own tables and state, the run's shared engines. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, inject } from 'vitest';
import { createTables, dynamoClient, freePort, startSesEmulator, type RunningSes } from '#local/engines';
import { signToken, type TokenRole } from '#local/issuer';
import { startLocalStack, type LocalStack } from '#local/stack';
import { checkAnswer } from './contract.ts';

/** The tables this test file made, on the DynamoDB Local it leased from the run's pool (engines.ts). */
const madeTables = new Set<string>();
let leased: Promise<string> | undefined;

/** This file's DynamoDB Local endpoint: leased once, at first use. */
export function dynamoEndpoint(): Promise<string> {
  leased ??= fetch(`${inject('enginePool')}/lease`, { method: 'POST' }).then(async (r) => {
    if (!r.ok) throw new Error(`no DynamoDB Local from the pool: ${r.status} ${await r.text()}`);
    return ((await r.json()) as { endpoint: string }).endpoint;
  });
  return leased;
}

let ses: Promise<RunningSes> | undefined;

/**
 * This file's own SES emulator, started at first use: its inbox (`/store`) holds only this file's
 * mail, whatever other files run beside it.
 */
export async function sesEndpoint(): Promise<string> {
  ses ??= freePort().then(startSesEmulator);
  return (await ses).endpoint;
}

export const uniqueTables = () => {
  const id = randomBytes(4).toString('hex');
  const tables = { data: `data-${id}` };
  madeTables.add(tables.data);
  return tables;
};

/**
 * Stops the file's SES emulator, drops its tables and gives its engine back once its tests are done. Registered at import
 * (so on the importing file's root suite), it runs after the file's own afterAll hooks have
 * stopped its stacks.
 */
afterAll(async () => {
  await (await ses)?.stop();
  if (!leased) return;
  const endpoint = await leased;
  const client = dynamoClient(endpoint);
  try {
    await Promise.all([...madeTables].map((TableName) => client.send(new DeleteTableCommand({ TableName })).catch(() => undefined)));
    madeTables.clear();
  } finally {
    client.destroy();
  }
  await fetch(`${inject('enginePool')}/release?endpoint=${encodeURIComponent(endpoint)}`, { method: 'POST' });
});

/** Points the handlers' environment at fresh tables on the shared engines (no gateway). */
export async function useTables(): Promise<{ endpoint: string; tables: ReturnType<typeof uniqueTables>; stateDir: string }> {
  const endpoint = await dynamoEndpoint();
  const tables = uniqueTables();
  await createTables(endpoint, tables);
  const stateDir = mkdtempSync(join(tmpdir(), 'gatepass-test-'));
  Object.assign(process.env, {
    AWS_REGION: 'ap-northeast-2',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ENDPOINT_URL_SES: await sesEndpoint(),
    DATA_TABLE: tables.data,
    SERVER_SECRET: randomBytes(32).toString('base64url'),
    POWERTOOLS_LOG_LEVEL: 'WARN',
  });
  return { endpoint, tables, stateDir };
}

export interface TestStack extends LocalStack {
  token(role: TokenRole, options?: Parameters<typeof signToken>[2]): Promise<string>;
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
}

export interface CallOptions {
  body?: unknown;
  raw?: string | Buffer;
  token?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  type: string;
  headers: Headers;
  text: string;
  json: any;
}

export async function startTestStack(
  options: { sweepSeconds?: number; functionTimeoutMs?: number; wallet?: boolean } = {},
): Promise<TestStack> {
  const stateDir = mkdtempSync(join(tmpdir(), 'gatepass-e2e-'));
  const stack = await startLocalStack({
    port: await freePort(),
    dynamoEndpoint: await dynamoEndpoint(),
    sesEndpoint: await sesEndpoint(),
    stateDir,
    tables: uniqueTables(),
    ...options,
  });
  const call = async (method: string, path: string, options: CallOptions = {}): Promise<CallResult> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Buffer | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const r = await fetch(stack.url + path, { method, headers, body, redirect: 'manual' });
    const text = await r.text();
    const type = r.headers.get('content-type') ?? '';
    let json: unknown = null;
    if (type.includes('json')) json = JSON.parse(text);
    // The documented shape of every answer (contract.ts), whatever the test itself checks.
    checkAnswer(method, path, r.status, type, json);
    return { status: r.status, type, headers: r.headers, text, json };
  };
  // The state dir (secrets, exports) goes with the stack: runs would otherwise pile them up in /tmp.
  const stop = async () => {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  };
  return { ...stack, stop, token: (role, options) => signToken(stateDir, role, options), call };
}

export { openEvent, participant, tampered } from './fixtures.ts';
