/**
 * Use cases: each names its steps; handlers call them with adapters, which are the only code
 * that touches AWS.
 */
import { GatepassError, notFound, serviceUnavailable } from '#domain/errors';
import { asInput, assertRegistrationOpen, newEvent, personalDataExpiry, type StoredEvent } from '#domain/event';
import { KEYED_REQUEST_SECONDS, keyInUse, type KeyedAnswer, type KeyedRequest, type KeyedRequestRecord } from '#domain/keyed-request';
import { FIRST_TOKEN_VERSION, newEventId, newRegistrationId, type StoredRegistration } from '#domain/registration';
import { allocateSeats } from '#domain/seats';
import type { EventStore, RegistrationStore } from '#domain/ports';
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
export async function createEvent(store: EventStore, input: EventInput, now = new Date()): Promise<StoredEvent> {
  const event = newEvent(newEventId(), input, now);
  await store.create(event);
  return event;
}

/**
 * Changes any subset of an event's fields.
 * 1. Read the event; merge the patch; validate the merged event as a whole (`validate`).
 * 2. Write it under its version, with the counters' new capacities under `confirmed <= capacity`,
 *    new sessions' counters created and removed sessions' counters deleted only while empty.
 * 3. A concurrent PATCH (stale version) is retried from step 1.
 */
export async function updateEvent(
  store: EventStore,
  eventId: string,
  patch: EventPatch,
  validate: (merged: EventInput) => EventInput,
  now = new Date(),
): Promise<StoredEvent> {
  for (let attempt = 0; attempt < MAX_DECISIONS; attempt++) {
    const page = await store.read(eventId);
    if (!page) throw notFound();
    const before = page.event;
    const merged = validate({
      ...asInput(before),
      ...patch,
      registration: { ...before.registration, ...patch.registration },
    });
    const after: StoredEvent = {
      ...before,
      ...merged,
      description: merged.description ?? null,
      registration: { ...before.registration, ...merged.registration },
      sessions: merged.sessions ?? [],
      fields: merged.fields ?? [],
      updatedAt: now.toISOString(),
      version: before.version + 1,
    };
    const outcome = await store.update(before, after);
    if (outcome === 'ok') return after;
    if (outcome === 'capacity_below_confirmed') {
      throw new GatepassError(422, 'capacity_below_confirmed', {
        detail: 'A capacity may not go below the seats already confirmed.',
        errors: [{ path: 'capacity', message: 'below the seats already confirmed' }],
      });
    }
    if (outcome === 'session_in_use') {
      throw new GatepassError(409, 'session_in_use', { detail: 'A removed session still holds registrations.' });
    }
  }
  throw serviceUnavailable();
}

/**
 * Registers a participant.
 * 1. Read the event and its counters (one query); 404 if unknown.
 * 2. Check the registration window (409 registration_closed).
 * 3. Validate the body against the event's own sessions and fields (`parse`, 422).
 * 4. Decide seats from the counters (confirmed / waitlisted, or 409 sold_out, unless the email
 *    already holds a registration: then 409 already_registered).
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
  } = {},
): Promise<StoredRegistration> {
  const { keyed, deadline = Infinity, now = () => new Date() } = options;
  const id = newRegistrationId();
  let input: RegistrationInput | undefined;
  for (let attempt = 0; attempt < MAX_DECISIONS; attempt++) {
    const page = await events.read(eventId);
    if (!page) throw notFound();
    const at = now();
    assertRegistrationOpen(page.event, at);
    input ??= parse(page.event);
    let decision;
    try {
      decision = allocateSeats(page.counters, input.sessions ?? [], page.event.registration.waitlist);
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
    };
    const record: KeyedRequestRecord | undefined = keyed && {
      key: keyed.key,
      fingerprint: keyed.fingerprint,
      ...(await keyed.answer(registration)),
      expiresAt: Math.floor(at.getTime() / 1000) + KEYED_REQUEST_SECONDS,
    };
    const outcome = await registrations.insert(registration, decision, record);
    if (outcome === 'ok') return registration;
    // The key first: a repeat also finds its own email taken, and is answered as a repeat.
    if (outcome === 'key_taken') throw keyInUse();
    if (outcome === 'duplicate') throw alreadyRegistered();
    // A stale decision wrote nothing: with too little time left for another, say so.
    if (Date.now() > deadline - DECISION_MARGIN_MS) break;
  }
  throw serviceUnavailable();
}

