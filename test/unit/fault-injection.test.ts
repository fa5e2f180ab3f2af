/**
 * Fault injection through the real handlers, with aws-sdk-client-mock on the clients of
 * functions/adapters/clients.ts and adapters/ses.ts: DynamoDB throttling on reads and on the
 * registration transaction, transaction conflicts, an Idempotency-Key whose record cannot be read; an SES
 * outage and a mailer that crashes between stream batches.
 *
 * Promised: never a 500; a throttle that outlasts the retries is 503 `service_unavailable` with
 * Retry-After; the retries are bounded; a failed transaction leaves no partial registration (no
 * write is ever sent outside the one transaction); a failed send leaves the email owed; a batch
 * delivered again sends nothing twice.
 */
import { randomBytes } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { SendRawEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

const EVENT_ID = 'faultEvent01';
const TABLE = 'data-fault';

// The environment a deployed function gets (the handlers read it once, at import).
Object.assign(process.env, {
  AWS_REGION: 'ap-northeast-2',
  AWS_ACCESS_KEY_ID: 'unit',
  AWS_SECRET_ACCESS_KEY: 'unit',
  DATA_TABLE: TABLE,
  SERVER_SECRET: randomBytes(32).toString('base64url'),
  BADGE_KEY_SEEDS: randomBytes(32).toString('base64url'),
  MAIL_FROM: 'Gatepass <no-reply@gatepass.test>',
  PUBLIC_API_URL: 'https://api.gatepass.test',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
});

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<{ statusCode: number; headers?: Record<string, unknown>; body?: string }>;
let createRegistration: Handler;
let mailer: (event: DynamoDBStreamEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
let documents: DynamoDBDocumentClient;
let dynamodb: DynamoDBClient;
let ses: SESClient;
let storedEvent: Record<string, unknown>;

beforeAll(async () => {
  ({ handler: createRegistration } = (await import('../../functions/handlers/create-registration.ts')) as unknown as { handler: Handler });
  ({ handler: mailer } = (await import('../../functions/handlers/mailer.ts')) as unknown as { handler: typeof mailer });
  ({ documents, dynamodb } = await import('#adapters/clients'));
  ({ ses } = await import('#adapters/ses'));
  const { newEvent } = await import('#domain/event');
  const { eventInput } = await import('#schemas/event');
  const day = 86_400_000;
  const at = (ms: number) => new Date(Date.now() + ms).toISOString();
  const input = eventInput().parse({
    name: { ko: '장애 주입 포럼', en: 'Fault Forum' },
    venue: 'Gwangju',
    timezone: 'Asia/Seoul',
    startsAt: at(7 * day),
    endsAt: at(7 * day + 3600_000),
    registration: { opensAt: at(-day), closesAt: at(6 * day), waitlist: true },
    capacity: 100,
    sessions: [{ id: 'bio', name: { ko: '바이오', en: 'Bio' }, startsAt: at(7 * day), endsAt: at(7 * day + 1800_000), capacity: 10 }],
  });
  storedEvent = { ...newEvent(EVENT_ID, input, new Date(Date.now() - day)) };
});

// Installed per test: each test states every answer the table gives.
const stubDocuments = () => mockClient(documents);
const stubDynamodb = () => mockClient(dynamodb);
const stubSes = () => mockClient(ses);
let ddb: ReturnType<typeof stubDocuments>;
let raw: ReturnType<typeof stubDynamodb>;
let mail: ReturnType<typeof stubSes>;
function mocks() {
  ddb = stubDocuments();
  raw = stubDynamodb();
  mail = stubSes();
}
afterEach(() => {
  ddb?.restore();
  raw?.restore();
  mail?.restore();
});

/** The event and its counters, as one Query of its partition returns them. */
function eventPage() {
  const pk = `EVENT#${EVENT_ID}`;
  return {
    Items: [
      { pk, sk: 'EVENT', type: 'event', ...storedEvent },
      { pk, sk: 'COUNTER#EVENT', type: 'counter', capacity: 100, confirmed: 3, waitlisted: 0, cancelled: 0, checkedIn: 0 },
      { pk, sk: 'COUNTER#SESSION#bio', type: 'counter', capacity: 10, confirmed: 1, waitlisted: 0, checkedIn: 0 },
    ],
  };
}

const registrationBody = { email: 'fault.test@example.com', name: '김장애', locale: 'ko', sessions: ['bio'], consent: { privacy: true } };

function apiEvent(body: unknown, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  const path = `/events/${EVENT_ID}/registrations`;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: 'POST /events/{eventId}/registrations',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'api.gatepass.test', 'x-forwarded-proto': 'https', ...headers },
    pathParameters: { eventId: EVENT_ID },
    requestContext: {
      accountId: 'unit',
      apiId: 'unit',
      domainName: 'api.gatepass.test',
      domainPrefix: 'api',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'unit' },
      requestId: randomBytes(8).toString('hex'),
      routeKey: 'POST /events/{eventId}/registrations',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

const context = (): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'gatepass-create-registration',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-northeast-2:000000000000:function:gatepass-create-registration',
  memoryLimitInMB: '256',
  awsRequestId: randomBytes(8).toString('hex'),
  logGroupName: '/aws/lambda/gatepass-create-registration',
  logStreamName: 'unit',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

const register = (headers: Record<string, string> = {}) => createRegistration(apiEvent(registrationBody, headers), context());
const problemOf = (r: { body?: string }) => JSON.parse(r.body ?? '{}') as { status: number; code: string };

const throttles = {
  ProvisionedThroughputExceededException: () =>
    new ProvisionedThroughputExceededException({ message: 'throughput exceeded', $metadata: {} }),
  ThrottlingException: () => new ThrottlingException({ message: 'rate exceeded', $metadata: {} }),
  InternalServerError: () => new InternalServerError({ message: 'internal', $metadata: {} }),
};
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

/** Every write that is not the one transaction: none may ever be sent by a registration. */
function writesOutsideTheTransaction(): number {
  return [PutCommand, UpdateCommand, DeleteCommand, BatchWriteCommand].reduce((n, c) => n + ddb.commandCalls(c as never).length, 0);
}

function expect503(r: Awaited<ReturnType<Handler>>) {
  expect(r.statusCode).toBe(503);
  expect(String(r.headers?.['Content-Type'])).toMatch(/^application\/problem\+json/);
  expect(problemOf(r)).toMatchObject({ status: 503, code: 'service_unavailable' });
  expect(Number(r.headers?.['Retry-After'])).toBeGreaterThan(0);
}

describe('DynamoDB throttling on reads', () => {
  it.each(Object.entries(throttles))(
    'the event read keeps failing with %s → 503 with Retry-After, nothing written',
    async (_name, error) => {
      // Prepare
      mocks();
      ddb.on(QueryCommand).rejects(error());
      // Act
      const r = await register();
      // Assess
      expect503(r);
      expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
      expect(writesOutsideTheTransaction()).toBe(0);
    },
  );

  it('the SDK retries a throttled read itself, at most maxAttempts times, before the 503', async () => {
    // Below aws-sdk-client-mock: a request handler that answers every call with a throttle, so the
    // SDK's own retry strategy runs. Its backoff is real time; fake timers skip it.
    const { config } = dynamodb;
    const original = config.requestHandler;
    let attempts = 0;
    const throttled = {
      handle: async () => {
        attempts++;
        const body = JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
          message: 'slow down',
        });
        return {
          response: { statusCode: 400, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: new Uint8Array(Buffer.from(body)) },
        };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    };
    (config as { requestHandler: unknown }).requestHandler = throttled;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let settled = false;
      const pending = register().finally(() => (settled = true));
      while (!settled) await vi.advanceTimersByTimeAsync(1_000);
      const r = await pending;
      expect503(r);
      expect(attempts).toBe(await config.maxAttempts());
      expect(attempts).toBeGreaterThan(1);
    } finally {
      vi.useRealTimers();
      (config as { requestHandler: unknown }).requestHandler = original;
    }
  });
});

describe('DynamoDB throttling and conflicts on the registration transaction', () => {
  it.each(Object.entries(throttles))(
    '%s on every attempt: retried a bounded number of times under one token, then 503; no partial registration',
    async (_name, error) => {
      mocks();
      ddb.on(QueryCommand).resolves(eventPage());
      ddb.on(TransactWriteCommand).rejects(error());
      const r = await register();
      expect503(r);
      const attempts = ddb.commandCalls(TransactWriteCommand);
      expect(attempts.length).toBeGreaterThan(1);
      expect(attempts.length).toBeLessThanOrEqual(6);
      expect(new Set(attempts.map((c) => c.args[0].input.ClientRequestToken)).size).toBe(1);
      // The registration, its email guard, its seats and its email are all in that one transaction.
      const items = attempts[0]!.args[0].input.TransactItems!;
      expect(items.map((i) => i.Put?.Item?.type ?? (i.Update ? 'counter' : undefined))).toEqual(
        expect.arrayContaining(['email-guard', 'registration', 'outbox', 'counter']),
      );
      expect(writesOutsideTheTransaction()).toBe(0);
    },
  );

  it('a throttle that passes is retried: 201', async () => {
    mocks();
    ddb.on(QueryCommand).resolves(eventPage());
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(throttles.ThrottlingException())
      .rejectsOnce(cancelled('None', 'ThrottlingError', 'None'))
      .resolves({});
    const r = await register();
    expect(r.statusCode).toBe(201);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(3);
    expect(writesOutsideTheTransaction()).toBe(0);
  });

  it('TransactionConflict cancellations are retried, then the registration goes through', async () => {
    mocks();
    ddb.on(QueryCommand).resolves(eventPage());
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('TransactionConflict', 'None', 'None', 'None'))
      .rejectsOnce(cancelled('None', 'None', 'None', 'TransactionConflict'))
      .resolves({});
    const r = await register();
    expect(r.statusCode).toBe(201);
    expect(JSON.parse(r.body!)).toMatchObject({ status: 'confirmed', sessions: [{ id: 'bio', status: 'confirmed' }] });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it('endless TransactionConflict → 503 after a bounded number of attempts; nothing written outside the transaction', async () => {
    mocks();
    ddb.on(QueryCommand).resolves(eventPage());
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'TransactionConflict'));
    const r = await register();
    expect503(r);
    expect(ddb.commandCalls(TransactWriteCommand).length).toBeLessThanOrEqual(6);
    expect(writesOutsideTheTransaction()).toBe(0);
  });

  it('a taken email (the guard condition failed) is 409 already_registered, not retried', async () => {
    mocks();
    ddb.on(QueryCommand).resolves(eventPage());
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None', 'None'));
    const r = await register();
    expect([r.statusCode, problemOf(r).code]).toEqual([409, 'already_registered']);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});

describe('the Idempotency-Key under faults', () => {
  /** The cancellation of a registration transaction whose last item (the key's record) is taken. */
  // A registration's transaction: email guard, registration, outbox item, owed webhook change, counter, session counter, key record.
  const keyTaken = (items: number) => cancelled(...Array.from({ length: items - 1 }, () => 'None'), 'ConditionalCheckFailed');

  it('a throttled transaction → 503 and no record is looked up: nothing was written, so the retry is judged afresh', async () => {
    // Prepare
    mocks();
    ddb.on(QueryCommand).resolves(eventPage());
    ddb.on(TransactWriteCommand).rejects(throttles.ProvisionedThroughputExceededException());
    // Act
    const r = await register({ 'idempotency-key': 'form-1' });
    // Assess: the key's record went in the failed transaction, nowhere else
    expect503(r);
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.filter((i) => String(i.Put?.Item?.pk).includes('#KEY#'))).toHaveLength(1);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    expect(writesOutsideTheTransaction()).toBe(0);
  });

  it('the key is taken and its record cannot be read (throttled) → the refusal stands: 409 request_in_progress with Retry-After, not a 500', async () => {
    // Prepare
    mocks();
    ddb.on(QueryCommand).resolves(eventPage());
    ddb.on(TransactWriteCommand).rejects(keyTaken(7));
    ddb.on(GetCommand).rejects(throttles.ThrottlingException());
    // Act
    const r = await register({ 'idempotency-key': 'form-4' });
    // Assess
    expect([r.statusCode, problemOf(r).code]).toEqual([409, 'request_in_progress']);
    expect(Number(r.headers?.['Retry-After'])).toBeGreaterThan(0);
    expect(writesOutsideTheTransaction()).toBe(0);
  });

  it('the first answer exists but cannot be rebuilt (its record unreadable) → 503 with Retry-After, not a bare 500', async () => {
    // Prepare
    mocks();
    ddb.on(QueryCommand).resolves(eventPage());
    ddb.on(TransactWriteCommand).rejects(keyTaken(7));
    const { fingerprintOf } = await import('#domain/keyed-request');
    ddb.on(GetCommand).resolves({
      Item: {
        fingerprint: fingerprintOf(registrationBody),
        body: '{not json',
        location: '/x',
        expiresAt: Math.floor(Date.now() / 1000) + 3600,
      },
    });
    // Act
    const r = await register({ 'idempotency-key': 'form-5' });
    // Assess
    expect503(r);
    expect(writesOutsideTheTransaction()).toBe(0);
  });

  it('the key is taken by another body → 422 idempotency_key_reused; an expired record does not count', async () => {
    // Prepare
    mocks();
    ddb.on(QueryCommand).resolves(eventPage());
    ddb.on(TransactWriteCommand).rejects(keyTaken(7));
    const record = (expiresAt: number) => ({ Item: { fingerprint: 'another-body', body: '{}', location: '/x', expiresAt } });
    ddb
      .on(GetCommand)
      .resolvesOnce(record(Math.floor(Date.now() / 1000) + 3600))
      .resolvesOnce(record(Math.floor(Date.now() / 1000) - 1));
    // Act
    const reused = await register({ 'idempotency-key': 'form-3' });
    const expired = await register({ 'idempotency-key': 'form-3' });
    // Assess
    expect([reused.statusCode, problemOf(reused).code]).toEqual([422, 'idempotency_key_reused']);
    expect([expired.statusCode, problemOf(expired).code]).toEqual([409, 'request_in_progress']);
    expect(writesOutsideTheTransaction()).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// The mailer: SES outage, and deliveries repeated after a crash.

interface OutboxState {
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  lastError?: string;
  claimedAt?: string;
}

/**
 * The outbox items on a minimal in-memory table: the claim is a conditional write, as
 * outbox-store.ts sends it (only a pending item, or one whose claim went stale, can be claimed).
 */
function outboxTable(ids: string[], registrationId: string, fail?: (id: string) => Error | undefined) {
  const state = new Map<string, OutboxState>(ids.map((id) => [id, { status: 'pending', attempts: 0 }]));
  const item = (id: string) => ({
    id,
    kind: 'confirmed',
    eventId: EVENT_ID,
    registrationId,
    createdAt: new Date().toISOString(),
    nextAttemptAt: new Date().toISOString(),
    ...state.get(id),
  });
  ddb.on(UpdateCommand).callsFake((input: UpdateCommandInput) => {
    const id = String(input.Key!.pk).slice('OUTBOX#'.length);
    const s = state.get(id);
    const values = input.ExpressionAttributeValues ?? {};
    if (values[':sending'] !== undefined && values[':pending'] !== undefined) {
      // The claim.
      const injected = fail?.(id);
      if (injected) throw injected;
      const stale = typeof values[':stale'] === 'string' && s?.status === 'sending' && (s.claimedAt ?? '') < values[':stale'];
      if (!s || !(s.status === 'pending' || stale)) throw new ConditionalCheckFailedException({ message: 'claimed', $metadata: {} });
      Object.assign(s, { status: 'sending', claimedAt: values[':now'] });
      return { Attributes: { pk: input.Key!.pk, sk: 'OUTBOX', ...item(id) } };
    }
    if (values[':sent'] !== undefined) {
      Object.assign(s!, { status: 'sent' });
      return {};
    }
    if (values[':attempts'] !== undefined) {
      if (s?.status !== 'sending') throw new ConditionalCheckFailedException({ message: 'not sending', $metadata: {} });
      Object.assign(s, { status: values[':status'], attempts: values[':attempts'], lastError: values[':err'] });
      return {};
    }
    throw new Error(`unexpected update ${input.UpdateExpression}`);
  });
  return state;
}

const registrationItem = (id: string, email: string) => ({
  pk: `EVENT#${EVENT_ID}#REG#${id}`,
  sk: 'REG',
  id,
  eventId: EVENT_ID,
  status: 'confirmed',
  email,
  name: '김메일',
  organization: null,
  jobTitle: null,
  locale: 'ko',
  sessions: [{ id: 'bio', status: 'confirmed' }],
  answers: {},
  consent: { privacy: true },
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
  checkedInAt: null,
  tokenVersion: 1,
});

const streamRecords = (ids: string[]): DynamoDBStreamEvent => ({
  Records: ids.map((id, i) => ({
    eventName: 'INSERT',
    dynamodb: {
      SequenceNumber: String(100 + i),
      Keys: { pk: { S: `OUTBOX#${id}` } },
      NewImage: { type: { S: 'outbox' }, status: { S: 'pending' }, id: { S: id } },
    },
  })),
});

function mailWorld(ids: string[], fail?: (id: string) => Error | undefined) {
  mocks();
  const registrationId = 'MailRegistration000001';
  ddb.on(GetCommand).resolves({ Item: registrationItem(registrationId, 'mail.fault@example.com') });
  ddb.on(QueryCommand).resolves(eventPage());
  return outboxTable(ids, registrationId, fail);
}

describe('the mailer under faults', () => {
  it('an SES outage leaves the item pending with its attempt count; the stream batch does not fail (retries are the sweeper’s)', async () => {
    // Prepare
    const state = mailWorld(['a1']);
    mail
      .on(SendRawEmailCommand)
      .rejects(Object.assign(new Error('Email address is not verified: mail.fault@example.com'), { name: 'MessageRejected' }));
    // Act
    const out = await mailer(streamRecords(['a1']));
    // Assess
    expect(out.batchItemFailures).toEqual([]);
    expect(mail.commandCalls(SendRawEmailCommand)).toHaveLength(1);
    expect(state.get('a1')).toMatchObject({ status: 'pending', attempts: 1, lastError: 'MessageRejected' });
  });

  it('the same records delivered twice (a crash after sending, before the stream checkpoint): each email is sent once', async () => {
    const state = mailWorld(['b1', 'b2']);
    mail.on(SendRawEmailCommand).resolves({ MessageId: 'm' });
    const batch = streamRecords(['b1', 'b2']);
    expect((await mailer(batch)).batchItemFailures).toEqual([]);
    expect((await mailer(batch)).batchItemFailures).toEqual([]);
    expect(mail.commandCalls(SendRawEmailCommand)).toHaveLength(2);
    expect([...state.values()].map((s) => s.status)).toEqual(['sent', 'sent']);
  });

  it('a crash between records: the batch reports where it stopped; delivered again from its start, it sends only what was not sent', async () => {
    let down = true;
    const state = mailWorld(['c1', 'c2', 'c3'], (id) => (id === 'c2' && down ? throttles.InternalServerError() : undefined));
    mail.on(SendRawEmailCommand).resolves({ MessageId: 'm' });
    const batch = streamRecords(['c1', 'c2', 'c3']);
    // First delivery: c1 sent, c2's claim fails (the table is down), c3 is left for the retry.
    const first = await mailer(batch);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: '101' }]);
    expect(mail.commandCalls(SendRawEmailCommand)).toHaveLength(1);
    // The function died before the stream moved on: the whole batch comes again.
    down = false;
    expect((await mailer(batch)).batchItemFailures).toEqual([]);
    expect(mail.commandCalls(SendRawEmailCommand)).toHaveLength(3);
    expect([...state.values()].map((s) => s.status)).toEqual(['sent', 'sent', 'sent']);
    // And once more, for good measure: nothing new.
    await mailer(batch);
    expect(mail.commandCalls(SendRawEmailCommand)).toHaveLength(3);
  });
});
