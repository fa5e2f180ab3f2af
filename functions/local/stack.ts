/**
 * The whole local stack in one call: engines, tables, the issuer, the environment the handlers
 * read (the same variables a deployed function gets), and the gateway. `npm start` and the e2e
 * tests both use it; nothing else in Gatepass knows it is local.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import {
  createTables,
  dynamoClient,
  localCredentials,
  localRegion,
  startDynamoDbLocal,
  startSesEmulator,
  type RunningDynamo,
  type RunningSes,
  type TableNames,
} from '#local/engines';
import { createGateway } from '#local/gateway';
import { consoleConfigPath } from '../../web/site-routes.ts';
import { createIssuer, endSessionPath, issuerKey, jwksPath, localClientId, localConsoleClientId, rememberIssuer } from '#local/issuer';
import { moveMeetingClock } from '#adapters/clock';
import { LOCAL_GOOGLE_ISSUER_ID, LOCAL_PASS_TYPE_ID, LOCAL_TEAM_ID, WALLET_ENV, localWalletKeys } from '#local/wallet-keys';
import { startWorkers, type RunningWorkers } from '#local/workers';

/** Keys and secrets of the local stack; GATEPASS_STATE_DIR moves it (tests). */
export const defaultStateDir = process.env.GATEPASS_STATE_DIR ?? new URL('../../.gatepass/', import.meta.url).pathname;

export interface StackOptions {
  port: number;
  /** Start DynamoDB Local on this port, or use one already running at `dynamoEndpoint`. */
  dynamoPort?: number;
  dynamoEndpoint?: string;
  sesPort?: number;
  sesEndpoint?: string;
  stateDir?: string;
  /** Keep DynamoDB data under the state directory between runs. */
  persist?: boolean;
  tables?: TableNames;
  /** Seconds between runs of the scheduled workers (the outbox sweeper); deployed: a minute. */
  sweepSeconds?: number;
  /** Each function's time limit in ms (default 10 s, as deployed). */
  functionTimeoutMs?: number;
  /** Sign wallet passes with throwaway keys made under the state directory (default true); false: a deployment without wallet passes. */
  wallet?: boolean;
  /** Serve the built web app from this folder beside the API (npm start: web/dist). */
  siteDir?: string;
  /** Lifetime of the access tokens the local sign-in issues (default an hour, as Cognito's). */
  accessTokenSeconds?: number;
}

export interface LocalStack {
  url: string;
  dynamoEndpoint: string;
  sesEndpoint: string;
  tables: TableNames;
  stateDir: string;
  workers: RunningWorkers;
  /** Moves the clock the meeting rules judge by (expiry, no-show) this far ahead: local only. */
  moveMeetingClock(offsetMs: number): void;
  stop(): Promise<void>;
}

/** A random secret generated once into the state directory (deployed ones are in Secrets Manager). */
export function localSecret(stateDir: string, name = 'server-secret'): string {
  const file = join(stateDir, name);
  if (!existsSync(file)) {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

export async function startLocalStack(options: StackOptions): Promise<LocalStack> {
  const stateDir = options.stateDir ?? defaultStateDir;
  mkdirSync(stateDir, { recursive: true });
  const tables = options.tables ?? { data: 'gatepass-data' };
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
  };
  try {
    let dynamo: Pick<RunningDynamo, 'endpoint'>;
    if (options.dynamoEndpoint) dynamo = { endpoint: options.dynamoEndpoint };
    else {
      const dbPath = options.persist ? join(stateDir, 'dynamodb') : undefined;
      if (dbPath) mkdirSync(dbPath, { recursive: true });
      const running = await startDynamoDbLocal(options.dynamoPort ?? 8000, { dbPath });
      started.push(running);
      dynamo = running;
    }
    let ses: Pick<RunningSes, 'endpoint'>;
    if (options.sesEndpoint) ses = { endpoint: options.sesEndpoint };
    else {
      const running = await startSesEmulator(options.sesPort ?? 8005);
      started.push(running);
      ses = running;
    }
    await createTables(dynamo.endpoint, tables);
    const { publicJwk } = await issuerKey(stateDir);
    const url = `http://127.0.0.1:${options.port}`;
    // The issuer is the gateway's origin (its discovery document says so): tokens signed from now on carry it.
    rememberIssuer(stateDir, url);
    Object.assign(process.env, {
      AWS_REGION: localRegion,
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SES: ses.endpoint,
      AWS_LAMBDA_FUNCTION_NAME: 'gatepass-local',
      DATA_TABLE: tables.data,
      SERVER_SECRET: localSecret(stateDir),
      // Newest first: put a new seed in front to rotate; a seed removed is a key retired.
      BADGE_KEY_SEEDS: localSecret(stateDir, 'badge-key-seeds'),
      MAIL_FROM: 'Gatepass <no-reply@gatepass.local>',
      PUBLIC_API_URL: url,
      SITE_URL: url,
      EXPORT_DIR: join(stateDir, 'exports'),
      EXPORT_BASE_URL: `${url}/.local/exports/`,
      JWT_ISSUER: url,
      JWT_JWKS_URL: `${url}${jwksPath}`,
      JWT_CLIENT_ID: `${localClientId},${localConsoleClientId}`,
      // Webhook receivers on this machine (API.md: the local stack also accepts http://127.0.0.1:<port>).
      WEBHOOK_ALLOW_LOCAL_HTTP: '1',
      POWERTOOLS_SERVICE_NAME: 'gatepass',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      POWERTOOLS_DEV: 'true',
    });
    // Wallet passes: the same JSON a deployed secret holds, by configuration (as the server secret).
    if (options.wallet ?? true) {
      const keys = localWalletKeys(stateDir);
      Object.assign(process.env, {
        APPLE_PASS_TYPE_ID: LOCAL_PASS_TYPE_ID,
        APPLE_TEAM_ID: LOCAL_TEAM_ID,
        APPLE_PASS_CERTIFICATES: keys.appleSecret,
        GOOGLE_WALLET_ISSUER_ID: LOCAL_GOOGLE_ISSUER_ID,
        GOOGLE_WALLET_KEY: keys.googleSecret,
      });
    } else for (const name of WALLET_ENV) delete process.env[name];
    const dynamoForWorkers = dynamoClient(dynamo.endpoint);
    const workers = await startWorkers({
      dynamo: dynamoForWorkers,
      endpoint: dynamo.endpoint,
      table: tables.data,
      stateDir,
      sweepSeconds: options.sweepSeconds,
    });
    started.push({
      stop: async () => {
        await workers.stop();
        dynamoForWorkers.destroy();
      },
    });
    const server: Server = createGateway({
      extra: {
        [jwksPath]: () => ({ keys: [publicJwk] }),
        // What the console learns at run time (deployed: written next to the pages at deploy).
        [consoleConfigPath]: () => ({ authority: url, clientId: localConsoleClientId, endSessionEndpoint: `${url}${endSessionPath}` }),
      },
      issuer: createIssuer({ stateDir, origin: url, accessTokenSeconds: options.accessTokenSeconds }),
      files: { prefix: '/.local/exports/', dir: join(stateDir, 'exports') },
      functionTimeoutMs: options.functionTimeoutMs,
      ...(options.siteDir ? { site: { dir: options.siteDir } } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', () => resolve());
    });
    started.push({
      stop: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    });
    return { url, dynamoEndpoint: dynamo.endpoint, sesEndpoint: ses.endpoint, tables, stateDir, workers, moveMeetingClock, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
