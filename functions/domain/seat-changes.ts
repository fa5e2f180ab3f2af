/**
 * Use cases that free or move seats: cancel, change details and sessions, raise a capacity.
 * Each reads, plans with the seat ledger, writes the plan in one transaction, and plans again
 * from fresh reads when a concurrent change made the plan stale (bounded, jittered).
 *
 * Plans are bounded by writes (DynamoDB's 100 actions a transaction), not by people: a change
 * that frees more seats than one transaction can hand out writes itself and as many promotions
 * as fit, and the same transaction sets the event's owed-promotions marker. The rest is then
 * promoted in steps (`promoteIntoFreeSeats`): by the same request while its time lasts, else by
 * the sweeper, which finds the marker (every minute). Why a marker in the change's own
 * transaction: the owed work is then as durable as the change that owes it (never lost, even if
 * the function dies right after), each step is a transaction of its own that re-reads the
 * counters (resumable from any point: the counters and lines are the truth, the marker only says
 * where to look), and no seat is taken meanwhile by a newcomer, since a line that is not empty
 * seats nobody new (seats.ts).
 */
import { GatepassError, notFound, serviceUnavailable } from '#domain/errors';
import type { EventPage, EventStore, RegistrationStore, SeatStore } from '#domain/ports';
import type { StoredRegistration } from '#domain/registration';
import {
  boundedPlan,
  leavesSeatsOwed,
  MAX_TRANSACTION_WRITES,
  registrationDenied,
  SeatLedger,
  seatsOwed,
  sessionPlace,
  type LineEntry,
  type Place,
  type SeatPlan,
} from '#domain/seat-ledger';

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
export const PLAN_MARGIN_MS = 1500;

/** Whether a write may still start: it needs PLAN_MARGIN_MS before the function's time runs out. */
export const timeLeft = (deadline = Infinity, clock = Date.now) => clock() <= deadline - PLAN_MARGIN_MS;

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
    if (!timeLeft(deadline, now)) break;
  }
  throw serviceUnavailable();
}

/** Each plan leaves one write for the owed-promotions marker. */
const PLAN_WRITES = MAX_TRANSACTION_WRITES - 1;

/**
 * The plan of a change with as many of the freed seats' promotions as one transaction holds; the
 * marker is set when seats stay free while people wait. The change itself always fits (a
 * registration holds at most 40 sessions: 45 writes at most).
 */
function planChange(
  page: EventPage,
  heads: Map<Place, LineEntry[]>,
  stamp: string,
  change: (ledger: SeatLedger) => void,
  maxWrites = PLAN_WRITES,
): SeatPlan {
  const plan = boundedPlan(heads, maxWrites, (given, truncated) => {
    const ledger = new SeatLedger({ event: page.event, counters: page.counters, heads: given, truncated }, stamp);
    change(ledger);
    return ledger.settle();
  });
  if (!plan) throw serviceUnavailable();
  if (leavesSeatsOwed(page.counters, plan)) plan.owed = { op: 'put' };
  return plan;
}

export interface PlanOptions {
  /** The caller's own read of the registration and the event, for the first plan. */
  read?: Snapshot;
  /** Epoch ms when the function's time runs out: no write starts within PLAN_MARGIN_MS of it. */
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
function linesToRead(
  page: EventPage,
  r: StoredRegistration,
  sessionIds: readonly string[] = r.sessions.map((s) => s.id),
): Map<Place, number> {
  if (r.status !== 'confirmed') return new Map();
  const places: [Place, number][] = [
    ['event', 1],
    ...r.sessions
      .filter((s) => s.status === 'confirmed' && sessionIds.includes(s.id))
      .map((s) => [sessionPlace(s.id), 1] as [Place, number]),
  ];
  const waiting = (place: Place) =>
    ((place === 'event' ? page.counters.event : page.counters.sessions[place.slice(8)])?.waitlisted ?? 0) > 0;
  return new Map(places.filter(([place]) => waiting(place)));
}

/**
 * Cancels a registration.
 * 1. Read the registration and the event's counters; a cancelled one is 409 registration_cancelled.
 * 2. Read the head of each line where it frees a seat (the event, each confirmed session).
 * 3. Plan: status cancelled, email guard released, seats freed and given to the heads of their
 *    lines (a head promoted to the event then takes or queues for its own sessions), emails owed.
 * 4. Write the plan in one transaction (as many promotions as fit; the rest owed); replan if stale.
 * 5. Promote what is owed in further steps while time is left (the sweeper finishes the rest).
 */
export async function cancelRegistration(stores: Stores, eventId: string, registrationId: string, options: PlanOptions = {}) {
  return changeSeats(stores, eventId, registrationId, options, async ({ page, registration }, now) => {
    const heads = await stores.seats.heads(eventId, linesToRead(page, registration));
    return planChange(page, heads, now().toISOString(), (ledger) => ledger.cancel(registration));
  });
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
 * 4. Write in one transaction (as many promotions as fit; the rest owed); replan if stale.
 * 5. Promote what is owed in further steps while time is left (the sweeper finishes the rest).
 */
export async function changeRegistration(
  stores: Stores,
  eventId: string,
  registrationId: string,
  changes: RegistrationChanges,
  options: PlanOptions = {},
) {
  return changeSeats(stores, eventId, registrationId, options, async ({ page, registration }, now) => {
    if (registration.status === 'denied') throw registrationDenied();
    const wanted = changes.sessions;
    const dropped = wanted ? registration.sessions.map((s) => s.id).filter((id) => !wanted.includes(id)) : [];
    const lines = linesToRead(page, registration, dropped);
    lines.delete('event');
    const heads = await stores.seats.heads(eventId, lines);
    const stamp = now().toISOString();
    const plan = planChange(page, heads, stamp, (ledger) => {
      if (wanted) ledger.changeSessions(registration, wanted, page.event.registration.waitlist);
    });
    const entry = plan.registrations.get(registration.id) ?? { before: registration, after: { ...registration, updatedAt: stamp } };
    const { sessions: _s, ...details } = changes;
    entry.after = {
      ...entry.after,
      ...details,
      organization: changes.organization === undefined ? entry.after.organization : changes.organization || null,
      jobTitle: changes.jobTitle === undefined ? entry.after.jobTitle : changes.jobTitle || null,
    };
    plan.registrations.set(registration.id, entry);
    return plan;
  });
}

/**
 * The frame both changes of a registration share: read it and the event (the caller's own read
 * first), refuse a cancelled one (409 registration_cancelled), make the plan, write it; replan
 * from fresh reads when stale; then promote what the change left owed while time lasts.
 */
async function changeSeats(
  stores: Stores,
  eventId: string,
  registrationId: string,
  options: PlanOptions,
  makePlan: (snapshot: Snapshot, now: () => Date) => Promise<SeatPlan>,
) {
  const { read, deadline, now = () => new Date(), sleep } = options;
  const clock = () => now().getTime();
  const done = await replan(
    MAX_PLANS,
    async (attempt) => {
      const snapshot = await readBoth(stores, eventId, registrationId, attempt === 0 ? read : undefined);
      if (snapshot.registration.status === 'cancelled') throw new GatepassError(409, 'registration_cancelled');
      return finish(stores, eventId, await makePlan(snapshot, now), registrationId, deadline, clock);
    },
    deadline,
    clock,
    sleep,
  );
  if (done.owed) await continueOwedPromotions(stores, eventId, { deadline, now });
  return done.registration;
}

/** Writes a plan, unless too little time is left to write it (503: not begun, nothing written). */
async function finish(stores: Stores, eventId: string, plan: SeatPlan, registrationId: string, deadline?: number, clock = Date.now) {
  if (!timeLeft(deadline, clock)) throw serviceUnavailable();
  const outcome = await stores.seats.apply(eventId, plan, deadline);
  return outcome === 'ok' ? { registration: plan.registrations.get(registrationId)!.after, owed: plan.owed?.op === 'put' } : 'stale';
}

/**
 * One step of promotions into seats that stand free while people wait, from the counters as
 * read (with a PATCH's new capacities): the heads of those lines, as many promoted as one
 * transaction holds (`maxWrites`), the event's line first (those promoted then take or queue for
 * their sessions). `owed` says whether the step leaves work for another. Undefined when there is
 * nothing to promote: no seat free where anyone waits, or no head found where the counters say
 * someone waits (nothing more any step could do).
 */
export async function promotionStep(
  seats: SeatStore,
  eventId: string,
  page: EventPage,
  stamp: string,
  maxWrites = PLAN_WRITES,
): Promise<SeatPlan | undefined> {
  const owed = seatsOwed(page.counters);
  if (!owed.size) return undefined;
  const heads = await seats.heads(eventId, owed);
  const plan = boundedPlan(heads, maxWrites, (given, truncated) => {
    const ledger = new SeatLedger({ event: page.event, counters: page.counters, heads: given, truncated }, stamp);
    for (const [place, n] of owed) ledger.addSeats(place, n);
    return ledger.settle();
  });
  if (!plan?.emails.length) return undefined;
  if (leavesSeatsOwed(page.counters, plan)) plan.owed = { op: 'put' };
  return plan;
}

/**
 * Promotes into seats that stand free while people wait (a capacity raise, the rest of a large
 * cancellation), step by step, each step its own transaction, until none is left or the time is
 * up: what is left stays owed (the marker), for the next request or the sweeper.
 * 1. Read the counters and the marker; seats free where people wait → read those heads.
 * 2. Plan as many promotions as one transaction holds; write them (with the marker deleted when
 *    nothing is left, under the token read, so a marker set meanwhile by another change stays).
 * 3. Repeat from 1; a stale step (a concurrent change) is planned again.
 * Returns how many were promoted and whether work is still owed.
 */
export async function promoteIntoFreeSeats(
  stores: Stores,
  eventId: string,
  options: { deadline?: number; now?: () => Date } = {},
): Promise<{ promoted: number; owed: boolean }> {
  const { deadline, now = () => new Date() } = options;
  let promoted = 0;
  // The longest step so far: a step starts only with time for one more like it (a loaded table
  // makes steps slow), so no step is cut off by the time limit after its write.
  let longest = 0;
  const roomFor = () => timeLeft(deadline === undefined ? undefined : deadline - longest);
  for (let stale = 0; stale < MAX_PLANS; ) {
    // Nothing begun is lost by stopping here: the marker stays until a step finds nothing left.
    if (!roomFor()) return { promoted, owed: true };
    const started = Date.now();
    const page = await stores.events.read(eventId);
    if (!page) return { promoted, owed: false };
    const plan = await promotionStep(stores.seats, eventId, page, now().toISOString());
    if (!plan) {
      if (page.owedPromotions === undefined) return { promoted, owed: false };
      // Nothing left (or nothing any step can do): the marker goes, unless another change set it anew.
      const outcome = await stores.seats.apply(eventId, { ...emptyPlan(), owed: { op: 'delete', token: page.owedPromotions } });
      if (outcome === 'ok') return { promoted, owed: false };
      stale++;
      continue;
    }
    const more = plan.owed?.op === 'put';
    // The marker is set already: keep it while work is left; delete it with the last step.
    if (page.owedPromotions !== undefined) plan.owed = more ? undefined : { op: 'delete', token: page.owedPromotions };
    if (!timeLeft(deadline)) return { promoted, owed: true };
    const outcome = await stores.seats.apply(eventId, plan, deadline);
    longest = Math.max(longest, Date.now() - started);
    if (outcome === 'stale') {
      stale++;
      await realSleep(pauseMs(stale));
      continue;
    }
    promoted += plan.emails.filter((e) => e.kind === 'promoted').length;
    if (!more) return { promoted, owed: false };
  }
  return { promoted, owed: true };
}

/**
 * The owed steps after a change has committed: its answer is already decided (the change is
 * done), so a step that fails (throttled, out of time) only leaves the work owed, for the
 * sweeper; it never turns the answer into an error for work that was committed.
 */
export async function continueOwedPromotions(
  stores: Stores,
  eventId: string,
  options: { deadline?: number; now?: () => Date } = {},
): Promise<void> {
  await promoteIntoFreeSeats(stores, eventId, options).catch(() => undefined);
}

const emptyPlan = (): SeatPlan => ({ registrations: new Map(), counters: new Map(), lines: [], emails: [], releasedEmails: [] });

/** Promotes what is owed for each event that has a marker set, while time is left (the sweeper). */
export async function finishOwedPromotions(stores: Stores, options: { deadline?: number; now?: () => Date } = {}): Promise<number> {
  let promoted = 0;
  for (const eventId of await stores.seats.owedEvents(20)) {
    if (!timeLeft(options.deadline)) break;
    promoted += (await promoteIntoFreeSeats(stores, eventId, options)).promoted;
  }
  return promoted;
}
