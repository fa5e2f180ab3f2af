import { describe, expect, it } from 'vitest';
import { allocateSeats } from '#domain/seats';
import type { EventCounters } from '#domain/event';

const counters = (event: [number, number, number], sessions: Record<string, [number, number, number]> = {}): EventCounters => ({
  event: { capacity: event[0], confirmed: event[1], waitlisted: event[2], cancelled: 0, checkedIn: 0 },
  sessions: Object.fromEntries(Object.entries(sessions).map(([id, [capacity, confirmed, waitlisted]]) => [id, { capacity, confirmed, waitlisted, checkedIn: 0 }])),
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
    expect(d).toEqual({ status: 'confirmed', sessions: [{ id: 'bio', status: 'waitlisted' }, { id: 'energy', status: 'confirmed' }] });
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
    expect(() => allocateSeats(counters([5, 1, 0], { bio: [1, 1, 0] }), ['bio'], false)).toThrow(expect.objectContaining({ code: 'sold_out' }));
  });
});
