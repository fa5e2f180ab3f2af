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
import type { StoredRegistration } from '#domain/registration';

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
}

export interface LedgerSnapshot {
  event: StoredEvent;
  counters: EventCounters;
  /** Heads of the lines, as read, oldest first (possibly several for a capacity raise). */
  heads: Map<Place, LineEntry[]>;
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

  private counterOf(place: Place): SeatCounter {
    const c = place === 'event' ? this.snapshot.counters.event : this.snapshot.counters.sessions[place.slice(8)];
    if (!c) throw new Error(`no counter for ${place}`);
    return c;
  }

  private counter(place: Place): CounterChange {
    let c = this.plan.counters.get(place);
    if (!c) {
      c = { place, confirmed: 0, waitlisted: 0, cancelled: 0, capacity: this.counterOf(place).capacity };
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

  /** Cancels a registration: frees its seats and its email, leaves its lines. */
  cancel(registration: StoredRegistration): void {
    if (registration.status === 'cancelled') throw new GatepassError(409, 'registration_cancelled');
    const r = this.current(registration);
    const event = this.counter('event');
    event.cancelled += 1;
    if (r.status === 'waitlisted') {
      event.waitlisted -= 1;
      this.plan.lines.push({ place: 'event', arrival: r.createdAt, registrationId: r.id, op: 'delete' });
    } else {
      event.confirmed -= 1;
      this.free('event');
      for (const s of r.sessions) this.leaveSession(r, s.id);
    }
    this.write(registration, (x) => ({ ...x, status: 'cancelled' }));
    this.plan.releasedEmails.push({ registration });
    this.email('cancelled', r.id);
  }

  /** Gives up a session seat or a place in its line (registration stays confirmed for the event). */
  leaveSession(registration: StoredRegistration, sessionId: string): void {
    const r = this.current(registration);
    const seat = r.sessions.find((s) => s.id === sessionId);
    if (!seat) return;
    const place = sessionPlace(sessionId);
    if (r.status === 'confirmed') {
      const c = this.counter(place);
      if (seat.status === 'confirmed') {
        c.confirmed -= 1;
        this.free(place);
      } else {
        c.waitlisted -= 1;
        this.plan.lines.push({ place, arrival: seat.arrival ?? r.createdAt, registrationId: r.id, op: 'delete' });
      }
    }
  }

  /** Changes a confirmed registration's sessions: drops some, asks for others (joining their lines now). */
  changeSessions(registration: StoredRegistration, wanted: readonly string[], waitlistOn: boolean): void {
    const r = this.current(registration);
    if (r.status === 'cancelled') throw new GatepassError(409, 'registration_cancelled');
    const have = new Set(r.sessions.map((s) => s.id));
    const dropped = r.sessions.filter((s) => !wanted.includes(s.id)).map((s) => s.id);
    const added = wanted.filter((id) => !have.has(id));
    if (r.status === 'waitlisted') {
      // Waiting for the event: no session line yet; the wish list just changes.
      this.write(registration, (x) => ({ ...x, sessions: wanted.map((id) => x.sessions.find((s) => s.id === id) ?? { id, status: 'waitlisted' }) }));
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
    const heads = (this.snapshot.heads.get(place) ?? []).slice(0, freed);
    // Seats that stood free already (only while nobody waits), plus those freed now.
    const alreadyFree = counter.waitlisted === 0 ? Math.max(0, counter.capacity - counter.confirmed) : 0;
    let seats = freed + alreadyFree;
    const candidates = [
      ...heads.map((h) => ({ ...h, fromLine: true })),
      ...demands.map((d) => ({ ...d, fromLine: false })),
    ].sort((a, b) => (a.arrival === b.arrival ? a.registration.id.localeCompare(b.registration.id) : a.arrival < b.arrival ? -1 : 1));
    for (const cand of candidates) {
      if (seats > 0) {
        seats -= 1;
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
      const after = this.write(registration, (x) => ({ ...x, status: 'confirmed' }));
      this.email('promoted', registration.id);
      // Promoted to the event: now asks for each chosen session, by original arrival.
      for (const s of after.sessions) this.demand(sessionPlace(s.id), { registration: after, arrival: registration.createdAt });
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

/** The places whose line heads a plan may need, and how many of each, before planning. */
export function headsNeeded(places: Iterable<[Place, number]>): Map<Place, number> {
  const m = new Map<Place, number>();
  for (const [p, n] of places) m.set(p, Math.max(m.get(p) ?? 0, n));
  return m;
}
