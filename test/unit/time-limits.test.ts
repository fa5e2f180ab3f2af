/**
 * The function's time limit: middy's early time-out is a 503 with Retry-After (never a 500), and
 * a use case with no time left for its write does not begin it (503, nothing written).
 */
import { randomBytes } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';

Object.assign(process.env, {
  AWS_REGION: 'ap-northeast-2',
  AWS_ACCESS_KEY_ID: 'unit',
  AWS_SECRET_ACCESS_KEY: 'unit',
  DATA_TABLE: 'data-time',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
});

let restore: (() => void) | undefined;
afterEach(() => restore?.());

const getEvent = (eventId: string): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: 'GET /events/{eventId}',
  rawPath: `/events/${eventId}`,
  rawQueryString: '',
  headers: { host: 'api.gatepass.test' },
  pathParameters: { eventId },
  requestContext: { http: { method: 'GET', path: `/events/${eventId}` }, requestId: randomBytes(4).toString('hex') } as never,
  isBase64Encoded: false,
});
const contextWith = (remainingMs: number): Context => {
  const end = Date.now() + remainingMs;
  return {
    awsRequestId: 'unit',
    functionName: 'gatepass-get-event',
    getRemainingTimeInMillis: () => end - Date.now(),
  } as unknown as Context;
};

describe('the function time runs out', () => {
  it("middy's early time-out during a slow read answers 503 with Retry-After, problem+json, not 500", async () => {
    // Prepare: the event's read takes longer than the time left
    const { documents } = await import('#adapters/clients');
    const ddb = mockClient(documents);
    restore = () => ddb.restore();
    ddb.on(QueryCommand).callsFake(() => new Promise((resolve) => setTimeout(() => resolve({ Items: [] }), 400)));
    const { handler } = (await import('../../functions/handlers/get-event.ts')) as unknown as {
      handler: (e: APIGatewayProxyEventV2, c: Context) => Promise<{ statusCode: number; headers?: Record<string, unknown>; body?: string }>;
    };
    // Act
    const r = await handler(getEvent('abcdefghijkl'), contextWith(100));
    // Assess
    expect(r.statusCode).toBe(503);
    expect(String(r.headers?.['Content-Type'])).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(r.body ?? '{}')).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(Number(r.headers?.['Retry-After'])).toBeGreaterThan(0);
  });

  it('PATCH /events with no time left for its write writes nothing: 503', async () => {
    const { updateEvent } = await import('#domain/use-cases');
    const { newEvent, freshCounters } = await import('#domain/event');
    const { eventInput } = await import('#schemas/event');
    const forum = (await import('../../functions/local/forum-2023.json', { with: { type: 'json' } })).default;
    const event = newEvent('abcdefghijkl', eventInput().parse(forum.event), new Date('2023-08-20T00:00:00Z'));
    let writes = 0;
    const stores = {
      events: { read: async () => ({ event, counters: freshCounters(event) }), update: async () => (writes++, 'ok' as const) },
      seats: { heads: async () => new Map(), apply: async () => (writes++, 'ok' as const), owedEvents: async () => [] },
    } as never;
    const refused = await updateEvent(stores, event.id, { capacity: event.capacity + 10 }, (m) => m, { deadline: Date.now() + 1000 }).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(writes).toBe(0);
    await updateEvent(stores, event.id, { capacity: event.capacity + 10 }, (m) => m, { deadline: Date.now() + 60_000 });
    expect(writes).toBe(1);
  });

  it('promotions stop before the deadline and say what is still owed', async () => {
    const { promoteIntoFreeSeats } = await import('#domain/seat-changes');
    let reads = 0;
    const stores = { events: { read: async () => (reads++, undefined) }, seats: {} } as never;
    expect(await promoteIntoFreeSeats(stores, 'abcdefghijkl', { deadline: Date.now() + 1000 })).toEqual({ promoted: 0, owed: true });
    expect(reads).toBe(0);
  });
});

describe('creating an event near the time limit', () => {
  it('is not begun: 503, nothing written', async () => {
    const { createEvent } = await import('#domain/use-cases');
    const { eventInput } = await import('#schemas/event');
    const forum = (await import('../../functions/local/forum-2023.json', { with: { type: 'json' } })).default;
    let writes = 0;
    const store = { create: async () => void writes++ } as never;
    const refused = await createEvent(store, eventInput().parse(forum.event), new Date(), Date.now() + 1000).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(writes).toBe(0);
  });
});

describe("the function's time bounds the retries of a write another one cancelled", () => {
  // Deployed, concurrent writers cancel each other's transactions on the event's counters: the
  // adapter retries them while the function's time lasts (transactions.test.ts), if it is told it.
  // (A registration's own insert keeps its bounded tries, fault-injection.test.ts: it re-decides
  // from fresh counters instead.)
  const forumEvent = async () => {
    const { newEvent, freshCounters } = await import('#domain/event');
    const { eventInput } = await import('#schemas/event');
    const forum = (await import('../../functions/local/forum-2023.json', { with: { type: 'json' } })).default;
    const input = eventInput().parse({
      ...forum.event,
      registration: { ...forum.event.registration, opensAt: '2020-01-01T00:00:00Z', closesAt: '2099-01-01T00:00:00Z' },
    });
    const event = newEvent('abcdefghijkl', input, new Date('2020-01-01T00:00:00Z'));
    return { event, counters: freshCounters(event) };
  };

  it('a cancellation hands its deadline to the store that writes its plan', async () => {
    // Prepare
    const { cancelRegistration } = await import('#domain/seat-changes');
    const page = await forumEvent();
    const registration = { id: 'r1', eventId: page.event.id, status: 'waitlisted', sessions: [], email: 'a@example.com' };
    const deadlines: unknown[] = [];
    const stores = {
      events: { read: async () => page },
      registrations: { read: async () => registration },
      seats: {
        heads: async () => new Map(),
        apply: async (_e: string, _p: unknown, deadline?: number) => (deadlines.push(deadline), 'ok' as const),
      },
    } as never;
    const deadline = Date.now() + 60_000;
    // Act
    await cancelRegistration(stores, page.event.id, 'r1', { deadline });
    // Assess
    expect(deadlines).toEqual([deadline]);
  });
});
