/** Events: defaults, the registration window, and what the public page shows. Pure. */
import { GatepassError } from '#domain/errors';
import type { EventInput } from '#schemas/event';
import type { MeetingSettings } from '#domain/meetings';

export type Localized = { ko: string; en: string };
export type FormField = NonNullable<EventInput['fields']>[number];
export type SessionDef = NonNullable<EventInput['sessions']>[number];

/** An event as stored: every default applied, so readers never guess. */
export interface StoredEvent {
  id: string;
  name: Localized;
  description: Localized | null;
  venue: string;
  timezone: string;
  startsAt: string;
  endsAt: string;
  /** `approval`: new registrations wait for an admin's approval (absent on events stored before it: false). */
  registration: { opensAt: string; closesAt: string; waitlist: boolean; approval?: boolean };
  capacity: number;
  /** Days after the event that personal data is kept. */
  retentionDays: number;
  sessions: SessionDef[];
  fields: FormField[];
  /** Door rules; absent on events stored before it was kept: re-entry allowed. */
  checkin?: { reentry: boolean };
  /** The B2B matchmaking programme, when the event runs one (absent on events stored before it existed). */
  meetings?: MeetingSettings | null;
  createdAt: string;
  updatedAt: string;
  /** Optimistic lock for PATCH. */
  version: number;
  /**
   * The calendar's SEQUENCE (RFC 5545): raised by each change registrants are told of (dates,
   * venue, a session's times; domain/change-notice.ts), so every .ics sent after it replaces the
   * one before in the participant's calendar. Absent: 0.
   */
  calendarSequence?: number;
}

/** Seat counters: items of their own (not the event item, which admins edit). */
export interface SeatCounter {
  capacity: number;
  confirmed: number;
  waitlisted: number;
}
export interface EventCounters {
  /**
   * `pending`, `denied`: registrations awaiting approval and denied; `overCapacity`: confirmed by
   * an admin over the capacity (they hold no seat). Kept by ADD, so absent on older counters: 0.
   */
  event: SeatCounter & { cancelled: number; checkedIn: number; pending?: number; denied?: number; overCapacity?: number };
  /**
   * `waitingForEvent`: registrations in the event's line that chose this session (they stand in
   * no session line yet, but will ask for a seat here when promoted), so a session is never
   * removed from under them. Absent on counters written before it was kept: 0.
   */
  sessions: Record<string, SeatCounter & { checkedIn: number; waitingForEvent?: number; overCapacity?: number }>;
}

/** Whether a session still holds anyone: a seat, a place in its line, or a wish from the event's line. */
export const sessionInUse = (c: EventCounters['sessions'][string] | undefined) =>
  c !== undefined && (c.confirmed !== 0 || c.waitlisted !== 0 || (c.waitingForEvent ?? 0) > 0 || (c.overCapacity ?? 0) > 0);

/** Whether new registrations of this event wait for an admin's approval. */
export const needsApproval = (event: Pick<StoredEvent, 'registration'>) => event.registration.approval === true;

export const DEFAULT_RETENTION_DAYS = 180;

/** The counters of an event nobody has registered for yet: its capacities, every count zero. */
export function freshCounters(event: Pick<StoredEvent, 'capacity' | 'sessions'>): EventCounters {
  return {
    event: { capacity: event.capacity, confirmed: 0, waitlisted: 0, cancelled: 0, checkedIn: 0 },
    sessions: Object.fromEntries(event.sessions.map((s) => [s.id, { capacity: s.capacity, confirmed: 0, waitlisted: 0, checkedIn: 0 }])),
  };
}

/** When personal data of this event expires (epoch seconds, DynamoDB TTL): its end plus the retention. */
export const personalDataExpiry = (event: Pick<StoredEvent, 'endsAt' | 'retentionDays'>) =>
  Math.floor(Date.parse(event.endsAt) / 1000) + (event.retentionDays ?? DEFAULT_RETENTION_DAYS) * 86_400;

/** Applies API.md's defaults: registration opens now, closes when the event starts, waitlist on. */
export function newEvent(id: string, input: EventInput, now: Date): StoredEvent {
  const at = now.toISOString();
  return {
    id,
    name: input.name,
    description: input.description ?? null,
    venue: input.venue,
    timezone: input.timezone,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    registration: {
      opensAt: input.registration?.opensAt ?? at,
      closesAt: input.registration?.closesAt ?? input.startsAt,
      waitlist: input.registration?.waitlist ?? true,
      approval: input.registration?.approval ?? false,
    },
    capacity: input.capacity,
    retentionDays: input.retentionDays ?? DEFAULT_RETENTION_DAYS,
    sessions: input.sessions ?? [],
    fields: input.fields ?? [],
    checkin: { reentry: input.checkin?.reentry ?? true },
    meetings: input.meetings ?? null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

/** The stored event seen as an input again, so a PATCH can be merged and validated as a whole. */
export function asInput(event: StoredEvent): EventInput {
  return {
    name: event.name,
    ...(event.description ? { description: event.description } : {}),
    venue: event.venue,
    timezone: event.timezone,
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    registration: event.registration,
    capacity: event.capacity,
    retentionDays: event.retentionDays,
    sessions: event.sessions,
    fields: event.fields,
    checkin: event.checkin ?? { reentry: true },
    meetings: event.meetings ?? null,
  };
}

export function assertRegistrationOpen(event: StoredEvent, now: Date): void {
  const t = now.getTime();
  if (t < Date.parse(event.registration.opensAt) || t >= Date.parse(event.registration.closesAt)) {
    throw new GatepassError(409, 'registration_closed', {
      detail: `Registration is open from ${event.registration.opensAt} until ${event.registration.closesAt}.`,
    });
  }
}

const seatsLeft = (c: SeatCounter | undefined, capacity: number) => Math.max(0, capacity - (c?.confirmed ?? 0));

/** The public view: the event with `seatsLeft` for it and for each session. */
export function eventView(event: StoredEvent, counters: EventCounters) {
  const { version: _version, calendarSequence: _sequence, ...rest } = event;
  return {
    ...rest,
    registration: { ...event.registration, approval: needsApproval(event) },
    seatsLeft: seatsLeft(counters.event, event.capacity),
    sessions: event.sessions.map((s) => ({ ...s, seatsLeft: seatsLeft(counters.sessions[s.id], s.capacity) })),
  };
}
