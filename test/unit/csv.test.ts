/** The CSV export's cells and rows: RFC 4180 quoting, CRLF, BOM, formula neutralisation, columns. */
import { describe, expect, it } from 'vitest';
import { answerCell, BOM, csvCell, csvRow, exportColumns, headerRow, neutralise, registrationRow } from '#domain/csv';
import type { StoredRegistration } from '#domain/registration';
import { parseCsv } from '../support/csv.ts';

const registration = (overrides: Partial<StoredRegistration> = {}): StoredRegistration => ({
  id: 'AAAAAAAAAAAAAAAAAAAAAA',
  eventId: 'EEEEEEEEEEEE',
  status: 'confirmed',
  email: 'minji.kim@example.com',
  name: '김민지',
  organization: 'Gwangju Bio Co.',
  jobTitle: null,
  locale: 'ko',
  sessions: [{ id: 'energy', status: 'waitlisted' }],
  answers: { companyType: 'global', topics: ['bio', 'energy'], newsletter: false },
  consent: { privacy: true },
  createdAt: '2027-09-01T00:00:00.000Z',
  updatedAt: '2027-09-01T00:00:00.000Z',
  checkedInAt: null,
  tokenVersion: 1,
  ...overrides,
});

const event = {
  sessions: [{ id: 'bio' }, { id: 'energy' }],
  fields: [{ id: 'companyType' }, { id: 'topics' }, { id: 'newsletter' }, { id: 'email' }],
} as unknown as Parameters<typeof exportColumns>[0];

describe('csv cells (RFC 4180)', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line1\nline2', '"line1\nline2"'],
    ['line1\r\nline2', '"line1\r\nline2"'],
    ['김민지', '김민지'],
    ['', ''],
  ])('%j is written as %j', (value, written) => {
    expect(csvCell(value)).toBe(written);
  });

  it('ends every row with CRLF and reads back cell for cell, commas, quotes and newlines included', () => {
    // Prepare
    const cells = ['a,b', 'say "hi"', 'two\nlines', 'Ünïcödé 김민지', ' padded ', ''];
    // Act
    const row = csvRow(cells);
    // Assess
    expect(row.endsWith('\r\n')).toBe(true);
    expect(row.slice(0, -2)).not.toMatch(/\r\n$/);
    expect(parseCsv(row)).toEqual([cells]);
  });

  it('starts with the UTF-8 BOM (EF BB BF), which Excel needs to read Hangul', () => {
    expect([...Buffer.from(BOM + headerRow(exportColumns(event)), 'utf8').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });
});

describe('formula neutralisation', () => {
  it.each(['=SUM(A1)', '+1', '-1', '@x', '\tTAB', '\rCR', '=HYPERLINK("http://evil","click")', '＝SUM(A1)', '＋1', '－1', '＠x'])(
    '%j gets a leading quote',
    (value) => {
      expect(neutralise(value)).toBe(`'${value}`);
      // And survives quoting: read back, it is the neutralised text.
      expect(parseCsv(csvRow([value]))).toEqual([[`'${value}`]]);
    },
  );

  it.each(['Hannah', '김민지', '1+1', 'a=b', ' =not first', "'already quoted", ''])('%j is left as it is', (value) => {
    expect(neutralise(value)).toBe(value);
  });

  it('neutralises before quoting, so a formula behind a comma is still caught', () => {
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
  });
});

describe('export rows', () => {
  it('header: fixed columns, one per session, one per field by id (a field named like a fixed column is prefixed)', () => {
    expect(exportColumns(event).header).toEqual([
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
      'topics',
      'newsletter',
      'answers.email',
    ]);
  });

  it('a registration: seat status per session or empty, multiselect joined with "; ", checkbox true/false, nulls empty', () => {
    // Act
    const [row] = parseCsv(
      registrationRow(
        exportColumns(event),
        registration({ answers: { companyType: 'global', topics: ['bio', 'energy'], newsletter: false, email: 'x' } }),
      ),
    );
    // Assess
    expect(row).toEqual([
      'AAAAAAAAAAAAAAAAAAAAAA',
      'confirmed',
      'minji.kim@example.com',
      '김민지',
      'Gwangju Bio Co.',
      '',
      'ko',
      '2027-09-01T00:00:00.000Z',
      '',
      '',
      'waitlisted',
      'global',
      'bio; energy',
      'false',
      'x',
    ]);
  });

  it('neutralises participant text in every column', () => {
    const [row] = parseCsv(
      registrationRow(
        exportColumns(event),
        registration({ name: '=SUM(A1)', organization: '+1', jobTitle: '-1', answers: { companyType: '@x' } }),
      ),
    );
    expect(row!.slice(3, 6)).toEqual(["'=SUM(A1)", "'+1", "'-1"]);
    expect(row![11]).toBe("'@x");
  });

  it('answer cells', () => {
    expect(answerCell(undefined)).toBe('');
    expect(answerCell(true)).toBe('true');
    expect(answerCell([])).toBe('');
    expect(answerCell(['a'])).toBe('a');
    expect(answerCell('https://example.com/a,b')).toBe('https://example.com/a,b');
  });
});
