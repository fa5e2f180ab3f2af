/**
 * Devices end to end (API.md "Devices: paired door scanners"): pairing by a one-time code, the
 * device token as the `device` role (own event, own places, revocation at once), pairing rate
 * limits, lastSeenAt without a write per request, and offline duplicates across two devices.
 */
import { ScanCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#local/engines';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let ddb: DynamoDBClient;
let admin: string;
let staff: string;
/** Each test pairs from addresses of its own, so the pairing limit of one never meets another's. */
let nextAddress = 1;
const viewer = () => ({ 'cloudfront-viewer-address': `198.51.100.${nextAddress++}:44321` });

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  // No test here reads an email or a webhook: the workers stop, so the confirmation emails
  // (a badge PDF each) don't compete for the CPU with the requests under test.
  await stack.workers.stop();
  ddb = dynamoClient(stack.dynamoEndpoint);
  admin = await stack.token('admin');
  staff = await stack.token('staff');
});
afterAll(async () => {
  ddb?.destroy();
  await stack?.stop();
});

type Reg = { id: string; badge: { token: string } };
interface Device {
  id: string;
  eventId: string;
  name: string;
  places: string[] | null;
  pairing: { code: string; url: string; expiresAt: string };
}

async function eventWith(overrides: Record<string, unknown> = {}) {
  const r = await stack.call('POST', '/events', { token: admin, body: openEvent({ capacity: 50, ...overrides }) });
  expect(r.status, r.text).toBe(201);
  return r.json as { id: string; createdAt: string };
}
async function register(eventId: string, i: number, extra: Record<string, unknown> = {}) {
  const r = await stack.call('POST', `/events/${eventId}/registrations`, { body: participant(i, extra) });
  expect(r.status, r.text).toBe(201);
  return r.json as Reg;
}
async function createDevice(eventId: string, body: Record<string, unknown> = { name: 'Door 1' }) {
  const r = await stack.call('POST', `/events/${eventId}/devices`, { token: admin, body });
  expect(r.status, r.text).toBe(201);
  return r.json as Device;
}
const pair = (code: unknown, headers: Record<string, string> = viewer()) =>
  stack.call('POST', '/devices/pair', { body: { code }, headers });
async function paired(eventId: string, body?: Record<string, unknown>) {
  const device = await createDevice(eventId, body);
  const r = await pair(device.pairing.code);
  expect(r.status, r.text).toBe(201);
  return { device, token: r.json.deviceToken as string };
}
const listDevices = async (eventId: string) =>
  (await stack.call('GET', `/events/${eventId}/devices`, { token: admin })).json.items as Record<string, string | null>[];
const batch = (eventId: string, token: string, scans: unknown[]) =>
  stack.call('POST', `/events/${eventId}/checkins/batch`, { token, body: { scans } });
/** A scan time after the event's creation (check-in refuses earlier ones) and within the 5 minutes of clock skew allowed. */
const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

async function tableItems(): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await ddb.send(new ScanCommand({ TableName: stack.tables.data, ExclusiveStartKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
/** Sets an attribute of every item of a kind (by its key prefix) that belongs to a device. */
async function setOn(prefix: string, deviceId: string, attribute: string, value: string) {
  const items = (await tableItems()).filter((i) => i.pk!.S!.startsWith(prefix) && (i.deviceId?.S === deviceId || i.id?.S === deviceId));
  expect(items.length, `${prefix} items of ${deviceId}`).toBeGreaterThan(0);
  for (const item of items) {
    await ddb.send(
      new UpdateItemCommand({
        TableName: stack.tables.data,
        Key: { pk: item.pk!, sk: item.sk! },
        UpdateExpression: 'SET #a = :v',
        ExpressionAttributeNames: { '#a': attribute },
        ExpressionAttributeValues: { ':v': { S: value } },
      }),
    );
  }
}

describe('pairing', () => {
  it('creates a device with a typeable one-time code and its deep link; the code pairs once', async () => {
    const event = await eventWith();
    const before = Date.now();
    const device = await createDevice(event.id, { name: '정문 Door 1' });
    // Act
    const first = await pair(device.pairing.code.toLowerCase().replaceAll('-', ' '));
    const second = await pair(device.pairing.code);
    // Assess: the code: 4 groups of 4 letters and digits, none of 0 O 1 I (16 × 5 = 80 bits)
    expect(device).toMatchObject({
      eventId: event.id,
      name: '정문 Door 1',
      places: null,
      pairedAt: null,
      lastSeenAt: null,
      revokedAt: null,
    });
    expect(device.pairing.code).toMatch(/^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}$/);
    expect(device.pairing.url).toBe(`${stack.url}/scan#pair=${device.pairing.code}`);
    const validFor = Date.parse(device.pairing.expiresAt) - before;
    expect(validFor).toBeGreaterThan(14.9 * 60_000);
    expect(validFor).toBeLessThanOrEqual(15 * 60_000 + 5_000);
    expect(first.status, first.text).toBe(201);
    expect(first.json.device).toEqual({ id: device.id, eventId: event.id, name: '정문 Door 1', places: null });
    // Not a JWT: no dots, a prefix of its own, ≥ 128 random bits
    expect(first.json.deviceToken).toMatch(/^gpd_[A-Za-z0-9_-]{32}$/);
    expect([second.status, second.json.code]).toEqual([401, 'invalid_pairing_code']);
    const [listed] = await listDevices(event.id);
    expect(listed).toMatchObject({ id: device.id, revokedAt: null });
    expect(listed!.pairedAt).not.toBeNull();
  });

  it('a used, an unknown, a malformed and an expired code get the same answer', async () => {
    const event = await eventWith();
    const used = await createDevice(event.id);
    expect((await pair(used.pairing.code)).status).toBe(201);
    const expired = await createDevice(event.id);
    await setOn('PAIRING#', expired.id, 'validUntil', new Date(Date.now() - 1000).toISOString());
    // Act
    const answers = await Promise.all([used.pairing.code, 'ABCD-EFGH-JKLM-NPQR', '0000', expired.pairing.code].map((code) => pair(code)));
    // Assess
    for (const r of answers) {
      expect(r.status, r.text).toBe(401);
      expect(r.type).toMatch(/^application\/problem\+json/);
    }
    expect(new Set(answers.map((r) => r.text)).size).toBe(1);
    expect(answers[0]!.json.code).toBe('invalid_pairing_code');
  });

  it('keeps neither the code nor the token: only their hashes are stored', async () => {
    const event = await eventWith();
    const device = await createDevice(event.id);
    const code = device.pairing.code;
    const token = (await pair(code)).json.deviceToken as string;
    await stack.call('GET', `/events/${event.id}/roster`, { token });
    // Act
    const dump = JSON.stringify(await tableItems());
    // Assess
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(token.slice(4));
    expect(dump).not.toContain(code);
    expect(dump).not.toContain(code.replaceAll('-', ''));
  });

  it('a fresh code replaces the pending one; pairing again retires the old token (device_revoked)', async () => {
    const event = await eventWith();
    const { device, token: oldToken } = await paired(event.id);
    // Act
    const fresh = await stack.call('POST', `/events/${event.id}/devices/${device.id}/pairing`, { token: admin });
    const again = await stack.call('POST', `/events/${event.id}/devices/${device.id}/pairing`, { token: admin });
    const stale = await pair(fresh.json.pairing.code);
    const repaired = await pair(again.json.pairing.code);
    // Assess
    expect(fresh.status, fresh.text).toBe(201);
    expect(fresh.json).toMatchObject({ id: device.id, pairing: { url: `${stack.url}/scan#pair=${fresh.json.pairing.code}` } });
    expect([stale.status, stale.json.code]).toEqual([401, 'invalid_pairing_code']);
    expect(repaired.status, repaired.text).toBe(201);
    expect(repaired.json.device.id).toBe(device.id);
    const old = await stack.call('GET', `/events/${event.id}/roster`, { token: oldToken });
    expect([old.status, old.json.code]).toEqual([401, 'device_revoked']);
    expect((await stack.call('GET', `/events/${event.id}/roster`, { token: repaired.json.deviceToken })).status).toBe(200);
  });

  it('refuses bad device bodies with every failing field', async () => {
    const event = await eventWith();
    const cases: [unknown, string[]][] = [
      [{}, ['name']],
      [{ name: '' }, ['name']],
      [{ name: 'Door\u0000 1' }, ['name']],
      [{ name: '\u3164' }, ['name']],
      [{ name: 'Door', places: [] }, ['places']],
      [{ name: 'Door', places: ['venue', 'nope', 'venue'] }, ['places.1', 'places.2']],
      [{ name: 'Door', extra: 1 }, ['extra']],
    ];
    for (const [body, paths] of cases) {
      const r = await stack.call('POST', `/events/${event.id}/devices`, { token: admin, body });
      expect([r.status, r.json.code], JSON.stringify(body)).toEqual([422, 'validation_failed']);
      expect([...new Set(r.json.errors.map((e: { path: string }) => e.path))].sort(), JSON.stringify(body)).toEqual(paths);
    }
    expect((await stack.call('POST', '/events/AAAAAAAAAAAA/devices', { token: admin, body: { name: 'Door' } })).status).toBe(404);
    expect((await stack.call('DELETE', `/events/${event.id}/devices/nope`, { token: admin })).status).toBe(404);
    expect((await stack.call('POST', `/events/${event.id}/devices/0000000000AAAAAAAAAAA/pairing`, { token: admin })).status).toBe(404);
    expect((await stack.call('GET', `/events/${event.id}/devices?cursor=abc.def`, { token: admin })).json.code).toBe('invalid_cursor');
    for (const body of [{}, { code: 12 }, { code: '' }, { code: 'x', more: 1 }]) {
      const r = await stack.call('POST', '/devices/pair', { body, headers: viewer() });
      expect([r.status, r.json.code], JSON.stringify(body)).toEqual([422, 'validation_failed']);
    }
  });
});

/**
 * The limit counts per clock minute (the server's, this machine's): 21 attempts that straddle a
 * minute's end are two windows' worth, so a slow machine would see 401 where 429 is due. A run
 * that straddled one is redone from a fresh address (a fresh count) rather than waiting for a
 * minute to begin; one that did not is judged.
 */
async function inOneMinute<T>(run: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const started = Date.now();
    const result = await run(attempt);
    if (Math.floor(started / 60_000) === Math.floor(Date.now() / 60_000) || attempt === 3) return result;
  }
}

describe('rate limit', () => {
  it('refuses the 21st attempt of one address in a minute with 429 and Retry-After; other addresses go on', {
    timeout: 90_000,
  }, async () => {
    const event = await eventWith();
    // Act
    const { device, tries, limited } = await inOneMinute(async () => {
      const device = await createDevice(event.id);
      const address = viewer();
      const tries = [];
      for (let i = 0; i < 20; i++) tries.push(await pair(`WRONG-CODE-${i}`, address));
      return { device, tries, limited: await pair(device.pairing.code, address) };
    });
    const elsewhere = await pair(device.pairing.code);
    // Assess
    expect(tries.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 401));
    expect([limited.status, limited.json.code]).toEqual([429, 'too_many_requests']);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // The refused attempt did not use the code up
    expect(elsewhere.status, elsewhere.text).toBe(201);
  });

  it('counts an IPv6 client by its /64, and the API Gateway source address without CloudFront', { timeout: 90_000 }, async () => {
    const event = await eventWith();
    // Each run its own /64 (2001:db8:<run>:8::/64), beside a network of its own (…:9::/64).
    const { tries, sameNetwork, run } = await inOneMinute(async (run) => {
      const tries = [];
      for (let i = 0; i < 20; i++) {
        tries.push(
          await pair('ZZZZ-ZZZZ-ZZZZ-ZZZZ', { 'cloudfront-viewer-address': `2001:db8:${7 + run}:8::${(i + 1).toString(16)}:443` }),
        );
      }
      const sameNetwork = await pair('ZZZZ-ZZZZ-ZZZZ-ZZZZ', {
        'cloudfront-viewer-address': `2001:0db8:${(7 + run).toString().padStart(4, '0')}:0008:ffff::1:5000`,
      });
      return { tries, sameNetwork, run };
    });
    expect(tries.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 401));
    expect(sameNetwork.status).toBe(429);
    const device = await createDevice(event.id);
    expect((await pair(device.pairing.code, { 'cloudfront-viewer-address': `2001:db8:${7 + run}:9::1:443` })).status).toBe(201);
  });
});

describe('the device role', () => {
  it('opens its own event: event, badge keys, roster, check-ins, batches; the scan is recorded as the device', async () => {
    const event = await eventWith();
    const reg = await register(event.id, 1);
    const other = await register(event.id, 2);
    const { device, token } = await paired(event.id);
    // Act
    const reads = await Promise.all(
      [`/events/${event.id}`, `/events/${event.id}/badge-keys`, `/events/${event.id}/roster`].map((p) => stack.call('GET', p, { token })),
    );
    const scanned = await stack.call('POST', `/events/${event.id}/checkins`, {
      token,
      body: { badge: reg.badge.token, deviceId: 'spoofed' },
    });
    const uploaded = await batch(event.id, token, [
      { badge: other.badge.token, scannedAt: at(1), deviceId: 'spoofed', verdict: 'admitted' },
    ]);
    const repeat = await stack.call('POST', `/events/${event.id}/checkins`, {
      token: staff,
      body: { badge: reg.badge.token, deviceId: 'desk' },
    });
    const repeatBatch = await batch(event.id, staff, [{ badge: other.badge.token, scannedAt: at(2), deviceId: 'desk' }]);
    // Assess
    expect(reads.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(scanned.status, scanned.text).toBe(201);
    expect(uploaded.json.results[0]).toMatchObject({ status: 201, result: 'checked_in' });
    expect(repeat.json).toMatchObject({ result: 'already_checked_in', deviceId: device.id });
    expect(repeatBatch.json.results[0]).toMatchObject({
      status: 200,
      result: 'already_checked_in',
      deviceId: device.id,
      checkedInAt: uploaded.json.results[0].checkedInAt,
    });
  });

  it("another event's routes → 403; admin routes → 403; no token → the scanner routes still 401", async () => {
    const event = await eventWith();
    const elsewhere = await eventWith();
    const reg = await register(elsewhere.id, 1);
    const { token } = await paired(event.id);
    // Act
    const foreign = await Promise.all([
      stack.call('GET', `/events/${elsewhere.id}`, { token }),
      stack.call('GET', `/events/${elsewhere.id}/badge-keys`, { token }),
      stack.call('GET', `/events/${elsewhere.id}/roster`, { token }),
      stack.call('POST', `/events/${elsewhere.id}/checkins`, { token, body: { badge: reg.badge.token } }),
      stack.call('POST', `/events/${elsewhere.id}/checkins/batch`, { token, body: { scans: [{ badge: reg.badge.token }] } }),
    ]);
    const adminOnly = await Promise.all([
      stack.call('GET', `/events/${event.id}/attendance`, { token }),
      stack.call('GET', `/events/${event.id}/devices`, { token }),
      stack.call('GET', `/events/${event.id}/checkins/duplicates`, { token }),
      stack.call('POST', `/events/${event.id}/devices`, { token, body: { name: 'mine' } }),
    ]);
    // Assess
    for (const r of [...foreign, ...adminOnly]) expect([r.status, r.json.code], r.text).toEqual([403, 'forbidden']);
    expect((await stack.call('GET', `/events/${elsewhere.id}/attendance`, { token: admin })).json.checkedIn).toBe(0);
  });

  it('revocation holds at once: device_revoked on every route, the pending code is dead, no fresh code', async () => {
    const event = await eventWith();
    const reg = await register(event.id, 1);
    const { device, token } = await paired(event.id);
    expect((await stack.call('GET', `/events/${event.id}/roster`, { token })).status).toBe(200);
    const pending = await createDevice(event.id);
    // Act
    const revoked = await stack.call('DELETE', `/events/${event.id}/devices/${device.id}`, { token: admin });
    const after = await Promise.all([
      stack.call('GET', `/events/${event.id}`, { token }),
      stack.call('GET', `/events/${event.id}/roster`, { token }),
      stack.call('POST', `/events/${event.id}/checkins`, { token, body: { badge: reg.badge.token } }),
      stack.call('GET', `/events/${event.id}/attendance`, { token }),
    ]);
    const revokedPending = await stack.call('DELETE', `/events/${event.id}/devices/${pending.id}`, { token: admin });
    const again = await stack.call('DELETE', `/events/${event.id}/devices/${device.id}`, { token: admin });
    // Assess
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.json).toMatchObject({ id: device.id });
    expect(Date.parse(revoked.json.revokedAt)).toBeGreaterThan(Date.now() - 60_000);
    for (const r of after) expect([r.status, r.json.code], r.text).toEqual([401, 'device_revoked']);
    expect(revokedPending.status).toBe(200);
    expect((await pair(pending.pairing.code)).json.code).toBe('invalid_pairing_code');
    expect(again.json.revokedAt).toBe(revoked.json.revokedAt);
    expect((await stack.call('POST', `/events/${event.id}/devices/${device.id}/pairing`, { token: admin })).status).toBe(404);
    expect((await stack.call('GET', `/events/${event.id}/attendance`, { token: admin })).json.checkedIn).toBe(0);
    const listed = (await listDevices(event.id)).find((d) => d.id === device.id)!;
    expect(listed.revokedAt).toBe(revoked.json.revokedAt);
  });

  it('a token expires a day after the event ends', async () => {
    const event = await eventWith();
    const { device, token } = await paired(event.id);
    await setOn('DEVICETOKEN#', device.id, 'validUntil', new Date(Date.now() - 1000).toISOString());
    // Act
    const r = await stack.call('GET', `/events/${event.id}/roster`, { token });
    // Assess
    expect([r.status, r.json.code]).toEqual([401, 'unauthorized']);
    const fresh = await paired(event.id);
    const tokenItem = (await tableItems()).find((i) => i.pk!.S!.startsWith('DEVICETOKEN#') && i.deviceId?.S === fresh.device.id)!;
    const { endsAt } = (await stack.call('GET', `/events/${event.id}`)).json;
    expect(tokenItem.validUntil!.S).toBe(new Date(Date.parse(endsAt) + 86_400_000).toISOString());
  });

  it('scans only at its places: elsewhere → 403 place_not_allowed (the badge is still judged first)', async () => {
    const event = await eventWith();
    const reg = await register(event.id, 1, { sessions: ['bio', 'energy'] });
    const { token } = await paired(event.id, { name: 'Bio door', places: ['bio'] });
    // Act
    const venue = await stack.call('POST', `/events/${event.id}/checkins`, { token, body: { badge: reg.badge.token } });
    const energy = await stack.call('POST', `/events/${event.id}/checkins`, {
      token,
      body: { badge: reg.badge.token, sessionId: 'energy' },
    });
    const forged = await stack.call('POST', `/events/${event.id}/checkins`, { token, body: { badge: 'forged.badge.text' } });
    const uploaded = await batch(event.id, token, [
      { badge: reg.badge.token, scannedAt: at(1) },
      { badge: reg.badge.token, sessionId: 'bio', scannedAt: at(2) },
    ]);
    // Assess
    expect([venue.status, venue.json.code]).toEqual([403, 'place_not_allowed']);
    expect([energy.status, energy.json.code]).toEqual([403, 'place_not_allowed']);
    expect([forged.status, forged.json.code]).toEqual([422, 'invalid_badge']);
    expect(uploaded.json.results).toMatchObject([
      { index: 0, status: 403, code: 'place_not_allowed' },
      { index: 1, status: 201, result: 'checked_in' },
    ]);
    const attendance = (await stack.call('GET', `/events/${event.id}/attendance`, { token: admin })).json;
    expect(attendance.sessions.find((s: { id: string }) => s.id === 'bio').checkedIn).toBe(1);
    expect(attendance.sessions.find((s: { id: string }) => s.id === 'energy').checkedIn).toBe(0);
  });

  it('marks lastSeenAt at most once a minute', async () => {
    const event = await eventWith();
    const { device, token } = await paired(event.id);
    const seen = async () => (await listDevices(event.id)).find((d) => d.id === device.id)!.lastSeenAt;
    const pairedSeen = await seen();
    // Act: many uses within the minute write nothing
    for (let i = 0; i < 5; i++) expect((await stack.call('GET', `/events/${event.id}/roster`, { token })).status).toBe(200);
    const within = await seen();
    // …the first use after it moves the mark (the last one is set two minutes back)
    const longAgo = new Date(Date.now() - 120_000).toISOString();
    await setOn('DEVICETOKEN#', device.id, 'lastSeenAt', longAgo);
    await setOn('EVENT#', device.id, 'lastSeenAt', longAgo);
    const beforeUse = Date.now();
    await stack.call('GET', `/events/${event.id}/badge-keys`, { token });
    const moved = await seen();
    await stack.call('GET', `/events/${event.id}`, { token });
    const next = await seen();
    // Assess
    expect(pairedSeen).not.toBeNull();
    expect(within).toBe(pairedSeen);
    expect(Date.parse(moved!)).toBeGreaterThanOrEqual(beforeUse - 5);
    expect(next).toBe(moved);
  });
});

describe('offline duplicates', () => {
  it('two devices admitting one badge offline: flagged whichever uploads first, listed once with every admitting scan', async () => {
    const event = await eventWith({ capacity: 10 });
    const x = await register(event.id, 1);
    const y = await register(event.id, 2);
    const a = await paired(event.id, { name: 'Door A' });
    const b = await paired(event.id, { name: 'Door B' });
    const early = at(10);
    const late = at(60);
    // Act: X: the later scan (A) is uploaded first; Y: the earlier one (A) is uploaded first
    const aFirst = await batch(event.id, a.token, [
      { badge: x.badge.token, scannedAt: late, scanId: 'a-1', verdict: 'admitted' },
      { badge: y.badge.token, scannedAt: early, scanId: 'a-2', verdict: 'admitted' },
    ]);
    const bThen = await batch(event.id, b.token, [
      { badge: x.badge.token, scannedAt: early, scanId: 'b-1', verdict: 'admitted' },
      { badge: y.badge.token, scannedAt: late, scanId: 'b-2', verdict: 'admitted' },
    ]);
    const aAgain = await batch(event.id, a.token, [{ badge: x.badge.token, scannedAt: late, scanId: 'a-1', verdict: 'admitted' }]);
    const listed = await stack.call('GET', `/events/${event.id}/checkins/duplicates`, { token: admin });
    // Assess: batch answers
    expect(aFirst.json.results.map((r: { result: string; offlineDuplicate?: boolean }) => [r.result, r.offlineDuplicate ?? false])).toEqual(
      [
        ['checked_in', false],
        ['checked_in', false],
      ],
    );
    // X: B's earlier scan moves the first scan back; Y: B admitted someone A had let in earlier
    expect(bThen.json.results[0]).toMatchObject({ status: 201, result: 'checked_in' });
    expect(bThen.json.results[0].offlineDuplicate).toBeUndefined();
    expect(bThen.json.results[1]).toEqual({
      index: 1,
      status: 200,
      result: 'already_checked_in',
      checkedInAt: early,
      deviceId: a.device.id,
      offlineDuplicate: true,
    });
    expect(aAgain.json.results[0]).toEqual({
      index: 0,
      status: 200,
      result: 'already_checked_in',
      checkedInAt: early,
      deviceId: b.device.id,
      offlineDuplicate: true,
    });
    // Assess: the list, each badge once, every admitting scan earliest first (the re-upload counted once)
    expect(listed.status, listed.text).toBe(200);
    const byId = new Map(listed.json.items.map((i: { registrationId: string }) => [i.registrationId, i]));
    expect(listed.json.items).toHaveLength(2);
    expect(listed.json.nextCursor).toBeNull();
    expect(byId.get(x.id)).toMatchObject({
      name: '김민지1',
      place: 'venue',
      scans: [
        { deviceId: b.device.id, scannedAt: early },
        { deviceId: a.device.id, scannedAt: late },
      ],
    });
    expect(byId.get(y.id)).toMatchObject({
      name: 'Hannah Müller 2',
      place: 'venue',
      scans: [
        { deviceId: a.device.id, scannedAt: early },
        { deviceId: b.device.id, scannedAt: late },
      ],
    });
    for (const scan of (byId.get(x.id) as { scans: { uploadedAt: string }[] }).scans)
      expect(Date.parse(scan.uploadedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await stack.call('GET', `/events/${event.id}/attendance`, { token: admin })).json.checkedIn).toBe(2);
  });

  it('not a duplicate: one device twice, a refused verdict, an online repeat; sessions are places of their own', async () => {
    const event = await eventWith();
    const x = await register(event.id, 1, { sessions: ['bio'] });
    const y = await register(event.id, 2);
    const a = await paired(event.id, { name: 'Door A' });
    const b = await paired(event.id, { name: 'Door B' });
    // Act
    await batch(event.id, a.token, [
      { badge: x.badge.token, scannedAt: at(5), verdict: 'admitted' },
      { badge: x.badge.token, scannedAt: at(6), verdict: 'admitted' },
      { badge: y.badge.token, scannedAt: at(5), verdict: 'admitted' },
    ]);
    const refused = await batch(event.id, b.token, [
      { badge: y.badge.token, scannedAt: at(20), verdict: 'refused' },
      { badge: x.badge.token, sessionId: 'bio', scannedAt: at(30), verdict: 'admitted' },
    ]);
    const online = await stack.call('POST', `/events/${event.id}/checkins`, { token: b.token, body: { badge: y.badge.token } });
    const listed = await stack.call('GET', `/events/${event.id}/checkins/duplicates`, { token: admin });
    // Assess
    expect(refused.json.results[0]).toMatchObject({ result: 'already_checked_in', deviceId: a.device.id });
    expect(refused.json.results[0].offlineDuplicate).toBeUndefined();
    expect(refused.json.results[1]).toMatchObject({ status: 201, result: 'checked_in' });
    expect(online.json.result).toBe('already_checked_in');
    expect(listed.json).toEqual({ items: [], nextCursor: null });
  });

  it('an online admission then another device admitting offline later is listed too', async () => {
    const event = await eventWith();
    const x = await register(event.id, 1);
    const a = await paired(event.id, { name: 'Door A' });
    const b = await paired(event.id, { name: 'Door B' });
    const online = await stack.call('POST', `/events/${event.id}/checkins`, { token: a.token, body: { badge: x.badge.token } });
    // Act
    const later = at(30);
    const offline = await batch(event.id, b.token, [{ badge: x.badge.token, scannedAt: later, verdict: 'admitted' }]);
    const listed = await stack.call('GET', `/events/${event.id}/checkins/duplicates?limit=1`, { token: admin });
    // Assess
    expect(online.status).toBe(201);
    expect(offline.json.results[0]).toMatchObject({
      result: 'already_checked_in',
      deviceId: a.device.id,
      checkedInAt: online.json.checkedInAt,
      offlineDuplicate: true,
    });
    expect(listed.json.items).toEqual([
      {
        registrationId: x.id,
        name: '김민지1',
        place: 'venue',
        scans: [
          { deviceId: a.device.id, scannedAt: online.json.checkedInAt, uploadedAt: expect.any(String) },
          { deviceId: b.device.id, scannedAt: later, uploadedAt: expect.any(String) },
        ],
      },
    ]);
  });
});
