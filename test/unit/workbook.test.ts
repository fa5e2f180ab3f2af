/** The XLSX writer alone, read back by the independent reader (jszip + fast-xml-parser). */
import { describe, expect, it } from 'vitest';
import { registrationsWorkbook, wallClock } from '#xlsx-writer';
import { readFirstSheet, serialToWallClock } from '../support/xlsx-reader.ts';

describe('registrationsWorkbook', () => {
  it('writes text XML cannot hold (U+FFFE, U+FFFF) as U+FFFD, keeping the rest of the cell', async () => {
    const bytes = await registrationsWorkbook({
      header: ['name'],
      rows: [['김\uFFFE민\uFFFF지 😀']],
      timeZone: 'Asia/Seoul',
      sheetName: 'R',
    });
    const sheet = await readFirstSheet(bytes);
    expect(sheet.rows.get(2)?.get('A')).toEqual({ type: 'string', value: '김\uFFFD민\uFFFD지 😀' });
  });

  it("shows an instant as the event's wall-clock time, across a DST change elsewhere", async () => {
    expect(wallClock('2027-03-14T06:59:59.500Z', 'America/New_York').toISOString()).toBe('2027-03-14T01:59:59.500Z');
    expect(wallClock('2027-03-14T07:00:00.000Z', 'America/New_York').toISOString()).toBe('2027-03-14T03:00:00.000Z');
    const bytes = await registrationsWorkbook({
      header: ['createdAt', 'n', 'b'],
      rows: [[{ at: '2027-09-01T15:30:00.000Z' }, 42, false]],
      timeZone: 'Asia/Seoul',
      sheetName: 'R',
    });
    const row = (await readFirstSheet(bytes)).rows.get(2)!;
    expect(serialToWallClock((row.get('A') as { value: number }).value)).toBe('2027-09-02T00:30:00.000');
    expect(row.get('B')).toEqual({ type: 'number', value: 42 });
    expect(row.get('C')).toEqual({ type: 'boolean', value: false });
  });
});
