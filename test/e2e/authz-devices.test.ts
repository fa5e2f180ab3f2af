/**
 * The authorization matrix for the `device` role, generated from the route table like the JWT and
 * manage-token matrix beside it (authz-matrix.test.ts): every route × every kind of device token
 * → what `who` and API.md's Devices section imply.
 *
 *   route open to anyone, not to devices → allowed, whatever the token (none is checked)
 *   route open to devices (GET /events/{eventId} included)
 *     own device                     → allowed
 *     a device of another event      → 403 forbidden
 *   any other route                  → 403 forbidden for a device in good standing
 *   revoked device (or its token retired by pairing again) → 401 device_revoked, on every route
 *                                      that checks credentials or is open to devices
 *   expired token, unknown token     → 401 unauthorized there
 *
 * Refusals are exact problem+json and write nothing; allowed calls are "not 401/403, not 5xx".
 */
import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#local/engines';
import { routes, type Role, type Route } from '#routes';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';
import { fingerprint, fingerprintDiff, outboxItems, pairingAttempts, type Fingerprint } from '../support/table-fingerprint.ts';

type Kind = 'own' | 'otherEvent' | 'revoked' | 'replaced' | 'expired' | 'unknown';
const kinds: Kind[] = ['own', 'otherEvent', 'revoked', 'replaced', 'expired', 'unknown'];
type Expected = 'allowed' | 403 | 'device_revoked' | 'unauthorized';

let stack: TestStack;
let ddb: DynamoDBClient;
let admin: string;
let eventId: string;
let registrationId: string;
/** A device no caller is: the target of DELETE and POST …/pairing. */
let targetDevice: string;
const tokens = {} as Record<Kind, string>;
let address = 1;

function expected(route: Route, kind: Kind): Expected {
  const who = route.who as readonly Role[];
  if (who.includes('anyone') && !who.includes('device')) return 'allowed';
  if (kind === 'revoked' || kind === 'replaced') return 'device_revoked';
  if (kind === 'expired' || kind === 'unknown') return 'unauthorized';
  if (!who.includes('device')) return 403;
  return kind === 'own' ? 'allowed' : 403;
}

async function pairedToken(forEvent: string, name: string): Promise<{ id: string; token: string }> {
  const created = await stack.call('POST', `/events/${forEvent}/devices`, { token: admin, body: { name } });
  expect(created.status, created.text).toBe(201);
  const paired = await stack.call('POST', '/devices/pair', {
    body: { code: created.json.pairing.code },
    headers: { 'cloudfront-viewer-address': `192.0.2.${address++}:1` },
  });
  expect(paired.status, paired.text).toBe(201);
  return { id: created.json.id, token: paired.json.deviceToken };
}

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  // No test here reads an email or a webhook: the workers stop, so the confirmation emails
  // (a badge PDF each) don't compete for the CPU with the requests under test.
  await stack.workers.stop();
  ddb = dynamoClient(stack.dynamoEndpoint);
  admin = await stack.token('admin');
  const event = async () =>
    (await stack.call('POST', '/events', { token: admin, body: openEvent({ capacity: 10_000 }) })).json.id as string;
  eventId = await event();
  const otherEventId = await event();
  registrationId = (await stack.call('POST', `/events/${eventId}/registrations`, { body: participant(1) })).json.id;
  tokens.own = (await pairedToken(eventId, 'own')).token;
  tokens.otherEvent = (await pairedToken(otherEventId, 'other event')).token;
  const revoked = await pairedToken(eventId, 'revoked');
  expect((await stack.call('DELETE', `/events/${eventId}/devices/${revoked.id}`, { token: admin })).status).toBe(200);
  tokens.revoked = revoked.token;
  const replaced = await pairedToken(eventId, 'replaced');
  const fresh = await stack.call('POST', `/events/${eventId}/devices/${replaced.id}/pairing`, { token: admin });
  expect(
    (
      await stack.call('POST', '/devices/pair', {
        body: { code: fresh.json.pairing.code },
        headers: { 'cloudfront-viewer-address': '192.0.2.200:1' },
      })
    ).status,
  ).toBe(201);
  tokens.replaced = replaced.token;
  const expired = await pairedToken(eventId, 'expired');
  const items = await ddb.send(new ScanCommand({ TableName: stack.tables.data, ConsistentRead: true }));
  const item = items.Items!.find((i) => i.pk!.S!.startsWith('DEVICETOKEN#') && i.deviceId?.S === expired.id)!;
  await ddb.send(
    new UpdateItemCommand({
      TableName: stack.tables.data,
      Key: { pk: item.pk!, sk: item.sk! },
      UpdateExpression: 'SET validUntil = :t',
      ExpressionAttributeValues: { ':t': { S: '2020-01-01T00:00:00.000Z' } },
    }),
  );
  tokens.expired = expired.token;
  tokens.unknown = `gpd_${'A'.repeat(32)}`;
  targetDevice = (await stack.call('POST', `/events/${eventId}/devices`, { token: admin, body: { name: 'target' } })).json.id;
}, 120_000);

afterAll(async () => {
  ddb?.destroy();
  await stack?.stop();
});

const tableState = () => fingerprint(ddb, [stack.tables.data], { presenceOnly: outboxItems, ignore: pairingAttempts });
/**
 * The table as the last refused probe left it, when nothing has run since (an allowed call may
 * write, and forgets it): that probe's "after" is the next one's "before", one Scan saved.
 */
let untouchedSince: Fingerprint | undefined;

describe.each(routes as readonly Route[])('$method $path ($who)', (route) => {
  it.each(kinds.map((kind) => ({ kind, want: expected(route, kind) })))('device token: $kind → $want', async ({ kind, want }) => {
    // Prepare
    const path = route.path.replace('{eventId}', eventId).replace('{registrationId}', registrationId).replace('{deviceId}', targetDevice);
    const before = want === 'allowed' ? undefined : (untouchedSince ?? (await tableState()));
    untouchedSince = undefined;
    // Act
    const r = await stack.call(route.method, path, { token: tokens[kind], ...(route.request ? { body: {} } : {}) });
    // Assess
    const where = `${route.method} ${path} as ${kind} → ${r.status} ${r.text.slice(0, 300)}`;
    if (want === 'allowed') {
      expect([401, 403], where).not.toContain(r.status);
      expect(r.status, where).toBeLessThan(500);
      return;
    }
    const [status, code] = want === 403 ? [403, 'forbidden'] : [401, want];
    expect(r.status, where).toBe(status);
    expect(r.type, where).toMatch(/^application\/problem\+json/);
    expect(r.json, where).toMatchObject({ status, code });
    const after = await tableState();
    expect(fingerprintDiff(before!, after), where).toBe('');
    untouchedSince = after;
  });
});

describe('the device matrix itself', () => {
  it('covers every outcome, and the scanner routes are exactly those API.md lists', () => {
    const wants = new Set((routes as readonly Route[]).flatMap((route) => kinds.map((k) => String(expected(route, k)))));
    expect([...wants].sort()).toEqual(['403', 'allowed', 'device_revoked', 'unauthorized']);
    const open = (routes as readonly Route[])
      .filter((r) => (r.who as readonly Role[]).includes('device'))
      .map((r) => `${r.method} ${r.path}`);
    expect(open.sort()).toEqual(
      [
        'GET /events/{eventId}',
        'GET /events/{eventId}/badge-keys',
        'GET /events/{eventId}/roster',
        'POST /events/{eventId}/checkins',
        'POST /events/{eventId}/checkins/batch',
        // API.md, B2B meetings: a meeting table's scan (staff, device).
        'POST /events/{eventId}/meetings/{meetingId}/checkins',
        // Added with the scanner's table mode (README "B2B meetings"): a badge at a table.
        'POST /events/{eventId}/meetings/checkins',
      ].sort(),
    );
  });
});
