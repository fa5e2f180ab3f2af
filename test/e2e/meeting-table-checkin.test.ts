/**
 * The scanner's table mode through the local stack: POST /events/{eventId}/meetings/checkins
 * { badge, table } checks a badge in to the table's meeting under way (or starting within 10
 * minutes), for staff and for a paired device (which may not list meetings to learn an id).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let admin: string;
let staff: string;

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  admin = await stack.token('admin');
  staff = await stack.token('staff');
});
afterAll(() => stack?.stop());

const HOUR = 3_600_000;
const MINUTE = 60_000;
const minuteFrom = (ms: number) => new Date(Math.ceil((Date.now() + ms) / MINUTE) * MINUTE).toISOString();

async function meetingEvent() {
  const start = minuteFrom(HOUR);
  const body = openEvent({
    startsAt: minuteFrom(-HOUR),
    endsAt: minuteFrom(8 * HOUR),
    registration: { opensAt: minuteFrom(-24 * HOUR), closesAt: minuteFrom(7 * HOUR), waitlist: true },
    sessions: [],
    meetings: {
      blocks: [{ startsAt: start, endsAt: new Date(Date.parse(start) + HOUR).toISOString() }],
      slotMinutes: 30,
      tables: ['A1', 'A2'],
      maxPerParticipant: 3,
      requestHours: 48,
    },
  });
  const r = await stack.call('POST', '/events', { token: admin, body });
  expect(r.status, r.text).toBe(201);
  return r.json as { id: string; meetings: { blocks: { startsAt: string }[] } };
}

let serial = 0;
async function person(eventId: string) {
  const i = ++serial;
  const r = await stack.call('POST', `/events/${eventId}/registrations`, {
    body: participant(i, { email: `table${i}-${eventId.toLowerCase()}@example.com` }),
  });
  expect(r.status).toBe(201);
  const p = { id: r.json.id as string, token: r.json.manageToken as string, badge: r.json.badge.token as string };
  const put = await stack.call('PUT', `/events/${eventId}/registrations/${p.id}/meeting-profile`, {
    headers: { 'x-manage-token': p.token },
    body: { visible: true },
  });
  expect(put.status).toBe(200);
  return p;
}

async function pairedDevice(eventId: string): Promise<string> {
  const created = await stack.call('POST', `/events/${eventId}/devices`, { token: admin, body: { name: 'Table scanner' } });
  expect(created.status, created.text).toBe(201);
  const paired = await stack.call('POST', '/devices/pair', {
    body: { code: created.json.pairing.code },
    headers: { 'cloudfront-viewer-address': '192.0.2.77:1' },
  });
  expect(paired.status, paired.text).toBe(201);
  return paired.json.deviceToken;
}

describe('a badge at a meeting table (POST …/meetings/checkins)', () => {
  it('finds the table’s meeting now for a device: one side, then both → held; other tables, badges and times → not_in_meeting', async () => {
    const event = await meetingEvent();
    const e = event.id;
    const [a, b, c] = [await person(e), await person(e), await person(e)];
    const req = await stack.call('POST', `/events/${e}/meetings`, { headers: { 'x-manage-token': a.token }, body: { with: b.id } });
    const accepted = await stack.call('POST', `/events/${e}/meetings/${req.json.id}/accept`, { headers: { 'x-manage-token': b.token } });
    expect(accepted.json).toMatchObject({ status: 'scheduled', table: 'A1', startsAt: event.meetings.blocks[0]!.startsAt });
    const device = await pairedDevice(e);
    const scan = (badge: string, table: string, token = device) =>
      stack.call('POST', `/events/${e}/meetings/checkins`, { token, body: { badge, table } });

    // An hour before its slot the table has no meeting yet.
    const early = await scan(a.badge, 'A1');
    expect(early.status).toBe(409);
    expect(early.json.code).toBe('not_in_meeting');

    // Five minutes before the slot: the people may sit down.
    stack.moveMeetingClock(HOUR - 5 * MINUTE);
    try {
      expect((await scan(a.badge, 'A2')).json.code).toBe('not_in_meeting');
      expect((await scan(c.badge, 'A1')).json.code).toBe('not_in_meeting');
      const unknown = await scan(a.badge, 'Z9');
      expect(unknown.status).toBe(422);
      expect(unknown.json.errors.map((x: { path: string }) => x.path)).toContain('table');
      expect((await scan('not-a-badge', 'A1')).json.code).toBe('invalid_badge');
      expect((await scan(a.badge, '')).status).toBe(422);

      const first = await scan(a.badge, 'A1');
      expect(first.status, first.text).toBe(200);
      expect(first.json).toMatchObject({ id: req.json.id, status: 'scheduled', present: [a.id] });
      // Again: the same answer, nothing changes.
      expect((await scan(a.badge, 'A1')).json).toMatchObject({ status: 'scheduled', present: [a.id] });
      const both = await scan(b.badge, 'A1', staff);
      expect(both.json).toMatchObject({ id: req.json.id, status: 'held' });
      expect(both.json.present.sort()).toEqual([a.id, b.id].sort());
      // A held meeting still answers held to a side scanned again.
      expect((await scan(b.badge, 'A1')).json.status).toBe('held');
    } finally {
      stack.moveMeetingClock(0);
    }
  });

  it('an event without a programme → 404; a participant may not scan', async () => {
    const plain = await stack.call('POST', '/events', { token: admin, body: openEvent({ sessions: [] }) });
    expect(plain.status).toBe(201);
    const p = await stack.call('POST', `/events/${plain.json.id}/registrations`, { body: participant(900) });
    const r = await stack.call('POST', `/events/${plain.json.id}/meetings/checkins`, {
      token: staff,
      body: { badge: p.json.badge.token, table: 'A1' },
    });
    expect(r.status).toBe(404);
    const self = await stack.call('POST', `/events/${plain.json.id}/meetings/checkins`, {
      headers: { 'x-manage-token': p.json.manageToken },
      body: { badge: p.json.badge.token, table: 'A1' },
    });
    expect(self.status).toBe(401);
  });
});
