/**
 * The seat ledger: plans every change that frees or takes seats (a cancellation, a change of
 * sessions, a capacity raise) as one set of writes for one transaction, so that a freed seat
 * goes to the head of its line in the same transaction that frees it (no line-jumping), and
 * nobody is promoted twice or past capacity. Pure: the adapter turns a plan into a DynamoDB
 * transaction whose conditions hold only if what the plan read is still true.
 *
 * Places: the event (`event`) and each session (`session:<id>`). Lines are ordered by arrival:
 * the registration time for the event line; for a session line, the time the person chose the
 * session (or, for someone promoted from the event line, their original registration time).
 */
import type { EventCounters, SeatCounter, StoredEvent } from '#domain/event';
import { GatepassError } from '#domain/errors';
import type { EmailKind } from '#domain/outbox';
import { lineArrival as eventLineArrival, type StoredRegistration } from '#domain/registration';

export type Place = 'event' | `session:${string}`;
export const sessionPlace = (id: string): Place => `session:${id}`;

/** The head of a line as read: who, and since when. */
export interface LineEntry {
  registration: StoredRegistration;
  arrival: string;
}

export interface CounterChange {
  place: Place;
  confirmed: number;
  waitlisted: number;
  cancelled: number;
  /**
   * The line length the plan relied on, when it relied on the whole line (it seated someone
   * newly asking, left a seat free, or used seats that stood free): a write that finds the line
   * changed is refused and the plan is made again.
   */
  expectWaitlisted?: number;
  /** The capacity the plan read; with `confirmed > 0`, the write requires confirmed <= capacity - confirmed delta. */
  capacity: number;
  /** Change of the session's `waitingForEvent` (people in the event's line who chose it). */
  waitingForEvent: number;
  /** Change of the registrations awaiting approval (the event's counter only). */
  pending?: number;
  /** Change of those confirmed over capacity by an admin (they hold no seat, so free none). */
  overCapacity?: number;
}

export interface LineChange {
  place: Place;
  arrival: string;
  registrationId: string;
  op: 'put' | 'delete';
}

export interface RegistrationWrite {
  before: StoredRegistration;
  after: StoredRegistration;
}

export interface SeatPlan {
  registrations: Map<string, RegistrationWrite>;
  counters: Map<Place, CounterChange>;
  lines: LineChange[];
  emails: { kind: EmailKind; registrationId: string }[];
  /** Email guards to release (cancelled registrations free their email). */
  releasedEmails: { registration: StoredRegistration }[];
  /**
   * The event's owed-promotions marker: put when this plan leaves a seat free while someone waits
   * (the rest of a large promotion, finished by later steps), deleted by the step that finds
   * nothing left, under the token it read (so a marker put meanwhile by another change stays).
   */
  owed?: { op: 'put' } | { op: 'delete'; token: string };
  /** Registrations cancelled by this plan whose meetings are owed cancelling (events with a meetings programme). */
  meetingsOwed?: string[];
}

export interface LedgerSnapshot {
  event: StoredEvent;
  counters: EventCounters;
  /** Heads of the lines, as read, oldest first (possibly several for a capacity raise). */
  heads: Map<Place, LineEntry[]>;
  /**
   * Places whose line goes on past the heads given (a plan bounded by writes): a seat there
   * beyond those heads is left free (owed), never given to someone who may have come later.
   */
  truncated?: ReadonlySet<Place>;
}

type Demand = { registration: StoredRegistration; arrival: string };

export class SeatLedger {
  readonly plan: SeatPlan = { registrations: new Map(), counters: new Map(), lines: [], emails: [], releasedEmails: [] };
  private readonly freed = new Map<Place, number>();
  private readonly demands = new Map<Place, Demand[]>();

  constructor(
    private readonly snapshot: LedgerSnapshot,
    private readonly now: string,
  ) {}

  /** A session the event no longer has has no counter: nobody can sit there (never a throw). */
  private counterOf(place: Place): SeatCounter | undefined {
    return place === 'event' ? this.snapshot.counters.event : this.snapshot.counters.sessions[place.slice(8)];
  }

  /** The change to a place's counter; only asked for places whose counter exists. */
  private counter(place: Place): CounterChange {
    let c = this.plan.counters.get(place);
    if (!c) {
      c = { place, confirmed: 0, waitlisted: 0, cancelled: 0, capacity: this.counterOf(place)?.capacity ?? 0, waitingForEvent: 0 };
      this.plan.counters.set(place, c);
    }
    return c;
  }

  /** The registration as this plan will write it (each registration is written once). */
  private current(r: StoredRegistration): StoredRegistration {
    return this.plan.registrations.get(r.id)?.after ?? r;
  }

  private write(before: StoredRegistration, change: (r: StoredRegistration) => StoredRegistration): StoredRegistration {
    const entry = this.plan.registrations.get(before.id);
    const after = { ...change(structuredClone(entry?.after ?? before)), updatedAt: this.now };
    this.plan.registrations.set(before.id, { before: entry?.before ?? before, after });
    return after;
  }

  private email(kind: EmailKind, registrationId: string): void {
    const existing = this.plan.emails.find((e) => e.registrationId === registrationId);
    if (!existing) this.plan.emails.push({ kind, registrationId });
  }

  private free(place: Place): void {
    this.freed.set(place, (this.freed.get(place) ?? 0) + 1);
  }

  private demand(place: Place, d: Demand): void {
    this.demands.set(place, [...(this.demands.get(place) ?? []), d]);
  }

  /** Someone in the event's line chose (+1) or gave up (-1) a session. */
  private wish(sessionId: string, delta: number): void {
    const place = sessionPlace(sessionId);
    if (this.counterOf(place)) this.counter(place).waitingForEvent += delta;
  }

  /** Cancels a registration: frees its seats and its email, leaves its lines. */
  cancel(registration: StoredRegistration): void {
    if (registration.status === 'cancelled') throw new GatepassError(409, 'registration_cancelled');
    if (registration.status === 'denied') throw registrationDenied();
    const r = this.current(registration);
    const event = this.counter('event');
    event.cancelled += 1;
    if (r.status === 'pending') {
      // Awaiting approval: no seat, no line; only the count of those pending moves.
      event.pending = (event.pending ?? 0) - 1;
    } else if (r.status === 'confirmed' && r.overCapacity) {
      // Over capacity: it held no seat, so it frees none (nobody is promoted past the capacity).
      event.overCapacity = (event.overCapacity ?? 0) - 1;
      for (const s of r.sessions) this.leaveSession(r, s.id);
    } else if (r.status === 'waitlisted') {
      event.waitlisted -= 1;
      this.plan.lines.push({ place: 'event', arrival: eventLineArrival(r), registrationId: r.id, op: 'delete' });
      for (const s of r.sessions) this.wish(s.id, -1);
    } else {
      event.confirmed -= 1;
      this.free('event');
      for (const s of r.sessions) this.leaveSession(r, s.id);
    }
    this.write(registration, (x) => ({ ...x, status: 'cancelled' }));
    this.plan.releasedEmails.push({ registration });
    this.email('cancelled', r.id);
    // Its meetings are cancelled by work owed in this very transaction (never lost).
    if (this.snapshot.event.meetings) (this.plan.meetingsOwed ??= []).push(r.id);
  }

  /** Gives up a session seat or a place in its line (registration stays confirmed for the event). */
  leaveSession(registration: StoredRegistration, sessionId: string): void {
    const r = this.current(registration);
    const seat = r.sessions.find((s) => s.id === sessionId);
    if (!seat) return;
    const place = sessionPlace(sessionId);
    // A session removed from the event (only ever while empty) leaves nothing to count.
    if (r.status === 'confirmed' && this.counterOf(place)) {
      const c = this.counter(place);
      if (seat.status === 'confirmed' && seat.overCapacity) {
        c.overCapacity = (c.overCapacity ?? 0) - 1;
      } else if (seat.status === 'confirmed') {
        c.confirmed -= 1;
        this.free(place);
      } else {
        c.waitlisted -= 1;
        this.plan.lines.push({ place, arrival: seat.arrival ?? eventLineArrival(r), registrationId: r.id, op: 'delete' });
      }
    }
  }

  /** Changes a confirmed registration's sessions: drops some, asks for others (joining their lines now). */
  changeSessions(registration: StoredRegistration, wanted: readonly string[], waitlistOn: boolean): void {
    const r = this.current(registration);
    if (r.status === 'cancelled') throw new GatepassError(409, 'registration_cancelled');
    if (r.status === 'denied') throw registrationDenied();
    if (r.status === 'pending') {
      // Awaiting approval: only the wish list changes; seats are taken when it is approved.
      this.write(registration, (x) => ({ ...x, sessions: wanted.map((id) => ({ id, status: 'pending' as const })) }));
      return;
    }
    const have = new Set(r.sessions.map((s) => s.id));
    const dropped = r.sessions.filter((s) => !wanted.includes(s.id)).map((s) => s.id);
    const added = wanted.filter((id) => !have.has(id));
    if (r.status === 'waitlisted') {
      // Waiting for the event: no session line yet; the wish list changes, and the sessions' counts of it.
      for (const id of dropped) this.wish(id, -1);
      for (const id of added) this.wish(id, +1);
      this.write(registration, (x) => ({
        ...x,
        sessions: wanted.map((id) => x.sessions.find((s) => s.id === id) ?? { id, status: 'waitlisted' }),
      }));
      return;
    }
    for (const id of dropped) this.leaveSession(r, id);
    this.write(registration, (x) => ({
      ...x,
      sessions: wanted.map((id) => x.sessions.find((s) => s.id === id) ?? { id, status: 'waitlisted', arrival: this.now }),
    }));
    for (const id of added) {
      this.demand(sessionPlace(id), { registration, arrival: this.now });
      if (!waitlistOn) this.soldOutUnlessSeated.add(id);
    }
  }

  private readonly soldOutUnlessSeated = new Set<string>();

  /** A capacity raise: `count` more seats at a place. */
  addSeats(place: Place, count: number): void {
    for (let i = 0; i < count; i++) this.free(place);
  }

  /**
   * Settles every place touched: freed seats go to the earliest arrivals among the line's head(s)
   * and the people newly asking for the place; whoever gets no seat joins the line.
   * The event is settled first, since someone promoted there then asks for their sessions.
   */
  settle(): SeatPlan {
    this.settlePlace('event');
    const places = new Set<Place>([...this.freed.keys(), ...this.demands.keys()].filter((p) => p !== 'event'));
    for (const place of places) this.settlePlace(place);
    return this.plan;
  }

  private settlePlace(place: Place): void {
    const freed = this.freed.get(place) ?? 0;
    const demands = this.demands.get(place) ?? [];
    if (!freed && !demands.length) return;
    const counter = this.counterOf(place);
    if (!counter) return;
    const heads = (this.snapshot.heads.get(place) ?? []).slice(0, freed);
    const truncated = this.snapshot.truncated?.has(place) ?? false;
    let headsLeft = heads.length;
    // Seats that stood free already (only while nobody waits), plus those freed now.
    const alreadyFree = counter.waitlisted === 0 ? Math.max(0, counter.capacity - counter.confirmed) : 0;
    let seats = freed + alreadyFree;
    const candidates = [...heads.map((h) => ({ ...h, fromLine: true })), ...demands.map((d) => ({ ...d, fromLine: false }))].sort((a, b) =>
      a.arrival === b.arrival ? a.registration.id.localeCompare(b.registration.id) : a.arrival < b.arrival ? -1 : 1,
    );
    for (const cand of candidates) {
      // Past the last head given of a line that goes on, the next in line may be anyone: wait.
      if (seats > 0 && !(truncated && headsLeft === 0)) {
        seats -= 1;
        if (cand.fromLine) headsLeft -= 1;
        this.seat(place, cand.registration, cand.fromLine ? cand.arrival : undefined);
      } else if (!cand.fromLine) {
        this.join(place, cand.registration, cand.arrival);
      }
    }
    if (demands.length || seats > 0 || alreadyFree > 0 || heads.length < freed) this.counter(place).expectWaitlisted = counter.waitlisted;
  }

  private seat(place: Place, registration: StoredRegistration, lineArrival: string | undefined): void {
    const c = this.counter(place);
    c.confirmed += 1;
    if (lineArrival !== undefined) {
      c.waitlisted -= 1;
      this.plan.lines.push({ place, arrival: lineArrival, registrationId: registration.id, op: 'delete' });
    }
    if (place === 'event') {
      // A chosen session the event no longer offers is dropped from the wishes (none can be,
      // since removal is refused while anyone waits for it, but older data may hold one).
      const after = this.write(registration, (x) => ({
        ...x,
        status: 'confirmed',
        sessions: x.sessions.filter((s) => this.counterOf(sessionPlace(s.id))),
      }));
      this.email('promoted', registration.id);
      // Promoted to the event: now asks for each chosen session, by original arrival.
      for (const s of after.sessions) {
        this.wish(s.id, -1);
        this.demand(sessionPlace(s.id), { registration: after, arrival: eventLineArrival(registration) });
      }
      return;
    }
    const sessionId = place.slice(8);
    this.write(registration, (x) => ({
      ...x,
      sessions: x.sessions.map((s) => (s.id === sessionId ? { id: s.id, status: 'confirmed' } : s)),
    }));
    if (lineArrival !== undefined) this.email('promoted', registration.id);
  }

  private join(place: Place, registration: StoredRegistration, arrival: string): void {
    const sessionId = place.slice(8);
    if (this.soldOutUnlessSeated.has(sessionId)) throw new GatepassError(409, 'sold_out', { detail: `The session ${sessionId} is full.` });
    const c = this.counter(place);
    c.waitlisted += 1;
    this.plan.lines.push({ place, arrival, registrationId: registration.id, op: 'put' });
    this.write(registration, (x) => ({
      ...x,
      sessions: x.sessions.map((s) => (s.id === sessionId ? { id: s.id, status: 'waitlisted', arrival } : s)),
    }));
  }
}

/** A denied registration is over: nothing to change or cancel. */
export const registrationDenied = () =>
  new GatepassError(409, 'registration_denied', { detail: 'This registration was denied; register again if you wish.' });

/** The places whose line heads a plan may need, and how many of each, before planning. */
export function headsNeeded(places: Iterable<[Place, number]>): Map<Place, number> {
  const m = new Map<Place, number>();
  for (const [p, n] of places) m.set(p, Math.max(m.get(p) ?? 0, n));
  return m;
}

/** DynamoDB's limit of actions in one transaction. */
export const MAX_TRANSACTION_WRITES = 100;

/** The writes a plan's transaction holds (the adapter writes exactly these). */
export function planWrites(plan: SeatPlan): number {
  return (
    plan.registrations.size +
    plan.counters.size +
    plan.lines.length +
    plan.releasedEmails.length +
    plan.emails.length +
    (plan.owed ? 1 : 0) +
    (plan.meetingsOwed?.length ?? 0) +
    // The one owed-change item of its webhooks.
    (plan.registrations.size ? 1 : 0)
  );
}

/**
 * A plan bounded by writes, not people: made with as many of the heads as fit in `maxWrites`
 * (one promotion may cost 3 writes or, for someone promoted to the event who chose 40 sessions,
 * over 80), the first heads first (the event's line before the sessions'). Places whose heads are
 * cut are `truncated`: their seats stay free and owed, for the next step. Undefined when not even
 * the change itself fits.
 */
export function boundedPlan(
  heads: Map<Place, LineEntry[]>,
  maxWrites: number,
  build: (heads: Map<Place, LineEntry[]>, truncated: ReadonlySet<Place>) => SeatPlan,
): SeatPlan | undefined {
  const units = [...heads].flatMap(([place, entries]) => entries.map((_, i) => [place, i] as const));
  const withFirst = (k: number) => {
    const given = new Map<Place, LineEntry[]>([...heads].map(([place]) => [place, []]));
    for (const [place, i] of units.slice(0, k)) given.get(place)!.push(heads.get(place)![i]!);
    const truncated = new Set([...heads].filter(([place, entries]) => given.get(place)!.length < entries.length).map(([place]) => place));
    return build(given, truncated);
  };
  const all = withFirst(units.length);
  if (planWrites(all) <= maxWrites) return all;
  let best = withFirst(0);
  if (planWrites(best) > maxWrites) return undefined;
  // Writes grow with the heads given: the largest prefix that fits, by bisection.
  let lo = 0;
  let hi = units.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const plan = withFirst(mid);
    if (planWrites(plan) <= maxWrites) {
      lo = mid;
      best = plan;
    } else hi = mid;
  }
  return best;
}

/** Whether, once the plan is written, some place still has a free seat while someone waits. */
export function leavesSeatsOwed(counters: EventCounters, plan: SeatPlan): boolean {
  const places: [Place, SeatCounter][] = [
    ['event', counters.event],
    ...Object.entries(counters.sessions).map(([id, c]) => [sessionPlace(id), c] as [Place, SeatCounter]),
  ];
  return places.some(([place, c]) => {
    const d = plan.counters.get(place);
    return c.confirmed + (d?.confirmed ?? 0) < c.capacity && c.waitlisted + (d?.waitlisted ?? 0) > 0;
  });
}

/** Most promotions one transaction can hold (each writes at least its registration, line entry and email). */
export const MAX_PROMOTIONS_PER_STEP = Math.floor(MAX_TRANSACTION_WRITES / 3);

/**
 * Seats standing free while people wait (a capacity raise, the rest of a large promotion), and
 * how many heads to read at each: the event's line first (those promoted then ask for their
 * sessions), in all no more than one step can promote.
 */
export function seatsOwed(counters: EventCounters): Map<Place, number> {
  const owed = new Map<Place, number>();
  let budget = MAX_PROMOTIONS_PER_STEP;
  const places: [Place, SeatCounter][] = [
    ['event', counters.event],
    ...Object.entries(counters.sessions).map(([id, c]) => [sessionPlace(id), c] as [Place, SeatCounter]),
  ];
  for (const [place, c] of places) {
    const n = Math.min(budget, c.capacity - c.confirmed, c.waitlisted);
    if (n > 0) {
      owed.set(place, n);
      budget -= n;
    }
  }
  return owed;
}
