/**
 * No double booking under concurrency, on DynamoDB Local through the local stack: 20 accepts at
 * once compete for 2 tables × 2 slots, some of them for the same invitee. Read back, no person
 * and no table is in two meetings at one time; the four table-slots are booked, the rest
 * answered 409 no_common_slot and left requested.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let admin: string;

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  admin = await stack.token('admin');
});
afterAll(() => stack?.stop());

const HOUR = 3_600_000;

/**
 * The setup's calls, a few at a time: they are not what the test proves, and 30 at once on a
 * loaded machine can outlast the function's time (503) before the accepts even start.
 */
async function fewAtATime<T, R>(items: T[], work: (item: T, i: number) => Promise<R>, size = 5): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map((x, j) => work(x, i + j)))));
  return out;
}
const minuteFrom = (ms: number) => new Date(Math.ceil((Date.now() + ms) / 60_000) * 60_000).toISOString();

describe('concurrent accepts', () => {
  it('20 accepts for 2 tables × 2 slots: never a person or a table twice, the rest no_common_slot', async () => {
    const start = minuteFrom(HOUR);
    const event = await stack.call('POST', '/events', {
      token: admin,
      body: openEvent({
        startsAt: minuteFrom(-HOUR),
        endsAt: minuteFrom(8 * HOUR),
        registration: { opensAt: minuteFrom(-24 * HOUR), closesAt: minuteFrom(7 * HOUR), waitlist: true },
        capacity: 100,
        sessions: [],
        meetings: {
          blocks: [{ startsAt: start, endsAt: new Date(Date.parse(start) + HOUR).toISOString() }],
          slotMinutes: 30,
          tables: ['T1', 'T2'],
          maxPerParticipant: 4,
          requestHours: 48,
        },
      }),
    });
    const e = event.json.id as string;
    const people = await fewAtATime(
      Array.from({ length: 30 }, (_, i) => i),
      async (i) => {
        const r = await stack.call('POST', `/events/${e}/registrations`, { body: participant(i, { email: `race${i}@example.com` }) });
        expect(r.status, r.text).toBe(201);
        const p = { id: r.json.id as string, token: r.json.manageToken as string };
        await stack.call('PUT', `/events/${e}/registrations/${p.id}/meeting-profile`, {
          headers: { 'x-manage-token': p.token },
          body: { visible: true },
        });
        return p;
      },
    );
    // 20 requesters; 10 invitees with two requests each, so accepts compete for people as well as tables.
    const requesters = people.slice(0, 20);
    const invitees = people.slice(20);
    const requests = await fewAtATime(requesters, async (r, i) => {
      const invitee = invitees[i % 10]!;
      const made = await stack.call('POST', `/events/${e}/meetings`, {
        headers: { 'x-manage-token': r.token },
        body: { with: invitee.id },
      });
      expect(made.status).toBe(201);
      return { id: made.json.id as string, invitee };
    });
    const answers = await Promise.all(
      requests.map((q) => stack.call('POST', `/events/${e}/meetings/${q.id}/accept`, { headers: { 'x-manage-token': q.invitee.token } })),
    );
    const statuses = answers.map((a) => (a.status === 200 ? 'scheduled' : a.json.code));
    // The answers in the message: a failure under load says what came instead (503, a code).
    expect(
      statuses.filter((s) => s === 'scheduled'),
      JSON.stringify(statuses),
    ).toHaveLength(4);
    expect(statuses.filter((s) => s === 'no_common_slot')).toHaveLength(16);

    // Read back every scheduled meeting from the service itself.
    const scheduled = (await stack.call('GET', `/events/${e}/meetings?status=scheduled&limit=100`, { token: admin })).json.items as {
      requester: string;
      invitee: string;
      startsAt: string;
      table: string;
    }[];
    expect(scheduled).toHaveLength(4);
    const personSlots = scheduled.flatMap((m) => [`${m.requester}@${m.startsAt}`, `${m.invitee}@${m.startsAt}`]);
    expect(new Set(personSlots).size).toBe(personSlots.length);
    const tableSlots = scheduled.map((m) => `${m.table}@${m.startsAt}`);
    expect(new Set(tableSlots).size).toBe(4);
    const requested = (await stack.call('GET', `/events/${e}/meetings?status=requested&limit=100`, { token: admin })).json.items;
    expect(requested).toHaveLength(16);
    const attendance = await stack.call('GET', `/events/${e}/attendance`, { token: admin });
    expect(attendance.json.meetings).toEqual({ requested: 16, scheduled: 4, held: 0, noShow: 0 });
  });
});
