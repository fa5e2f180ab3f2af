/**
 * The XLSX export (API.md "XLSX export") and the badge print run (README "Badge print run"), end
 * to end against the local stack. Each file is read back by a reader independent of its writer:
 * the workbook by jszip + fast-xml-parser (written by exceljs), the PDF by pdf.js with its QR
 * decoded by jsQR from a rendered page (written by pdf-lib).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';
import { parseCsv } from '../support/csv.ts';
import { columnName, readFirstSheet, serialToWallClock, type Cell } from '../support/xlsx-reader.ts';
import { decodePageQr, readPdf } from '../support/pdf-reader.ts';

let stack: TestStack;
let admin: string;
let staff: string;

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  admin = await stack.token('admin');
  staff = await stack.token('staff');
});
afterAll(async () => {
  await stack?.stop();
});

type Reg = { id: string; status: string; manageToken: string; badge?: { token: string } };

const fields = [
  {
    id: 'companyType',
    type: 'select',
    label: { ko: '기업 유형', en: 'Company type' },
    options: [
      { value: 'global', label: { ko: '글로벌', en: 'Global' } },
      { value: 'domestic', label: { ko: '국내', en: 'Domestic' } },
    ],
  },
  {
    id: 'topics',
    type: 'multiselect',
    label: { ko: '관심 분야', en: 'Topics' },
    options: ['bio', 'energy'].map((v) => ({ value: v, label: { ko: v, en: v } })),
  },
  { id: 'newsletter', type: 'checkbox', label: { ko: '뉴스레터', en: 'Newsletter' } },
  { id: 'note', type: 'text', label: { ko: '메모', en: 'Note' } },
];

async function createEvent(overrides: Record<string, unknown> = {}): Promise<string> {
  const r = await stack.call('POST', '/events', { token: admin, body: openEvent({ fields, ...overrides }) });
  expect(r.status, r.text).toBe(201);
  return r.json.id as string;
}

async function register(eventId: string, body: unknown): Promise<Reg> {
  const r = await stack.call('POST', `/events/${eventId}/registrations`, { body });
  expect(r.status, r.text).toBe(201);
  return r.json as Reg;
}

async function download(path: string, token: string | null = admin) {
  const r = await fetch(`${stack.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, redirect: 'manual' });
  return { status: r.status, headers: r.headers, bytes: new Uint8Array(await r.arrayBuffer()) };
}

/** A wall-clock time in `timeZone` as `YYYY-MM-DDTHH:MM:SS.mmm` (what the sheet should show). */
function inZone(iso: string, timeZone: string): string {
  const f = new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return `${f.format(new Date(iso)).replace(' ', 'T')}.${iso.slice(20, 23)}`;
}

describe('GET /events/{eventId}/registrations/export.xlsx', () => {
  let eventId: string;
  let regs: Reg[];
  let checkedIn: Reg;

  beforeAll(async () => {
    // Prepare: a Seoul event; Hangul and Latin names, a formula-looking answer, a checkbox both
    // ways, a waitlisted session seat, a cancellation and a check-in.
    eventId = await createEvent({
      sessions: [{ id: 'bio', name: { ko: '바이오', en: 'Bio' }, startsAt: openEvent().startsAt, endsAt: openEvent().endsAt, capacity: 1 }],
    });
    regs = [];
    regs.push(
      await register(
        eventId,
        participant(1, {
          name: '김민지',
          organization: '광주바이오(주)',
          sessions: ['bio'],
          answers: { companyType: 'global', topics: ['bio', 'energy'], newsletter: true, note: '=HYPERLINK("x")' },
        }),
      ),
    );
    regs.push(
      await register(
        eventId,
        participant(2, { name: 'Hannah Müller', sessions: ['bio'], answers: { companyType: 'domestic', newsletter: false } }),
      ),
    );
    regs.push(await register(eventId, participant(3, { name: '이서준', answers: { companyType: 'global' } })));
    const cancel = await stack.call('DELETE', `/events/${eventId}/registrations/${regs[2]!.id}`, { token: admin });
    expect(cancel.status).toBe(200);
    checkedIn = regs[0]!;
    const scan = await stack.call('POST', `/events/${eventId}/checkins`, { token: staff, body: { badge: checkedIn.badge!.token } });
    expect(scan.status, scan.text).toBe(201);
  });

  it('holds the CSV export’s rows and columns, as typed cells: dates in the event’s timezone, booleans, text (Hangul intact)', async () => {
    // Act
    const xlsx = await download(`/events/${eventId}/registrations/export.xlsx`);
    const csv = await stack.call('GET', `/events/${eventId}/registrations/export.csv`, { token: admin });
    // Assess: the answer
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers.get('content-disposition')).toBe(`attachment; filename="registrations-${eventId}.xlsx"`);
    const sheet = await readFirstSheet(xlsx.bytes);
    const [header, ...rows] = parseCsv(csv.text.replace(/^\uFEFF/, ''));
    // Same header, same rows in the same order, cell by cell (the CSV's neutralising quote aside).
    const cellsOf = (n: number) => header!.map((_, i) => sheet.rows.get(n)?.get(columnName(i + 1)));
    expect(cellsOf(1).map((c) => c?.value)).toEqual(header);
    expect(sheet.rows.size).toBe(rows.length + 1);
    expect(rows.length).toBe(3);
    const col = (name: string) => header!.indexOf(name);
    rows.forEach((csvRow, k) => {
      const cells = cellsOf(k + 2);
      csvRow.forEach((text, i) => {
        const cell = cells[i];
        const name = header![i]!;
        if (name === 'createdAt' || name === 'checkedInAt') {
          if (text === '') return expect(cell).toBeUndefined();
          // A real date (a number with a date format) showing Seoul's wall-clock time.
          expect(cell).toMatchObject({ type: 'number', format: expect.stringMatching(/yyyy-mm-dd hh:mm:ss/) });
          return expect(serialToWallClock((cell as Extract<Cell, { type: 'number' }>).value)).toBe(inZone(text, 'Asia/Seoul'));
        }
        if (name === 'newsletter' && text !== '') return expect(cell).toEqual({ type: 'boolean', value: text === 'true' });
        if (text === '') return expect(cell).toBeUndefined();
        expect(cell, `${name} of row ${k + 2}`).toEqual({ type: 'string', value: text.startsWith("'=") ? text.slice(1) : text });
      });
    });
    // Assess: the values themselves, read from the workbook alone
    const byId = new Map([...sheet.rows.values()].slice(1).map((r) => [(r.get('A') as { value: string }).value, r]));
    const minji = byId.get(regs[0]!.id)!;
    expect(minji.get(columnName(col('name') + 1))).toEqual({ type: 'string', value: '김민지' });
    expect(minji.get(columnName(col('organization') + 1))).toEqual({ type: 'string', value: '광주바이오(주)' });
    expect(minji.get(columnName(col('topics') + 1))).toEqual({ type: 'string', value: 'bio; energy' });
    expect(minji.get(columnName(col('newsletter') + 1))).toEqual({ type: 'boolean', value: true });
    // Text that looks like a formula stays text: a string cell, never a formula.
    expect(minji.get(columnName(col('note') + 1))).toEqual({ type: 'string', value: '=HYPERLINK("x")' });
    expect(minji.get(columnName(col('checkedInAt') + 1))?.type).toBe('number');
    expect(byId.get(regs[1]!.id)!.get(columnName(col('newsletter') + 1))).toEqual({ type: 'boolean', value: false });
    expect(byId.get(regs[1]!.id)!.get(columnName(col('session:bio') + 1))).toEqual({ type: 'string', value: 'waitlisted' });
    expect(byId.get(regs[2]!.id)!.get(columnName(col('status') + 1))).toEqual({ type: 'string', value: 'cancelled' });
  });

  it('freezes the header row and puts filters on it', async () => {
    const sheet = await readFirstSheet((await download(`/events/${eventId}/registrations/export.xlsx`)).bytes);
    const columns = sheet.rows.get(1)!.size;
    expect(sheet.pane).toMatchObject({ state: 'frozen', ySplit: 1, topLeftCell: 'A2' });
    expect(sheet.pane?.xSplit ?? 0).toBe(0);
    expect(sheet.autoFilter).toBe(`A1:${columnName(columns)}1`);
  });

  it('is for admins only, and an unknown event is 404', async () => {
    expect((await download(`/events/${eventId}/registrations/export.xlsx`, staff)).status).toBe(403);
    expect((await download(`/events/${eventId}/registrations/export.xlsx`, null)).status).toBe(401);
    const missing = await stack.call('GET', '/events/AAAAAAAAAAAA/registrations/export.xlsx', { token: admin });
    expect(missing.status).toBe(404);
    expect(missing.type).toContain('application/problem+json');
  });
});

describe('GET /events/{eventId}/badges.pdf (badge print run)', () => {
  let eventId: string;
  const people: { name: string; organization?: string; sessions: string[] }[] = [
    { name: '최유나', organization: '한빛에너지', sessions: ['bio'] },
    { name: 'Alice Kim', organization: 'Zeta Mobility', sessions: [] },
    { name: '김민지', organization: '광주바이오', sessions: ['bio'] },
    { name: '박지훈', sessions: ['energy'] },
    { name: '이서준', organization: 'Acme', sessions: ['bio'] },
  ];
  let regs: Reg[];

  beforeAll(async () => {
    // Prepare: six confirmed in both locales (two without an organisation), one cancelled, one waitlisted
    eventId = await createEvent({ capacity: 6 });
    regs = [];
    for (const [i, p] of people.entries()) {
      const { organization, ...rest } = p;
      regs.push(await register(eventId, { ...participant(10 + i, { ...rest, answers: { companyType: 'global' } }), organization }));
    }
    const cancelled = await register(eventId, participant(20, { name: '가나다', answers: { companyType: 'global' } }));
    expect((await stack.call('DELETE', `/events/${eventId}/registrations/${cancelled.id}`, { token: admin })).status).toBe(200);
    await register(eventId, { ...participant(21, { name: '가가가', answers: { companyType: 'global' } }), organization: undefined });
    const waiting = await register(eventId, participant(22, { name: '가가나', answers: { companyType: 'global' } }));
    expect(waiting.status).toBe('waitlisted');
  });

  const names = ['최유나', 'Alice Kim', '김민지', '박지훈', '이서준', '가가가'];

  it('prints every confirmed badge, one A6 page each, sorted by name with the Korean collator; each page’s QR is that badge', async () => {
    // Act
    const r = await download(`/events/${eventId}/badges.pdf?sort=name`);
    // Assess
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    expect(r.headers.get('x-print-run-parts')).toBe('1');
    const pages = await readPdf(r.bytes);
    const expected = [...names].sort(new Intl.Collator('ko').compare);
    // The Korean collator: Hangul in 가나다 order first, then Latin.
    expect(expected).toEqual(['가가가', '김민지', '박지훈', '이서준', '최유나', 'Alice Kim']);
    expect(pages).toHaveLength(6); // the cancelled and the waitlisted are not printed
    for (const [i, page] of pages.entries()) {
      expect(page.widthPt).toBeCloseTo((105 / 25.4) * 72, 0); // A6 portrait: 105 × 148 mm
      expect(page.heightPt).toBeCloseTo((148 / 25.4) * 72, 0);
      expect(page.text.replace(/\s+/g, ''), `page ${i + 1}`).toContain(expected[i]!.replace(/\s+/g, ''));
    }
    // The first page's QR decodes to a badge the check-in accepts as that person.
    const qr = await decodePageQr(r.bytes, 1);
    expect(qr).toBeTruthy();
    const scan = await stack.call('POST', `/events/${eventId}/checkins`, { token: staff, body: { badge: qr } });
    expect(scan.status, scan.text).toBe(201);
    expect(scan.json.registration.name).toBe('가가가');
  });

  it('sorts by organisation (people without one last) and prints only one session’s confirmed holders', async () => {
    const byOrg = await readPdf((await download(`/events/${eventId}/badges.pdf?sort=organization`)).bytes);
    const orgs = ['Acme', 'Zeta Mobility', '광주바이오', '한빛에너지'].sort(new Intl.Collator('ko').compare);
    const first = byOrg.slice(0, 4).map((p) => orgs.findIndex((o) => p.text.replace(/\s+/g, '').includes(o.replace(/\s+/g, ''))));
    expect(first).toEqual([0, 1, 2, 3]);
    // Two without an organisation (박지훈, 가가가) come last, by name.
    expect(byOrg.slice(4).map((p) => (p.text.includes('가가가') ? '가가가' : p.text.includes('박지훈') ? '박지훈' : '?'))).toEqual([
      '가가가',
      '박지훈',
    ]);
    const bio = await readPdf((await download(`/events/${eventId}/badges.pdf?sessionId=bio`)).bytes);
    expect(bio.map((p) => ['김민지', '이서준', '최유나'].find((n) => p.text.includes(n)))).toEqual(['김민지', '이서준', '최유나']);
  });

  it('refuses a bad sort, part or session with 422, an event with nothing to print with 409, and anyone but an admin', async () => {
    for (const query of ['sort=email', 'part=0', 'part=2', 'part=x', 'sessionId=nope']) {
      const r = await stack.call('GET', `/events/${eventId}/badges.pdf?${query}`, { token: admin });
      expect(r.status, query).toBe(422);
      expect(r.json.code).toBe('validation_failed');
    }
    const empty = await createEvent();
    const none = await stack.call('GET', `/events/${empty}/badges.pdf`, { token: admin });
    expect(none.status).toBe(409);
    expect(none.json.code).toBe('nothing_to_print');
    expect((await download(`/events/${eventId}/badges.pdf`, staff)).status).toBe(403);
    expect((await download(`/events/${eventId}/badges.pdf`, null)).status).toBe(401);
  });

  it('hands a run of more than 20 badges over as a short-lived download (303), a PDF of every badge', async () => {
    // Prepare
    const big = await createEvent({ capacity: 100 });
    await Promise.all(Array.from({ length: 23 }, (_, i) => register(big, participant(100 + i, { answers: { companyType: 'global' } }))));
    // Act
    const r = await stack.call('GET', `/events/${big}/badges.pdf`, { token: admin });
    // Assess
    expect(r.status).toBe(303);
    const location = r.headers.get('location')!;
    expect(r.json).toMatchObject({ downloadUrl: location, badges: 23, part: 1, parts: 1, expiresAt: expect.any(String) });
    const file = await fetch(location);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    const pages = await readPdf(new Uint8Array(await file.arrayBuffer()));
    expect(pages).toHaveLength(23);
  }, 60_000);
});
