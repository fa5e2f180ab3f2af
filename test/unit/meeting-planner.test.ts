/**
 * The meeting planner (domain/meetings.ts), property-tested: on random programmes and calendars
 * the plan never puts a person or a table in two meetings at once, and it is the earliest
 * possible (held against a brute force over every slot and table).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bookableSlots,
  dueChange,
  foldForSearch,
  planMeeting,
  settingsProblems,
  slotsOf,
  strandedMeetings,
  type StoredMeeting,
} from '#domain/meetings';

const T0 = Date.parse('2026-09-14T00:00:00.000Z');
const iso = (min: number) => new Date(T0 + min * 60_000).toISOString();

/** A random programme: non-overlapping blocks, a slot length, some tables. */
const programme = fc
  .record({
    gaps: fc.array(fc.record({ gap: fc.integer({ min: 0, max: 120 }), length: fc.integer({ min: 10, max: 240 }) }), {
      minLength: 1,
      maxLength: 4,
    }),
    slotMinutes: fc.constantFrom(10, 15, 20, 30, 45),
    tables: fc.integer({ min: 1, max: 4 }),
  })
  .map(({ gaps, slotMinutes, tables }) => {
    let at = 0;
    const blocks = gaps.map(({ gap, length }) => {
      const b = { startsAt: iso(at + gap), endsAt: iso(at + gap + length) };
      at += gap + length;
      return b;
    });
    return { blocks, slotMinutes, tables: Array.from({ length: tables }, (_, i) => `T${i + 1}`) };
  });

describe('planMeeting', () => {
  it('books a free person-slot and table-slot, the earliest possible, on random calendars', () => {
    fc.assert(
      fc.property(
        programme,
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()), { maxLength: 40 }),
        fc.nat(),
        (p, requests, seed) => {
          const slots = slotsOf(p).map((s) => s.startsAt);
          // Calendars made by booking random pairs of 6 people one after another with the planner itself.
          const busy = new Map<number, Set<string>>();
          const taken = new Map<string, Set<string>>();
          const bookings: { a: number; b: number; slot: string; table: string }[] = [];
          for (const [x, y] of requests.map(([x, y]) => [x % 6, (x + 1 + (y % 5)) % 6])) {
            const mine = new Set([...(busy.get(x!) ?? []), ...(busy.get(y!) ?? [])]);
            const plan = planMeeting({ slots, tables: p.tables, busy: mine, taken });
            // Brute force: the first slot (in time order) with both free and any table free.
            const brute = slots.find((s) => !mine.has(s) && p.tables.some((t) => !taken.get(s)?.has(t)));
            expect(plan?.slot).toBe(brute);
            if (!plan) continue;
            expect(mine.has(plan.slot)).toBe(false);
            expect(taken.get(plan.slot)?.has(plan.table) ?? false).toBe(false);
            for (const who of [x!, y!]) busy.set(who, new Set([...(busy.get(who) ?? []), plan.slot]));
            taken.set(plan.slot, new Set([...(taken.get(plan.slot) ?? []), plan.table]));
            bookings.push({ a: x!, b: y!, slot: plan.slot, table: plan.table });
          }
          // Never a person or a table twice in one slot, over the whole calendar.
          const personSlots = bookings.flatMap((m) => [`${m.a}@${m.slot}`, `${m.b}@${m.slot}`]);
          expect(new Set(personSlots).size).toBe(personSlots.length);
          const tableSlots = bookings.map((m) => `${m.table}@${m.slot}`);
          expect(new Set(tableSlots).size).toBe(tableSlots.length);
          expect(seed).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('slots never overlap one another and lie inside their blocks', () => {
    fc.assert(
      fc.property(programme, (p) => {
        const slots = slotsOf(p);
        for (let i = 1; i < slots.length; i++)
          expect(Date.parse(slots[i]!.startsAt)).toBeGreaterThanOrEqual(Date.parse(slots[i - 1]!.endsAt));
        for (const s of slots)
          expect(
            p.blocks.some((b) => Date.parse(b.startsAt) <= Date.parse(s.startsAt) && Date.parse(s.endsAt) <= Date.parse(b.endsAt)),
          ).toBe(true);
      }),
    );
  });

  it('bookable slots are those whose ten minutes of grace have not passed', () => {
    const slots = slotsOf({ blocks: [{ startsAt: iso(0), endsAt: iso(90) }], slotMinutes: 30 });
    expect(bookableSlots(slots, new Date(T0 + 9 * 60_000))).toEqual([iso(0), iso(30), iso(60)]);
    expect(bookableSlots(slots, new Date(T0 + 11 * 60_000))).toEqual([iso(30), iso(60)]);
  });
});

describe('meeting rules', () => {
  const base: StoredMeeting = {
    id: 'm',
    eventId: 'e',
    requester: 'a',
    invitee: 'b',
    status: 'scheduled',
    message: null,
    createdAt: iso(-100),
    updatedAt: iso(-100),
    expiresAt: iso(-50),
    startsAt: iso(0),
    endsAt: iso(30),
    table: 'T1',
    present: ['a'],
    noShow: null,
    cancelledBy: null,
  };
  it('a no-show only after ten minutes, naming the absent side; an unanswered request expires', () => {
    expect(dueChange(base, new Date(T0 + 10 * 60_000))).toBeUndefined();
    expect(dueChange(base, new Date(T0 + 10 * 60_000 + 1))).toEqual({ status: 'no_show', noShow: ['b'] });
    expect(dueChange({ ...base, status: 'requested' }, new Date(T0 - 50 * 60_000))).toEqual({ status: 'expired' });
  });
  it('a programme change strands a scheduled meeting whose slot or table is gone', () => {
    const p = { blocks: [{ startsAt: iso(0), endsAt: iso(60) }], slotMinutes: 30, tables: ['T1'], maxPerParticipant: 3, requestHours: 1 };
    expect(strandedMeetings([base], p)).toEqual([]);
    expect(strandedMeetings([base], { ...p, tables: ['T2'] })).toEqual(['m']);
    expect(strandedMeetings([base], { ...p, slotMinutes: 20 })).toEqual(['m']);
    expect(strandedMeetings([{ ...base, status: 'held' }], { ...p, tables: ['T2'] })).toEqual([]);
    expect(
      settingsProblems({ ...p, blocks: [...p.blocks, { startsAt: iso(30), endsAt: iso(90) }] }, { startsAt: iso(-60), endsAt: iso(600) }),
    ).toEqual([{ path: 'meetings.blocks.1', message: 'blocks must not overlap' }]);
  });
});

describe('directory search folding', () => {
  it('a Hangul name matches every prefix a keyboard shows while typing it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0xac00, max: 0xd7a3 }), { minLength: 1, maxLength: 5 }), (points) => {
        const name = String.fromCodePoint(...points);
        const folded = foldForSearch(name);
        for (let i = 1; i <= name.length; i++) expect(folded.startsWith(foldForSearch(name.slice(0, i)))).toBe(true);
      }),
    );
    expect(foldForSearch('김민지').startsWith(foldForSearch('김ㅁ'))).toBe(true);
    expect(foldForSearch('기미').startsWith(foldForSearch('김'))).toBe(true);
    expect(foldForSearch('Hannah').startsWith(foldForSearch('HAN'))).toBe(true);
    expect(foldForSearch('박지성').startsWith(foldForSearch('김'))).toBe(false);
  });
});
