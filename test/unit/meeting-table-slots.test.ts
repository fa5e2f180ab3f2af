/** Which slots a badge at a meeting table may be for (the scanner's table mode): the one under way, then the next within 10 minutes. */
import { describe, expect, it } from 'vitest';
import { TABLE_EARLY_MS, tableSlotsAt } from '#domain/meeting-table-checkin';
import { slotsOf } from '#domain/meetings';

const slots = slotsOf({ blocks: [{ startsAt: '2026-12-01T01:00:00.000Z', endsAt: '2026-12-01T02:00:00.000Z' }], slotMinutes: 30 });
const at = (iso: string) => new Date(iso);

describe('tableSlotsAt', () => {
  it('nothing before the early window or after the last slot', () => {
    expect(tableSlotsAt(slots, new Date(Date.parse('2026-12-01T01:00:00.000Z') - TABLE_EARLY_MS - 1))).toEqual([]);
    expect(tableSlotsAt(slots, at('2026-12-01T02:00:00.000Z'))).toEqual([]);
  });
  it('the first slot from 10 minutes before it (inclusive) until its end (exclusive)', () => {
    expect(tableSlotsAt(slots, new Date(Date.parse('2026-12-01T01:00:00.000Z') - TABLE_EARLY_MS))).toEqual(['2026-12-01T01:00:00.000Z']);
    expect(tableSlotsAt(slots, at('2026-12-01T01:10:00.000Z'))).toEqual(['2026-12-01T01:00:00.000Z']);
  });
  it('back to back: the slot under way first, then the one about to start', () => {
    expect(tableSlotsAt(slots, at('2026-12-01T01:25:00.000Z'))).toEqual(['2026-12-01T01:00:00.000Z', '2026-12-01T01:30:00.000Z']);
    expect(tableSlotsAt(slots, at('2026-12-01T01:30:00.000Z'))).toEqual(['2026-12-01T01:30:00.000Z']);
  });
});
