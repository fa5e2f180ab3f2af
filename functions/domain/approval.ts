/**
 * Approval (API.md, Approval): an event that asks for it holds new registrations as `pending`
 * (no seat, no line, no badge, the email held) until an admin approves or denies each.
 * Approval takes seats as a new registration would at that moment, its place in any line being
 * its approval time; denial frees the email. Both ignore the registration window.
 */
import { GatepassError, notFound, serviceUnavailable } from '#domain/errors';
import type { EventPage, EventStore, RegistrationStore } from '#domain/ports';
import type { StoredRegistration } from '#domain/registration';
import { allocateSeats, type SeatDecision } from '#domain/seats';

export const notPending = (status: string) =>
  new GatepassError(409, 'not_pending', { detail: `Only a pending registration can be approved or denied; this one is ${status}.` });

/**
 * Stale decisions happen only when the counters cross full/not-full meanwhile; a burst can repeat
 * them, so the function's time is the bound (this cap only stops a runaway without one).
 */
const MAX_DECISIONS = 60;
/** Time one more decision needs (read, decide, write). */
const DECISION_MARGIN_MS = 1500;
/** Jittered pause before deciding again: up to 5 ms doubling per attempt, at most 200 ms (as seat plans). */
const pauseMs = (attempt: number) => Math.random() * Math.min(200, 5 * 2 ** attempt);
const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The approval of a pending registration, decided from the counters as read (pure): its seats
 * as a newcomer's at `stamp` (confirmed, or waitlisted where full; 409 sold_out when full with
 * the waitlist off), its sessions those the event still offers, `approvedAt` its place in lines.
 */
export function approvalOf(page: EventPage, r: StoredRegistration, stamp: string): { after: StoredRegistration; decision: SeatDecision } {
  if (r.status !== 'pending') throw notPending(r.status);
  const offered = r.sessions.map((s) => s.id).filter((id) => page.event.sessions.some((s) => s.id === id) && page.counters.sessions[id]);
  const decision = allocateSeats(page.counters, offered, page.event.registration.waitlist);
  const after: StoredRegistration = {
    ...r,
    status: decision.status,
    // A seat waiting in a session line keeps its place by approval time.
    sessions: decision.sessions.map((x) => (decision.status === 'confirmed' && x.status === 'waitlisted' ? { ...x, arrival: stamp } : x)),
    approvedAt: stamp,
    updatedAt: stamp,
  };
  return { after, decision };
}

/** The denial of a pending registration (pure): `reason` kept for the participant and the email. */
export function denialOf(r: StoredRegistration, stamp: string, reason?: string): StoredRegistration {
  if (r.status !== 'pending') throw notPending(r.status);
  const { denialReason: _old, ...rest } = r;
  return {
    ...rest,
    status: 'denied',
    sessions: r.sessions.map((s) => ({ id: s.id, status: 'denied' as const })),
    ...(reason ? { denialReason: reason } : {}),
    updatedAt: stamp,
  };
}

interface Options {
  /** The caller's own read, for the first decision; a stale one reads afresh. */
  read?: { page: EventPage; registration: StoredRegistration };
  /** Epoch ms: the function's time limit; no write starts too close to it (503, nothing written). */
  deadline?: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

async function decideUntilWritten(
  stores: { events: EventStore; registrations: RegistrationStore },
  eventId: string,
  registrationId: string,
  options: Options,
  decide: (
    page: EventPage,
    registration: StoredRegistration,
    stamp: string,
  ) => { after: StoredRegistration; write: (deadline: number) => Promise<'ok' | 'stale'> },
): Promise<StoredRegistration> {
  const { read, deadline = Infinity, now = () => new Date(), sleep = realSleep } = options;
  for (let i = 0; i < MAX_DECISIONS; i++) {
    // Spreads the deciders that went stale together, so they do not collide again at once.
    if (i > 0) await sleep(pauseMs(i));
    const first = i === 0 ? read : undefined;
    const [page, registration] = first
      ? [first.page, first.registration]
      : await Promise.all([stores.events.read(eventId), stores.registrations.read(eventId, registrationId)]);
    if (!page || !registration) throw notFound('No such registration.');
    // Decided before the time is judged: an answer that writes nothing (sold_out, not_pending)
    // is given even late; only a write needs the time left for it.
    const { after, write } = decide(page, registration, now().toISOString());
    if (Date.now() > deadline - DECISION_MARGIN_MS) break;
    if ((await write(deadline)) === 'ok') return after;
  }
  throw serviceUnavailable();
}

/**
 * Approves a pending registration.
 * 1. Read the registration and the event's counters; anything but pending is 409 not_pending.
 * 2. Decide its seats as a newcomer's now (409 sold_out when full with the waitlist off: it stays
 *    pending; answered however little time is left, as it writes nothing).
 * 3. Write status, counters (pending -1, the seats or lines taken), lines by approval time and the
 *    new status's email in one transaction; a stale decision (counters or the registration moved)
 *    is taken again from step 1, after a jittered pause, while time is left; a transaction cancelled
 *    by a concurrent one (the counters are one hot item) is retried likewise. Time out: 503, nothing written.
 */
export function approveRegistration(
  stores: { events: EventStore; registrations: RegistrationStore },
  eventId: string,
  registrationId: string,
  options: Options = {},
): Promise<StoredRegistration> {
  return decideUntilWritten(stores, eventId, registrationId, options, (page, registration, stamp) => {
    const { after, decision } = approvalOf(page, registration, stamp);
    return { after, write: (deadline) => stores.registrations.approve(registration, after, decision, deadline) };
  });
}

/**
 * Denies a pending registration.
 * 1. Read it; anything but pending is 409 not_pending.
 * 2. Write status `denied` (with the reason), counts (pending -1, denied +1), the email guard
 *    released and the denial email in one transaction; stale → from step 1.
 */
export function denyRegistration(
  stores: { events: EventStore; registrations: RegistrationStore },
  eventId: string,
  registrationId: string,
  reason: string | undefined,
  options: Options = {},
): Promise<StoredRegistration> {
  return decideUntilWritten(stores, eventId, registrationId, options, (_page, registration, stamp) => {
    const after = denialOf(registration, stamp, reason);
    return { after, write: (deadline) => stores.registrations.deny(registration, after, deadline) };
  });
}
