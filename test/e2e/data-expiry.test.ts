/**
 * Data expiry follows the event (API.md Event, DESIGN.md Data): a PATCH of the dates or of
 * `retentionDays` moves the TTL of the event's registrations, email guards and check-ins; the
 * PATCH only owes the move, the sweeper does it in pages. Read straight from DynamoDB Local.
 */
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#local/engines';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let admin: string;
let staff: string;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  admin = await stack.token('admin');
  staff = await stack.token('staff');
  db = DynamoDBDocumentClient.from(dynamoClient(stack.dynamoEndpoint));
});
afterAll(async () => {
  db?.destroy();
  await stack?.stop();
});

type Reg = { id: string; manageToken: string; badge: { token: string } };
const DAY = 86_400;

/** Every item of a partition, as sk → expiresAt. */
async function expiries(pk: string): Promise<Record<string, number | undefined>> {
  const out = await db.send(
    new QueryCommand({
      TableName: stack.tables.data,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    }),
  );
  return Object.fromEntries((out.Items ?? []).map((i) => [String(i.sk), i.expiresAt as number | undefined]));
}
/** The email guard of a registration, found through the registration's own emailHash. */
async function guardExpiry(eventId: string, registrationId: string): Promise<number | undefined> {
  const reg = await db.send(
    new QueryCommand({
      TableName: stack.tables.data,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `EVENT#${eventId}#REG#${registrationId}` },
    }),
  );
  const hash = reg.Items?.find((i) => i.sk === 'REG')?.emailHash as string;
  return (await expiries(`EVENT#${eventId}#EMAIL#${hash}`)).EMAIL;
}
/** The sweeper as its schedule runs it, with its function's time all but gone. */
async function sweepWithNoTimeLeft() {
  const { handler } = (await import('../../functions/handlers/outbox-sweeper.ts')) as unknown as {
    handler: (event: unknown, context: unknown) => Promise<unknown>;
  };
  await handler({}, { getRemainingTimeInMillis: () => 3_000 });
}
/** The registration, its check-ins at the venue and the session, and the scans that admitted it (one per place), each expiring at `at`. */
const checkedInPartition = (items: Record<string, number | undefined>, at: number) => {
  const scans = Object.keys(items).filter((sk) => sk.startsWith('SCAN#'));
  expect(
    Object.keys(items)
      .filter((sk) => !sk.startsWith('SCAN#'))
      .sort(),
  ).toEqual(['CHECKIN#SESSION#bio', 'CHECKIN#VENUE', 'PRESENCE', 'REG']);
  expect(scans.length).toBeGreaterThan(0);
  expect(Object.entries(items).filter(([, v]) => v !== at)).toEqual([]);
};
const expected = (endsAt: string, retentionDays: number) => Math.floor(Date.parse(endsAt) / 1000) + retentionDays * DAY;

describe('data expiry follows the event', () => {
  it('postponing the event and shortening retention move the TTL of registrations, check-ins and email guards', async () => {
    // Prepare: 30 registrations (more than a page), one checked in at the venue and a session, one cancelled.
    const body = openEvent();
    const event = (await stack.call('POST', '/events', { token: admin, body })).json as { id: string; endsAt: string };
    const regs: Reg[] = [];
    for (let i = 0; i < 30; i += 10)
      regs.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, (_, j) =>
            stack
              .call('POST', `/events/${event.id}/registrations`, { body: participant(i + j, { sessions: ['bio'] }) })
              .then((r) => r.json as Reg),
          ),
        )),
      );
    const [inside, cancelled, last] = [regs[0]!, regs[1]!, regs[29]!];
    expect(
      (await stack.call('POST', `/events/${event.id}/checkins`, { token: staff, body: { badge: inside.badge.token, sessionId: 'bio' } }))
        .status,
    ).toBe(201);
    expect(
      (
        await stack.call('DELETE', `/events/${event.id}/registrations/${cancelled.id}`, {
          headers: { 'x-manage-token': cancelled.manageToken },
        })
      ).status,
    ).toBe(200);
    await stack.workers.drain();
    const before = expected(event.endsAt, 180);
    checkedInPartition(await expiries(`EVENT#${event.id}#REG#${inside.id}`), before);

    // Act: postponed by 60 days, then retention shortened to 30 days; the sweeper runs.
    const endsAt = new Date(Date.parse(event.endsAt) + 60 * DAY * 1000).toISOString();
    const postponed = await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { endsAt } });
    expect(postponed.status, postponed.text).toBe(200);
    // A sweep out of time does one page (25 registrations) and keeps its cursor; the next resumes.
    await sweepWithNoTimeLeft();
    const regExpiries = async () => Promise.all(regs.map(async (r) => (await expiries(`EVENT#${event.id}#REG#${r.id}`)).REG));
    const cutShort = await regExpiries();
    await stack.workers.tick();
    const resumed = await regExpiries();
    const afterPostponing = await expiries(`EVENT#${event.id}#REG#${inside.id}`);
    expect((await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { retentionDays: 30 } })).status).toBe(200);
    await stack.workers.tick();

    // Assess
    const moved = expected(endsAt, 180);
    expect(cutShort.filter((x) => x === moved)).toHaveLength(25);
    expect(cutShort.filter((x) => x === before)).toHaveLength(5);
    expect(resumed).toEqual(regs.map(() => moved));
    checkedInPartition(afterPostponing, moved);
    const now = expected(endsAt, 30);
    checkedInPartition(await expiries(`EVENT#${event.id}#REG#${inside.id}`), now);
    expect(await guardExpiry(event.id, inside.id)).toBe(now);
    expect(await expiries(`EVENT#${event.id}#REG#${cancelled.id}`)).toEqual({ REG: now });
    expect(await expiries(`EVENT#${event.id}#REG#${last.id}`)).toEqual({ REG: now });
    expect(await guardExpiry(event.id, last.id)).toBe(now);
    // A registration after the change expires on the new date from the start.
    const late = (await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(99) })).json as Reg;
    expect(await expiries(`EVENT#${event.id}#REG#${late.id}`)).toEqual({ REG: now });
  }, 90_000);

  it('postponing moves the TTL of meetings, meeting profiles and booked slots too', async () => {
    // Prepare: two people with visible profiles; a meeting asked, accepted and scheduled
    const HOUR = 3_600_000;
    const at = (ms: number) => new Date(Math.ceil((Date.now() + ms) / 60_000) * 60_000).toISOString();
    const start = at(HOUR);
    const body = openEvent({
      startsAt: at(-HOUR),
      endsAt: at(8 * HOUR),
      registration: { opensAt: at(-24 * HOUR), closesAt: at(7 * HOUR), waitlist: true },
      sessions: [],
      meetings: {
        blocks: [{ startsAt: start, endsAt: new Date(Date.parse(start) + HOUR).toISOString() }],
        slotMinutes: 30,
        tables: ['A1'],
        maxPerParticipant: 3,
        requestHours: 48,
      },
    });
    const created = await stack.call('POST', '/events', { token: admin, body });
    expect(created.status, created.text).toBe(201);
    const event = created.json as { id: string; endsAt: string };
    const people: Reg[] = [];
    for (const i of [1, 2]) {
      const r = (await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(500 + i) })).json as Reg;
      const as = { 'x-manage-token': r.manageToken };
      const put = await stack.call('PUT', `/events/${event.id}/registrations/${r.id}/meeting-profile`, {
        headers: as,
        body: { visible: true },
      });
      expect(put.status, put.text).toBe(200);
      people.push(r);
    }
    const [asker, invitee] = [people[0]!, people[1]!];
    const asked = await stack.call('POST', `/events/${event.id}/meetings`, {
      headers: { 'x-manage-token': asker.manageToken },
      body: { with: invitee.id },
    });
    expect(asked.status, asked.text).toBe(201);
    const accepted = await stack.call('POST', `/events/${event.id}/meetings/${asked.json.id}/accept`, {
      headers: { 'x-manage-token': invitee.manageToken },
    });
    expect(accepted.status, accepted.text).toBe(200);
    const meetingPk = `EVENT#${event.id}#MEETING#${asked.json.id}`;
    const before = expected(event.endsAt, 180);
    expect(await expiries(meetingPk)).toEqual({ MEETING: before });

    // Act: postponed by 60 days; the sweeper runs
    const endsAt = new Date(Date.parse(event.endsAt) + 60 * DAY * 1000).toISOString();
    expect((await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { endsAt } })).status).toBe(200);
    await stack.workers.tick();

    // Assess: the meeting, and every item of both people's partitions (profile, booked slot, load)
    const moved = expected(endsAt, 180);
    expect(await expiries(meetingPk)).toEqual({ MEETING: moved });
    for (const p of people) {
      const items = await expiries(`EVENT#${event.id}#REG#${p.id}`);
      expect(Object.keys(items)).toEqual(expect.arrayContaining(['REG', 'MEETPROFILE']));
      expect(Object.keys(items).some((sk) => sk.startsWith('MEETSLOT#'))).toBe(true);
      expect(Object.entries(items).filter(([, v]) => v !== moved)).toEqual([]);
    }
  }, 60_000);

  it('a PATCH that changes neither dates nor retention owes no move', async () => {
    const event = (await stack.call('POST', '/events', { token: admin, body: openEvent() })).json as { id: string };
    expect((await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { capacity: 150 } })).status).toBe(200);
    expect(await expiries(`EXPIRY#${event.id}`)).toEqual({});
  });
});
