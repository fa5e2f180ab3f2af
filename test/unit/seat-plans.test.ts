/** Seat plans bounded by writes (domain/seat-ledger.ts): pure, no engine. */
import { describe, expect, it } from 'vitest';
import type { EventCounters, StoredEvent } from '#domain/event';
import type { StoredRegistration } from '#domain/registration';
import { boundedPlan, leavesSeatsOwed, planWrites, SeatLedger, sessionPlace, type LineEntry, type Place } from '#domain/seat-ledger';

const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
const person = (
  id: string,
  n: number,
  status: 'confirmed' | 'waitlisted',
  sessions: StoredRegistration['sessions'],
): StoredRegistration => ({
  id: id.padEnd(22, 'x'),
  eventId: 'evt',
  status,
  email: `${id}@example.com`,
  name: id,
  organization: null,
  jobTitle: null,
  locale: 'en',
  sessions,
  answers: {},
  consent: { privacy: true },
  createdAt: at(n),
  updatedAt: at(n),
  checkedInAt: null,
  tokenVersion: 1,
});
const event = { id: 'evt' } as StoredEvent;

describe('a cancellation that frees more than one transaction can hand out', () => {
  it('writes at most 99 (one left for the marker), promotes the first heads, leaves the rest owed', () => {
    // Prepare: R holds 30 full sessions; one person waits in each
    const ids = Array.from({ length: 30 }, (_, i) => `s${i}`);
    const counters: EventCounters = {
      event: { capacity: 100, confirmed: 31, waitlisted: 0, cancelled: 0, checkedIn: 0 },
      sessions: Object.fromEntries(ids.map((id) => [id, { capacity: 1, confirmed: 1, waitlisted: 1, checkedIn: 0 }])),
    };
    const r = person(
      'holder',
      0,
      'confirmed',
      ids.map((id) => ({ id, status: 'confirmed' })),
    );
    const heads = new Map<Place, LineEntry[]>(
      ids.map((id, i) => [
        sessionPlace(id),
        [{ registration: person(`w${i}`, i + 1, 'confirmed', [{ id, status: 'waitlisted', arrival: at(i + 1) }]), arrival: at(i + 1) }],
      ]),
    );
    // Act
    const plan = boundedPlan(heads, 99, (given, truncated) => {
      const ledger = new SeatLedger({ event, counters, heads: given, truncated }, at(100));
      ledger.cancel(r);
      return ledger.settle();
    })!;
    // Assess
    expect(planWrites(plan)).toBeLessThanOrEqual(99);
    const promoted = plan.emails.filter((e) => e.kind === 'promoted').map((e) => e.registrationId);
    expect(promoted).toEqual(ids.slice(0, promoted.length).map((_, i) => `w${i}`.padEnd(22, 'x')));
    expect(promoted.length).toBe(21);
    expect(leavesSeatsOwed(counters, plan)).toBe(true);
    // Every freed seat is freed (counted), given or owed; nobody is seated twice.
    for (const id of ids)
      expect(plan.counters.get(sessionPlace(id))!.confirmed).toBe(promoted.includes(`w${ids.indexOf(id)}`.padEnd(22, 'x')) ? 0 : -1);
  });
});

describe('a line cut short by the write bound', () => {
  it('seats nobody past its last head given: someone asking for it joins the line, the seat stays owed', () => {
    // Prepare: one event seat free for E (waiting, wants bio); bio has a seat free but its line was not read
    const counters: EventCounters = {
      event: { capacity: 2, confirmed: 1, waitlisted: 1, cancelled: 0, checkedIn: 0 },
      sessions: { bio: { capacity: 2, confirmed: 1, waitlisted: 1, checkedIn: 0, waitingForEvent: 1 } },
    };
    const e = person('eline', 0, 'waitlisted', [{ id: 'bio', status: 'waitlisted' }]);
    const ledger = new SeatLedger(
      {
        event,
        counters,
        heads: new Map([
          ['event', [{ registration: e, arrival: e.createdAt }]],
          [sessionPlace('bio'), []],
        ]),
        truncated: new Set([sessionPlace('bio')]),
      },
      at(100),
    );
    ledger.addSeats('event', 1);
    ledger.addSeats(sessionPlace('bio'), 1);
    // Act
    const plan = ledger.settle();
    // Assess: E holds the event seat and waits in bio's line; bio's free seat is owed to its line
    expect(plan.registrations.get(e.id)!.after).toMatchObject({ status: 'confirmed', sessions: [{ id: 'bio', status: 'waitlisted' }] });
    expect(plan.counters.get(sessionPlace('bio'))).toMatchObject({ confirmed: 0, waitlisted: 1, waitingForEvent: -1 });
    expect(leavesSeatsOwed(counters, plan)).toBe(true);
  });

  it('a promoted registration whose chosen session the event no longer has keeps its other sessions (no throw)', () => {
    const counters: EventCounters = {
      event: { capacity: 2, confirmed: 1, waitlisted: 1, cancelled: 0, checkedIn: 0 },
      sessions: { bio: { capacity: 5, confirmed: 0, waitlisted: 0, checkedIn: 0 } },
    };
    const e = person('eline', 0, 'waitlisted', [
      { id: 'bio', status: 'waitlisted' },
      { id: 'gone', status: 'waitlisted' },
    ]);
    const ledger = new SeatLedger({ event, counters, heads: new Map([['event', [{ registration: e, arrival: e.createdAt }]]]) }, at(100));
    ledger.addSeats('event', 1);
    const plan = ledger.settle();
    expect(plan.registrations.get(e.id)!.after).toMatchObject({ status: 'confirmed', sessions: [{ id: 'bio', status: 'confirmed' }] });
  });
});

describe('steps after a change has committed', () => {
  it('a cancellation that leaves promotions owed answers with the cancelled registration even if the next step fails', async () => {
    // Prepare: a seat stands free in bio while someone waits (owed); the next step's read is throttled
    const { cancelRegistration } = await import('#domain/seat-changes');
    const { serviceUnavailable } = await import('#domain/errors');
    const counters: EventCounters = {
      event: { capacity: 10, confirmed: 3, waitlisted: 0, cancelled: 0, checkedIn: 0 },
      sessions: { bio: { capacity: 2, confirmed: 1, waitlisted: 1, checkedIn: 0 } },
    };
    const r = person('leaver', 0, 'confirmed', []);
    const applied: unknown[] = [];
    const stores = {
      events: {
        read: async () => {
          throw serviceUnavailable();
        },
      },
      registrations: {},
      seats: { heads: async () => new Map(), apply: async (_: string, plan: unknown) => (applied.push(plan), 'ok' as const) },
    } as never;
    // Act
    const cancelled = await cancelRegistration(stores, 'evt', r.id, { read: { page: { event, counters }, registration: r } });
    // Assess: committed with the marker set; the answer stands
    expect(cancelled.status).toBe('cancelled');
    expect(applied).toHaveLength(1);
    expect(applied[0]).toMatchObject({ owed: { op: 'put' } });
  });
});
