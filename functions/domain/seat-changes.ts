/**
 * Use cases that free or move seats: cancel, change details and sessions, raise a capacity.
 * Each reads, plans with the seat ledger, writes the plan in one transaction, and plans again
 * from fresh reads when a concurrent change made the plan stale (bounded, jittered).
 */
import { GatepassError, notFound, serviceUnavailable } from '#domain/errors';
import type { EventPage, EventStore, RegistrationStore, SeatStore } from '#domain/ports';
import type { StoredRegistration } from '#domain/registration';
import { SeatLedger, sessionPlace, type Place, type SeatPlan } from '#domain/seat-ledger';

const MAX_PLANS = 60;

export interface Stores {
  events: EventStore;
  registrations: RegistrationStore;
  seats: SeatStore;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Jittered pause between plans: up to 5 ms doubling per attempt, at most 200 ms. */
const pauseMs = (attempt: number) => Math.random() * Math.min(200, 5 * 2 ** attempt);

/** Time a plan needs to read, plan and write once more; with less left, stop and say so. */
const PLAN_MARGIN_MS = 1500;

/**
 * Plans until a plan holds, at most `attempts` times and, given a `deadline` (epoch ms: the
 * function's own time limit), not past it: under heavy contention the caller hears 503 with
 * Retry-After, nothing written (every stale plan wrote nothing), instead of being cut off.
 */
async function replan<T>(
  attempts: number,
  step: (attempt: number) => Promise<T | 'stale'>,
  deadline = Infinity,
  now = Date.now,
  sleep: (ms: number) => Promise<void> = realSleep,
): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const result = await step(attempt);
    if (result !== 'stale') return result;
    await sleep(pauseMs(attempt));
    if (now() > deadline - PLAN_MARGIN_MS) break;
  }
  throw serviceUnavailable();
}

export interface PlanOptions {
  /** The caller's own read of the registration and the event, for the first plan. */
  read?: Snapshot;
  /** Epoch ms after which no new plan starts (the function's time limit). */
  deadline?: number;
  now?: () => Date;
  /** The pause between plans (tests pass one that advances a fake clock). */
  sleep?: (ms: number) => Promise<void>;
}

export interface Snapshot {
  page: EventPage;
  registration: StoredRegistration;
}

/** The caller's own read serves the first plan (it has just read both); a replan reads afresh. */
async function readBoth(stores: Stores, eventId: string, registrationId: string, first?: Snapshot): Promise<Snapshot> {
  if (first) return first;
  const [page, registration] = await Promise.all([stores.events.read(eventId), stores.registrations.read(eventId, registrationId)]);
  if (!page || !registration) throw notFound('No such registration.');
  return { page, registration };
}

/**
 * Lines whose head may get a seat a registration frees when it leaves: the event's and those of
 * its confirmed sessions, where someone waits (an empty line, as the counters say, needs no read).
 */
function linesToRead(page: EventPage, r: StoredRegistration, sessionIds: readonly string[] = r.sessions.map((s) => s.id)): Map<Place, number> {
  if (r.status !== 'confirmed') return new Map();
  const places: [Place, number][] = [
    ['event', 1],
    ...r.sessions.filter((s) => s.status === 'confirmed' && sessionIds.includes(s.id)).map((s) => [sessionPlace(s.id), 1] as [Place, number]),
  ];
  const waiting = (place: Place) => ((place === 'event' ? page.counters.event : page.counters.sessions[place.slice(8)])?.waitlisted ?? 0) > 0;
  return new Map(places.filter(([place]) => waiting(place)));
}

/**
 * Cancels a registration.
 * 1. Read the registration and the event's counters; a cancelled one is 409 registration_cancelled.
 * 2. Read the head of each line where it frees a seat (the event, each confirmed session).
 * 3. Plan: status cancelled, email guard released, seats freed and given to the heads of their
 *    lines (a head promoted to the event then takes or queues for its own sessions), emails owed.
 * 4. Write the plan in one transaction; replan if stale.
 */
export async function cancelRegistration(stores: Stores, eventId: string, registrationId: string, options: PlanOptions = {}) {
  const { read, deadline, now = () => new Date(), sleep } = options;
  return replan(MAX_PLANS, async (attempt) => {
    const { page, registration } = await readBoth(stores, eventId, registrationId, attempt === 0 ? read : undefined);
    if (registration.status === 'cancelled') throw new GatepassError(409, 'registration_cancelled');
    const heads = await stores.seats.heads(eventId, linesToRead(page, registration));
    const ledger = new SeatLedger({ event: page.event, counters: page.counters, heads }, now().toISOString());
    ledger.cancel(registration);
    return finish(stores, eventId, ledger.settle(), registrationId);
  }, deadline, () => now().getTime(), sleep);
}

export interface RegistrationChanges {
  name?: string;
  organization?: string;
  jobTitle?: string;
  locale?: 'ko' | 'en';
  sessions?: string[];
  answers?: Record<string, unknown>;
}

/**
 * Changes a registration's details and sessions (never its email).
 * 1. Read the registration and the counters; a cancelled one is 409 registration_cancelled.
 * 2. Dropped confirmed sessions free seats: read the heads of those lines.
 * 3. Plan: new details; dropped seats go to the heads of their lines; newly chosen sessions take
 *    a free seat or join the line now (409 sold_out when full and the waitlist is off).
 * 4. Write in one transaction; replan if stale.
 */
export async function changeRegistration(
  stores: Stores,
  eventId: string,
  registrationId: string,
  changes: RegistrationChanges,
  options: PlanOptions = {},
) {
  const { read, deadline, now = () => new Date(), sleep } = options;
  return replan(MAX_PLANS, async (attempt) => {
    const { page, registration } = await readBoth(stores, eventId, registrationId, attempt === 0 ? read : undefined);
    if (registration.status === 'cancelled') throw new GatepassError(409, 'registration_cancelled');
    const wanted = changes.sessions;
    const dropped = wanted ? registration.sessions.map((s) => s.id).filter((id) => !wanted.includes(id)) : [];
    const lines = linesToRead(page, registration, dropped);
    lines.delete('event');
    const heads = await stores.seats.heads(eventId, lines);
    const stamp = now().toISOString();
    const ledger = new SeatLedger({ event: page.event, counters: page.counters, heads }, stamp);
    if (wanted) ledger.changeSessions(registration, wanted, page.event.registration.waitlist);
    const plan = ledger.settle();
    const entry = plan.registrations.get(registration.id) ?? { before: registration, after: { ...registration, updatedAt: stamp } };
    const { sessions: _s, ...details } = changes;
    entry.after = {
      ...entry.after,
      ...details,
      organization: changes.organization === undefined ? entry.after.organization : changes.organization || null,
      jobTitle: changes.jobTitle === undefined ? entry.after.jobTitle : changes.jobTitle || null,
    };
    plan.registrations.set(registration.id, entry);
    return finish(stores, eventId, plan, registrationId);
  }, deadline, () => now().getTime(), sleep);
}

async function finish(stores: Stores, eventId: string, plan: SeatPlan, registrationId: string): Promise<StoredRegistration | 'stale'> {
  const outcome = await stores.seats.apply(eventId, plan);
  return outcome === 'ok' ? plan.registrations.get(registrationId)!.after : 'stale';
}

/** At most this many promotions per transaction (each writes a handful of items; a transaction holds 100). */
const PROMOTIONS_PER_WRITE = 8;

/**
 * After a capacity raise, promotes as many as the new seats allow, line by line.
 * 1. Read the counters; for the event and each session, seats now free while people wait.
 * 2. Promote up to PROMOTIONS_PER_WRITE heads per transaction (event first; those promoted
 *    then take or queue for their sessions); repeat until no free seat faces a waiting person.
 */
export async function promoteIntoFreeSeats(stores: Stores, eventId: string, now = () => new Date()): Promise<number> {
  let promoted = 0;
  for (let round = 0; round < 1000; round++) {
    const done = await replan(MAX_PLANS, async () => {
      const page = await stores.events.read(eventId);
      if (!page) throw notFound();
      const free: [Place, number][] = [];
      const { event, sessions } = page.counters;
      if (event.waitlisted > 0 && event.confirmed < event.capacity) free.push(['event', Math.min(PROMOTIONS_PER_WRITE, event.capacity - event.confirmed, event.waitlisted)]);
      else {
        for (const [id, c] of Object.entries(sessions)) {
          if (c.waitlisted > 0 && c.confirmed < c.capacity) {
            free.push([sessionPlace(id), Math.min(PROMOTIONS_PER_WRITE, c.capacity - c.confirmed, c.waitlisted)]);
            break;
          }
        }
      }
      if (!free.length) return true;
      const heads = await stores.seats.heads(eventId, new Map(free));
      const ledger = new SeatLedger({ event: page.event, counters: page.counters, heads }, now().toISOString());
      for (const [place, n] of free) ledger.addSeats(place, n);
      // Seats added by a raise are not freed by anyone: the counter's confirmed count moves, not capacity.
      const plan = ledger.settle();
      // Nobody to promote where the counters say someone waits: nothing more this pass can do.
      if (!plan.emails.length) return true;
      const outcome = await stores.seats.apply(eventId, plan);
      if (outcome === 'stale') return 'stale';
      promoted += plan.emails.length;
      return false;
    });
    if (done) return promoted;
  }
  return promoted;
}
