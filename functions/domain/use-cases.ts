/**
 * Use cases: each names its steps; handlers call them with adapters, which are the only code
 * that touches AWS.
 */
import { scheduleChanged } from '#domain/change-notice';
import { GatepassError, notFound, serviceUnavailable } from '#domain/errors';
import {
  asInput,
  assertRegistrationOpen,
  needsApproval,
  newEvent,
  personalDataExpiry,
  sessionInUse,
  type EventCounters,
  type StoredEvent,
} from '#domain/event';
import { KEYED_REQUEST_SECONDS, keyInUse, type KeyedAnswer, type KeyedRequest, type KeyedRequestRecord } from '#domain/keyed-request';
import { FIRST_TOKEN_VERSION, newEventId, newRegistrationId, type StoredRegistration } from '#domain/registration';
import { allocateSeats, type SeatDecision } from '#domain/seats';
import type { EventStore, RegistrationStore, SeatStore } from '#domain/ports';
import { promotionStep } from '#domain/seat-changes';
import { MAX_TRANSACTION_WRITES } from '#domain/seat-ledger';
import type { EventInput, EventPatch } from '#schemas/event';
import type { RegistrationInput } from '#schemas/registration';

const alreadyRegistered = () =>
  new GatepassError(409, 'already_registered', { detail: 'This email already holds a registration for the event.' });

/** Stale decisions are rare (only at the full/not-full boundary), but a burst can repeat them. */
const MAX_DECISIONS = 12;
/** Time one more decision needs (read, decide, write). */
const DECISION_MARGIN_MS = 1500;

/**
 * Creates an event.
 * 1. Apply defaults (registration window, waitlist).
 * 2. Write the event and its seat counters (event and each session) in one transaction.
 */
export async function createEvent(store: EventStore, input: EventInput, now = new Date(), deadline = Infinity): Promise<StoredEvent> {
  const event = newEvent(newEventId(), input, now);
  // Not begun without time for the write (503, nothing written), rather than cut off after it.
  if (Date.now() > deadline - DECISION_MARGIN_MS) throw serviceUnavailable();
  await store.create(event);
  return event;
}

/**
 * Changes any subset of an event's fields.
 * 1. Read the event and its counters; merge the patch; validate the merged event as a whole (`validate`).
 * 2. Refuse from what was read: a capacity below the seats confirmed (422 capacity_below_confirmed),
 *    a removed session that anyone holds, waits for, or chose from the event's line (409 session_in_use).
 * 3. Plan the first step of the promotions the new capacities make possible (bounded by the
 *    writes left beside the event's own; the rest owed, the marker set).
 * 4. Write the event, the counters' capacities, added and removed session counters and that step
 *    in one transaction, under conditions that re-check step 2: the change and its promotions
 *    apply together or not at all. Anything stale (another PATCH, a seat taken) is decided afresh
 *    from step 1, while time is left (503, nothing written).
 */
export async function updateEvent(
  stores: { events: EventStore; seats: SeatStore },
  eventId: string,
  patch: EventPatch,
  validate: (merged: EventInput) => EventInput,
  options: {
    deadline?: number;
    now?: () => Date;
    /**
     * A change of the meetings programme: refuses (422) one that would strand a scheduled
     * meeting, and returns the bookings count it judged on (the write conditions on it).
     */
    meetingsGuard?: (before: StoredEvent, after: StoredEvent) => Promise<number>;
  } = {},
): Promise<{ event: StoredEvent; owed: boolean }> {
  const { deadline = Infinity, now = () => new Date(), meetingsGuard } = options;
  for (let attempt = 0; attempt < MAX_DECISIONS; attempt++) {
    const page = await stores.events.read(eventId);
    if (!page) throw notFound();
    const before = page.event;
    const merged = validate({
      ...asInput(before),
      ...patch,
      registration: { ...before.registration, ...patch.registration },
    });
    const at = now();
    const after: StoredEvent = {
      ...before,
      ...merged,
      description: merged.description ?? null,
      registration: { ...before.registration, ...merged.registration },
      sessions: merged.sessions ?? [],
      fields: merged.fields ?? [],
      checkin: { reentry: patch.checkin?.reentry ?? before.checkin?.reentry ?? true },
      meetings: merged.meetings ?? null,
      updatedAt: at.toISOString(),
      version: before.version + 1,
    };
    // Those awaiting approval would be stranded (nobody left to approve them): decide them first.
    if (needsApproval(before) && !needsApproval(after) && (page.counters.event.pending ?? 0) > 0) {
      throw new GatepassError(422, 'validation_failed', {
        detail: 'Approval cannot be turned off while registrations are pending: approve or deny them first.',
        errors: [{ path: 'registration.approval', message: 'registrations are still pending approval' }],
      });
    }
    // A change registrants are told of raises the calendar's SEQUENCE and owes one notice item.
    const notice = scheduleChanged(before, after);
    if (notice) after.calendarSequence = (before.calendarSequence ?? 0) + 1;
    const counters = countersAfter(page.counters, before, after);
    const removed = before.sessions.filter((s) => !after.sessions.some((a) => a.id === s.id));
    if (removed.some((s) => sessionInUse(page.counters.sessions[s.id]))) {
      throw new GatepassError(409, 'session_in_use', {
        detail: 'A removed session is held, waited for, or chosen by someone in the event’s line.',
      });
    }
    // The event's own writes: its item, a counter per capacity changed, added or removed.
    const old = new Map(before.sessions.map((s) => [s.id, s.capacity]));
    const eventWrites =
      1 +
      (notice ? 1 : 0) +
      (after.capacity !== before.capacity ? 1 : 0) +
      after.sessions.filter((s) => old.get(s.id) !== s.capacity).length +
      removed.length +
      // Turning approval off checks that nobody is pending (event-store.ts), one more item.
      (needsApproval(before) && !needsApproval(after) ? 1 : 0);
    // A change of the meetings programme adds one check (no booking since it was judged).
    const programmeChanged = JSON.stringify(before.meetings ?? null) !== JSON.stringify(after.meetings ?? null);
    const step = await promotionStep(
      stores.seats,
      eventId,
      { ...page, event: after, counters },
      at.toISOString(),
      MAX_TRANSACTION_WRITES - 1 - eventWrites - (programmeChanged && meetingsGuard ? 1 : 0),
    );
    if (step?.owed && page.owedPromotions !== undefined) step.owed = undefined;
    const bookingsSeen = programmeChanged && meetingsGuard ? await meetingsGuard(before, after) : undefined;
    if (Date.now() > deadline - DECISION_MARGIN_MS) break;
    const outcome = await stores.events.update(before, after, step, bookingsSeen);
    if (outcome === 'ok') return { event: after, owed: step?.owed !== undefined || page.owedPromotions !== undefined };
  }
  throw serviceUnavailable();
}

/** The counters as the new event will have them (new capacities, new sessions, removed ones gone); 422 below the confirmed. */
function countersAfter(counters: EventCounters, before: StoredEvent, after: StoredEvent): EventCounters {
  const below = (path: string) =>
    new GatepassError(422, 'capacity_below_confirmed', {
      detail: 'A capacity may not go below the seats already confirmed.',
      errors: [{ path, message: 'below the seats already confirmed' }],
    });
  if (after.capacity < counters.event.confirmed) throw below('capacity');
  const sessions: EventCounters['sessions'] = {};
  after.sessions.forEach((s, i) => {
    const c = before.sessions.some((b) => b.id === s.id) ? counters.sessions[s.id] : undefined;
    if (c && s.capacity < c.confirmed) throw below(`sessions.${i}.capacity`);
    sessions[s.id] = c ? { ...c, capacity: s.capacity } : { capacity: s.capacity, confirmed: 0, waitlisted: 0, checkedIn: 0 };
  });
  return { event: { ...counters.event, capacity: after.capacity }, sessions };
}

/**
 * Registers a participant.
 * 1. Read the event and its counters (one query); 404 if unknown.
 * 2. Check the registration window (409 registration_closed).
 * 3. Validate the body against the event's own sessions and fields (`parse`, 422).
 * 4. Decide seats from the counters (confirmed / waitlisted, or 409 sold_out, unless the email
 *    already holds a registration: then 409 already_registered). An event that asks for approval
 *    takes no seat yet: `pending`. An admin's registration ignores the window (step 2), is its own
 *    approval, and with `overCapacity` is confirmed over the capacity (counted apart, no seat).
 * 5. With an Idempotency-Key, render the answer (`keyed.answer`) to keep in the key's record.
 * 6. Write registration, email guard, counters, lines and the key's record in one transaction: a
 *    duplicate email is 409 already_registered; a key already recorded is 409
 *    request_in_progress (the caller replays the record); counters that moved across
 *    full/not-full mean a stale decision, taken again from step 1 while time is left (503).
 */
export async function register(
  events: EventStore,
  registrations: RegistrationStore,
  eventId: string,
  parse: (event: StoredEvent) => RegistrationInput,
  options: {
    keyed?: KeyedRequest & { answer(registration: StoredRegistration): Promise<KeyedAnswer> };
    /** Epoch ms after which no new decision starts (the function's time limit): 503 instead. */
    deadline?: number;
    now?: () => Date;
    /** Registered by an admin (press, VIP): only then may the body ask for `overCapacity`. */
    admin?: boolean;
  } = {},
): Promise<StoredRegistration> {
  const { keyed, deadline = Infinity, now = () => new Date(), admin } = options;
  const id = newRegistrationId();
  let parsed: { version: number; input: RegistrationInput } | undefined;
  for (let attempt = 0; attempt < MAX_DECISIONS; attempt++) {
    const page = await events.read(eventId);
    if (!page) throw notFound();
    const at = now();
    if (!admin) assertRegistrationOpen(page.event, at);
    // Judged again against an event changed meanwhile (a session removed is then a 422).
    if (parsed?.version !== page.event.version) parsed = { version: page.event.version, input: parse(page.event) };
    const input = parsed.input;
    if (input.overCapacity && !admin) throw new GatepassError(403, 'forbidden', { detail: 'Only an admin may register over capacity.' });
    const overCapacity = admin === true && input.overCapacity === true;
    let decision: SeatDecision | { status: 'pending' | 'confirmed'; sessions: StoredRegistration['sessions'] };
    try {
      decision = overCapacity
        ? { status: 'confirmed', sessions: (input.sessions ?? []).map((sid) => ({ id: sid, status: 'confirmed', overCapacity: true })) }
        : needsApproval(page.event) && !admin
          ? { status: 'pending', sessions: (input.sessions ?? []).map((sid) => ({ id: sid, status: 'pending' })) }
          : allocateSeats(page.counters, input.sessions ?? [], page.event.registration.waitlist);
    } catch (soldOut) {
      // Someone who already holds a registration hears that, not that the event is full.
      if (await registrations.holdsEmail(eventId, input.email)) throw alreadyRegistered();
      throw soldOut;
    }
    const stamp = at.toISOString();
    const registration: StoredRegistration = {
      id,
      eventId,
      status: decision.status,
      email: input.email,
      name: input.name,
      organization: input.organization || null,
      jobTitle: input.jobTitle || null,
      locale: input.locale ?? 'en',
      // A seat waiting in a session line keeps its place by arrival.
      sessions: decision.sessions.map((x) => (decision.status === 'confirmed' && x.status === 'waitlisted' ? { ...x, arrival: stamp } : x)),
      answers: input.answers ?? {},
      consent: input.consent,
      createdAt: stamp,
      updatedAt: stamp,
      checkedInAt: null,
      tokenVersion: FIRST_TOKEN_VERSION,
      expiresAt: personalDataExpiry(page.event),
      ...(overCapacity ? { overCapacity: true } : {}),
    };
    const record: KeyedRequestRecord | undefined = keyed && {
      key: keyed.key,
      fingerprint: keyed.fingerprint,
      ...(await keyed.answer(registration)),
      expiresAt: Math.floor(at.getTime() / 1000) + KEYED_REQUEST_SECONDS,
    };
    // Before each write: with too little time left for it, not begun (503, nothing written).
    if (Date.now() > deadline - DECISION_MARGIN_MS) break;
    const outcome = await registrations.insert(registration, record);
    if (outcome === 'ok') return registration;
    // The key first: a repeat also finds its own email taken, and is answered as a repeat.
    if (outcome === 'key_taken') throw keyInUse();
    if (outcome === 'duplicate') throw alreadyRegistered();
    // A stale decision wrote nothing: with too little time left for another, say so.
    if (Date.now() > deadline - DECISION_MARGIN_MS) break;
  }
  throw serviceUnavailable();
}
