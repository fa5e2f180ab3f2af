/**
 * The authorization matrix: every route × every kind of caller → the status that API.md's route
 * tables give (WHO_PER_API_MD below, written from API.md, not from routes.ts, so a wrong role in
 * the route table fails here). A route in the route table without a row here fails too: add the
 * row from API.md with the route.
 *
 *   anyone                      → never 401/403, whatever credentials come along (none are checked)
 *   no credentials              → 401
 *   participant (own token)     → allowed where `who` has participant, else 401 (a manage token is
 *                                 no credential there)
 *   participant (another's)     → 403 where `who` has participant, else 401
 *   staff / admin JWT           → allowed where `who` has that role (admin counts as staff), else 403;
 *   a valid JWT without a group → 403
 *   an invalid JWT (expired, another issuer, another key, a forged kid, another client, an ID
 *   token, `alg: none`, garbage) → 401
 *
 * Refusals are exact (401 `unauthorized` / 403 `forbidden`, problem+json) and write nothing;
 * allowed calls are "not 401/403, not 5xx" (the body sent is `{}`, so most answer 422).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#local/engines';
import { issuerKey, localClientId, signToken } from '#local/issuer';
import { routes, type Role, type Route } from '#routes';
import { openEvent, participant, startTestStack, tampered, type TestStack } from '../support/stack.ts';
import { fingerprint, fingerprintDiff, outboxItems } from '../support/table-fingerprint.ts';

interface Reg {
  id: string;
  manageToken: string;
}

interface Ctx {
  a: Reg;
  b: Reg;
}

interface Sent {
  headers: Record<string, string>;
  query?: string;
}

type Kind = 'anonymous' | 'own' | 'other' | 'jwt' | 'invalid';

interface Caller {
  name: string;
  kind: Kind;
  /** The groups a valid JWT carries (`jwt` only). */
  roles?: readonly ('admin' | 'staff')[];
  credentials(ctx: Ctx): Sent;
}

let stack: TestStack;
let ddb: DynamoDBClient;
let admin: string;
let eventId: string;
let shared: Ctx;
const tokens: Record<string, string> = {};

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const bearer = (name: string) => (): Sent => ({ headers: { authorization: `Bearer ${tokens[name]}` } });

const callers: Caller[] = [
  { name: 'anonymous', kind: 'anonymous', credentials: () => ({ headers: {} }) },
  { name: 'participant (own manage token)', kind: 'own', credentials: ({ a }) => ({ headers: { 'x-manage-token': a.manageToken } }) },
  {
    name: 'participant (own token in ?token=)',
    kind: 'own',
    credentials: ({ a }) => ({ headers: {}, query: `token=${encodeURIComponent(a.manageToken)}` }),
  },
  {
    name: "another participant (B's token on A)",
    kind: 'other',
    credentials: ({ b }) => ({ headers: { 'x-manage-token': b.manageToken } }),
  },
  { name: 'staff', kind: 'jwt', roles: ['staff'], credentials: bearer('staff') },
  { name: 'admin', kind: 'jwt', roles: ['admin', 'staff'], credentials: bearer('admin') },
  { name: 'a valid JWT in no group', kind: 'jwt', roles: [], credentials: bearer('none') },
  { name: 'expired admin JWT', kind: 'invalid', credentials: bearer('expired') },
  { name: 'admin JWT from another issuer', kind: 'invalid', credentials: bearer('otherIssuer') },
  { name: 'admin JWT signed by another key', kind: 'invalid', credentials: bearer('otherKey') },
  { name: "admin JWT signed by another key under the issuer's kid", kind: 'invalid', credentials: bearer('forgedKid') },
  { name: 'admin JWT for another client', kind: 'invalid', credentials: bearer('otherClient') },
  { name: 'admin ID token (token_use: id)', kind: 'invalid', credentials: bearer('idToken') },
  { name: 'admin JWT with alg: none', kind: 'invalid', credentials: bearer('algNone') },
  { name: 'a garbage bearer', kind: 'invalid', credentials: () => ({ headers: { authorization: 'Bearer not.a.jwt' } }) },
  { name: 'Basic credentials', kind: 'invalid', credentials: () => ({ headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }) },
  {
    name: 'a tampered manage token',
    kind: 'invalid',
    credentials: ({ a }) => ({ headers: { 'x-manage-token': tampered(a.manageToken) } }),
  },
];

type Expected = 'allowed' | 401 | 403;

/** API.md, "Routes" (and the README for `POST /outbox/redrive`): who may call each method and path; `device` as API.md's Devices section opens routes to paired scanners. */
const WHO_PER_API_MD: Record<string, readonly Role[]> = {
  'GET /health': ['anyone'],
  'GET /openapi.json': ['anyone'],
  'GET /events': ['admin'],
  'POST /events': ['admin'],
  'GET /events/{eventId}': ['anyone', 'device'],
  'PATCH /events/{eventId}': ['admin'],
  'POST /events/{eventId}/registrations': ['anyone'],
  'POST /events/{eventId}/registrations/resend': ['anyone'],
  'GET /events/{eventId}/registrations': ['admin'],
  'GET /events/{eventId}/registrations/export.csv': ['admin'],
  'GET /events/{eventId}/registrations/{registrationId}': ['participant', 'staff', 'admin'],
  'PATCH /events/{eventId}/registrations/{registrationId}': ['participant', 'admin'],
  'DELETE /events/{eventId}/registrations/{registrationId}': ['participant', 'admin'],
  'GET /events/{eventId}/registrations/{registrationId}/badge': ['participant', 'staff', 'admin'],
  'GET /events/{eventId}/badge-keys': ['staff', 'admin', 'device'],
  'GET /events/{eventId}/roster': ['staff', 'admin', 'device'],
  'POST /events/{eventId}/checkins': ['staff', 'admin', 'device'],
  'POST /events/{eventId}/checkins/batch': ['staff', 'admin', 'device'],
  'GET /events/{eventId}/attendance': ['admin'],
  'POST /outbox/redrive': ['admin'],
  // API.md, Registration: manage-token rotation.
  'POST /events/{eventId}/registrations/{registrationId}/manage-token': ['participant', 'admin'],
  // API.md, Wallet passes: as the badge.
  'GET /events/{eventId}/registrations/{registrationId}/wallet/apple': ['participant', 'staff', 'admin'],
  'GET /events/{eventId}/registrations/{registrationId}/wallet/google': ['participant', 'staff', 'admin'],
  // API.md, Devices (the device role itself: authz-devices.test.ts).
  'POST /events/{eventId}/devices': ['admin'],
  'GET /events/{eventId}/devices': ['admin'],
  'DELETE /events/{eventId}/devices/{deviceId}': ['admin'],
  'POST /events/{eventId}/devices/{deviceId}/pairing': ['admin'],
  'POST /devices/pair': ['anyone'],
  'GET /events/{eventId}/checkins/duplicates': ['admin'],
  // API.md, Approval.
  'POST /events/{eventId}/registrations/{registrationId}/approve': ['admin'],
  'POST /events/{eventId}/registrations/{registrationId}/deny': ['admin'],
  // API.md, Admin console: the timeline is open to staff (not listed for devices: 403).
  'GET /events/{eventId}/attendance/timeline': ['admin', 'staff'],
  // API.md, XLSX export: admin, as the CSV (no device: a scanner never reads the export).
  'GET /events/{eventId}/registrations/export.xlsx': ['admin'],
  // README, Badge print run (issue #14): admin only, no staff and no device.
  'GET /events/{eventId}/badges.pdf': ['admin'],
  // API.md, B2B meetings (the participant of a route with no registration in its path is the token's own).
  'PUT /events/{eventId}/registrations/{registrationId}/meeting-profile': ['participant'],
  'GET /events/{eventId}/meeting-profiles': ['participant', 'staff', 'admin'],
  'POST /events/{eventId}/meetings': ['participant'],
  'POST /events/{eventId}/meetings/{meetingId}/accept': ['participant'],
  'POST /events/{eventId}/meetings/{meetingId}/decline': ['participant'],
  'POST /events/{eventId}/meetings/{meetingId}/cancel': ['participant', 'admin'],
  'POST /events/{eventId}/meetings/{meetingId}/checkins': ['staff', 'admin', 'device'],
  // Added with the scanner's table mode (API.md allows added routes): a device cannot list meetings.
  'POST /events/{eventId}/meetings/checkins': ['staff', 'admin', 'device'],
  'GET /events/{eventId}/meetings': ['admin'],
  'GET /events/{eventId}/meetings/export.csv': ['admin'],
  'GET /events/{eventId}/registrations/{registrationId}/meetings': ['participant'],
  // — webhooks — API.md, Webhooks: admin only (devices: authz-devices.test.ts, 403 on each).
  'POST /webhooks': ['admin'],
  'GET /webhooks': ['admin'],
  'PATCH /webhooks/{webhookId}': ['admin'],
  'POST /webhooks/{webhookId}/secret': ['admin'],
  'DELETE /webhooks/{webhookId}': ['admin'],
  'GET /webhooks/{webhookId}/deliveries': ['admin'],
};

function whoPerApiMd(route: Route): readonly Role[] {
  const who = WHO_PER_API_MD[`${route.method} ${route.path}`];
  if (!who) throw new Error(`${route.method} ${route.path} has no row in WHO_PER_API_MD: add it from API.md`);
  return who;
}

/** What API.md's `who` says about this caller. */
function expected(route: Route, caller: Caller): Expected {
  const who = whoPerApiMd(route);
  if (who.includes('anyone')) return 'allowed';
  switch (caller.kind) {
    case 'anonymous':
      return 401;
    case 'own':
      if (!who.includes('participant')) return 401;
      return 'allowed';
    case 'other':
      if (!who.includes('participant')) return 401;
      // Without a registration in the path (the meeting routes), any valid token is its own caller.
      return route.path.includes('{registrationId}') ? 403 : 'allowed';
    case 'jwt':
      return who.some((role) => (role === 'admin' || role === 'staff') && caller.roles!.includes(role)) ? 'allowed' : 403;
    case 'invalid':
      // A tampered manage token is no credential on a participant route either.
      return 401;
  }
}

async function register(i: number): Promise<Reg> {
  const r = await stack.call('POST', `/events/${eventId}/registrations`, {
    body: participant(i, { email: `authz-${randomUUID()}@example.com` }),
  });
  expect(r.status, r.text).toBe(201);
  return r.json as Reg;
}

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  ddb = dynamoClient(stack.dynamoEndpoint);
  admin = await stack.token('admin');
  const otherState = mkdtempSync(join(tmpdir(), 'gatepass-other-issuer-'));
  const { kid } = (await issuerKey(stack.stateDir)).publicJwk;
  const now = Math.floor(Date.now() / 1000);
  const adminClaims = {
    'cognito:groups': ['admin'],
    token_use: 'access',
    client_id: localClientId,
    iss: stack.url,
    sub: 'someone',
    iat: now,
    exp: now + 3600,
  };
  const otherPrivate = (await issuerKey(otherState)).privateJwk;
  Object.assign(tokens, {
    admin,
    staff: await stack.token('staff'),
    none: await stack.token('none'),
    expired: await stack.token('admin', { hours: -1 }),
    otherIssuer: await stack.token('admin', { issuer: 'https://cognito-idp.ap-northeast-2.amazonaws.com/other-pool' }),
    otherKey: await signToken(otherState, 'admin'),
    forgedKid: await new SignJWT(adminClaims).setProtectedHeader({ alg: 'RS256', kid }).sign(await importJWK(otherPrivate, 'RS256')),
    otherClient: await stack.token('admin', { clientId: 'another-app' }),
    idToken: await stack.token('admin', { claims: { token_use: 'id' } }),
    algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(adminClaims)}.`,
  });
  const event = await stack.call('POST', '/events', { token: admin, body: openEvent({ capacity: 10_000 }) });
  expect(event.status, event.text).toBe(201);
  eventId = event.json.id;
  shared = { a: await register(1), b: await register(2) };
}, 120_000);

afterAll(async () => {
  ddb?.destroy();
  await stack?.stop();
});

const tableState = () => fingerprint(ddb, [stack.tables.data], { presenceOnly: outboxItems });

const probes = (routes as readonly Route[]).flatMap((route) => callers.map((caller) => ({ route, caller, want: expected(route, caller) })));
const name = ({ route, caller, want }: (typeof probes)[number]) => `${route.method} ${route.path} (${route.who}): ${caller.name} → ${want}`;

async function probe(route: Route, caller: Caller, ctx: Ctx) {
  const sent = caller.credentials(ctx);
  let path = route.path.replace('{eventId}', eventId).replace('{registrationId}', ctx.a.id);
  if (sent.query) path += `?${sent.query}`;
  const r = await stack.call(route.method, path, { headers: sent.headers, ...(route.request ? { body: {} } : {}) });
  return { r, where: `${route.method} ${path} as ${caller.name} → ${r.status} ${r.text.slice(0, 300)}` };
}

// The refusals come first, one at a time, while the table holds only the event and its two
// registrations: each one's before/after fingerprint is then a scan of a few items, and any
// difference belongs to that one call.
describe('refused', () => {
  it.each(probes.filter((p) => p.want !== 'allowed').map((p) => ({ ...p, name: name(p) })))('$name', async ({ route, caller, want }) => {
    // Prepare
    const before = await tableState();
    // Act
    const { r, where } = await probe(route, caller, shared);
    // Assess
    expect(r.status, where).toBe(want);
    expect(r.type, where).toMatch(/^application\/problem\+json/);
    expect(r.json, where).toMatchObject({ status: want, code: want === 401 ? 'unauthorized' : 'forbidden' });
    expect(fingerprintDiff(before, await tableState()), where).toBe('');
  });
});

// Allowed calls assert no table state, so they run a few at a time.
describe.concurrent('allowed', () => {
  it.each(probes.filter((p) => p.want === 'allowed').map((p) => ({ ...p, name: name(p) })))('$name', async ({ route, caller }) => {
    // Prepare: a route that writes and takes no body (the `{}` stops no allowed call there: a
    // DELETE cancels A) gets registrations of its own.
    const ctx = route.table === 'readwrite' && route.request === undefined ? { a: await register(3), b: await register(4) } : shared;
    // Act
    const { r, where } = await probe(route, caller, ctx);
    // Assess
    expect([401, 403], where).not.toContain(r.status);
    expect(r.status, where).toBeLessThan(500);
  });
});

describe('the matrix itself', () => {
  it('every route of the route table has its row from API.md, and the two agree on who may call it', () => {
    for (const route of routes as readonly Route[]) {
      expect([...(route.who as readonly Role[])].sort(), `${route.method} ${route.path}`).toEqual([...whoPerApiMd(route)].sort());
    }
  });

  it('covers every route of the table and every kind of caller', () => {
    const wants = new Set((routes as readonly Route[]).flatMap((route) => callers.map((c) => expected(route, c))));
    expect([...wants].sort()).toEqual([401, 403, 'allowed']);
    // Spot checks of the rules against API.md's table.
    const byId = (id: string) => (routes as readonly Route[]).find((r) => r.id === id)!;
    const caller = (name: string) => callers.find((c) => c.name === name)!;
    expect(expected(byId('get-registration'), caller('participant (own manage token)'))).toBe('allowed');
    expect(expected(byId('get-registration'), caller("another participant (B's token on A)"))).toBe(403);
    expect(expected(byId('check-in'), caller('participant (own manage token)'))).toBe(401);
    expect(expected(byId('update-registration'), caller('staff'))).toBe(403);
    expect(expected(byId('rotate-manage-token'), caller('participant (own manage token)'))).toBe('allowed');
    expect(expected(byId('rotate-manage-token'), caller('staff'))).toBe(403);
    expect(expected(byId('list-events'), caller('staff'))).toBe(403);
    expect(expected(byId('create-registration'), caller('admin JWT with alg: none'))).toBe('allowed');
    expect(expected(byId('get-attendance'), caller('admin JWT with alg: none'))).toBe(401);
  });
});
