/** What the use cases need from storage; adapters implement these against DynamoDB. */
import type { EventCounters, StoredEvent } from '#domain/event';
import type { KeyedRequestRecord } from '#domain/keyed-request';
import type { StoredRegistration } from '#domain/registration';
import type { SeatDecision } from '#domain/seats';
import type { LineEntry, Place, SeatPlan } from '#domain/seat-ledger';

export interface EventPage {
  event: StoredEvent;
  counters: EventCounters;
  /** The token of the event's owed-promotions marker, when promotions are owed (seat-ledger.ts). */
  owedPromotions?: string;
}

export interface Page<T> {
  items: T[];
  /** Opaque to callers; the handler layer signs it. */
  next: Record<string, unknown> | undefined;
}

/** `stale`: some condition failed (another PATCH, or counters moved): read again and decide afresh. */
export type EventUpdateOutcome = 'ok' | 'stale';

export interface EventStore {
  create(event: StoredEvent): Promise<void>;
  read(eventId: string): Promise<EventPage | undefined>;
  list(limit: number, after: Record<string, unknown> | undefined): Promise<Page<StoredEvent>>;
  /** The counters of several events at once (a new event's, where none are stored yet). */
  countersOf(events: readonly StoredEvent[]): Promise<Map<string, EventCounters>>;
  /**
   * Writes the new event, its counters' capacities, added and removed session counters (removed
   * only while in use by nobody) and the first step of the promotions it makes possible, atomically;
   * with `meetingBookingsSeen`, only if no meeting was booked since the programme was judged.
   */
  update(before: StoredEvent, after: StoredEvent, step?: SeatPlan, meetingBookingsSeen?: number): Promise<EventUpdateOutcome>;
}

export type InsertOutcome = 'ok' | 'duplicate' | 'key_taken' | 'stale';

export interface RegistrationStore {
  /**
   * Registration, email guard, counters, waitlist lines and the key's record in one transaction;
   * the registration's status and sessions are the seat decision (`pending`: no seat, no line;
   * `overCapacity`: confirmed apart from the seats).
   */
  insert(registration: StoredRegistration, keyed?: KeyedRequestRecord): Promise<InsertOutcome>;
  /**
   * A pending registration approved: `after` takes seats as `decision` says (lines by its
   * approval time), with its email, in one transaction; `stale` when it or the counters moved.
   * Writers colliding on the counters are waited out until `deadline` (epoch ms; then 503, nothing written).
   */
  approve(before: StoredRegistration, after: StoredRegistration, decision: SeatDecision, deadline?: number): Promise<'ok' | 'stale'>;
  /** A pending registration denied: status, counts, the email guard freed and the email owed, in one transaction. */
  deny(before: StoredRegistration, after: StoredRegistration, deadline?: number): Promise<'ok' | 'stale'>;
  /** The record of an Idempotency-Key, unless there is none or it has expired. */
  keyedRequest(eventId: string, key: string): Promise<KeyedRequestRecord | undefined>;
  read(eventId: string, registrationId: string): Promise<StoredRegistration | undefined>;
  /** Whether this email (normalised) already holds an active registration for the event. */
  holdsEmail(eventId: string, email: string): Promise<boolean>;
}

export interface SeatStore {
  /** The first n people waiting at each place, oldest first. */
  heads(eventId: string, wanted: Map<Place, number>): Promise<Map<Place, LineEntry[]>>;
  /** Writes a plan in one transaction; `stale` when what it read has changed. */
  /** `deadline` (epoch ms, the function's time limit) bounds the retries of a cancelled transaction. */
  apply(eventId: string, plan: SeatPlan, deadline?: number): Promise<'ok' | 'stale'>;
  /** Events whose promotions are owed (their marker is set), oldest first. */
  owedEvents(limit: number): Promise<string[]>;
}
