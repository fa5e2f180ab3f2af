/**
 * The admin registration list and CSV export end to end: HTTP against the local stack
 * (gateway → handlers → DynamoDB Local), filters, signed cursors, pagination, CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';
import { parseCsv } from '../support/csv.ts';
import { inPool } from '../support/pool.ts';

let stack: TestStack;
let admin: string;
let staff: string;

beforeAll(async () => {
  stack = await startTestStack();
  // No test here reads an email or a webhook: without the workers, 1,100+ confirmation emails
  // (a badge PDF each) don't compete for the CPU with the requests under test.
  await stack.workers.stop();
  admin = await stack.token('admin');
  staff = await stack.token('staff');
});
afterAll(() => stack?.stop());

interface Reg {
  id: string;
  status: 'confirmed' | 'waitlisted' | 'cancelled';
  email: string;
  name: string;
  organization: string | null;
  jobTitle: string | null;
  sessions: { id: string; status: string }[];
  answers: Record<string, unknown>;
  createdAt: string;
  checkedInAt: string | null;
}

const fields = [
  ...openEvent().fields,
  {
    id: 'topics',
    type: 'multiselect',
    label: { ko: '관심 분야', en: 'Topics' },
    options: ['bio', 'energy', 'mobility'].map((value) => ({ value, label: { ko: value, en: value } })),
  },
  { id: 'newsletter', type: 'checkbox', label: { ko: '뉴스레터', en: 'Newsletter' } },
];

async function createEvent(overrides: Record<string, unknown> = {}) {
  const r = await stack.call('POST', '/events', { token: admin, body: openEvent({ fields, ...overrides }) });
  expect(r.status, r.text).toBe(201);
  return r.json as { id: string };
}

async function register(eventId: string, body: unknown): Promise<Reg> {
  const r = await stack.call('POST', `/events/${eventId}/registrations`, { body });
  expect(r.status, r.text).toBe(201);
  return r.json as Reg;
}

/** `token` null: no credentials. */
const list = (eventId: string, query: Record<string, string> = {}, token: string | null = admin) =>
  stack.call('GET', `/events/${eventId}/registrations?${new URLSearchParams(query)}`, { token: token ?? undefined });

const ids = (items: { id: string }[]) => items.map((r) => r.id);
const byAge = (a: Reg, b: Reg) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1);

/** Every page of a list, following nextCursor; fails on a page that is not 200. */
async function allPages(eventId: string, query: Record<string, string>) {
  const pages: Reg[][] = [];
  let cursor: string | null = null;
  do {
    const r = await list(eventId, { ...query, ...(cursor ? { cursor } : {}) });
    expect(r.status, r.text).toBe(200);
    pages.push(r.json.items);
    cursor = r.json.nextCursor;
    expect(pages.length).toBeLessThan(200);
  } while (cursor);
  return pages;
}

/** A manual check-in at the venue desk (staff, by registration id). */
async function markCheckedIn(eventId: string, registrationId: string) {
  const r = await stack.call('POST', `/events/${eventId}/checkins`, { token: staff, body: { registrationId, deviceId: 'desk-1' } });
  expect(r.status, r.text).toBe(201);
}

/** The CSV as bytes and text (Response.text() would drop the BOM). */
async function exportCsv(eventId: string, token: string | null = admin) {
  const r = await fetch(`${stack.url}/events/${eventId}/registrations/export.csv`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const bytes = Buffer.from(await r.arrayBuffer());
  return { status: r.status, type: r.headers.get('content-type') ?? '', bytes, text: bytes.toString('utf8') };
}

describe('a small event: every filter narrows to exactly what it should', () => {
  let eventId: string;
  let regs: Reg[];
  let checkedIn: Set<string>;

  beforeAll(async () => {
    // Prepare: 4 event seats and 2 bio seats, so statuses and seat statuses mix.
    eventId = (await createEvent({ capacity: 4, sessions: [{ ...openEvent().sessions[0], capacity: 2 }, openEvent().sessions[1]] })).id;
    const people = [
      {
        email: 'minji.kim@example.com',
        name: '김민지',
        sessions: ['bio'],
        answers: { companyType: 'global', topics: ['bio', 'energy'], newsletter: true },
      },
      { email: 'Hannah.Mueller@Example.com', name: 'Hannah Müller', sessions: ['energy'], organization: 'Kim & Lee, "Partners"' },
      { email: 'minsu@example.org', name: '김민수', sessions: ['bio', 'energy'], jobTitle: 'CTO' },
      { email: 'seoyeon.lee@example.com', name: '이서연', sessions: ['bio'], answers: { companyType: 'domestic', newsletter: false } },
      // NFD input (decomposed jamo), stored NFC.
      { email: 'jihoon.park@example.com', name: '박지훈'.normalize('NFD'), sessions: ['energy'] },
      { email: 'hans@example.net', name: 'hans Park', sessions: [] },
      { email: 'formula@example.com', name: '=SUM(A1)', organization: '+1', jobTitle: '-1', sessions: ['bio'] },
      { email: 'at@example.com', name: '@x', organization: '=HYPERLINK("http://evil.example","click")', sessions: [] },
    ];
    regs = [];
    for (const [i, p] of people.entries()) regs.push(await register(eventId, participant(i, { answers: { companyType: 'global' }, ...p })));
    checkedIn = new Set([regs[0]!.id, regs[2]!.id]);
    for (const id of checkedIn) await markCheckedIn(eventId, id);
  });

  /** What a filter should return, judged on the registrations as created. */
  const expected = (keep: (r: Reg) => boolean) => ids(regs.filter(keep).sort(byAge));

  it('without filters: every registration, oldest first, without manage tokens', async () => {
    // Act
    const r = await list(eventId);
    // Assess
    expect(r.status).toBe(200);
    expect(ids(r.json.items)).toEqual(expected(() => true));
    expect(r.json.nextCursor).toBeNull();
    expect(r.json.items.map((i: Reg) => i.createdAt)).toEqual([...r.json.items.map((i: Reg) => i.createdAt)].sort());
    for (const item of r.json.items) {
      expect(item.manageToken).toBeUndefined();
      expect(item.badge ?? null).toBeNull();
      expect(item.eventId).toBe(eventId);
    }
    expect(r.json.items.find((i: Reg) => i.email === 'jihoon.park@example.com').name).toBe('박지훈'.normalize('NFC'));
  });

  it('status, sessionId and checkedIn each narrow the list', async () => {
    // Prepare: the seats really mixed
    expect(regs.map((r) => r.status)).toEqual([
      'confirmed',
      'confirmed',
      'confirmed',
      'confirmed',
      'waitlisted',
      'waitlisted',
      'waitlisted',
      'waitlisted',
    ]);
    const cases: [Record<string, string>, (r: Reg) => boolean][] = [
      [{ status: 'confirmed' }, (r) => r.status === 'confirmed'],
      [{ status: 'waitlisted' }, (r) => r.status === 'waitlisted'],
      [{ status: 'cancelled' }, () => false],
      [{ sessionId: 'bio' }, (r) => r.sessions.some((s) => s.id === 'bio')],
      [{ sessionId: 'energy' }, (r) => r.sessions.some((s) => s.id === 'energy')],
      [{ checkedIn: 'true' }, (r) => checkedIn.has(r.id)],
      [{ checkedIn: 'false' }, (r) => !checkedIn.has(r.id)],
    ];
    for (const [query, keep] of cases) {
      // Act
      const r = await list(eventId, query);
      // Assess
      expect(r.status, JSON.stringify(query)).toBe(200);
      expect(ids(r.json.items), JSON.stringify(query)).toEqual(expected(keep));
    }
    // And the narrowing is real (no case above is trivially everything).
    expect(expected((r) => !checkedIn.has(r.id))).toHaveLength(6);
  });

  it('q: a prefix of the name (Hangul, any case, NFD or NFC) or of the email; each match once', async () => {
    const cases: [string, string[]][] = [
      ['김민', ['minji.kim@example.com', 'minsu@example.org']],
      ['김민'.normalize('NFD'), ['minji.kim@example.com', 'minsu@example.org']],
      ['박지', ['jihoon.park@example.com']],
      ['HANNAH', ['Hannah.Mueller@Example.com']], // name and email both match: listed once
      ['han', ['Hannah.Mueller@Example.com', 'hans@example.net']],
      ['hannah müller', ['Hannah.Mueller@Example.com']],
      ['Hannah MÜLLER'.normalize('NFD'), ['Hannah.Mueller@Example.com']],
      ['MINJI.K', ['minji.kim@example.com']],
      ['seoyeon.lee@example.com', ['seoyeon.lee@example.com']],
      ['min', ['minji.kim@example.com', 'minsu@example.org']],
      ['=sum', ['formula@example.com']],
      ['민지', []], // not a prefix
      ['example', []],
    ];
    for (const [q, emails] of cases) {
      // Act
      const r = await list(eventId, { q });
      // Assess
      expect(r.status, q).toBe(200);
      expect(ids(r.json.items), q).toEqual(expected((reg) => emails.includes(reg.email)));
    }
  });

  it('filters combine', async () => {
    const cases: [Record<string, string>, (r: Reg) => boolean][] = [
      [{ status: 'confirmed', sessionId: 'bio' }, (r) => r.status === 'confirmed' && r.sessions.some((s) => s.id === 'bio')],
      [{ status: 'confirmed', checkedIn: 'false' }, (r) => r.status === 'confirmed' && !checkedIn.has(r.id)],
      [{ sessionId: 'energy', checkedIn: 'true' }, (r) => r.sessions.some((s) => s.id === 'energy') && checkedIn.has(r.id)],
      [{ q: '김', status: 'confirmed' }, (r) => r.name.startsWith('김') && r.status === 'confirmed'],
      [{ q: '김', checkedIn: 'true' }, (r) => r.name.startsWith('김') && checkedIn.has(r.id)],
      [{ q: 'h', checkedIn: 'false' }, (r) => r.email.toLowerCase().startsWith('h') && !checkedIn.has(r.id)],
      [
        { q: 'h', sessionId: 'energy', status: 'confirmed' },
        (r) => r.email.toLowerCase().startsWith('h') && r.sessions.some((s) => s.id === 'energy') && r.status === 'confirmed',
      ],
      [{ q: '김', sessionId: 'energy', checkedIn: 'true', status: 'confirmed' }, (r) => r.email === 'minsu@example.org'],
    ];
    for (const [query, keep] of cases) {
      const r = await list(eventId, query);
      expect(r.status, JSON.stringify(query)).toBe(200);
      const want = expected(keep);
      expect(ids(r.json.items), JSON.stringify(query)).toEqual(want);
      expect(want.length, JSON.stringify(query)).toBeGreaterThan(0);
    }
  });

  it('small limits page through a filtered list exactly once', async () => {
    const queries: Record<string, string>[] = [
      { limit: '1' },
      { limit: '2', checkedIn: 'false' },
      { limit: '1', q: '김민' },
      { limit: '3', status: 'waitlisted' },
    ];
    for (const query of queries) {
      const pages = await allPages(eventId, query);
      const { limit: _l, ...filters } = query;
      const whole = await list(eventId, filters);
      expect(
        pages.flat().map((r) => r.id),
        JSON.stringify(query),
      ).toEqual(ids(whole.json.items));
      expect(Math.max(...pages.map((p) => p.length))).toBeLessThanOrEqual(Number(query.limit));
    }
  });

  it('exports every registration as CSV: BOM, header, one row each, answers as columns, formulas neutralised', async () => {
    // Act
    const csv = await exportCsv(eventId);
    // Assess
    expect(csv.status).toBe(200);
    expect(csv.type).toBe('text/csv; charset=utf-8');
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.text.endsWith('\r\n')).toBe(true);
    expect(csv.text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    const [header, ...rows] = parseCsv(csv.text.slice(1));
    expect(header).toEqual([
      'id',
      'status',
      'email',
      'name',
      'organization',
      'jobTitle',
      'locale',
      'createdAt',
      'checkedInAt',
      'session:bio',
      'session:energy',
      'companyType',
      'website',
      'topics',
      'newsletter',
    ]);
    expect(rows.map((row) => row[0])).toEqual(expected(() => true));
    const col = (row: string[], name: string) => row[header!.indexOf(name)];
    const rowOf = (email: string) => rows.find((row) => col(row, 'email') === email)!;
    for (const reg of regs) {
      const row = rowOf(reg.email);
      expect(col(row, 'id')).toBe(reg.id);
      expect(col(row, 'status')).toBe(reg.status);
      expect(col(row, 'checkedInAt') !== '').toBe(checkedIn.has(reg.id));
      for (const s of ['bio', 'energy']) expect(col(row, `session:${s}`)).toBe(reg.sessions.find((x) => x.id === s)?.status ?? '');
    }
    expect(col(rowOf('minji.kim@example.com'), 'name')).toBe('김민지');
    expect(col(rowOf('jihoon.park@example.com'), 'name')).toBe('박지훈'.normalize('NFC'));
    expect(col(rowOf('minji.kim@example.com'), 'topics')).toBe('bio; energy');
    expect(col(rowOf('minji.kim@example.com'), 'newsletter')).toBe('true');
    expect(col(rowOf('seoyeon.lee@example.com'), 'newsletter')).toBe('false');
    expect(col(rowOf('seoyeon.lee@example.com'), 'companyType')).toBe('domestic');
    expect(col(rowOf('minsu@example.org'), 'newsletter')).toBe('');
    expect(col(rowOf('Hannah.Mueller@Example.com'), 'organization')).toBe('Kim & Lee, "Partners"');
    const formula = rowOf('formula@example.com');
    expect([col(formula, 'name'), col(formula, 'organization'), col(formula, 'jobTitle')]).toEqual(["'=SUM(A1)", "'+1", "'-1"]);
    const at = rowOf('at@example.com');
    expect([col(at, 'name'), col(at, 'organization')]).toEqual(["'@x", `'=HYPERLINK("http://evil.example","click")`]);
    // No cell of the file starts a formula.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});

describe('cancelled registrations (DELETE by an admin)', () => {
  it('are listed without a status filter and with status=cancelled, and exported', async () => {
    // Prepare: 2 seats, 3 registrations; cancelling the first promotes the third.
    const eventId = (await createEvent({ capacity: 2 })).id;
    const [a, b, c] = [
      await register(eventId, participant(1)),
      await register(eventId, participant(2)),
      await register(eventId, participant(3)),
    ];
    const cancelled = await stack.call('DELETE', `/events/${eventId}/registrations/${a!.id}`, { token: admin });
    expect([cancelled.status, cancelled.json.status]).toEqual([200, 'cancelled']);
    // Act
    const every = await list(eventId);
    const onlyCancelled = await list(eventId, { status: 'cancelled' });
    const confirmed = await list(eventId, { status: 'confirmed' });
    const csv = await exportCsv(eventId);
    // Assess
    expect(every.json.items.map((r: Reg) => [r.id, r.status])).toEqual([
      [a!.id, 'cancelled'],
      [b!.id, 'confirmed'],
      [c!.id, 'confirmed'],
    ]);
    expect(ids(onlyCancelled.json.items)).toEqual([a!.id]);
    expect(ids(confirmed.json.items)).toEqual([b!.id, c!.id]);
    const [, ...rows] = parseCsv(csv.text.slice(1));
    expect(rows.map((row) => [row[0], row[1]])).toEqual([
      [a!.id, 'cancelled'],
      [b!.id, 'confirmed'],
      [c!.id, 'confirmed'],
    ]);
  });
});

describe('refusals', () => {
  let eventId: string;
  beforeAll(async () => {
    eventId = (await createEvent()).id;
    await register(eventId, participant(1));
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: 'abc' }, 'limit'],
    [{ limit: '1.5' }, 'limit'],
    [{ status: 'approved' }, 'status'],
    [{ status: '' }, 'status'],
    [{ checkedIn: 'yes' }, 'checkedIn'],
    [{ checkedIn: 'TRUE' }, 'checkedIn'],
    [{ sessionId: 'no such session!' }, 'sessionId'],
    [{ sessionId: 'mobility' }, 'sessionId'], // well formed, but not a session of this event
    [{ q: '' }, 'q'],
    [{ q: '   ' }, 'q'],
    [{ q: 'x'.repeat(201) }, 'q'],
  ])('%j → 422 validation_failed on %s', async (query, path) => {
    const r = await list(eventId, query);
    expect(r.status).toBe(422);
    expect(r.type).toContain('application/problem+json');
    expect(r.json.code).toBe('validation_failed');
    expect(r.json.errors.map((e: { path: string }) => e.path)).toEqual([path]);
  });

  it('lists every failing parameter at once, in the caller’s language', async () => {
    const r = await stack.call('GET', `/events/${eventId}/registrations?limit=0&status=x&checkedIn=1`, {
      token: admin,
      headers: { 'accept-language': 'ko' },
    });
    expect(r.status).toBe(422);
    expect(r.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['checkedIn', 'limit', 'status']);
    expect(r.headers.get('content-language')).toBe('ko');
  });

  it('unknown or malformed events are 404 on both routes', async () => {
    for (const id of ['AAAAAAAAAAAA', 'nope', '..%2F..']) {
      const l = await list(id);
      const c = await exportCsv(id);
      expect([l.status, l.json.code]).toEqual([404, 'not_found']);
      expect(c.status).toBe(404);
    }
  });

  it('staff → 403, anonymous → 401, a forged token → 401, on both routes', async () => {
    const forged = `${admin.slice(0, -4)}AAAA`;
    const results = {
      listStaff: (await list(eventId, {}, staff)).status,
      listAnonymous: (await list(eventId, {}, null)).status,
      listForged: (await list(eventId, {}, forged)).status,
      csvStaff: (await exportCsv(eventId, staff)).status,
      csvAnonymous: (await exportCsv(eventId, null)).status,
      csvForged: (await exportCsv(eventId, forged)).status,
    };
    expect(results).toEqual({ listStaff: 403, listAnonymous: 401, listForged: 401, csvStaff: 403, csvAnonymous: 401, csvForged: 401 });
  });

  it('export.csv is its own route, not a registration id: staff may read registrations, not the export', async () => {
    // Prepare: staff can read /registrations/{id}; were export.csv taken for an id, staff would get 404, not 403.
    const csvAsStaff = await stack.call('GET', `/events/${eventId}/registrations/export.csv`, { token: staff });
    const csvAsAdmin = await exportCsv(eventId);
    // Assess
    expect(csvAsStaff.status).toBe(403);
    expect(csvAsAdmin.status).toBe(200);
    expect(csvAsAdmin.type).toContain('text/csv');
    expect(parseCsv(csvAsAdmin.text.slice(1))).toHaveLength(2);
  });
});

describe('1,000 registrations', () => {
  let eventId: string;
  let created: Reg[];

  beforeAll(async () => {
    // Prepare: 600 event seats (the rest waitlisted); concurrent POSTs, 8 at a time.
    eventId = (
      await createEvent({
        capacity: 600,
        sessions: [
          { ...openEvent().sessions[0], capacity: 1000 },
          { ...openEvent().sessions[1], capacity: 1000 },
        ],
      })
    ).id;
    created = await inPool(1000, 8, (i) =>
      register(eventId, participant(i, { sessions: i % 3 === 0 ? ['bio'] : i % 3 === 1 ? ['energy'] : [] })),
    );
  }, 300_000);

  it('limit=37 pages cover every registration exactly once, oldest first; the last cursor is null', async () => {
    // Act
    const pages = await allPages(eventId, { limit: '37' });
    // Assess
    const seen = pages.flat();
    expect(pages).toHaveLength(Math.ceil(1000 / 37));
    expect(pages.slice(0, -1).every((p) => p.length === 37)).toBe(true);
    expect(seen).toHaveLength(1000);
    expect(new Set(ids(seen)).size).toBe(1000);
    expect(ids(seen)).toEqual(ids([...created].sort(byAge)));
  }, 120_000);

  it.each([
    [{ status: 'waitlisted' }, (r: Reg) => r.status === 'waitlisted'],
    [{ sessionId: 'bio' }, (r: Reg) => r.sessions.some((s) => s.id === 'bio')],
    [{ q: 'hannah' }, (r: Reg) => r.name.startsWith('Hannah')],
    [{ q: '김민지1' }, (r: Reg) => r.name.startsWith('김민지1')],
    [{ q: 'person99' }, (r: Reg) => r.email.startsWith('person99')],
    [{ status: 'confirmed', sessionId: 'energy' }, (r: Reg) => r.status === 'confirmed' && r.sessions.some((s) => s.id === 'energy')],
  ] as const)(
    'filtered %j pages (limit=37) cover every match exactly once',
    async (query, keep) => {
      // Act
      const pages = await allPages(eventId, { ...query, limit: '37' });
      // Assess
      const want = ids(created.filter(keep).sort(byAge));
      expect(want.length).toBeGreaterThan(10);
      expect(ids(pages.flat())).toEqual(want);
    },
    120_000,
  );

  it('a cursor is tamper-checked and bound to its event and filters: 400 invalid_cursor, never a 5xx', async () => {
    // Prepare
    const first = await list(eventId, { limit: '5' });
    const cursor: string = first.json.nextCursor;
    const [data, mac] = cursor.split('.') as [string, string];
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const forged = Buffer.from(JSON.stringify({ at: '0000-00-00T00:00:00.000Z#AAAAAAAAAAAAAAAAAAAAAA' })).toString('base64url');
    const otherEvent = (await createEvent()).id;
    const variants: [string, string, Record<string, string>][] = [
      ['payload changed', `${flip(data, 3)}.${mac}`, {}],
      ['signature changed', `${data}.${flip(mac, 5)}`, {}],
      ['payload replaced', `${forged}.${mac}`, {}],
      ['garbage', 'not-a-cursor', {}],
      ['empty', '', {}],
      ['other filters (status)', cursor, { status: 'confirmed' }],
      ['other filters (q)', cursor, { q: 'han' }],
      ['other filters (checkedIn)', cursor, { checkedIn: 'false' }],
    ];
    // Act + Assess
    const good = await list(eventId, { limit: '5', cursor });
    expect(good.status).toBe(200);
    expect(ids(good.json.items)).not.toEqual(ids(first.json.items));
    for (const [what, c, filters] of variants) {
      const r = await list(eventId, { ...filters, cursor: c });
      expect([r.status, r.json?.code], what).toEqual([400, 'invalid_cursor']);
    }
    const elsewhere = await list(otherEvent, { cursor });
    expect([elsewhere.status, elsewhere.json.code]).toEqual([400, 'invalid_cursor']);
    // The same filters written another way (case, NFD) are the same list: the cursor holds.
    const q1 = await list(eventId, { q: '김민지', limit: '3' });
    const q2 = await list(eventId, { q: '김민지'.normalize('NFD'), limit: '3', cursor: q1.json.nextCursor });
    expect(q2.status).toBe(200);
    const q3 = await list(eventId, { q: 'HANNAH', limit: '3' });
    expect((await list(eventId, { q: 'hannah', cursor: q3.json.nextCursor })).status).toBe(200);
  });

  it('the CSV export holds all 1,000, oldest first', async () => {
    const csv = await exportCsv(eventId);
    expect(csv.status).toBe(200);
    const [, ...rows] = parseCsv(csv.text.slice(1));
    // Ids never start with - or _, so they need no neutralising and match the API's as they are.
    expect(rows.map((r) => r[0])).toEqual(ids([...created].sort(byAge)));
    expect(rows.filter((r) => r[0]!.startsWith('-'))).toEqual([]);
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['confirmed', 'waitlisted']));
  });
});

describe('registrations too large for one response', () => {
  let eventId: string;
  let created: Reg[];

  beforeAll(async () => {
    // Prepare: 125 registrations of ~54 KB each (the 64 KiB body limit allows it): ~6.7 MB of CSV.
    const textareas = ['about', 'needs', 'offer'].map((id) => ({ id, type: 'textarea', label: { ko: id, en: id } }));
    const texts = ['t1', 't2', 't3', 't4', 't5'].map((id) => ({ id, type: 'text', label: { ko: id, en: id } }));
    eventId = (await createEvent({ capacity: 500, fields: [...textareas, ...texts] })).id;
    const answers = Object.fromEntries([
      ...textareas.map((f) => [f.id, '광주'.repeat(2500)] as const),
      ...texts.map((f) => [f.id, '투자'.repeat(250)] as const),
    ]);
    created = await inPool(125, 8, (i) => register(eventId, participant(i, { answers })));
  }, 300_000);

  it('the export answers 303 with a short-lived download URL that holds every row', async () => {
    // Act
    const r = await stack.call('GET', `/events/${eventId}/registrations/export.csv`, { token: admin });
    // Assess
    expect(r.status).toBe(303);
    const location = r.headers.get('location')!;
    expect(r.json).toMatchObject({ downloadUrl: location, rows: 125, expiresAt: expect.any(String) });
    const download = await fetch(location);
    expect(download.status).toBe(200);
    const text = await download.text();
    expect(Buffer.byteLength(text)).toBeGreaterThan(5 * 1024 * 1024);
    const [, ...rows] = parseCsv(text.slice(1));
    expect(rows.map((row) => row[0])).toEqual(ids([...created].sort(byAge)));
  });

  it('the XLSX export of the same rows answers 303 too, to a workbook that holds every row', async () => {
    // Act
    const r = await stack.call('GET', `/events/${eventId}/registrations/export.xlsx`, { token: admin });
    // Assess: read back by an unzip of its own (jszip), not by the writer
    expect(r.status).toBe(303);
    const location = r.headers.get('location')!;
    expect(r.json).toMatchObject({ downloadUrl: location, rows: 125, expiresAt: expect.any(String) });
    const download = await fetch(location);
    expect(download.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const { readFirstSheet } = await import('../support/xlsx-reader.ts');
    const sheet = await readFirstSheet(new Uint8Array(await download.arrayBuffer()));
    const column = [...sheet.rows.values()].slice(1).map((row) => (row.get('A') as { value: string }).value);
    expect(column).toEqual(ids([...created].sort(byAge)));
  });

  it('without a place to store it, the export answers 503 service_unavailable, never a broken 6 MB+ response', async () => {
    const { resetConfig } = await import('#config');
    const saved = process.env.EXPORT_DIR;
    delete process.env.EXPORT_DIR;
    resetConfig();
    try {
      const r = await stack.call('GET', `/events/${eventId}/registrations/export.csv`, { token: admin });
      expect(r.status).toBe(503);
      expect(r.type).toContain('application/problem+json');
      expect(r.json.code).toBe('service_unavailable');
      expect(r.json.detail).toMatch(/5 MB/);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      process.env.EXPORT_DIR = saved;
      resetConfig();
    }
  });

  it('a list page of 100 stops before 5 MB, and the next page goes on from there', async () => {
    // Act
    const first = await list(eventId, { limit: '100' });
    const pages = await allPages(eventId, { limit: '100' });
    // Assess
    expect(first.status).toBe(200);
    expect(first.json.items.length).toBeLessThan(100);
    expect(first.text.length).toBeLessThan(6 * 1024 * 1024);
    expect(Buffer.byteLength(first.text)).toBeLessThanOrEqual(5 * 1024 * 1024 + 1024);
    expect(ids(pages.flat())).toEqual(ids([...created].sort(byAge)));
  }, 60_000);
});
