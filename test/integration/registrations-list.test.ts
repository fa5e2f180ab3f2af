/**
 * The registration list and export reads on DynamoDB Local, through the real adapter: items are
 * written as the registration store writes them (registrationItem), in batches, so hundreds of
 * registrations with every status and check-in mix are quick to set up, and every filter and the
 * paging rules are held against a model. Also measures what a page and a 10,000-registration
 * export cost.
 */
import { randomBytes } from 'node:crypto';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StoredRegistration } from '#domain/registration';
import { useTables } from '../support/stack.ts';

type Query = typeof import('#adapters/registration-query');
let q: Query;
let item: typeof import('#adapters/registration-store').registrationItem;
let documents: typeof import('#adapters/clients').documents;
let table: string;
let csv: typeof import('#domain/csv');

beforeAll(async () => {
  const { tables } = await useTables();
  table = tables.data;
  // Imported after the environment points at this file's tables.
  q = await import('#adapters/registration-query');
  item = (await import('#adapters/registration-store')).registrationItem;
  documents = (await import('#adapters/clients')).documents;
  csv = await import('#domain/csv');
});

const eventIdOf = () => randomBytes(9).toString('base64url');
const surnames = ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임'];
const syllables = ['민', '지', '서', '연', '현', '우', '준', '수', '영', '희', '하', '은', '도', '윤'];
const latin = ['Hannah Müller', 'James O’Brien', 'Sophie Martin', 'Lukas Schmidt', 'Aiko Tanaka'];
const orgs = ['광주바이오(주)', 'Gwangju Bio Co.', 'Korea Energy Corp.', '한국자동차연구원', 'Global Mobility, Inc.'];
const statuses = ['confirmed', 'confirmed', 'confirmed', 'waitlisted', 'cancelled'] as const;

/** A realistic registration: mostly Hangul names, three sessions, five answers. */
function fakeRegistration(eventId: string, i: number, base: number): StoredRegistration {
  const pick = <T>(a: readonly T[], n: number) => a[n % a.length]!;
  const hangul = i % 5 !== 0;
  const name = hangul
    ? `${pick(surnames, Math.floor(i / 5))}${pick(syllables, i * 7 + 3)}${pick(syllables, i * 13 + 5)}`
    : `${pick(latin, i)} ${i}`;
  const status = pick(statuses, i * 3 + (i >> 4));
  const sessions = (['bio', 'energy', 'mobility'] as const)
    .filter((_, k) => (i >> k) % 2 === 1)
    .map((id, k) => ({ id, status: status === 'waitlisted' || (i + k) % 11 === 0 ? ('waitlisted' as const) : ('confirmed' as const) }));
  const at = new Date(base + i * 1000 + (i % 7)).toISOString();
  return {
    id: randomBytes(16).toString('base64url'),
    eventId,
    status,
    email: `${hangul ? 'kim' : 'hannah'}.${i}@${pick(['example.com', 'Example.org', 'gwangju.kr'], i)}`,
    name,
    organization: pick(orgs, i),
    jobTitle: pick(['CEO', '연구원', 'Director, Business Development', null], i),
    locale: hangul ? 'ko' : 'en',
    sessions,
    answers: {
      companyType: pick(['global', 'domestic', 'public'], i),
      topics: ['bio', 'energy', 'mobility'].filter((_, k) => (i + k) % 2 === 0),
      newsletter: i % 2 === 0,
      phone: `+82 62 ${String(100 + (i % 900))} ${String(1000 + i).slice(-4)}`,
      website: `https://company${i}.example.com/about`,
    },
    consent: { privacy: true },
    createdAt: at,
    updatedAt: at,
    checkedInAt: status !== 'cancelled' && i % 4 === 0 ? new Date(base + 86_400_000 + i).toISOString() : null,
    tokenVersion: 1,
  };
}

async function write(registrations: StoredRegistration[]) {
  const batches: StoredRegistration[][] = [];
  for (let i = 0; i < registrations.length; i += 25) batches.push(registrations.slice(i, i + 25));
  const workers = Array.from({ length: 8 }, async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let RequestItems: Record<string, any> | undefined = { [table]: batch.map((r) => ({ PutRequest: { Item: item(r) } })) };
      while (RequestItems && Object.keys(RequestItems).length) {
        const out: { UnprocessedItems?: Record<string, any> } = await documents.send(new BatchWriteCommand({ RequestItems }));
        RequestItems = out.UnprocessedItems;
      }
    }
  });
  await Promise.all(workers);
}

const byAge = (a: StoredRegistration, b: StoredRegistration) => (q.orderKey(a) < q.orderKey(b) ? -1 : 1);

async function pages(
  eventId: string,
  f: import('#adapters/registration-query').RegistrationFilters,
  limit: number,
  options: { matchesPerIndex?: number; readsPerPage?: number } = {},
) {
  const out: StoredRegistration[][] = [];
  const stats: import('#adapters/registration-query').ReadStats[] = [];
  let after: string | undefined;
  do {
    const page = await q.listRegistrations(eventId, f, limit, after, options);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    out.push(page.items);
    stats.push(page.stats);
    after = page.next;
    expect(out.length).toBeLessThan(1000);
  } while (after);
  return { pages: out, stats };
}

describe('listRegistrations on DynamoDB Local', () => {
  const eventId = eventIdOf();
  let all: StoredRegistration[];

  beforeAll(async () => {
    all = Array.from({ length: 400 }, (_, i) => fakeRegistration(eventId, i, Date.parse('2027-06-01T00:00:00Z')));
    await write(all);
    // Another event's registrations never show.
    await write(Array.from({ length: 30 }, (_, i) => fakeRegistration(eventIdOf(), i, Date.parse('2027-06-01T00:00:00Z'))));
  }, 120_000);

  const grid: import('#adapters/registration-query').RegistrationFilters[] = [
    {},
    { status: 'confirmed' },
    { status: 'waitlisted' },
    { status: 'cancelled' },
    { sessionId: 'energy' },
    { checkedIn: true },
    { checkedIn: false },
    { status: 'cancelled', sessionId: 'bio' },
    { status: 'confirmed', checkedIn: true, sessionId: 'mobility' },
    { q: '김' },
    { q: 'KIM.1' },
    { q: 'hannah' },
    { q: '이', status: 'cancelled' },
    { q: 'Hannah Müller'.normalize('NFD'), checkedIn: false },
    { q: 'kim.3', sessionId: 'bio', status: 'confirmed' },
  ];

  it.each(grid.map((f) => [JSON.stringify(f), f] as const))(
    '%s: pages of 7 and of 100 list every match once, oldest first',
    async (_name, f) => {
      // Prepare
      const want = all
        .filter((r) => q.matchesFilters(r, f))
        .sort(byAge)
        .map((r) => r.id);
      expect(want.length, 'the filter matches something').toBeGreaterThan(0);
      for (const limit of [7, 100]) {
        // Act
        const { pages: got } = await pages(eventId, f, limit);
        // Assess
        expect(got.flat().map((r) => r.id)).toEqual(want);
      }
    },
  );

  it('a broad q walks the index instead of reading past the cap, and still lists every match once', async () => {
    // Prepare
    const f = { q: '김' };
    const want = all
      .filter((r) => q.matchesFilters(r, f))
      .sort(byAge)
      .map((r) => r.id);
    // Act
    const capped = await pages(eventId, f, 13, { matchesPerIndex: 5 });
    // Assess
    expect(capped.stats.every((s) => s.plan === 'gsi4+gsi5→gsi1')).toBe(true);
    expect(capped.pages.flat().map((r) => r.id)).toEqual(want);
  });

  it('positions are the same in both plans: a page read one way continues the other way', async () => {
    const f = { q: 'kim' };
    const want = all
      .filter((r) => q.matchesFilters(r, f))
      .sort(byAge)
      .map((r) => r.id);
    const first = await q.listRegistrations(eventId, f, 20, undefined);
    const second = await q.listRegistrations(eventId, f, 100, first.next, { matchesPerIndex: 5 });
    expect(first.stats.plan).toBe('gsi4+gsi5');
    expect(second.stats.plan).toBe('gsi4+gsi5→gsi1');
    expect([...first.items, ...second.items].map((r) => r.id)).toEqual(want.slice(0, 20 + second.items.length));
  });

  it('a selective filter reads at most the page budget per page, returning fewer items but never skipping one', async () => {
    // Prepare: only the newest registration matches
    const newest = [...all].sort(byAge).at(-1)!;
    const f = { q: newest.email.toUpperCase() };
    // Act
    const { pages: got, stats } = await pages(eventId, f, 10, { matchesPerIndex: 0, readsPerPage: 50 });
    // Assess
    expect(got.flat().map((r) => r.id)).toEqual([newest.id]);
    // Each page consumes 50 index items; one more, empty, page when the last read ends exactly at the index's end.
    expect(got.length).toBeGreaterThanOrEqual(Math.ceil(all.length / 50));
    expect(got.length).toBeLessThanOrEqual(Math.ceil(all.length / 50) + 1);
    expect(Math.max(...stats.map((s) => s.itemsRead))).toBeLessThanOrEqual(50 + 2);
  });

  it('reports what a page costs', async () => {
    const page = await q.listRegistrations(eventId, {}, 50, undefined);
    expect(page.stats).toMatchObject({ plan: 'gsi1', queries: 1, itemsRead: 51 });
    const search = await q.listRegistrations(eventId, { q: 'kim.12' }, 50, undefined);
    expect(search.stats.plan).toBe('gsi4+gsi5');
    expect(search.stats.queries).toBe(2);
  });
});

describe('10,000 registrations (measured)', () => {
  const eventId = eventIdOf();
  const total = 10_000;

  beforeAll(async () => {
    const started = Date.now();
    await write(Array.from({ length: total }, (_, i) => fakeRegistration(eventId, i, Date.parse('2027-06-01T00:00:00Z'))));
    console.log(`wrote ${total} registrations in ${Date.now() - started} ms`);
  }, 600_000);

  it('the CSV export of 10,000 realistic registrations fits well under the 5 MB response limit', async () => {
    // Act: what the export handler does, page by page
    const started = Date.now();
    const columns = csv.exportColumns({
      sessions: [{ id: 'bio' }, { id: 'energy' }, { id: 'mobility' }],
      fields: [{ id: 'companyType' }, { id: 'topics' }, { id: 'newsletter' }, { id: 'phone' }, { id: 'website' }],
    } as never);
    const stats: import('#adapters/registration-query').ReadStats = { plan: 'gsi1', queries: 0, itemsRead: 0, capacityUnits: 0 };
    const chunks = [csv.BOM, csv.headerRow(columns)];
    let rows = 0;
    for await (const page of q.everyRegistration(eventId, stats)) {
      for (const r of page) chunks.push(csv.registrationRow(columns, r));
      rows += page.length;
    }
    const body = chunks.join('');
    const ms = Date.now() - started;
    // Assess
    const bytes = Buffer.byteLength(body, 'utf8');
    const payload = Buffer.byteLength(JSON.stringify(body), 'utf8');
    console.log(
      `export: ${rows} rows, ${bytes} bytes CSV (${(bytes / 1024 / 1024).toFixed(2)} MiB), ${payload} bytes as Lambda JSON payload, ` +
        `${stats.queries} Query calls, ${stats.itemsRead} items, ${stats.capacityUnits} RCU reported, ${ms} ms`,
    );
    expect(rows).toBe(total);
    expect(payload).toBeLessThan(5 * 1024 * 1024);
  }, 120_000);

  it('a list page reads about what it returns, whatever the event size', async () => {
    const cases: [string, import('#adapters/registration-query').RegistrationFilters][] = [
      ['no filter', {}],
      ['status=waitlisted', { status: 'waitlisted' }],
      ['checkedIn=true', { checkedIn: true }],
      ['sessionId=mobility', { sessionId: 'mobility' }],
      ['q=김연 (narrow name)', { q: '김연' }],
      ['q=kim.12 (email)', { q: 'kim.12' }],
      ['q=김 (800 matches)', { q: '김' }],
      ['q=kim (8,000 matches: walks gsi1)', { q: 'kim' }],
    ];
    for (const [name, f] of cases) {
      const started = Date.now();
      const page = await q.listRegistrations(eventId, f, 50, undefined);
      console.log(`list page (limit 50) ${name}: ${page.items.length} items, ${JSON.stringify(page.stats)}, ${Date.now() - started} ms`);
      expect(page.stats.itemsRead).toBeLessThanOrEqual(2 * (q.MATCHES_PER_INDEX + 1) + q.READS_PER_PAGE);
    }
    const first = await q.listRegistrations(eventId, {}, 50, undefined);
    expect(first.stats.itemsRead).toBe(51);
  }, 120_000);
});
