/**
 * Exits, re-entry and occupancy, the pure rules (domain/checkin-rules.ts, planScan): a person is
 * inside a place by the direction of their latest scan there by scannedAt, whatever order the
 * scans arrive in; a session entry enters the venue; a venue exit ends every session presence.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Scan } from '#domain/checkin';
import { isInside, judgeEntry, judgeExit, type PresenceScan } from '#domain/checkin-rules';
import { type PersonRecord, planScan, type ScanWrite } from '#domain/checkin-use-case';
import type { StoredEvent } from '#domain/event';
import type { StoredRegistration } from '#domain/registration';

const event = (reentry = true) =>
  ({ id: 'evt', sessions: [{ id: 'bio' }, { id: 'energy' }], checkin: { reentry } }) as unknown as StoredEvent;
const registration = {
  id: 'r'.repeat(22),
  eventId: 'evt',
  status: 'confirmed',
  sessions: [
    { id: 'bio', status: 'confirmed' },
    { id: 'energy', status: 'confirmed' },
  ],
  checkedInAt: null,
} as unknown as StoredRegistration;

const base = Date.parse('2027-09-14T00:00:00.000Z');
const at = (s: number) => new Date(base + s * 1000).toISOString();

interface Seen {
  sessionId?: string;
  direction: 'in' | 'out';
  second: number;
  key: string;
}
const toScan = (s: Seen, offline = true): Scan => ({
  registrationId: registration.id,
  ...(s.sessionId ? { sessionId: s.sessionId } : {}),
  scannedAt: at(s.second),
  deviceId: 'door',
  scanId: s.key,
  manual: false,
  offline,
  direction: s.direction,
  key: s.key,
});

/** Applies scans in the order given, as the store would: each write on the record the previous left. */
function arrive(scans: readonly Seen[], reentry = true) {
  let person: PersonRecord = { registration, firsts: {}, log: [], version: { changed: 0, scans: 0 } };
  const writes: ScanWrite[] = [];
  const answers: string[] = [];
  for (const s of scans) {
    const { write, answer } = planScan(event(reentry), person, toScan(s), new Date(base + 86_400_000));
    answers.push('code' in answer ? answer.code : answer.result);
    if (!write) continue;
    writes.push(write);
    person = {
      ...person,
      log: [...person.log, write.logged],
      firsts: { ...person.firsts, ...Object.fromEntries(write.firsts.map((f) => [f.place, f.first])) },
    };
  }
  return { person, writes, answers };
}

/** API.md in its own words: the direction of the latest scan by scannedAt that bears on the place. */
function expectedInside(scans: readonly Seen[]): string[] {
  const latest = (bears: (s: Seen) => boolean) =>
    [...scans]
      .filter(bears)
      .sort((a, b) => a.second - b.second || (a.key < b.key ? -1 : 1))
      .at(-1)?.direction === 'in';
  const places: string[] = [];
  if (latest((s) => s.sessionId === undefined || s.direction === 'in')) places.push('VENUE');
  for (const id of ['bio', 'energy']) {
    if (latest((s) => s.sessionId === id || (s.sessionId === undefined && s.direction === 'out'))) places.push(`SESSION#${id}`);
  }
  return places;
}

const seen = fc.record({
  sessionId: fc.constantFrom(undefined, 'bio', 'energy'),
  direction: fc.constantFrom('in' as const, 'out' as const),
  second: fc.integer({ min: 1, max: 3600 }),
});
const scanLists = fc
  .uniqueArray(seen, { minLength: 1, maxLength: 12, selector: (s) => s.second })
  .map((list) => list.map((s, i) => ({ ...s, key: `k${i}` }) as Seen));

describe('presence, whatever order the scans arrive in', () => {
  it('inside = the latest scan by scannedAt (a session entry enters the venue; a venue exit ends the sessions)', () => {
    fc.assert(
      fc.property(scanLists, fc.integer(), (scans, seed) => {
        const shuffled = fc.sample(fc.shuffledSubarray(scans, { minLength: scans.length, maxLength: scans.length }), {
          seed,
          numRuns: 1,
        })[0]!;
        const inOrder = arrive(scans);
        const outOfOrder = arrive(shuffled);
        const expected = expectedInside(scans);
        const now = (r: typeof inOrder) => [...(r.writes.at(-1)?.insideAfter ?? [])].sort();
        expect(now(inOrder), 'in time order').toEqual(expected.sort());
        expect(now(outOfOrder), 'shuffled').toEqual(expected.sort());
      }),
      { numRuns: 300 },
    );
  });

  it('the counters the writes move add up to the final presence: inside counts and timeline entries less exits', () => {
    fc.assert(
      fc.property(scanLists, fc.integer(), (scans, seed) => {
        const shuffled = fc.sample(fc.shuffledSubarray(scans, { minLength: scans.length, maxLength: scans.length }), {
          seed,
          numRuns: 1,
        })[0]!;
        const { writes } = arrive(shuffled);
        const inside = new Map<string, number>();
        const timeline = new Map<string, number>();
        for (const w of writes) {
          for (const p of w.insideAfter) if (!w.insideBefore.includes(p)) inside.set(p, (inside.get(p) ?? 0) + 1);
          for (const p of w.insideBefore) if (!w.insideAfter.includes(p)) inside.set(p, (inside.get(p) ?? 0) - 1);
          for (const d of w.timeline) timeline.set(d.place, (timeline.get(d.place) ?? 0) + d.in - d.out);
          // A write that changes nothing moves no counter, so it need not be ordered against others like it.
          if (!w.changes) expect([w.firsts, w.timeline, w.insideBefore]).toEqual([[], [], w.insideAfter]);
        }
        const expected = expectedInside(scans);
        for (const place of ['VENUE', 'SESSION#bio', 'SESSION#energy']) {
          const now = expected.includes(place) ? 1 : 0;
          expect(inside.get(place) ?? 0, place).toBe(now);
          expect(timeline.get(place) ?? 0, place).toBe(now);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the same scans uploaded again change nothing and write nothing', () => {
    fc.assert(
      fc.property(scanLists, (scans) => {
        const { person } = arrive(scans);
        for (const s of scans) expect(planScan(event(), person, toScan(s), new Date()).write).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });
});

describe('answers at the door', () => {
  it('in, in, out, out, in: checked_in, already_checked_in, checked_out, not_inside, re_entered', () => {
    const { answers, person } = arrive([
      { direction: 'in', second: 1, key: 'a' },
      { direction: 'in', second: 2, key: 'b' },
      { direction: 'out', second: 3, key: 'c' },
      { direction: 'out', second: 4, key: 'd' },
      { direction: 'in', second: 5, key: 'e' },
    ]);
    expect(answers).toEqual(['checked_in', 'already_checked_in', 'checked_out', 'not_inside', 're_entered']);
    // The first entry stays.
    expect(person.firsts.VENUE?.at).toBe(at(1));
  });

  it('re-entry off: an entry after an exit is refused, and a refused entry puts nobody inside', () => {
    const { answers, writes } = arrive(
      [
        { direction: 'in', second: 1, key: 'a' },
        { direction: 'out', second: 2, key: 'b' },
        { direction: 'in', second: 3, key: 'c' },
        { sessionId: 'bio', direction: 'in', second: 4, key: 'd' },
      ],
      false,
    );
    expect(answers).toEqual(['checked_in', 'checked_out', 'reentry_not_allowed', 'reentry_not_allowed']);
    expect(writes.at(-1)!.insideAfter).toEqual([]);
    expect(writes.at(-1)!.logged).toMatchObject({ applied: false, answer: 'reentry_not_allowed', status: 409 });
  });

  it('an earlier entry uploaded after a later exit: the exit was not_inside then, and the person is outside now', () => {
    const { answers, writes, person } = arrive([
      { direction: 'out', second: 20, key: 'b' },
      { direction: 'in', second: 10, key: 'a' },
    ]);
    expect(answers).toEqual(['not_inside', 'checked_in']);
    expect(writes.at(-1)!.insideAfter).toEqual([]);
    expect(writes.at(-1)!.timeline.map((d) => [d.place, d.in, d.out])).toEqual([['VENUE', 1, 1]]);
    expect(isInside(person.log, 'VENUE', { at: at(15), key: 'x' })).toBe(true);
  });

  it('cancelled: refused at the entrance, free to leave', () => {
    const cancelled = { ...registration, status: 'cancelled' } as StoredRegistration;
    const inside: PresenceScan[] = [{ place: 'VENUE', direction: 'in', at: at(1), key: 'a' }];
    const person: PersonRecord = {
      registration: cancelled,
      firsts: { VENUE: { at: at(1), deviceId: null } },
      log: inside.map((s) => ({
        ...s,
        applied: true,
        admits: true,
        deviceId: null,
        scanId: null,
        offline: false,
        uploadedAt: at(1),
        answer: 'checked_in',
        status: 201,
      })),
      version: { changed: 1, scans: 1 },
    };
    const leave = planScan(event(), person, toScan({ direction: 'out', second: 2, key: 'b' }), new Date());
    expect(leave.answer).toMatchObject({ result: 'checked_out' });
    expect(leave.write!.insideAfter).toEqual([]);
    const enter = planScan(event(), person, toScan({ direction: 'in', second: 3, key: 'c' }), new Date());
    expect(enter.answer).toMatchObject({ code: 'registration_cancelled' });
    expect(enter.write!.logged.applied).toBe(false);
  });

  it('judgeEntry / judgeExit as the scanner calls them', () => {
    const log: PresenceScan[] = [
      { place: 'SESSION#bio', direction: 'in', at: at(1), key: 'a' },
      { place: 'VENUE', direction: 'out', at: at(5), key: 'b' },
    ];
    expect(isInside(log, 'VENUE')).toBe(false);
    expect(isInside(log, 'SESSION#bio')).toBe(false);
    expect(isInside(log, 'SESSION#bio', { at: at(3), key: 'x' })).toBe(true);
    const now = { at: at(9), key: 'z' };
    expect(judgeEntry('SESSION#bio', at(1), log, now, { reentry: true, moveBack: false })).toBe('re_entered');
    expect(() => judgeEntry('VENUE', at(1), log, now, { reentry: false, moveBack: false })).toThrow(/reentry_not_allowed/);
    expect(() => judgeExit('SESSION#bio', log, now)).toThrow(/not_inside/);
    expect(judgeExit('SESSION#bio', log, { at: at(3), key: 'x' })).toBe('checked_out');
  });
});
