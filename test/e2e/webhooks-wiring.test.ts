/**
 * The webhook types of the features that owe them beside registration (API.md Webhooks): approval
 * (registration.pending, .approved then .confirmed, .denied), exits (checkin.created,
 * checkout.created) and meetings (meeting.requested, .scheduled), each signed and received by a
 * real local receiver, verified with the standardwebhooks library.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

let stack: TestStack;
let admin: string;
let staff: string;
const receivers: Receiver[] = [];

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  admin = await stack.token('admin');
  staff = await stack.token('staff');
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await stack?.stop();
});

interface Message {
  type: string;
  data: Record<string, any>;
}

/** An endpoint limited to one event; its verified messages. */
async function listen(eventId: string) {
  const r = await startReceiver();
  receivers.push(r);
  const created = await stack.call('POST', '/webhooks', { token: admin, body: { url: r.url, types: ['*'], eventId } });
  expect(created.status).toBe(201);
  const secret = created.json.secret as string;
  return {
    messages(): Message[] {
      return r.received.map((x) => new Webhook(secret).verify(x.body, x.headers as Record<string, string>) as Message);
    },
    async until(predicate: (m: Message[]) => boolean, ms = 15_000) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        if (predicate(this.messages())) return this.messages();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return this.messages();
    },
  };
}

const typesOf = (messages: Message[], id: string) =>
  messages.filter((m) => m.data.id === id || m.data.registration?.id === id).map((m) => m.type);

describe('approval owes its webhooks', () => {
  it('pending at creation; approve → approved then confirmed; deny → denied', async () => {
    const event = (await stack.call('POST', '/events', { token: admin, body: openEvent({ registration: { approval: true } }) })).json;
    const hook = await listen(event.id);
    const a = await stack.call('POST', `/events/${event.id}/registrations`, {
      body: participant(1, { email: `wa-${event.id}@example.com` }),
    });
    const b = await stack.call('POST', `/events/${event.id}/registrations`, {
      body: participant(2, { email: `wb-${event.id}@example.com` }),
    });
    expect([a.json.status, b.json.status]).toEqual(['pending', 'pending']);
    expect((await stack.call('POST', `/events/${event.id}/registrations/${a.json.id}/approve`, { token: admin })).status).toBe(200);
    expect(
      (await stack.call('POST', `/events/${event.id}/registrations/${b.json.id}/deny`, { token: admin, body: { reason: 'Full' } })).status,
    ).toBe(200);

    const got = await hook.until((m) => typesOf(m, a.json.id).length >= 4 && typesOf(m, b.json.id).length >= 3);
    const ofA = got.filter((m) => m.data.id === a.json.id);
    expect(ofA.map((m) => m.type).sort()).toEqual([
      'registration.approved',
      'registration.confirmed',
      'registration.created',
      'registration.pending',
    ]);
    // version orders them: the approval's two share the snapshot after the change, above creation's.
    const version = (type: string) => ofA.find((m) => m.type === type)!.data.version;
    expect(version('registration.approved')).toBe(version('registration.confirmed'));
    expect(version('registration.approved')).toBeGreaterThan(version('registration.pending'));
    expect(ofA.find((m) => m.type === 'registration.confirmed')!.data.status).toBe('confirmed');
    expect(typesOf(got, b.json.id).sort()).toEqual(['registration.created', 'registration.denied', 'registration.pending']);
    const denied = got.find((m) => m.type === 'registration.denied')!;
    expect(denied.data.status).toBe('denied');
    expect(denied.data).not.toHaveProperty('manageToken');
  });
});

describe('exits owe their webhooks', () => {
  it('an entry → checkin.created, an exit → checkout.created, a repeat → nothing', async () => {
    const event = (await stack.call('POST', '/events', { token: admin, body: openEvent() })).json;
    const hook = await listen(event.id);
    const r = await stack.call('POST', `/events/${event.id}/registrations`, {
      body: participant(3, { email: `wc-${event.id}@example.com` }),
    });
    const badge = r.json.badge.token as string;
    const scan = (direction: 'in' | 'out') =>
      stack.call('POST', `/events/${event.id}/checkins`, { token: staff, body: { badge, direction } });
    expect((await scan('in')).json.result).toBe('checked_in');
    expect((await scan('in')).json.result).toBe('already_checked_in');
    expect((await scan('out')).json.result).toBe('checked_out');
    expect((await scan('in')).json.result).toBe('re_entered');

    const got = await hook.until((m) => m.filter((x) => x.type.startsWith('check')).length >= 3);
    const scans = got.filter((m) => m.type.startsWith('check'));
    expect(scans.map((m) => [m.type, m.data.result]).sort()).toEqual([
      ['checkin.created', 'checked_in'],
      ['checkin.created', 're_entered'],
      ['checkout.created', 'checked_out'],
    ]);
    for (const m of scans) expect(m.data.registration.id).toBe(r.json.id);
    // No more than those three arrive (the repeat owed nothing).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(hook.messages().filter((m) => m.type.startsWith('check'))).toHaveLength(3);
  });
});

describe('meetings owe their webhooks', () => {
  it('a request → meeting.requested; accept → meeting.scheduled with its slot and table', async () => {
    const minute = (ms: number) => new Date(Math.ceil((Date.now() + ms) / 60_000) * 60_000).toISOString();
    const start = minute(3_600_000);
    const meetings = {
      blocks: [{ startsAt: start, endsAt: new Date(Date.parse(start) + 3_600_000).toISOString() }],
      slotMinutes: 30,
      tables: ['A1'],
      maxPerParticipant: 3,
      requestHours: 48,
    };
    const body = openEvent({
      startsAt: minute(-3_600_000),
      endsAt: minute(8 * 3_600_000),
      registration: { opensAt: minute(-24 * 3_600_000), closesAt: minute(7 * 3_600_000), waitlist: true },
      sessions: [],
      meetings,
    });
    const event = (await stack.call('POST', '/events', { token: admin, body })).json;
    const hook = await listen(event.id);
    const people = [];
    for (const i of [4, 5]) {
      const r = await stack.call('POST', `/events/${event.id}/registrations`, {
        body: participant(i, { email: `wm${i}-${event.id}@example.com` }),
      });
      const p = { id: r.json.id as string, token: r.json.manageToken as string };
      const put = await stack.call('PUT', `/events/${event.id}/registrations/${p.id}/meeting-profile`, {
        headers: { 'x-manage-token': p.token },
        body: { visible: true },
      });
      expect(put.status).toBe(200);
      people.push(p);
    }
    const [a, b] = people as [{ id: string; token: string }, { id: string; token: string }];
    const asked = await stack.call('POST', `/events/${event.id}/meetings`, {
      headers: { 'x-manage-token': a.token },
      body: { with: b.id },
    });
    expect(asked.status).toBe(201);
    const accepted = await stack.call('POST', `/events/${event.id}/meetings/${asked.json.id}/accept`, {
      headers: { 'x-manage-token': b.token },
    });
    expect(accepted.status).toBe(200);

    const got = await hook.until((m) => m.filter((x) => x.type.startsWith('meeting.')).length >= 2);
    const ofMeeting = got.filter((m) => m.type.startsWith('meeting.'));
    expect(ofMeeting.map((m) => m.type).sort()).toEqual(['meeting.requested', 'meeting.scheduled']);
    const scheduled = ofMeeting.find((m) => m.type === 'meeting.scheduled')!.data;
    expect(scheduled).toMatchObject({ id: asked.json.id, status: 'scheduled', table: 'A1', startsAt: accepted.json.startsAt });
    expect(JSON.stringify(ofMeeting)).not.toContain('@example.com');
  });
});
