/** Exits, re-entry and occupancy end to end (API.md "Exits, re-entry and occupancy"; the timeline route). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let admin: string;
let staff: string;

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  // No test here reads an email or a webhook: the workers stop, so the confirmation emails
  // (a badge PDF each) don't compete for the CPU with the requests under test.
  await stack.workers.stop();
  admin = await stack.token('admin');
  staff = await stack.token('staff');
});
afterAll(() => stack?.stop());

type Reg = { id: string; status: string; manageToken: string; badge: { token: string } | null };
type Result = { index: number; status: number; result?: string; code?: string };

async function eventWith(overrides: Record<string, unknown> = {}) {
  const r = await stack.call('POST', '/events', { token: admin, body: openEvent(overrides) });
  expect(r.status).toBe(201);
  return r.json as { id: string; createdAt: string; checkin: { reentry: boolean } };
}
async function register(eventId: string, i: number, extra: Record<string, unknown> = {}) {
  return (await stack.call('POST', `/events/${eventId}/registrations`, { body: participant(i, extra) })).json as Reg;
}
const scan = (eventId: string, body: Record<string, unknown>) => stack.call('POST', `/events/${eventId}/checkins`, { token: staff, body });
const batch = async (eventId: string, scans: unknown[]) => {
  const r = await stack.call('POST', `/events/${eventId}/checkins/batch`, { token: staff, body: { scans } });
  expect(r.status).toBe(200);
  return r.json.results as Result[];
};
const attendance = async (eventId: string) => (await stack.call('GET', `/events/${eventId}/attendance`, { token: admin })).json;
const sessionInside = (att: { sessions: { id: string; inside: number }[] }, id: string) => att.sessions.find((s) => s.id === id)!.inside;
async function roster(eventId: string): Promise<Map<string, string[]>> {
  const inside = new Map<string, string[]>();
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : '?limit=100';
    const r = await stack.call('GET', `/events/${eventId}/roster${q}`, { token: staff });
    for (const item of r.json.items) inside.set(item.id, item.inside);
    cursor = r.json.nextCursor;
  } while (cursor);
  return inside;
}
const timeline = (eventId: string, bucket = '5m', token = staff) =>
  stack.call('GET', `/events/${eventId}/attendance/timeline?bucket=${bucket}`, { token });

describe('exits and re-entry', () => {
  it('in → 201 checked_in, in → 200, out → 201 checked_out, out → 409 not_inside, in → 201 re_entered; checkedInAt stays the first entry', async () => {
    const event = await eventWith();
    expect(event.checkin).toEqual({ reentry: true });
    const reg = await register(event.id, 1);
    const badge = reg.badge!.token;
    const first = await scan(event.id, { badge, deviceId: 'door-1' });
    expect([first.status, first.json.result]).toEqual([201, 'checked_in']);
    const again = await scan(event.id, { badge, direction: 'in' });
    expect([again.status, again.json.result]).toEqual([200, 'already_checked_in']);
    expect((await attendance(event.id)).inside).toBe(1);
    expect((await roster(event.id)).get(reg.id)).toEqual(['venue']);

    const out = await scan(event.id, { badge, direction: 'out' });
    expect([out.status, out.json.result]).toEqual([201, 'checked_out']);
    expect(out.json.checkedInAt).toBe(first.json.checkedInAt);
    const outAgain = await scan(event.id, { badge, direction: 'out' });
    expect([outAgain.status, outAgain.json.code]).toEqual([409, 'not_inside']);
    expect(outAgain.type).toMatch(/^application\/problem\+json/);
    const att = await attendance(event.id);
    expect([att.checkedIn, att.inside]).toEqual([1, 0]);
    expect((await roster(event.id)).get(reg.id)).toEqual([]);

    const back = await scan(event.id, { badge });
    expect([back.status, back.json.result]).toEqual([201, 're_entered']);
    expect(back.json.checkedInAt).toBe(first.json.checkedInAt);
    const fetched = await stack.call('GET', `/events/${event.id}/registrations/${reg.id}`, { token: staff });
    expect(fetched.json.checkedInAt).toBe(first.json.checkedInAt);
    expect(await attendance(event.id)).toMatchObject({ checkedIn: 1, inside: 1 });
  });

  it('"checkin": { "reentry": false }: an entry after an exit → 409 reentry_not_allowed, nothing counted; PATCH turns it back on', async () => {
    const event = await eventWith({ checkin: { reentry: false } });
    expect(event.checkin).toEqual({ reentry: false });
    const reg = await register(event.id, 1, { sessions: ['bio'] });
    const badge = reg.badge!.token;
    expect((await scan(event.id, { badge })).status).toBe(201);
    expect((await scan(event.id, { badge })).json.result).toBe('already_checked_in');
    expect((await scan(event.id, { badge, direction: 'out' })).json.result).toBe('checked_out');
    const refused = await scan(event.id, { badge });
    expect([refused.status, refused.json.code]).toEqual([409, 'reentry_not_allowed']);
    // A session door behind the exit re-enters the venue too: refused as well.
    const session = await scan(event.id, { badge, sessionId: 'bio' });
    expect([session.status, session.json.code]).toEqual([409, 'reentry_not_allowed']);
    expect(await attendance(event.id)).toMatchObject({ checkedIn: 1, inside: 0 });

    const patched = await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { checkin: { reentry: true } } });
    expect(patched.status).toBe(200);
    expect(patched.json.checkin).toEqual({ reentry: true });
    expect((await scan(event.id, { badge })).json.result).toBe('re_entered');
    // Refused bodies: not a boolean, an unknown field.
    for (const body of [{ checkin: { reentry: 'no' } }, { checkin: { reentry: true, extra: 1 } }]) {
      expect((await stack.call('PATCH', `/events/${event.id}`, { token: admin, body })).status).toBe(422);
    }
    expect((await scan(event.id, { badge, direction: 'sideways' })).status).toBe(422);
  });

  it('a session entry enters the venue too; a venue exit ends every session presence; a session exit leaves the venue', async () => {
    const event = await eventWith();
    const reg = await register(event.id, 1, { sessions: ['bio', 'energy'] });
    const badge = reg.badge!.token;
    expect((await scan(event.id, { badge, sessionId: 'bio' })).json.result).toBe('checked_in');
    expect((await scan(event.id, { badge, sessionId: 'energy' })).json.result).toBe('checked_in');
    let att = await attendance(event.id);
    expect([att.inside, sessionInside(att, 'bio'), sessionInside(att, 'energy')]).toEqual([1, 1, 1]);
    expect((await roster(event.id)).get(reg.id)).toEqual(['venue', 'bio', 'energy']);

    expect((await scan(event.id, { badge, sessionId: 'bio', direction: 'out' })).json.result).toBe('checked_out');
    att = await attendance(event.id);
    expect([att.inside, sessionInside(att, 'bio'), sessionInside(att, 'energy')]).toEqual([1, 0, 1]);

    expect((await scan(event.id, { badge, direction: 'out' })).json.result).toBe('checked_out');
    att = await attendance(event.id);
    expect([att.inside, sessionInside(att, 'bio'), sessionInside(att, 'energy')]).toEqual([0, 0, 0]);
    expect((await roster(event.id)).get(reg.id)).toEqual([]);
    const sessionOut = await scan(event.id, { badge, sessionId: 'energy', direction: 'out' });
    expect([sessionOut.status, sessionOut.json.code]).toEqual([409, 'not_inside']);
    // Back into a session: a re-entry at the session and, by it, at the venue.
    expect((await scan(event.id, { badge, sessionId: 'energy' })).json.result).toBe('re_entered');
    att = await attendance(event.id);
    expect([att.inside, sessionInside(att, 'bio'), sessionInside(att, 'energy'), att.checkedIn]).toEqual([1, 0, 1, 1]);
    // An exit at a place the event lacks is a bad body, not a scan.
    expect((await scan(event.id, { badge, sessionId: 'nope', direction: 'out' })).status).toBe(422);
  });

  it('a cancelled person may still leave, and may not come back in', async () => {
    const event = await eventWith();
    const reg = await register(event.id, 1);
    const badge = reg.badge!.token;
    expect((await scan(event.id, { badge })).status).toBe(201);
    const cancelled = await stack.call('DELETE', `/events/${event.id}/registrations/${reg.id}`, { token: admin });
    expect(cancelled.json.status).toBe('cancelled');
    expect((await attendance(event.id)).inside).toBe(1);
    const out = await scan(event.id, { badge, direction: 'out' });
    expect([out.status, out.json.result]).toEqual([201, 'checked_out']);
    expect((await attendance(event.id)).inside).toBe(0);
    const back = await scan(event.id, { badge });
    expect([back.status, back.json.code]).toEqual([409, 'registration_cancelled']);
    const outAgain = await scan(event.id, { badge, direction: 'out' });
    expect([outAgain.status, outAgain.json.code]).toEqual([409, 'not_inside']);
  });
});

describe('offline exits', () => {
  it('an exit uploaded before the earlier entry it follows: not_inside then, outside in the end, whatever the order', async () => {
    const event = await eventWith();
    const [a, b] = await Promise.all([register(event.id, 1), register(event.id, 2)]);
    const t = (ms: number) => new Date(Date.parse(event.createdAt) + ms).toISOString();
    // Device B saw both leave at t(20) and uploads first; device A saw them come in at t(10).
    const exits = await batch(event.id, [
      { badge: a.badge!.token, direction: 'out', scannedAt: t(20), deviceId: 'door-b', scanId: 'b-1' },
      { badge: b.badge!.token, direction: 'out', scannedAt: t(20), deviceId: 'door-b', scanId: 'b-2' },
    ]);
    expect(exits.map((r) => r.code)).toEqual(['not_inside', 'not_inside']);
    const entries = await batch(event.id, [
      { badge: a.badge!.token, direction: 'in', scannedAt: t(10), deviceId: 'door-a', scanId: 'a-1', verdict: 'admitted' },
      { badge: b.badge!.token, scannedAt: t(10), deviceId: 'door-a', scanId: 'a-2', verdict: 'admitted' },
    ]);
    expect(entries.map((r) => [r.status, r.result])).toEqual([
      [201, 'checked_in'],
      [201, 'checked_in'],
    ]);
    const att = await attendance(event.id);
    expect([att.checkedIn, att.inside]).toEqual([2, 0]);
    const inside = await roster(event.id);
    expect([inside.get(a.id), inside.get(b.id)]).toEqual([[], []]);
    // Online now: they are outside, so leaving again is not_inside and coming in is a re-entry.
    expect((await scan(event.id, { badge: a.badge!.token, direction: 'out' })).json.code).toBe('not_inside');
    expect((await scan(event.id, { badge: a.badge!.token })).json.result).toBe('re_entered');
    // The timeline counts both entries and both exits (the exits once the entries arrived).
    const points = (await timeline(event.id, '60m')).json.places.find((p: { place: string }) => p.place === 'venue').points;
    const sum = (k: 'in' | 'out') => points.reduce((n: number, p: Record<string, number>) => n + p[k]!, 0);
    expect([sum('in'), sum('out'), points.at(-1).inside]).toEqual([3, 2, 1]);
  });

  it('a scan with a direction counts once by its scanId however often uploaded, and must carry one', async () => {
    const event = await eventWith();
    const reg = await register(event.id, 1);
    const t = (ms: number) => new Date(Date.parse(event.createdAt) + ms).toISOString();
    const scans = [
      { badge: reg.badge!.token, direction: 'in', scannedAt: t(1), deviceId: 'door-a', scanId: 's-1' },
      { badge: reg.badge!.token, direction: 'out', scannedAt: t(2), deviceId: 'door-a', scanId: 's-2' },
      { badge: reg.badge!.token, direction: 'in', scannedAt: t(3), deviceId: 'door-a', scanId: 's-3' },
      { badge: reg.badge!.token, direction: 'out', scannedAt: t(4), deviceId: 'door-a', scanId: 's-4' },
    ];
    const first = await batch(event.id, scans);
    expect(first.map((r) => r.result)).toEqual(['checked_in', 'checked_out', 're_entered', 'checked_out']);
    for (let i = 0; i < 3; i++) {
      const again = await batch(event.id, [...scans].reverse());
      expect(again.map((r) => r.result)).toEqual(['checked_out', 'already_checked_in', 'checked_out', 'already_checked_in']);
    }
    const points = (await timeline(event.id, '60m')).json.places[0].points;
    const sum = (k: 'in' | 'out') => points.reduce((n: number, p: Record<string, number>) => n + p[k]!, 0);
    expect([sum('in'), sum('out'), points.at(-1).inside]).toEqual([2, 2, 0]);
    expect(await attendance(event.id)).toMatchObject({ checkedIn: 1, inside: 0 });
    const noScanId = await batch(event.id, [{ badge: reg.badge!.token, direction: 'out', scannedAt: t(5) }]);
    expect(noScanId).toEqual([expect.objectContaining({ status: 422, code: 'validation_failed' })]);
  });

  it('a scan with a scanId but no scannedAt (the server’s time) still counts once, however often uploaded', async () => {
    const event = await eventWith();
    const reg = await register(event.id, 1);
    const entry = { badge: reg.badge!.token, direction: 'in', deviceId: 'door-a', scanId: 'n-1' };
    const exit = { badge: reg.badge!.token, direction: 'out', deviceId: 'door-a', scanId: 'n-2' };
    expect((await batch(event.id, [entry]))[0]!.result).toBe('checked_in');
    expect((await batch(event.id, [exit]))[0]!.result).toBe('checked_out');
    // The whole queue again (its answers were lost): nothing new happened.
    const again = await batch(event.id, [entry, exit]);
    expect(again.map((r) => r.result)).toEqual(['already_checked_in', 'checked_out']);
    const points = (await timeline(event.id, '60m')).json.places[0].points;
    const sum = (k: 'in' | 'out') => points.reduce((n: number, p: Record<string, number>) => n + p[k]!, 0);
    expect([sum('in'), sum('out'), points.at(-1).inside]).toEqual([1, 1, 0]);
    expect(await attendance(event.id)).toMatchObject({ checkedIn: 1, inside: 0 });
  });

  it('concurrent batches from four doors, in shuffled order: each person is where their latest scan says, and inside equals a recount', async () => {
    const event = await eventWith({ capacity: 100 });
    const people = await Promise.all(Array.from({ length: 16 }, (_, i) => register(event.id, i + 1)));
    // A seeded shuffle: the test is the same every run.
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const base = Date.parse(event.createdAt);
    const scans = people.flatMap((p, i) =>
      Array.from({ length: 5 }, (_, k) => ({
        badge: p.badge!.token,
        direction: k === 0 || random() < 0.5 ? 'in' : 'out',
        // Distinct times per person; the entry at k = 0 is the earliest.
        scannedAt: new Date(base + 1 + k * 10 + Math.floor(random() * 9)).toISOString(),
        deviceId: `door-${k % 4}`,
        scanId: `p${i}-s${k}`,
        who: p.id,
      })),
    );
    const expected = new Map(
      people.map((p) => {
        const own = scans.filter((s) => s.who === p.id).sort((x, y) => x.scannedAt.localeCompare(y.scannedAt));
        return [p.id, own.at(-1)!.direction === 'in'];
      }),
    );
    const shuffled = scans.map((s) => ({ s, k: random() })).sort((x, y) => x.k - y.k);
    const doors = [0, 1, 2, 3].map((d) => shuffled.filter((_, i) => i % 4 === d).map(({ s: { who: _who, ...body } }) => body));
    // Every door uploads at once, then all once more (lost answers): the repeats change nothing.
    for (let round = 0; round < 2; round++) {
      const answers = await Promise.all(doors.map((scans) => batch(event.id, scans)));
      expect(answers.flat().filter((r) => r.status >= 500)).toEqual([]);
    }

    const inside = await roster(event.id);
    for (const p of people) expect(inside.get(p.id), p.id).toEqual(expected.get(p.id) ? ['venue'] : []);
    const recount = [...expected.values()].filter(Boolean).length;
    const att = await attendance(event.id);
    expect([att.checkedIn, att.inside]).toEqual([16, recount]);
    const points = (await timeline(event.id, '5m')).json.places[0].points;
    expect(points.at(-1).inside).toBe(recount);
  });

  it('concurrent online entries and exits of the same people leave inside equal to the roster recount', async () => {
    const event = await eventWith();
    const people = await Promise.all(Array.from({ length: 6 }, (_, i) => register(event.id, i + 1)));
    await Promise.all(people.map((p) => scan(event.id, { badge: p.badge!.token })));
    const answers = await Promise.all(
      people.flatMap((p, i) =>
        Array.from({ length: 6 }, (_, k) => scan(event.id, { badge: p.badge!.token, direction: (i + k) % 2 ? 'out' : 'in' })),
      ),
    );
    expect(answers.filter((a) => a.status >= 500).map((a) => a.json)).toEqual([]);
    const inside = [...(await roster(event.id)).values()].filter((places) => places.includes('venue')).length;
    const att = await attendance(event.id);
    expect(att.inside).toBe(inside);
    expect((await timeline(event.id)).json.places[0].points.at(-1).inside).toBe(inside);
  });
});

describe('GET /events/{eventId}/attendance/timeline', () => {
  it('every place, buckets aligned in UTC from the first scan through now; inside at each bucket end; another bucket → 422', async () => {
    const event = await eventWith();
    const reg = await register(event.id, 1, { sessions: ['bio'] });
    const before = Date.now();
    expect((await scan(event.id, { badge: reg.badge!.token, sessionId: 'bio' })).status).toBe(201);
    for (const bucket of ['5m', '15m', '60m']) {
      const r = await timeline(event.id, bucket);
      expect(r.status).toBe(200);
      expect(r.json.bucket).toBe(bucket);
      expect(r.json.places.map((p: { place: string }) => p.place)).toEqual(['venue', 'bio', 'energy']);
      const size = { '5m': 300_000, '15m': 900_000, '60m': 3_600_000 }[bucket]!;
      for (const place of r.json.places) {
        const points = place.points as { at: string; in: number; out: number; inside: number }[];
        // The event starts next week: the points start at the first scan's bucket and end at the current one.
        expect(points[0]!.at).toBe(new Date(Math.floor(before / size) * size).toISOString());
        expect(Date.parse(points.at(-1)!.at)).toBe(Math.floor(Date.now() / size) * size);
        for (let i = 1; i < points.length; i++) expect(Date.parse(points[i]!.at) - Date.parse(points[i - 1]!.at)).toBe(size);
      }
      const last = (place: string) => r.json.places.find((p: { place: string }) => p.place === place).points.at(-1).inside;
      expect([last('venue'), last('bio'), last('energy')]).toEqual([1, 1, 0]);
    }
    for (const bucket of ['10m', '5M', '1h', '5m5m']) {
      const r = await timeline(event.id, bucket);
      expect([r.status, r.json.code], bucket).toEqual([422, 'validation_failed']);
    }
    // Admin too; an unknown event → 404.
    expect((await timeline(event.id, '5m', admin)).status).toBe(200);
    expect((await timeline('nope', '5m')).status).toBe(404);
  });
});
