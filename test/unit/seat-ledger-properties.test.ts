/**
 * The seat ledger and the check-in rules against API.md, at unit speed, with generated cases:
 * lines are first come, first served; a freed seat goes to the head of the line in the same
 * plan; no plan seats more than the capacity; a check-in is judged by status and session seat.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placesOf, scanTime, MAX_CLOCK_SKEW_MS } from '#domain/checkin';
import { freshCounters, newEvent } from '#domain/event';
import type { StoredRegistration } from '#domain/registration';
import { SeatLedger, type LineEntry } from '#domain/seat-ledger';
import { eventInput } from '#schemas/event';
import { openEvent } from '../support/fixtures.ts';

const event = newEvent('ledger-prop1', eventInput().parse(openEvent({ capacity: 50 })), new Date('2026-01-01T00:00:00Z'));
const NOW = '2026-06-01T00:00:00.000Z';

function person(
  i: number,
  status: StoredRegistration['status'],
  arrivalMs: number,
  sessions: StoredRegistration['sessions'] = [],
): StoredRegistration {
  const at = new Date(Date.parse('2026-02-01T00:00:00Z') + arrivalMs).toISOString();
  return {
    id: `r${String(i).padStart(21, '0')}`,
    eventId: event.id,
    status,
    email: `p${i}@example.com`,
    name: `P ${i}`,
    organization: null,
    jobTitle: null,
    locale: 'en',
    sessions,
    answers: {},
    consent: { privacy: true },
    createdAt: at,
    updatedAt: at,
    checkedInAt: null,
    tokenVersion: 1,
  };
}

/** A full event (capacity C, C confirmed) with a line of waiting people, arrivals distinct and shuffled. */
const fullEventWithLine = fc
  .record({
    capacity: fc.integer({ min: 1, max: 30 }),
    arrivals: fc.uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { maxLength: 12 }),
  })
  .map(({ capacity, arrivals }) => {
    const counters = freshCounters({ ...event, capacity });
    counters.event.confirmed = capacity;
    counters.event.waitlisted = arrivals.length;
    const waiting = arrivals.map((ms, i) => person(100 + i, 'waitlisted', ms));
    // The store reads a line oldest first.
    const line: LineEntry[] = [...waiting]
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((r) => ({ registration: r, arrival: r.createdAt }));
    return { capacity, counters, line };
  });

describe('the seat ledger (fast-check)', () => {
  it('a cancellation of a confirmed seat promotes the head of the line, and only the head, in the same plan', () => {
    fc.assert(
      fc.property(fullEventWithLine, ({ counters, line }) => {
        // Prepare
        const leaving = person(1, 'confirmed', 0);
        const ledger = new SeatLedger({ event, counters, heads: new Map([['event', line.slice(0, 1)]]) }, NOW);
        // Act
        ledger.cancel(leaving);
        const plan = ledger.settle();
        // Assess
        const change = plan.counters.get('event')!;
        const promoted = [...plan.registrations.values()]
          .filter((w) => w.before.status === 'waitlisted' && w.after.status === 'confirmed')
          .map((w) => w.after.id);
        expect(promoted).toEqual(line.length ? [line[0]!.registration.id] : []);
        expect(change.confirmed).toBe(line.length ? 0 : -1);
        expect(change.waitlisted).toBe(line.length ? -1 : 0);
        expect(change.cancelled).toBe(1);
        expect(plan.registrations.get(leaving.id)!.after.status).toBe('cancelled');
        expect(plan.releasedEmails.map((e) => e.registration.id)).toEqual([leaving.id]);
        expect(plan.lines.filter((l) => l.op === 'delete').map((l) => l.registrationId)).toEqual(promoted);
      }),
    );
  });

  it('new seats go to the earliest arrivals, as many as there are seats, never past the capacity', () => {
    fc.assert(
      fc.property(fullEventWithLine, fc.integer({ min: 1, max: 15 }), ({ capacity, counters, line }, added) => {
        // Prepare: the capacity raised by `added`; the heads read are as many as the seats added
        const raised = { ...counters, event: { ...counters.event, capacity: capacity + added } };
        const ledger = new SeatLedger({ event, counters: raised, heads: new Map([['event', line.slice(0, added)]]) }, NOW);
        // Act
        ledger.addSeats('event', added);
        const plan = ledger.settle();
        // Assess
        const promoted = [...plan.registrations.values()].filter((w) => w.after.status === 'confirmed').map((w) => w.after.id);
        expect(promoted).toEqual(line.slice(0, Math.min(added, line.length)).map((h) => h.registration.id));
        const change = plan.counters.get('event');
        const confirmedAfter = capacity + (change?.confirmed ?? 0);
        expect(confirmedAfter).toBeLessThanOrEqual(capacity + added);
        expect((change?.waitlisted ?? 0) + promoted.length).toBe(0);
        expect(
          plan.emails
            .filter((e) => e.kind === 'promoted')
            .map((e) => e.registrationId)
            .sort(),
        ).toEqual([...promoted].sort());
      }),
    );
  });

  it('cancelling someone who waits frees no seat and promotes nobody', () => {
    fc.assert(
      fc.property(
        fullEventWithLine.filter((x) => x.line.length > 0),
        ({ counters, line }) => {
          const leaving = line[line.length - 1]!.registration;
          const ledger = new SeatLedger({ event, counters, heads: new Map([['event', line.slice(0, 1)]]) }, NOW);
          ledger.cancel(leaving);
          const plan = ledger.settle();
          expect([...plan.registrations.keys()]).toEqual([leaving.id]);
          expect(plan.counters.get('event')).toMatchObject({ confirmed: 0, waitlisted: -1, cancelled: 1 });
        },
      ),
    );
  });
});

describe('the check-in rules (fast-check)', () => {
  const now = new Date('2026-09-14T01:00:00.000Z');
  const sessionIds = event.sessions.map((s) => s.id);

  it('a scan time up to 5 minutes ahead of the clock is taken (normalised); a later one is 422 on scannedAt', () => {
    fc.assert(
      fc.property(fc.integer({ min: -30 * 86_400_000, max: 2 * MAX_CLOCK_SKEW_MS }), (offset) => {
        const at = new Date(now.getTime() + offset);
        const text = at.toISOString().replace('Z', '+00:00');
        if (offset <= MAX_CLOCK_SKEW_MS) expect(scanTime(text, now)).toBe(at.toISOString());
        else expect(() => scanTime(text, now)).toThrow(expect.objectContaining({ status: 422, code: 'validation_failed' }));
      }),
    );
    expect(scanTime(undefined, now)).toBe(now.toISOString());
  });

  it('who may be checked in where: by status and by a confirmed seat in the session', () => {
    const status = fc.constantFrom<StoredRegistration['status']>('confirmed', 'waitlisted', 'cancelled');
    const seat = fc.constantFrom<'confirmed' | 'waitlisted' | 'none'>('confirmed', 'waitlisted', 'none');
    const door = fc.option(fc.constantFrom(...sessionIds, 'nope'), { nil: undefined });
    fc.assert(
      fc.property(status, seat, door, (s, seatInBio, sessionId) => {
        const r = person(1, s, 0, seatInBio === 'none' ? [] : [{ id: 'bio', status: seatInBio }]);
        const judge = () => placesOf(event, r, sessionId);
        if (s === 'cancelled') expect(judge).toThrow(expect.objectContaining({ status: 409, code: 'registration_cancelled' }));
        else if (s === 'waitlisted') expect(judge).toThrow(expect.objectContaining({ status: 409, code: 'badge_not_issued' }));
        else if (sessionId === undefined) expect(judge()).toEqual(['VENUE']);
        else if (sessionId === 'nope') expect(judge).toThrow(expect.objectContaining({ status: 422 }));
        else if (sessionId === 'bio' && seatInBio === 'confirmed') expect(judge()).toEqual(['VENUE', 'SESSION#bio']);
        else expect(judge).toThrow(expect.objectContaining({ status: 409, code: 'not_registered_for_session' }));
      }),
    );
  });
});
