/** Check-in end to end: online scans, session doors, offline batches, roster sync, authz. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badgeKeyFromSecret, signBadge } from '#domain/badge-token';
import { newRegistrationId } from '#domain/registration';
import { localSecret } from '#local/stack';
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

async function eventWith(overrides: Record<string, unknown> = {}) {
  return (await stack.call('POST', '/events', { token: admin, body: openEvent(overrides) })).json as { id: string; createdAt: string };
}
async function register(eventId: string, i: number, extra: Record<string, unknown> = {}) {
  return (await stack.call('POST', `/events/${eventId}/registrations`, { body: participant(i, extra) })).json as Reg;
}
const scan = (eventId: string, body: unknown, token = staff) => stack.call('POST', `/events/${eventId}/checkins`, { token, body });
const attendance = async (eventId: string) => (await stack.call('GET', `/events/${eventId}/attendance`, { token: admin })).json;

describe('online scans', () => {
  it('first scan → 201 with what the door needs; a repeat → 200 with the first time and device', async () => {
    const event = await eventWith();
    const reg = await register(event.id, 1, { sessions: ['bio'] });
    const first = await scan(event.id, { badge: reg.badge!.token, deviceId: 'door-1' });
    const again = await scan(event.id, { badge: reg.badge!.token, deviceId: 'door-2' });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      result: 'checked_in',
      registration: { id: reg.id, name: '김민지1', organization: 'Gwangju Bio Co.', sessions: [{ id: 'bio', status: 'confirmed' }] },
    });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ result: 'already_checked_in', checkedInAt: first.json.checkedInAt, deviceId: 'door-1' });
    const fetched = await stack.call('GET', `/events/${event.id}/registrations/${reg.id}`, { token: staff });
    expect(fetched.json.checkedInAt).toBe(first.json.checkedInAt);
  });

  it('50 simultaneous scans of one badge: exactly one 201, one check-in counted', async () => {
    const event = await eventWith();
    const reg = await register(event.id, 1);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => scan(event.id, { badge: reg.badge!.token, deviceId: `door-${i}` })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(49);
    expect((await attendance(event.id)).checkedIn).toBe(1);
  });

  it('session doors: a seat is needed; the first session scan checks in at the venue too', async () => {
    const event = await eventWith({ sessions: [{ ...openEvent().sessions[0], capacity: 1 }, openEvent().sessions[1]] });
    const a = await register(event.id, 1, { sessions: ['bio'] });
    const b = await register(event.id, 2, { sessions: ['bio'] });
    const inBio = await scan(event.id, { badge: a.badge!.token, sessionId: 'bio' });
    expect(inBio.status).toBe(201);
    const venue = await scan(event.id, { badge: a.badge!.token });
    expect(venue.json.result).toBe('already_checked_in');
    const waiting = await scan(event.id, { badge: b.badge!.token, sessionId: 'bio' });
    expect([waiting.status, waiting.json.code]).toEqual([409, 'not_registered_for_session']);
    const otherSession = await scan(event.id, { badge: a.badge!.token, sessionId: 'energy' });
    expect(otherSession.json.code).toBe('not_registered_for_session');
    const unknown = await scan(event.id, { badge: a.badge!.token, sessionId: 'nope' });
    expect(unknown.status).toBe(422);
    const att = await attendance(event.id);
    expect(att.checkedIn).toBe(1);
    expect(att.sessions.find((s: { id: string }) => s.id === 'bio').checkedIn).toBe(1);
  });

  it('a cancelled registration is refused; manual check-in by registration id works; future scans are refused', async () => {
    const event = await eventWith();
    const a = await register(event.id, 1);
    const b = await register(event.id, 2);
    await stack.call('DELETE', `/events/${event.id}/registrations/${a.id}`, { headers: { 'x-manage-token': a.manageToken } });
    const cancelled = await scan(event.id, { badge: a.badge!.token });
    expect([cancelled.status, cancelled.json.code]).toEqual([409, 'registration_cancelled']);
    const manual = await scan(event.id, { registrationId: b.id, deviceId: 'desk' });
    expect(manual.status).toBe(201);
    const missing = await scan(event.id, { registrationId: 'A'.repeat(22) });
    expect(missing.status).toBe(404);
    const future = await scan(event.id, { registrationId: b.id, scannedAt: new Date(Date.now() + 3600_000).toISOString() });
    expect(future.status).toBe(422);
  });

  it("a scan earlier than the event's creation → 422 on scannedAt, alone or in a batch; it never becomes the first scan", async () => {
    // Prepare
    const event = await eventWith();
    const reg = await register(event.id, 1);
    const created = Date.parse(event.createdAt);
    const early = ['0000-01-01T00:00:00Z', '1970-01-01T00:00:00Z', new Date(created - 1).toISOString()];
    // Act
    const single = await Promise.all(early.map((scannedAt) => scan(event.id, { badge: reg.badge!.token, scannedAt })));
    const batch = await stack.call('POST', `/events/${event.id}/checkins/batch`, {
      token: staff,
      body: { scans: early.map((scannedAt) => ({ badge: reg.badge!.token, scannedAt })) },
    });
    const atCreation = await scan(event.id, { badge: reg.badge!.token, scannedAt: event.createdAt, deviceId: 'door-1' });
    // Assess
    for (const r of single) expect([r.status, r.json.code, r.json.errors?.[0]?.path]).toEqual([422, 'validation_failed', 'scannedAt']);
    expect(batch.json.results.map((r: { status: number; code?: string }) => [r.status, r.code])).toEqual(
      early.map(() => [422, 'validation_failed']),
    );
    expect(atCreation.status).toBe(201);
    expect(atCreation.json.checkedInAt).toBe(new Date(created).toISOString());
  });

  it('a badge from another event, forged or malformed → 422 invalid_badge, whatever else the body holds', async () => {
    const a = await eventWith();
    const b = await eventWith();
    const reg = await register(a.id, 1);
    for (const body of [{ badge: reg.badge!.token }, { badge: 'nope', registrationId: 'x', extra: 1 }, { badge: 12 }]) {
      const r = await scan(b.id, body);
      expect([r.status, r.json.code]).toEqual([422, 'invalid_badge']);
    }
  });

  it('any single-character change anywhere in a badge → 422, never 5xx, never 201', async () => {
    const event = await eventWith();
    const reg = await register(event.id, 1);
    const token = reg.badge!.token;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: token.length - 1 }),
        fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ 가'),
        async (i, c) => {
          fc.pre(token[i] !== c);
          const changed = token.slice(0, i) + c + token.slice(i + 1);
          const r = await scan(event.id, { badge: changed });
          expect(r.status).toBe(422);
          expect(r.json.code).toBe('invalid_badge');
        },
      ),
      { numRuns: 150 },
    );
    expect((await attendance(event.id)).checkedIn).toBe(0);
  });
});

describe('offline batches', () => {
  it('each (registration, place) applies once however often uploaded; the earliest time wins; counts are of people', async () => {
    const event = await eventWith();
    const regs = await Promise.all([1, 2, 3].map((i) => register(event.id, i)));
    // Scan times between the event's creation (no scan may be earlier) and now: t(20) < t(5).
    const t = (n: number) => new Date(Date.parse(event.createdAt) + (30 - n) * 1000).toISOString();
    // An online scan at t(5); the offline scanner saw the same person earlier, at t(20).
    const online = await scan(event.id, { badge: regs[0]!.badge!.token, scannedAt: t(5), deviceId: 'online' });
    expect(online.status).toBe(201);
    const batch = {
      scans: [
        { badge: regs[0]!.badge!.token, scannedAt: t(20), deviceId: 'offline-1', scanId: 's1' },
        { badge: regs[1]!.badge!.token, scannedAt: t(15), deviceId: 'offline-1', scanId: 's2' },
        { badge: regs[1]!.badge!.token, scannedAt: t(10), deviceId: 'offline-1', scanId: 's3' },
        { badge: 'garbage', scannedAt: t(9) },
        { registrationId: regs[2]!.id, scannedAt: t(8), deviceId: 'offline-1' },
        { nonsense: true },
      ],
    };
    const first = await stack.call('POST', `/events/${event.id}/checkins/batch`, { token: staff, body: batch });
    expect(first.status).toBe(200);
    expect(
      first.json.results.map((r: { index: number; status: number; result?: string; code?: string }) => [
        r.index,
        r.status,
        r.result ?? r.code,
      ]),
    ).toEqual([
      [0, 201, 'checked_in'],
      [1, expect.any(Number), expect.any(String)],
      [2, expect.any(Number), expect.any(String)],
      [3, 422, 'invalid_badge'],
      [4, 201, 'checked_in'],
      [5, 422, 'validation_failed'],
    ]);
    const again = await stack.call('POST', `/events/${event.id}/checkins/batch`, { token: staff, body: batch });
    expect(again.json.results.filter((r: { result?: string }) => r.result === 'checked_in')).toEqual([]);
    const att = await attendance(event.id);
    expect(att.checkedIn).toBe(3);
    const r0 = await scan(event.id, { badge: regs[0]!.badge!.token });
    expect(r0.json).toMatchObject({ result: 'already_checked_in', checkedInAt: batch.scans[0]!.scannedAt, deviceId: 'offline-1' });
    const r1 = await scan(event.id, { badge: regs[1]!.badge!.token });
    expect(r1.json.checkedInAt).toBe(new Date(batch.scans[1]!.scannedAt!).toISOString());
  });

  it('a batch of 500 genuine badges (~146 KB) is judged; the batch body may reach 256 KiB, over that → 413', async () => {
    // Prepare: 20 people registered; 480 more badges signed by the deployment's own key for
    // registration ids nobody holds (registering 500 would take this machine half a minute).
    const event = await eventWith();
    const regs = await Promise.all(Array.from({ length: 20 }, (_, i) => register(event.id, i + 1)));
    const ring = [badgeKeyFromSecret(localSecret(stack.stateDir, 'badge-key-seeds'))];
    const strangers = await Promise.all(
      Array.from({ length: 480 }, () => signBadge(ring, { eventId: event.id, registrationId: newRegistrationId() })),
    );
    const at = new Date(Date.parse(event.createdAt) + 1000).toISOString();
    const badges = [...regs.map((r) => r.badge!.token), ...strangers];
    const scans = badges.map((badge, i) => ({ badge, scannedAt: at, deviceId: 'scanner-7', scanId: `scan-${String(i).padStart(4, '0')}` }));
    const body = JSON.stringify({ scans });
    const padded = JSON.stringify({ scans: [{ badge: regs[0]!.badge!.token }], pad: 'x'.repeat(256 * 1024) });
    // Act
    const full = await stack.call('POST', `/events/${event.id}/checkins/batch`, {
      token: staff,
      raw: body,
      headers: { 'content-type': 'application/json' },
    });
    const over = await stack.call('POST', `/events/${event.id}/checkins/batch`, {
      token: staff,
      raw: padded,
      headers: { 'content-type': 'application/json' },
    });
    const single = await scan(event.id, { badge: regs[0]!.badge!.token, deviceId: 'x'.repeat(70_000) });
    // Assess
    expect(Buffer.byteLength(body)).toBeGreaterThan(140_000);
    expect(full.status).toBe(200);
    expect(full.json.results.map((r: { status: number }) => r.status)).toEqual([...Array(20).fill(201), ...Array(480).fill(404)]);
    expect([over.status, over.json.code]).toEqual([413, 'payload_too_large']);
    // Every other route keeps the 64 KiB limit.
    expect([single.status, single.json.code]).toEqual([413, 'payload_too_large']);
    expect((await attendance(event.id)).checkedIn).toBe(20);
  });

  it('refuses an empty batch or one over 500 scans', async () => {
    const event = await eventWith();
    for (const scans of [[], Array.from({ length: 501 }, () => ({ badge: 'x' }))]) {
      const r = await stack.call('POST', `/events/${event.id}/checkins/batch`, { token: staff, body: { scans } });
      expect(r.status).toBe(422);
    }
  });
});

describe('roster sync', () => {
  it('returns everyone, then only what changed since the sync token (cancellations and check-ins included)', async () => {
    const event = await eventWith();
    const regs = await Promise.all([1, 2, 3, 4, 5].map((i) => register(event.id, i)));
    const pages: { items: { id: string }[]; nextCursor: string | null; syncToken: string }[] = [];
    let url = `/events/${event.id}/roster?limit=2`;
    for (;;) {
      const page = (await stack.call('GET', url, { token: staff })).json;
      pages.push(page);
      if (!page.nextCursor) break;
      url = `/events/${event.id}/roster?limit=2&cursor=${page.nextCursor}`;
    }
    const seen = pages.flatMap((p) => p.items.map((i) => i.id));
    expect(new Set(seen)).toEqual(new Set(regs.map((r) => r.id)));
    expect(new Set(pages.map((p) => p.syncToken)).size).toBe(1);
    // Changes after the sync: a cancellation and a check-in.
    await stack.call('DELETE', `/events/${event.id}/registrations/${regs[0]!.id}`, { token: admin });
    await scan(event.id, { badge: regs[1]!.badge!.token });
    const next = (await stack.call('GET', `/events/${event.id}/roster?since=${pages[0]!.syncToken}`, { token: staff })).json;
    const byId = new Map(next.items.map((i: { id: string }) => [i.id, i]));
    expect(byId.get(regs[0]!.id)).toMatchObject({ status: 'cancelled' });
    expect(byId.get(regs[1]!.id)).toMatchObject({ status: 'confirmed', checkedInAt: expect.any(String) });
    const token = pages[0]!.syncToken;
    const tampered = await stack.call('GET', `/events/${event.id}/roster?since=${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, {
      token: staff,
    });
    expect(tampered.status).toBe(400);
  });
});

describe('who may scan', () => {
  it('no staff JWT (anonymous, a manage token) → 401; a JWT without staff or admin → 403', async () => {
    const event = await eventWith();
    const reg = await register(event.id, 1);
    const none = await stack.token('none');
    const routes: [string, string, unknown][] = [
      ['POST', `/events/${event.id}/checkins`, { badge: reg.badge!.token }],
      ['POST', `/events/${event.id}/checkins/batch`, { scans: [{ badge: reg.badge!.token }] }],
      ['GET', `/events/${event.id}/roster`, undefined],
      ['GET', `/events/${event.id}/badge-keys`, undefined],
    ];
    for (const [method, path, body] of routes) {
      expect((await stack.call(method, path, { body })).status, `${method} ${path} anonymous`).toBe(401);
      expect(
        (await stack.call(method, path, { body, headers: { 'x-manage-token': reg.manageToken } })).status,
        `${method} ${path} manage token`,
      ).toBe(401);
      expect((await stack.call(method, path, { body, token: none })).status, `${method} ${path} no group`).toBe(403);
      expect((await stack.call(method, path, { body, token: admin })).status, `${method} ${path} admin`).toBeLessThan(300);
    }
    expect((await attendance(event.id)).checkedIn).toBe(1);
  });
});
