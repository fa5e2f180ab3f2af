/**
 * Fuzzing every route of the route table with fast-check, against one local stack, with real
 * credentials (admin and staff JWTs, real manage tokens, real cursors and badges) so that the
 * requests reach the handlers, not only the 401.
 *
 * Generated: mutations of a valid body (wrong types, missing and unknown keys, huge strings up to
 * ~80 KB, deep nesting, unicode edge cases incl. lone surrogates, `__proto__` / `constructor` /
 * `prototype` keys at any depth), random JSON, raw bytes (invalid UTF-8, BOMs, NUL, UTF-16,
 * truncated and trailing garbage), wrong content types, bad path parameters (overlong, `%2F`,
 * `%00`, unicode, broken percent-encoding), bad query strings (`limit`, `cursor`, `since`,
 * `format`, `q`, `token`, filters, repeated and prototype keys) and odd headers.
 *
 * Asserted for every request: no 5xx; every 4xx is application/problem+json with a string `code`
 * and `status` equal to the HTTP status. Requests go in batches; a batch that no request of got
 * accepted (and any batch on a route that only reads) must leave both tables exactly as they
 * were (a Scan fingerprint; outbox items count by presence, as the mailer would update them).
 *
 * Default: DEFAULT_PER_ROUTE requests per route. Longer run: GATEPASS_FUZZ_RUNS=<total requests>
 * (spread evenly over the routes), e.g. `GATEPASS_FUZZ_RUNS=10000 npx vitest run test/e2e/fuzz.test.ts`;
 * GATEPASS_FUZZ_SEED=<n> replays a run.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#local/engines';
import { routes, type Route } from '#routes';
import { rawClient, type RawClient, type RawResponse } from '../support/raw-http.ts';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';
import { fingerprint, fingerprintDiff, outboxItems, pairingAttempts, type Fingerprint } from '../support/table-fingerprint.ts';

const DEFAULT_PER_ROUTE = 200;
const BATCH = 10;
const requestedTotal = Number(process.env.GATEPASS_FUZZ_RUNS);
const total = Number.isFinite(requestedTotal) && requestedTotal > 0 ? requestedTotal : DEFAULT_PER_ROUTE * routes.length;
const runsPerRoute = Math.max(1, Math.ceil(total / routes.length / BATCH));
const seed = process.env.GATEPASS_FUZZ_SEED ? Number(process.env.GATEPASS_FUZZ_SEED) : undefined;

// ---------------------------------------------------------------------------------------------
// The world the fuzz runs in: one stack, a dedicated event, real credentials.

interface Reg {
  id: string;
  email: string;
  manageToken: string;
  badge: { token: string } | null;
}

interface World {
  stack: TestStack;
  client: RawClient;
  ddb: DynamoDBClient;
  admin: string;
  staff: string;
  /** Valid JWTs that should be refused: no group, expired, another issuer. */
  otherTokens: string[];
  eventId: string;
  /** PATCH /events works on its own event, so accepted patches leave the fuzz event alone. */
  patchEventId: string;
  /**
   * The badge print run renders one A6 page per confirmed registration of its event, a request:
   * its own event of three names and organizations a badge finds hard and those of a fixed
   * sample of the fuzz's strings that registration accepts, keeps each accepted request a render
   * of a few pages (the fuzz event's registrations grow with the fuzz).
   */
  printEventId: string;
  /** A: read, badge, check-in; U: PATCH target; C: DELETE target; R: manage-link rotation target; B: someone else. */
  regs: { a: Reg; u: Reg; c: Reg; r: Reg; b: Reg };
  /** Real cursors and sync tokens of several lists (each valid somewhere, mostly elsewhere). */
  cursors: string[];
  /** A paired scanner of the fuzz event (never revoked), and the device the device routes change. */
  deviceToken: string;
  deviceId: string;
  /** The device that new-device-pairing fuzzes (revoke-device revokes the other one). */
  repairedId: string;
  /** Pairing codes: one still pending, and one already used. */
  codes: string[];
}

let w: World;
let baseline: Fingerprint;
let dirty = false;
const stats = new Map<string, { requests: number; statuses: Map<number, number>; ms: number }>();

async function register(stack: TestStack, eventId: string, i: number, extra: Record<string, unknown>): Promise<Reg> {
  const r = await stack.call('POST', `/events/${eventId}/registrations`, { body: participant(i, extra) });
  expect(r.status, r.text).toBe(201);
  return r.json as Reg;
}

beforeAll(async () => {
  const stack = await startTestStack({ sweepSeconds: 3600 });
  const admin = await stack.token('admin');
  const staff = await stack.token('staff');
  const otherTokens = [
    await stack.token('none'),
    await stack.token('admin', { hours: -1 }),
    await stack.token('admin', { issuer: 'https://issuer.example/other' }),
  ];
  const created = async () => {
    const r = await stack.call('POST', '/events', { token: admin, body: openEvent() });
    expect(r.status, r.text).toBe(201);
    return (r.json as { id: string }).id;
  };
  const eventId = await created();
  const patchEventId = await created();
  const printEventId = await created();
  for (const [i, extra] of [
    { name: '김민지 e\u0301 👩👧 (주)', organization: 'مرحبا (주)광주바이오', sessions: ['bio'] },
    { name: 'W'.repeat(200), organization: '＠'.repeat(200), jobTitle: '\uFFFD'.repeat(200) },
    { name: 'Ωμέγα 漢字 ﷽ 𝔘𝔫𝔦', organization: '' },
  ].entries())
    await register(stack, printEventId, 700 + i, extra);
  // And names and organisations drawn from the fuzz's own strings (a fixed seed), as registration
  // accepts them: what the fuzz would register, rendered on badges.
  let drawnAccepted = 0;
  for (const [i, [name, organization]] of fc.sample(fc.tuple(smallString, smallString), { numRuns: 12, seed: 1914 }).entries()) {
    const r = await stack.call('POST', `/events/${printEventId}/registrations`, { body: participant(720 + i, { name, organization }) });
    if (r.status === 201) drawnAccepted++;
    else expect(r.status, r.text).toBe(422);
  }
  expect(drawnAccepted, 'some drawn names are accepted, so the print run renders them').toBeGreaterThan(0);
  const regs = {
    a: await register(stack, eventId, 1, { email: 'fuzz-a@example.com', sessions: ['bio'] }),
    u: await register(stack, eventId, 2, { email: 'fuzz-u@example.com', sessions: ['bio'] }),
    c: await register(stack, eventId, 3, { email: 'fuzz-c@example.com', sessions: ['energy'] }),
    r: await register(stack, eventId, 5, { email: 'fuzz-r@example.com' }),
    b: await register(stack, eventId, 4, { email: 'fuzz-b@example.com' }),
  };
  const cursors: string[] = [];
  const keep = (json: any) => {
    for (const k of ['nextCursor', 'syncToken']) if (typeof json?.[k] === 'string') cursors.push(json[k]);
  };
  keep((await stack.call('GET', '/events?limit=1', { token: admin })).json);
  keep((await stack.call('GET', `/events/${eventId}/registrations?limit=1`, { token: admin })).json);
  keep((await stack.call('GET', `/events/${eventId}/registrations?limit=1&status=confirmed`, { token: admin })).json);
  keep((await stack.call('GET', `/events/${eventId}/roster?limit=1`, { token: staff })).json);
  keep((await stack.call('GET', `/events/${patchEventId}/roster?limit=1`, { token: staff })).json);
  const device = async (name: string) =>
    (await stack.call('POST', `/events/${eventId}/devices`, { token: admin, body: { name, places: ['venue', 'bio'] } })).json;
  const scanner = await device('fuzz scanner');
  const deviceToken = (await stack.call('POST', '/devices/pair', { body: { code: scanner.pairing.code } })).json.deviceToken as string;
  expect(deviceToken).toMatch(/^gpd_/);
  const target = await device('fuzz target');
  const repaired = await device('fuzz re-paired');
  keep((await stack.call('GET', `/events/${eventId}/devices?limit=1`, { token: admin })).json);
  expect(cursors.length).toBeGreaterThanOrEqual(6);
  w = {
    stack,
    client: rawClient(stack.url),
    ddb: dynamoClient(stack.dynamoEndpoint),
    admin,
    staff,
    otherTokens,
    eventId,
    patchEventId,
    printEventId,
    regs,
    cursors,
    deviceToken,
    deviceId: target.id,
    repairedId: repaired.id,
    codes: [target.pairing.code, scanner.pairing.code],
  };
  // The setup's emails sent, the workers stop: no assertion here reads an email, and the mailer's
  // badge PDFs for every accepted registration or manage link would compete with the fuzz. The
  // table then changes only by the requests themselves.
  await stack.workers.drain();
  await stack.workers.stop();
  baseline = await tableState();
}, 120_000);

afterAll(async () => {
  w?.client.close();
  w?.ddb.destroy();
  await w?.stack.stop();
  if (stats.size) {
    let sum = 0;
    const lines = [...stats].map(([id, s]) => {
      sum += s.requests;
      const codes = [...s.statuses]
        .sort(([a], [b]) => a - b)
        .map(([code, n]) => `${code}×${n}`)
        .join(' ');
      return `  ${id.padEnd(22)} ${String(s.requests).padStart(6)} requests ${String(Math.round(s.ms / 100) / 10).padStart(6)} s   ${codes}`;
    });
    console.log(`fuzz: ${sum} requests over ${stats.size} routes\n${lines.join('\n')}`);
  }
});

/** The data table; outbox items by presence only (the mailer marks them sent in the background). */
const tableState = () =>
  fingerprint(w.ddb, [w.stack.tables.data], { presenceOnly: outboxItems, ignore: pairingAttempts, ignoreAttributes: ['lastSeenAt'] });

// ---------------------------------------------------------------------------------------------
// Generators.

/** Percent-encodes every byte outside the unreserved set (lone surrogates become U+FFFD). */
function pct(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const protoKeys = ['__proto__', 'constructor', 'prototype'];
const char16 = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
const edgeStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uFEFF',
  '\uFEFFx',
  '\uD800',
  '\uDFFF',
  'a\uD83D',
  '\uDE00b',
  '\u202Eevil',
  'e\u0301',
  '\u1112\u1161\u11AB\u1100\u116E\u11A8',
  '김민지',
  '👩‍👩‍👧‍👦',
  '\uFFFF',
  '\uFFFE',
  '\u2028\u2029',
  '＠',
  'İ'.repeat(200),
  'ß'.repeat(201),
  '\uFDFA'.repeat(200),
  '\u200B',
  ' \t\n\r ',
  '<script>alert(1)</script>',
  '=cmd|" /C calc"!A0',
  '${jndi:ldap://x}',
  '%00',
  '../../etc/passwd',
  'null',
  'undefined',
  ...protoKeys,
  'toString',
  'hasOwnProperty',
  'valueOf',
  '0',
  '-1',
  '1e309',
  'NaN',
  'true',
  `${'z'.repeat(250)}@x.io`,
  'bio',
  'energy',
  'global',
  'https://example.com',
  'javascript:alert(1)',
  'KR',
  '+82 62 123 4567',
];
const smallString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...edgeStrings) },
  { weight: 2, arbitrary: fc.string({ unit: char16, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);
const hugeString = fc
  .tuple(fc.integer({ min: 200, max: 80_000 }), fc.constantFrom('x', '가', '😀', '\u0000', 'e\u0301', '\uD800'))
  .map(([n, c]) => c.repeat(Math.max(1, Math.floor(n / c.length))));
const dateLike = fc.oneof(
  fc.integer({ min: -2e12, max: 2e12 }).map((ms) => new Date(Date.now() + ms).toISOString()),
  fc
    .tuple(
      fc.constantFrom('0000', '1970', '2023', '2024', '9999', '275760', '20231'),
      fc.constantFrom('00', '01', '02', '09', '12', '13'),
      fc.constantFrom('00', '01', '28', '29', '30', '31', '32'),
      fc.constantFrom('00', '09', '23', '24'),
      fc.constantFrom('00', '59', '60'),
      fc.constantFrom('00', '59', '60'),
      fc.constantFrom('', '.1', '.123', '.123456789012', `.${'9'.repeat(40)}`),
      fc.constantFrom('Z', 'z', '+09:00', '-23:59', '+24:00', '+0900', '+14:00', '', '+09'),
    )
    .map(([y, mo, d, h, mi, s, f, o]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${f}${o}`),
);
const emailLike = fc.oneof(
  fc.emailAddress(),
  fc.constantFrom(
    'a@b',
    'FUZZ-A@EXAMPLE.COM',
    ' fuzz-a@example.com ',
    'fuzz-a@example.com',
    'fuzz-b@example.com',
    `${'x'.repeat(250)}@a.io`,
    'ü@ex.com',
    'a@b.c\u0000',
    '"a b"@example.com',
    'a@[127.0.0.1]',
  ),
);
const anyString = fc.oneof(
  { weight: 6, arbitrary: smallString },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: dateLike },
  { weight: 1, arbitrary: emailLike },
);

/** Nested arrays or objects, `depth` deep. */
const nested = (depth: number, asArray: boolean, leaf: unknown = 1): unknown => {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
};
const deepValue = fc.tuple(fc.integer({ min: 2, max: 300 }), fc.boolean()).map(([d, a]) => nested(d, a));

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: anyString },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -0,
      1,
      -1,
      1.5,
      1e308,
      -1e308,
      2 ** 53,
      2 ** 53 + 2,
      Number.MIN_VALUE,
      1_000_001,
      500,
      501,
      [],
      {},
      [null],
      { '': '' },
    ),
  },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deepValue },
  { weight: 1, arbitrary: fc.array(anyString, { maxLength: 6 }) },
);
const anyKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...protoKeys) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'extra',
      '',
      ' ',
      'email ',
      'EMAIL',
      'a.b',
      '$where',
      'toString',
      'badge',
      'registrationId',
      'sessions',
      'answers',
      '\u0000',
      '\uD800',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: char16, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((n) => 'k'.repeat(n)) },
);

type Path = (string | number)[];
interface Mutation {
  at: number;
  op: 'replace' | 'delete' | 'add' | 'wrap';
  key: string;
  value: unknown;
}
const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('replace', 'replace', 'delete', 'add', 'wrap'),
  key: anyKey,
  value: anyValue,
});

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';
/** An own, enumerable property even for `__proto__`, so JSON.stringify writes it. */
const setOwn = (o: object, k: string | number, value: unknown) =>
  Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });

function allPaths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (isObject(v)) for (const [k, c] of Object.entries(v)) allPaths(c, [...at, Array.isArray(v) ? Number(k) : k], out);
  return out;
}
const at = (root: unknown, path: Path): unknown => path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root);

/** A fresh copy: fast-check hands out the same constant objects again and again. */
const clone = (v: unknown): unknown => JSON.parse(JSON.stringify(v) ?? 'null');

function mutate(template: unknown, mutations: readonly Mutation[]): unknown {
  let root: unknown = clone(template);
  for (const original of mutations) {
    const m = { ...original, value: clone(original.value) };
    const paths = allPaths(root);
    const path = paths[m.at % paths.length]!;
    const target = at(root, path);
    if (m.op === 'add' && isObject(target)) {
      if (Array.isArray(target)) target.push(m.value);
      else setOwn(target, m.key, m.value);
      continue;
    }
    if (path.length === 0) {
      if (m.op === 'replace') root = m.value;
      if (m.op === 'wrap') root = [root];
      continue;
    }
    const parent = at(root, path.slice(0, -1)) as Record<string | number, unknown>;
    const last = path.at(-1)!;
    if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (m.op === 'wrap') setOwn(parent, last, Array.isArray(m.value) ? [target] : { [m.key || 'value']: target });
    else setOwn(parent, last, m.value);
  }
  return root;
}

/** JSON text with a marker string replaced by raw bytes. */
function withRaw(template: unknown, raw: Buffer): Buffer {
  const MARK = 'FUZZ_MARK_7f3a';
  const paths = allPaths(template).filter((p) => typeof at(template, p) === 'string');
  let text: string;
  if (paths.length) {
    const copy = JSON.parse(JSON.stringify(template));
    const p = paths[raw.length % paths.length]!;
    setOwn(at(copy, p.slice(0, -1)) as object, p.at(-1)!, MARK);
    text = JSON.stringify(copy);
  } else text = JSON.stringify({ value: MARK });
  const [before, after] = text.split(MARK) as [string, string];
  return Buffer.concat([Buffer.from(before), raw, Buffer.from(after)]);
}

function rawBodies(template: unknown): fc.Arbitrary<Buffer> {
  const json = Buffer.from(JSON.stringify(template));
  return fc.oneof(
    fc.constant(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json])),
    fc.constant(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(template), 'utf16le')])),
    fc.constant(Buffer.from(JSON.stringify(template), 'utf16le')),
    fc
      .constantFrom(
        [0xff],
        [0xfe],
        [0xc3, 0x28],
        [0xed, 0xa0, 0x80],
        [0xf4, 0x90, 0x80, 0x80],
        [0xc0, 0xaf],
        [0xe2, 0x82],
        [0x00],
        [0x0a],
        [0x1b],
        [0x22],
        [0x5c],
      )
      .map((bytes) => withRaw(template, Buffer.from(bytes))),
    fc
      .constantFrom(
        '1e999',
        '-0',
        '1.0',
        '100.0',
        '0.1e3',
        '1e-400',
        '123456789012345678901234567890',
        '-',
        'NaN',
        'Infinity',
        'undefined',
        'tru',
        '"\\ud800"',
        '"\\u0000"',
        '"\\uDFFF\\uD800"',
      )
      .map((raw) => withRaw(template, Buffer.from(`"${raw}"`).subarray(1, -1))),
    fc.nat({ max: json.length }).map((n) => json.subarray(0, n)),
    fc.constantFrom('x', '\u0000', ' ', '}', ']', ',', `${json}`, '\n//comment').map((tail) => Buffer.concat([json, Buffer.from(tail)])),
    fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
    fc
      .constantFrom(
        '',
        ' ',
        'null',
        '""',
        '[]',
        '{}',
        '0',
        'true',
        '{"a":1,"a":2}',
        "{'a':1}",
        '{a:1}',
        '{"__proto__":{"admin":true}}',
        '{"constructor":{"prototype":{"x":1}}}',
      )
      .map((text) => Buffer.from(text)),
    fc
      .tuple(fc.integer({ min: 33, max: 30_000 }), fc.boolean())
      .map(([d, arrays]) =>
        Buffer.from(
          arrays ? `${'['.repeat(d)}${']'.repeat(d)}` : `${'{"a":'.repeat(Math.min(d, 12_000))}1${'}'.repeat(Math.min(d, 12_000))}`,
        ),
      ),
  );
}

/** A prototype key at a random object anywhere in the body, with any value. */
const protoInserted = (template: unknown) =>
  fc.tuple(fc.nat(), fc.constantFrom(...protoKeys), anyValue).map(([n, key, original]) => {
    const copy = clone(template);
    const value = clone(original);
    const objects = allPaths(copy).filter((p) => isObject(at(copy, p)));
    const target = objects.length ? at(copy, objects[n % objects.length]!) : undefined;
    if (isObject(target) && !Array.isArray(target)) setOwn(target, key, value);
    else if (Array.isArray(target)) target.push(JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}}`));
    return Buffer.from(JSON.stringify(copy));
  });

const jsonContentType = 'application/json';
const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant<string | undefined>(jsonContentType) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<string | undefined>(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/json;charset=latin1',
      'application/json; charset=utf-16',
      ' application/json',
      'application/problem+json',
      'application/merge-patch+json',
      'text/plain',
      'text/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      'application/jsonx',
      '',
      'application/json, text/plain',
      'application/json;;;',
      '*/*',
      undefined,
    ),
  },
);

interface Body {
  bytes: Buffer;
  type: string | undefined;
}

function bodyArb(template: (n: number) => unknown, extras: fc.Arbitrary<Buffer>[] = []): fc.Arbitrary<Body> {
  const templated = <T>(f: (t: unknown) => fc.Arbitrary<T>) => fc.nat({ max: 40 }).chain((n) => f(template(n)));
  const bytes = fc.oneof(
    {
      weight: 10,
      arbitrary: templated((t) => fc.array(mutation, { maxLength: 3 }).map((ms) => Buffer.from(JSON.stringify(mutate(t, ms)) ?? 'null'))),
    },
    { weight: 2, arbitrary: templated(protoInserted) },
    { weight: 3, arbitrary: templated(rawBodies) },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
    ...extras.map((arbitrary) => ({ weight: 1, arbitrary })),
  );
  return fc.record({ bytes, type: contentType });
}

// Path parameters, query strings, headers.

const badSegment = fc.oneof(
  fc.constantFrom(
    '',
    '%00',
    '%2F',
    'a%2Fb',
    '..',
    '%2e%2e',
    '.',
    '%',
    '%zz',
    '%E0%A4%A',
    '%ED%A0%80',
    '%FF',
    '%C0%AF',
    '%20',
    '+',
    '~',
    ...protoKeys,
    'toString',
    'export.csv',
    'resend',
    'badge',
    'batch',
  ),
  fc.string({ unit: char16, maxLength: 30 }).map(pct),
  fc.string({ unit: 'grapheme', maxLength: 30 }).map(pct),
  // Overlong, within Node's 16 KiB for the request line and headers (431 is the HTTP server's, not Gatepass's).
  fc.integer({ min: 13, max: 2500 }).map((n) => 'A'.repeat(n)),
  fc.stringMatching(/^[A-Za-z0-9_-]{12}$/),
  fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
);
const param = (real: string, ...others: string[]) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant(real) },
    { weight: 2, arbitrary: fc.constantFrom(...others) },
    { weight: 4, arbitrary: badSegment },
  );

function queryArb(): fc.Arbitrary<string> {
  const tampered = fc
    .tuple(fc.constantFrom(...w.cursors), fc.nat(), fc.constantFrom('A', 'b', '-', '_', '.', '=', '%', '가'))
    .map(([c, i, ch]) => {
      const k = i % c.length;
      return c.slice(0, k) + ch + c.slice(k + 1);
    });
  const swapped = fc
    .tuple(fc.constantFrom(...w.cursors), fc.constantFrom(...w.cursors))
    .map(([a, b]) => `${a.split('.')[0]}.${b.split('.')[1]}`);
  const cursor = fc.oneof(
    fc.constantFrom(...w.cursors),
    tampered,
    swapped,
    smallString,
    fc.base64String({ maxLength: 200 }),
    fc.constantFrom(
      '.',
      'a.b',
      `${'A'.repeat(2001)}.${'A'.repeat(22)}`,
      `${Buffer.from('{"at":1}').toString('base64url')}.${'A'.repeat(22)}`,
    ),
  );
  const { a, b } = w.regs;
  const pair = fc.oneof(
    fc.tuple(
      fc.constant('limit'),
      fc.oneof(
        fc.constantFrom(
          '0',
          '1',
          '2',
          '50',
          '100',
          '101',
          '-1',
          '1.5',
          '1e2',
          'abc',
          '',
          ' 5',
          '0x10',
          '٣',
          '9'.repeat(400),
          'NaN',
          'Infinity',
          '00001',
        ),
        fc.integer().map(String),
        smallString,
      ),
    ),
    fc.tuple(fc.constant('cursor'), cursor),
    fc.tuple(fc.constant('since'), cursor),
    fc.tuple(
      fc.constant('format'),
      fc.oneof(
        fc.constantFrom(
          'svg',
          'png',
          'pdf',
          'SVG',
          'gif',
          '',
          'svg\u0000',
          ...protoKeys,
          'toString',
          'valueOf',
          'hasOwnProperty',
          '__defineGetter__',
        ),
        smallString,
      ),
    ),
    fc.tuple(
      fc.constant('q'),
      fc.oneof(
        fc.constantFrom('fuzz', 'FUZZ-A@', '김', '김민지', 'ᄀ', ' ', '%', '_', '*', '\u0000', '"', "'", 'a'.repeat(200), 'a'.repeat(201)),
        smallString,
      ),
    ),
    fc.tuple(fc.constant('status'), fc.oneof(fc.constantFrom('confirmed', 'waitlisted', 'cancelled', 'CONFIRMED', ''), smallString)),
    fc.tuple(fc.constant('sessionId'), fc.oneof(fc.constantFrom('bio', 'energy', 'nope', '', 'a'.repeat(41)), smallString)),
    fc.tuple(fc.constant('checkedIn'), fc.constantFrom('true', 'false', 'TRUE', '1', '', 'yes')),
    fc.tuple(fc.constant('token'), fc.constantFrom(a.manageToken, b.manageToken, '', 'x', `${a.manageToken}x`, a.manageToken.slice(0, -1))),
    fc.tuple(
      anyKey.filter((k) => k.length < 200),
      smallString,
    ),
  );
  return fc.oneof(
    { weight: 8, arbitrary: fc.array(pair, { maxLength: 4 }).map((pairs) => pairs.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&')) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '%',
        '%zz',
        '&&&',
        '=',
        '==',
        'limit',
        'limit=',
        'limit=1&limit=2',
        'cursor=%E0%A4%A',
        'q=%ED%A0%80',
        'format=svg&format=png',
        `q=${'%41'.repeat(1500)}`,
        '#frag',
        'a[b]=c',
        '__proto__[x]=1',
        'constructor=1',
        'token=',
        'q=%C0%80',
        'limit=%00',
      ),
    },
  );
}

interface Credential {
  headers: Record<string, string>;
  token?: string;
}

/** Mostly credentials the route accepts (so the fuzz reaches its logic), sometimes broken ones. */
function credentialArb(route: Route, reg: Reg): fc.Arbitrary<Credential> {
  const who = route.who as readonly string[];
  const options: { weight: number; arbitrary: fc.Arbitrary<Credential> }[] = [];
  const bearer = (t: string): Credential => ({ headers: { authorization: `Bearer ${t}` } });
  if (who.includes('anyone')) options.push({ weight: 12, arbitrary: fc.constant({ headers: {} }) });
  if (who.includes('admin')) options.push({ weight: 8, arbitrary: fc.constant(bearer(w.admin)) });
  if (who.includes('staff')) options.push({ weight: 4, arbitrary: fc.constant(bearer(w.staff)) });
  if (who.includes('device')) options.push({ weight: 6, arbitrary: fc.constant(bearer(w.deviceToken)) });
  if (who.includes('participant')) {
    options.push({ weight: 6, arbitrary: fc.constant({ headers: { 'x-manage-token': reg.manageToken } }) });
    options.push({ weight: 2, arbitrary: fc.constant({ headers: {}, token: reg.manageToken }) });
  }
  options.push({
    weight: 2,
    arbitrary: fc.oneof(
      fc.constant<Credential>({ headers: {} }),
      fc.constantFrom(...w.otherTokens).map(bearer),
      fc
        .constantFrom(
          'Bearer',
          'Bearer ',
          `Bearer gpd_${'A'.repeat(32)}`,
          `Bearer ${w.deviceToken}x`,
          `Bearer ${w.deviceToken}`,
          'Basic dXNlcjpwYXNz',
          'bearer x.y.z',
          `Bearer ${'a'.repeat(2000)}`,
          'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
          `Bearer ${w.admin} ${w.admin}`,
        )
        .map((a): Credential => ({ headers: { authorization: a } })),
      fc
        .constantFrom('', 'x', 'a.b.c', w.regs.b.manageToken, 'A'.repeat(2000), `${reg.manageToken}=`)
        .map((t): Credential => ({ headers: { 'x-manage-token': t } })),
    ),
  });
  return fc.oneof(...options);
}

const acceptLanguage = fc.constantFrom(
  undefined,
  'ko',
  'en',
  'ko-KR,ko;q=0.9,en;q=0.8',
  '*',
  '',
  'xx;q=abc',
  'ko;q=2',
  'en;q=-1',
  'a,'.repeat(1000),
  'ko;q=0, en;q=0',
);
const idempotencyKey = fc.oneof(
  { weight: 4, arbitrary: fc.constant<string | undefined>(undefined) },
  { weight: 2, arbitrary: fc.constantFrom('k1', 'k2', 'k3') },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'k'.repeat(255), 'k'.repeat(256), 'ü', '__proto__', 'a#b') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')) },
);

/** A valid body for each request schema of the route table (an unknown one gets `{}`). */
function templates(route: Route): (n: number) => unknown {
  const { a, u } = w.regs;
  const byName: Record<string, (n: number) => unknown> = {
    EventInput: () => openEvent(),
    EventPatch: (n) =>
      [
        { capacity: 150 + n },
        { venue: 'Kim Dae-jung Convention Center' },
        { registration: { waitlist: n % 2 === 0 } },
        { name: { ko: '수정', en: 'Changed' }, sessions: openEvent().sessions },
      ][n % 4],
    RegistrationInput: (n) =>
      participant(n, {
        email: `fuzz${n}@example.com`,
        jobTitle: 'CTO',
        sessions: n % 3 ? ['bio'] : ['bio', 'energy'],
        answers: { companyType: 'global', website: 'https://example.com' },
      }),
    RegistrationPatch: (n) => ({
      name: n % 2 ? '김민지' : 'Hannah Müller',
      organization: 'Org',
      jobTitle: 'CTO',
      locale: 'ko',
      sessions: n % 2 ? ['energy'] : ['bio'],
      answers: { companyType: 'domestic' },
    }),
    ResendInput: (n) => ({ email: n % 3 ? `nobody${n}@example.com` : a.email }),
    CheckinInput: (n) =>
      n % 3
        ? {
            badge: a.badge!.token,
            sessionId: 'bio',
            scannedAt: new Date(Date.now() - n * 1000).toISOString(),
            deviceId: 'door-1',
            scanId: `s${n}`,
          }
        : { registrationId: u.id, deviceId: 'desk' },
    CheckinBatchInput: (n) => ({
      scans: [
        {
          badge: a.badge!.token,
          scannedAt: new Date(Date.now() - n * 60_000).toISOString(),
          deviceId: 'offline',
          verdict: n % 2 ? 'admitted' : 'refused',
        },
        { registrationId: u.id },
        { badge: 'garbage' },
      ],
    }),
    DeviceInput: (n) => (n % 2 ? { name: `Door ${n}` } : { name: '정문', places: ['venue', 'energy'] }),
    PairingInput: (n) => ({ code: [...w.codes, 'ABCD-EFGH-JKLM-NPQR', 'abcd efgh jkmn pqrs'][n % 4] }),
  };
  return (route.request && byName[route.request]) || (() => ({}));
}

/** Bodies a generator would rarely reach: the batch limits, a body just over 64 KiB. */
function extraBodies(route: Route): fc.Arbitrary<Buffer>[] {
  const extras = [fc.constant(Buffer.from(JSON.stringify({ pad: 'x'.repeat(64 * 1024) })))];
  if (route.request === 'CheckinBatchInput') {
    extras.push(
      fc
        .constantFrom(500, 501)
        .map((n) =>
          Buffer.from(
            JSON.stringify({ scans: Array.from({ length: n }, (_, i) => (i % 2 ? { badge: `bad${i}` } : { registrationId: `r${i}` })) }),
          ),
        ),
      fc.constant(
        Buffer.from(`{"scans":[${Array.from({ length: 40 }, () => '{"__proto__":null,"constructor":{"prototype":1}}').join(',')}]}`),
      ),
    );
  }
  return extras;
}

interface Spec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

function requestArb(route: Route): fc.Arbitrary<Spec> {
  const { regs, eventId, patchEventId, printEventId } = w;
  // Rotating A's manage link would lock the other routes' requests out of A: R has its own.
  const reg =
    route.id === 'update-registration'
      ? regs.u
      : route.id === 'cancel-registration'
        ? regs.c
        : route.id === 'rotate-manage-token'
          ? regs.r
          : regs.a;
  const event = route.id === 'update-event' ? patchEventId : route.id === 'print-badges' ? printEventId : eventId;
  const params = fc.record({
    eventId: route.id === 'print-badges' ? param(printEventId, patchEventId) : param(event, patchEventId, eventId),
    // Only C may be cancelled and only U changed: A's badge and seat stay for the other routes.
    registrationId: route.table === 'readwrite' ? param(reg.id, regs.b.id) : param(reg.id, regs.b.id, regs.u.id),
    deviceId: param(route.id === 'new-device-pairing' ? w.repairedId : w.deviceId, '0000000000AAAAAAAAAAA'),
  });
  const takesBody = route.request !== undefined;
  const body = takesBody
    ? bodyArb(templates(route), extraBodies(route))
    : fc.oneof({ weight: 6, arbitrary: fc.constant<Body | undefined>(undefined) }, { weight: 1, arbitrary: bodyArb(() => ({})) });
  // Sometimes another method (never DELETE: the registrations the other routes use must stay).
  const method = fc.oneof(
    { weight: 30, arbitrary: fc.constant<string>(route.method) },
    { weight: 1, arbitrary: fc.constantFrom('PUT', 'GET', 'POST', 'PATCH') },
  );
  return fc
    .record({
      method,
      params,
      query: queryArb(),
      cred: credentialArb(route, reg),
      lang: acceptLanguage,
      key: route.idempotent ? idempotencyKey : fc.constant(undefined),
      body,
    })
    .map(({ method, params, query, cred, lang, key, body }) => {
      let path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name as keyof typeof params] ?? 'x');
      const q = [query, cred.token !== undefined ? `token=${pct(cred.token)}` : ''].filter(Boolean).join('&');
      if (q) path += `?${q}`;
      const headers: Record<string, string> = { ...cred.headers };
      if (lang !== undefined) headers['accept-language'] = lang;
      if (key !== undefined) headers['idempotency-key'] = key;
      if (body?.type !== undefined) headers['content-type'] = body.type;
      const spec: Spec = { method, path, headers, ...(body ? { body: body.bytes } : {}) };
      // fast-check prints a counterexample with this, not as a byte array.
      return Object.assign(spec, { [fc.toStringMethod]: () => show(spec) });
    });
}

// ---------------------------------------------------------------------------------------------
// Running and judging.

const show = (s: Spec, r?: RawResponse) => {
  const body = s.body === undefined ? '' : ` body(${s.body.length} B)=${JSON.stringify(s.body.subarray(0, 300).toString('latin1'))}`;
  const headers = JSON.stringify(s.headers, (_k, v: unknown) =>
    typeof v === 'string' && v.length > 120 ? `${v.slice(0, 60)}…(${v.length})` : v,
  );
  const answer = r ? ` → ${r.status} ${r.type} ${r.text.slice(0, 300)}` : '';
  return `${s.method} ${s.path.length > 300 ? `${s.path.slice(0, 300)}…(${s.path.length})` : s.path} ${headers}${body}${answer}`;
};

/** A 2xx, except a batch whose every item was refused. */
function accepted(r: RawResponse): boolean {
  if (r.status >= 400) return false;
  const results = (r.json as { results?: { status: number }[] } | undefined)?.results;
  if (Array.isArray(results) && results.length > 0 && results.every((x) => x.status >= 400)) return false;
  return true;
}

function assertContract(s: Spec, r: RawResponse): void {
  const where = show(s, r);
  expect(r.status, where).toBeLessThan(500);
  if (r.status >= 400) {
    expect(r.type, where).toMatch(/^application\/problem\+json/);
    expect(r.json, where).toMatchObject({ status: r.status, code: expect.any(String) });
  }
  // A batch answers 200 and each item's own status: those are judged by the same rules.
  const results = (r.json as { results?: { status: number; code?: unknown }[] } | undefined)?.results;
  if (r.status < 300 && Array.isArray(results)) {
    for (const item of results) {
      expect(item.status, where).toBeLessThan(500);
      if (item.status >= 400) expect(typeof item.code, where).toBe('string');
    }
  }
}

async function runBatch(route: Route, specs: Spec[]): Promise<void> {
  // The previous batch stopped half-way (a failed assertion): start from the table as it is.
  if (dirty) baseline = await tableState();
  dirty = true;
  const s = stats.get(route.id) ?? { requests: 0, statuses: new Map(), ms: 0 };
  stats.set(route.id, s);
  const started = Date.now();
  let wrote = false;
  for (const spec of specs) {
    const r = await w.client.send(spec);
    s.requests++;
    s.statuses.set(r.status, (s.statuses.get(r.status) ?? 0) + 1);
    assertContract(spec, r);
    // Another method may have reached another route, one that writes.
    if (accepted(r) && (route.table === 'readwrite' || spec.method !== route.method)) wrote = true;
  }
  if (wrote) baseline = await tableState();
  else {
    const after = await tableState();
    expect(fingerprintDiff(baseline, after), `refused requests wrote:\n${specs.map((x) => show(x)).join('\n')}`).toBe('');
  }
  s.ms += Date.now() - started;
  dirty = false;
}

/** Routes whose accepted requests do far more than a read or a write: the badge print run renders A6 pages (three here) a request. */
const MS_PER_REQUEST: Record<string, number> = { 'print-badges': 1_500 };

describe(`fuzz: ${runsPerRoute * BATCH} requests per route, ${runsPerRoute * BATCH * routes.length} in all`, () => {
  for (const route of routes as readonly Route[]) {
    it(
      `${route.method} ${route.path} (${route.who.join(', ')})`,
      async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(requestArb(route), { minLength: BATCH, maxLength: BATCH }), (specs) => runBatch(route, specs)),
          // No shrinking: every assertion names its request, and each replay would change the tables.
          { numRuns: runsPerRoute, endOnFailure: true, ...(seed !== undefined ? { seed } : {}) },
        );
      },
      60_000 + runsPerRoute * BATCH * (MS_PER_REQUEST[route.id] ?? 200),
    );
  }
});

describe('what the fuzz found, pinned', () => {
  it('?format= naming an Object.prototype member (toString, constructor, __proto__…) → 422, not 500', async () => {
    const { a } = w.regs;
    for (const format of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const r = await w.stack.call('GET', `/events/${w.eventId}/registrations/${a.id}/badge?format=${format}`, { token: w.admin });
      expect([r.status, r.json?.code], format).toEqual([422, 'validation_failed']);
    }
  });

  it('an Idempotency-Key reused with another body → 422 and the first answer stays: its replay is still the first 201', async () => {
    // Prepare
    const first = participant(900, { email: 'pinned-first@example.com' });
    const headers = { 'idempotency-key': 'pinned-key' };
    const created = await w.stack.call('POST', `/events/${w.eventId}/registrations`, { body: first, headers });
    expect(created.status, created.text).toBe(201);
    const before = await tableState();
    // Act
    const reused = await w.stack.call('POST', `/events/${w.eventId}/registrations`, {
      body: participant(901, { email: 'pinned-other@example.com' }),
      headers,
    });
    // Assess
    expect([reused.status, reused.json.code]).toEqual([422, 'idempotency_key_reused']);
    expect(fingerprintDiff(before, await tableState())).toBe('');
    const replay = await w.stack.call('POST', `/events/${w.eventId}/registrations`, { body: first, headers });
    expect([replay.status, replay.json.id]).toEqual([201, created.json.id]);
  });
});
