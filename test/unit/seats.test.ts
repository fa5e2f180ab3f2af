import { describe, expect, it } from 'vitest';
import { allocateSeats } from '#domain/seats';
import type { EventCounters } from '#domain/event';

const counters = (event: [number, number, number], sessions: Record<string, [number, number, number]> = {}): EventCounters => ({
  event: { capacity: event[0], confirmed: event[1], waitlisted: event[2], cancelled: 0, checkedIn: 0 },
  sessions: Object.fromEntries(
    Object.entries(sessions).map(([id, [capacity, confirmed, waitlisted]]) => [id, { capacity, confirmed, waitlisted, checkedIn: 0 }]),
  ),
});

describe('allocateSeats', () => {
  it('confirms the event and each session with a free seat', () => {
    expect(allocateSeats(counters([10, 3, 0], { bio: [2, 0, 0] }), ['bio'], true)).toEqual({
      status: 'confirmed',
      sessions: [{ id: 'bio', status: 'confirmed' }],
    });
  });

  it('waitlists only the full session', () => {
    const d = allocateSeats(counters([10, 3, 0], { bio: [2, 2, 0], energy: [2, 1, 0] }), ['bio', 'energy'], true);
    expect(d).toEqual({
      status: 'confirmed',
      sessions: [
        { id: 'bio', status: 'waitlisted' },
        { id: 'energy', status: 'confirmed' },
      ],
    });
  });

  it('waitlists the whole registration, sessions too, when the event is full', () => {
    const d = allocateSeats(counters([2, 2, 0], { bio: [2, 0, 0] }), ['bio'], true);
    expect(d).toEqual({ status: 'waitlisted', sessions: [{ id: 'bio', status: 'waitlisted' }] });
  });

  it('never lets a newcomer jump a line, even past a free seat', () => {
    expect(allocateSeats(counters([10, 5, 1]), [], true).status).toBe('waitlisted');
    expect(allocateSeats(counters([10, 5, 0], { bio: [3, 1, 2] }), ['bio'], true).sessions[0]!.status).toBe('waitlisted');
  });

  it('answers sold_out with the waitlist off', () => {
    expect(() => allocateSeats(counters([1, 1, 0]), [], false)).toThrow(expect.objectContaining({ status: 409, code: 'sold_out' }));
    expect(() => allocateSeats(counters([5, 1, 0], { bio: [1, 1, 0] }), ['bio'], false)).toThrow(
      expect.objectContaining({ code: 'sold_out' }),
    );
  });
});

describe('plans under contention, bounded by the function time', () => {
  /** Stores whose every written plan turns out stale, counting the plans. */
  async function contended() {
    const { newEvent, freshCounters } = await import('#domain/event');
    const { eventInput } = await import('#schemas/event');
    const forum = (await import('../../functions/local/forum-2023.json', { with: { type: 'json' } })).default;
    const event = newEvent('gwangju-2023', eventInput().parse(forum.event), new Date('2023-08-20T00:00:00Z'));
    const counters = freshCounters(event);
    counters.event.confirmed = 1;
    const at = '2023-08-21T00:00:00.000Z';
    const registration = {
      id: 'r'.repeat(22),
      eventId: event.id,
      status: 'confirmed' as const,
      email: 'a@example.com',
      name: '김민지',
      organization: null,
      jobTitle: null,
      locale: 'ko' as const,
      sessions: [],
      answers: {},
      consent: { privacy: true },
      createdAt: at,
      updatedAt: at,
      checkedInAt: null,
      tokenVersion: 1,
      expiresAt: 0,
    };
    const plans = { written: 0 };
    const stores = {
      events: { read: async () => ({ event, counters }) },
      registrations: { read: async () => registration },
      seats: { heads: async () => new Map(), apply: async () => (plans.written++, 'stale' as const) },
    } as never;
    return { stores, plans, eventId: event.id, registrationId: registration.id };
  }

  it('with time left, plans again; once the deadline is near, answers 503 with Retry-After, having written nothing', async () => {
    // Prepare
    const { cancelRegistration } = await import('#domain/seat-changes');
    const c = await contended();
    // Act: a deadline already within the margin
    const refused = await cancelRegistration(c.stores, c.eventId, c.registrationId, { deadline: Date.now() + 1000 }).catch(
      (e: unknown) => e,
    );
    // Assess: no write begun without time for it, 503
    expect(refused).toMatchObject({ status: 503, code: 'service_unavailable', options: { headers: { 'Retry-After': '1' } } });
    expect(c.plans.written).toBe(0);
  });

  it('with time left, it keeps planning up to its bound (its pauses on a fake clock: unit speed)', async () => {
    // Prepare
    const { cancelRegistration } = await import('#domain/seat-changes');
    const c = await contended();
    const paused: number[] = [];
    const sleep = async (ms: number) => void paused.push(ms);
    // Act
    const refused = await cancelRegistration(c.stores, c.eventId, c.registrationId, { deadline: Date.now() + 60_000, sleep }).catch(
      (e: unknown) => e,
    );
    // Assess: the bound (60 plans), each stale plan followed by a jittered pause of at most 200 ms
    expect(refused).toMatchObject({ status: 503 });
    expect(c.plans.written).toBe(60);
    expect(paused).toHaveLength(60);
    expect(paused.every((ms) => ms >= 0 && ms <= 200)).toBe(true);
  });

  it('stops planning once the clock reaches the deadline less the margin (a fake clock moved by each pause)', async () => {
    // Prepare: every pause takes 400 ms of a clock that starts at 0; the deadline is at 3,000 ms
    const { cancelRegistration } = await import('#domain/seat-changes');
    const c = await contended();
    let clock = 0;
    const now = () => new Date(clock);
    const sleep = async () => void (clock += 400);
    // Act
    const refused = await cancelRegistration(c.stores, c.eventId, c.registrationId, { deadline: 3000, now, sleep }).catch(
      (e: unknown) => e,
    );
    // Assess: plans at 0, 400, 800, 1200; after the fourth pause the clock (1,600) is past 3,000 − 1,500
    expect(refused).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(c.plans.written).toBe(4);
  });
});

describe('registration decisions, bounded by the function time', () => {
  it('a decision gone stale is taken again while time is left; near the deadline the answer is 503, nothing written', async () => {
    // Prepare: counters that always move before the write
    const { register } = await import('#domain/use-cases');
    const { newEvent, freshCounters } = await import('#domain/event');
    const { eventInput } = await import('#schemas/event');
    const forum = (await import('../../functions/local/forum-2023.json', { with: { type: 'json' } })).default;
    const event = newEvent(
      'gwangju-2023',
      eventInput().parse({
        ...forum.event,
        registration: { ...forum.event.registration, opensAt: '2000-01-01T00:00:00Z', closesAt: '2999-01-01T00:00:00Z' },
      }),
      new Date('2023-08-20T00:00:00Z'),
    );
    const writes = { tried: 0 };
    const registrations = { insert: async () => (writes.tried++, 'stale' as const), holdsEmail: async () => false } as never;
    const events = { read: async () => ({ event, counters: freshCounters(event) }) } as never;
    const parse = () => ({ email: 'a@example.com', name: '김민지', consent: { privacy: true } }) as never;
    // Act
    const late = await register(events, registrations, event.id, parse, { deadline: Date.now() + 1000 }).catch((e: unknown) => e);
    const triedLate = writes.tried;
    const early = await register(events, registrations, event.id, parse, { deadline: Date.now() + 60_000 }).catch((e: unknown) => e);
    // Assess
    expect(late).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(triedLate).toBe(0);
    expect(early).toMatchObject({ status: 503 });
    expect(writes.tried - triedLate).toBe(12);
  });
});
