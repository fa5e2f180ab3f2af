/**
 * Seat allocation: decides, from the counters as last read, who gets a seat and who waits.
 * The adapter writes the decision under conditions that hold only if the counters have not
 * moved in between, so a decision on stale counters is refused and taken again, never applied.
 */
import { GatepassError } from '#domain/errors';
import type { EventCounters, SeatCounter } from '#domain/event';

export type SeatStatus = 'confirmed' | 'waitlisted';

export interface SeatDecision {
  status: SeatStatus;
  sessions: { id: string; status: SeatStatus }[];
}

/**
 * A seat is free only when the line is empty: while anyone waits, a freed seat has already
 * gone to the head of the line (no line-jumping), so a newcomer joins the line.
 */
export const hasFreeSeat = (c: SeatCounter) => c.confirmed < c.capacity && c.waitlisted === 0;

export function allocateSeats(counters: EventCounters, sessionIds: readonly string[], waitlist: boolean): SeatDecision {
  const soldOut = (detail: string) => new GatepassError(409, 'sold_out', { detail });
  if (!hasFreeSeat(counters.event)) {
    if (!waitlist) throw soldOut('The event is full.');
    // A registration waiting for the event stands in no session line until it holds an event seat.
    return { status: 'waitlisted', sessions: sessionIds.map((id) => ({ id, status: 'waitlisted' })) };
  }
  const sessions = sessionIds.map((id) => {
    const c = counters.sessions[id];
    if (c && hasFreeSeat(c)) return { id, status: 'confirmed' as const };
    if (!waitlist) throw soldOut(`The session ${id} is full.`);
    return { id, status: 'waitlisted' as const };
  });
  return { status: 'confirmed', sessions };
}
