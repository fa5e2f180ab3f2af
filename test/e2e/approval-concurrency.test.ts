/**
 * Approvals at once, through the local gateway on DynamoDB Local: 50 pending registrations
 * approved concurrently for 20 free seats. Waitlist off: exactly 20 confirmed, 30 answered
 * sold_out and still pending. Waitlist on: 20 confirmed, 30 waitlisted, standing in the event's
 * line in approval order. Either way the counters equal a recount of the registrations.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#local/engines';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let admin: string;
let ddb: DynamoDBClient;

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  admin = await stack.token('admin');
  ddb = dynamoClient(stack.dynamoEndpoint);
}, 60_000);
afterAll(async () => {
  ddb?.destroy();
  await stack?.stop();
});

interface Reg {
  id: string;
  status: string;
  approvedAt?: string;
}

async function setUp(waitlist: boolean) {
  const body = openEvent({ capacity: 20, sessions: [] });
  const event = await stack.call('POST', '/events', {
    token: admin,
    body: { ...body, registration: { ...body.registration, waitlist, approval: true } },
  });
  expect(event.status, event.text).toBe(201);
  const eventId = event.json.id as string;
  const ids: string[] = [];
  for (let i = 0; i < 50; i++) {
    const r = await stack.call('POST', `/events/${eventId}/registrations`, {
      body: participant(i, { email: `c${i}-${eventId}@example.com` }),
    });
    expect(r.json.status).toBe('pending');
    ids.push(r.json.id);
  }
  return { eventId, ids };
}

/** Every registration of the event, by status, from the list route (a recount, not the counters). */
async function recount(eventId: string): Promise<Map<string, Reg[]>> {
  const all: Reg[] = [];
  let cursor: string | null = null;
  do {
    const page: { json: { items: Reg[]; nextCursor: string | null } } = await stack.call(
      'GET',
      `/events/${eventId}/registrations?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token: admin },
    );
    all.push(...page.json.items);
    cursor = page.json.nextCursor;
  } while (cursor);
  const by = new Map<string, Reg[]>();
  for (const r of all) by.set(r.status, [...(by.get(r.status) ?? []), r]);
  return by;
}

const approveAll = (eventId: string, ids: string[]) =>
  Promise.all(ids.map((id) => stack.call('POST', `/events/${eventId}/registrations/${id}/approve`, { token: admin })));

describe('50 approvals at once for 20 seats', () => {
  it('waitlist off: exactly 20 confirmed, 30 sold_out and still pending; counters equal a recount', async () => {
    // Prepare
    const { eventId, ids } = await setUp(false);
    // Act
    const answers = await approveAll(eventId, ids);
    // Assess
    const statuses = answers.map((a) => a.status);
    expect(
      statuses.filter((s) => s === 200),
      JSON.stringify(answers.map((a) => [a.status, a.json?.code])),
    ).toHaveLength(20);
    expect(answers.filter((a) => a.status === 409 && a.json.code === 'sold_out')).toHaveLength(30);
    const by = await recount(eventId);
    expect(by.get('confirmed')?.length).toBe(20);
    expect(by.get('pending')?.length).toBe(30);
    expect(by.get('waitlisted')).toBeUndefined();
    const counts = (await stack.call('GET', `/events/${eventId}/attendance`, { token: admin })).json;
    expect(counts).toMatchObject({ confirmed: 20, waitlisted: 0, pending: 30, denied: 0 });
  }, 120_000);

  it('waitlist on: 20 confirmed, 30 waitlisted, in the line by approval time; counters equal a recount', async () => {
    // Prepare
    const { eventId, ids } = await setUp(true);
    // Act
    const answers = await approveAll(eventId, ids);
    // Assess
    expect(
      answers.every((a) => a.status === 200),
      JSON.stringify(answers.map((a) => [a.status, a.json?.code])),
    ).toBe(true);
    const by = await recount(eventId);
    expect(by.get('confirmed')?.length).toBe(20);
    expect(by.get('waitlisted')?.length).toBe(30);
    expect(by.get('pending')).toBeUndefined();
    const counts = (await stack.call('GET', `/events/${eventId}/attendance`, { token: admin })).json;
    expect(counts).toMatchObject({ confirmed: 20, waitlisted: 30, pending: 0 });
    // Every confirmed approval came before every waitlisted one.
    const latestConfirmed = Math.max(...by.get('confirmed')!.map((r) => Date.parse(r.approvedAt!)));
    const earliestWaitlisted = Math.min(...by.get('waitlisted')!.map((r) => Date.parse(r.approvedAt!)));
    expect(latestConfirmed).toBeLessThanOrEqual(earliestWaitlisted);
    // The event's line holds exactly the 30, ordered by their approval time.
    const line = await DynamoDBDocumentClient.from(ddb).send(
      new QueryCommand({
        TableName: stack.tables.data,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `EVENT#${eventId}#LINE#EVENT` },
      }),
    );
    const lineIds = (line.Items ?? []).map((i) => String(i.registrationId));
    const byApproval = [...by.get('waitlisted')!]
      .sort((a, b) => (a.approvedAt! === b.approvedAt! ? a.id.localeCompare(b.id) : a.approvedAt! < b.approvedAt! ? -1 : 1))
      .map((r) => r.id);
    expect(lineIds).toEqual(byApproval);
    // Seats freed go to the earliest approved: cancel 3 confirmed, the first 3 in approval order move up.
    for (const r of by.get('confirmed')!.slice(0, 3)) {
      await stack.call('DELETE', `/events/${eventId}/registrations/${r.id}`, { token: admin });
    }
    const after = await recount(eventId);
    expect(
      after
        .get('confirmed')!
        .map((r) => r.id)
        .filter((id) => byApproval.includes(id))
        .sort(),
    ).toEqual(byApproval.slice(0, 3).sort());
    expect((await stack.call('GET', `/events/${eventId}/attendance`, { token: admin })).json).toMatchObject({
      confirmed: 20,
      waitlisted: 27,
      cancelled: 3,
    });
  }, 120_000);
});

describe('turning approval off while registrations arrive', () => {
  it('never strands a pending registration: either the PATCH is refused, or nobody is left pending', async () => {
    for (let round = 0; round < 6; round++) {
      // Prepare
      const body = openEvent({ capacity: 100, sessions: [] });
      const event = await stack.call('POST', '/events', {
        token: admin,
        body: { ...body, registration: { ...body.registration, approval: true } },
      });
      const eventId = event.json.id as string;
      // Act: registrations and the PATCH at once.
      const [patch, ...regs] = await Promise.all([
        stack.call('PATCH', `/events/${eventId}`, { token: admin, body: { registration: { approval: false } } }),
        ...Array.from({ length: 8 }, (_, i) =>
          stack.call('POST', `/events/${eventId}/registrations`, {
            body: participant(i, { email: `race${round}-${i}-${eventId}@example.com` }),
          }),
        ),
      ]);
      // Assess
      expect(regs.every((r) => r.status === 201)).toBe(true);
      const by = await recount(eventId);
      const counts = (await stack.call('GET', `/events/${eventId}/attendance`, { token: admin })).json;
      expect(counts.pending).toBe(by.get('pending')?.length ?? 0);
      expect(counts.confirmed).toBe(by.get('confirmed')?.length ?? 0);
      if (patch.status === 200) {
        expect(by.get('pending'), `round ${round}`).toBeUndefined();
        expect((await stack.call('GET', `/events/${eventId}`)).json.registration.approval).toBe(false);
      } else {
        expect(patch.status).toBe(422);
        expect(patch.json.errors[0].path).toBe('registration.approval');
        expect((await stack.call('GET', `/events/${eventId}`)).json.registration.approval).toBe(true);
        expect(by.get('confirmed')).toBeUndefined();
      }
    }
  }, 120_000);
});
