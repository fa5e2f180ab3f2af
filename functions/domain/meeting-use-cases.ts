/**
 * Meeting use cases: request, accept, decline, cancel, check-in, and what time does to a meeting
 * (expiry, no-show), judged whenever a meeting is read and by the sweeper. Each change is one
 * transaction of the store under the condition that the meeting is as read; a change that lost a
 * race reads again and decides afresh (bounded).
 */
import { GatepassError, notFound, serviceUnavailable } from '#domain/errors';
import type { StoredEvent } from '#domain/event';
import {
  bookableSlots,
  dueChange,
  isOpen,
  iso,
  MAX_BOOKING_TRIES,
  meetingExists,
  meetingLimitReached,
  meetingNotOpen,
  noCommonSlot,
  notInMeeting,
  planMeeting,
  slotsOf,
  type MeetingSettings,
  type StoredMeeting,
} from '#domain/meetings';
import { personalDataExpiry } from '#domain/event';
import { timeLeft } from '#domain/seat-changes';
import type { StoredRegistration } from '#domain/registration';
import type { meetingStore, MeetingEffects } from '#adapters/meeting-store';

export interface MeetingPorts {
  meetings: typeof meetingStore;
  readRegistration(eventId: string, registrationId: string): Promise<StoredRegistration | undefined>;
  readEvent(eventId: string): Promise<StoredEvent | undefined>;
  now(): Date;
  newId(): string;
}

/** Changes of one meeting that lost a race are decided again this many times. */
const MAX_CHANGES = 6;

export function programmeOf(event: StoredEvent): MeetingSettings {
  if (!event.meetings) throw notFound('This event runs no meetings programme.');
  return event.meetings;
}

/** The meeting as time has made it: an unanswered request past requestHours expires, an absent side is a no-show. */
export async function settle(ports: MeetingPorts, meeting: StoredMeeting): Promise<StoredMeeting> {
  let m = meeting;
  for (let attempt = 0; attempt < MAX_CHANGES; attempt++) {
    const now = ports.now();
    const due = dueChange(m, now);
    if (!due) return m;
    const after: StoredMeeting = { ...m, ...due, updatedAt: now.toISOString() };
    const effects: MeetingEffects =
      due.status === 'expired'
        ? {
            pair: 'close',
            loads: [{ registrationId: m.requester, delta: -1 }],
            counts: { requested: -1 },
            emails: [
              { kind: 'meeting_expired', registrationId: m.requester },
              { kind: 'meeting_expired', registrationId: m.invitee },
            ],
          }
        : // A no-show's table is free for the rest of the slot; the people's time stays theirs.
          { pair: 'close', free: 'table', counts: { scheduled: -1, noShow: 1 } };
    if ((await ports.meetings.change(m, after, effects)) === 'ok') return after;
    const again = await ports.meetings.read(m.eventId, m.id);
    if (!again) throw notFound('No such meeting.');
    m = again;
  }
  throw serviceUnavailable();
}

export async function readSettled(ports: MeetingPorts, eventId: string, meetingId: string): Promise<StoredMeeting> {
  const m = /^[A-Za-z0-9_-]{16}$/.test(meetingId) ? await ports.meetings.read(eventId, meetingId) : undefined;
  if (!m) throw notFound('No such meeting.');
  return settle(ports, m);
}

const notListed = () =>
  new GatepassError(403, 'forbidden', { detail: 'Only a confirmed registration with a visible meeting profile may ask for meetings.' });

const listable = async (ports: MeetingPorts, eventId: string, registrationId: string) => {
  const r = await ports.readRegistration(eventId, registrationId);
  const profile = r?.status === 'confirmed' ? await ports.meetings.readProfile(eventId, registrationId) : undefined;
  return r && profile?.visible ? r : undefined;
};

/**
 * A meeting request.
 * 1. Both sides confirmed with a visible profile (the requester: 403; the invitee: 404); not oneself (422).
 * 2. Write the request, the pair's open meeting (none may be open, none after the invitee
 *    declined: 409 meeting_exists), the requester's load (within the limit: 409
 *    meeting_limit_reached), the count and both emails, in one transaction. A pair whose open
 *    request has expired meanwhile is settled first, then asked again.
 */
export async function requestMeeting(
  ports: MeetingPorts,
  event: StoredEvent,
  requesterId: string,
  body: { with: string; message?: string },
): Promise<StoredMeeting> {
  const settings = programmeOf(event);
  if (body.with === requesterId)
    throw new GatepassError(422, 'validation_failed', { errors: [{ path: 'with', message: 'a meeting needs another person' }] });
  const [requester, invitee] = await Promise.all([listable(ports, event.id, requesterId), listable(ports, event.id, body.with)]);
  if (!requester) throw notListed();
  if (!invitee) throw notFound('No visible meeting profile of that registration.');
  for (let attempt = 0; attempt < 2; attempt++) {
    const now = ports.now();
    const at = now.toISOString();
    const meeting: StoredMeeting = {
      id: ports.newId(),
      eventId: event.id,
      requester: requester.id,
      invitee: invitee.id,
      status: 'requested',
      message: body.message ? body.message : null,
      createdAt: at,
      updatedAt: at,
      expiresAt: iso(now.getTime() + settings.requestHours * 3_600_000),
      startsAt: null,
      endsAt: null,
      table: null,
      present: [],
      noShow: null,
      cancelledBy: null,
    };
    const outcome = await ports.meetings.change(
      undefined,
      meeting,
      {
        pair: 'open',
        loads: [{ registrationId: requester.id, delta: 1, max: settings.maxPerParticipant }],
        counts: { requested: 1 },
        emails: [
          { kind: 'meeting_requested', registrationId: invitee.id },
          { kind: 'meeting_requested', registrationId: requester.id },
        ],
        confirmed: [requester.id, invitee.id],
      },
      personalDataExpiry(event),
    );
    if (outcome === 'ok') return meeting;
    if (outcome === 'limit') throw meetingLimitReached();
    // A side cancelled since it was read: judged as if it had been read cancelled.
    if (outcome === 'not_confirmed') {
      if ((await ports.readRegistration(event.id, requester.id))?.status !== 'confirmed') throw notListed();
      throw notFound('No visible meeting profile of that registration.');
    }
    if (outcome !== 'exists') throw serviceUnavailable();
    // The open one may be a request that time has expired: settle it, then ask once more.
    const open = await ports.meetings.openMeetingOfPair(event.id, requester.id, invitee.id);
    const settled = open ? await ports.meetings.read(event.id, open).then((m) => m && settle(ports, m)) : undefined;
    if (!settled || isOpen(settled.status) || attempt > 0) throw meetingExists();
  }
  throw meetingExists();
}

/**
 * Accepting a request books the earliest slot in which both people and a table are free.
 * 1. Read the meeting (settled: an expired request is not open); only the invitee accepts.
 * 2. Read both people's busy slots (their own partitions) and the programme's occupancy
 *    (one item per slot); plan with `planMeeting`: none in common is 409 no_common_slot.
 * 3. One transaction: a person-slot item per side and the table-slot item (each only if
 *    absent), the meeting under status `requested`, the invitee's load (limit), the counts, the
 *    event's version (the programme as read) and both emails. A transaction cancelled by a
 *    concurrent one is retried by the store while the function's time lasts (it says nothing
 *    about slots). A slot or table taken meanwhile (another booking) or a programme changed
 *    re-plans from fresh reads, at most MAX_BOOKING_TRIES times; then 409 no_common_slot, the
 *    request left as it was. Out of time before a write: 503, nothing written.
 */
export async function acceptMeeting(
  ports: MeetingPorts,
  eventId: string,
  meetingId: string,
  inviteeId: string,
  options: { deadline?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<StoredMeeting> {
  const { deadline, sleep = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)) } = options;
  // Reads that did not re-plan (the meeting or a side changed) end at the next read's checks;
  // the second bound only stops a runaway.
  for (let replans = 0, reads = 0; replans < MAX_BOOKING_TRIES && reads < 2 * MAX_BOOKING_TRIES; reads++) {
    const event = await ports.readEvent(eventId);
    if (!event) throw notFound();
    const settings = programmeOf(event);
    const m = await readSettled(ports, eventId, meetingId);
    if (m.invitee !== inviteeId) throw new GatepassError(403, 'forbidden', { detail: 'Only the invitee answers a request.' });
    if (m.status !== 'requested') throw meetingNotOpen(m.status);
    // A side whose registration was cancelled (its meetings about to be cancelled) books nothing.
    await assertBothConfirmed(ports, eventId, m, inviteeId);
    const now = ports.now();
    const slots = slotsOf(settings);
    const [mine, theirs, taken] = await Promise.all([
      ports.meetings.busySlots(eventId, m.invitee),
      ports.meetings.busySlots(eventId, m.requester),
      ports.meetings.occupancy(eventId),
    ]);
    const plan = planMeeting({ slots: bookableSlots(slots, now), tables: settings.tables, busy: new Set([...mine, ...theirs]), taken });
    if (!plan) throw noCommonSlot();
    if (!timeLeft(deadline)) throw serviceUnavailable();
    const slot = slots.find((s) => s.startsAt === plan.slot)!;
    const after: StoredMeeting = {
      ...m,
      status: 'scheduled',
      startsAt: slot.startsAt,
      endsAt: slot.endsAt,
      table: plan.table,
      updatedAt: now.toISOString(),
    };
    const outcome = await ports.meetings.change(
      m,
      after,
      {
        book: { slot: slot.startsAt, table: plan.table, eventVersion: event.version },
        loads: [{ registrationId: m.invitee, delta: 1, max: settings.maxPerParticipant }],
        counts: { requested: -1, scheduled: 1 },
        emails: [
          { kind: 'meeting_scheduled', registrationId: m.requester },
          { kind: 'meeting_scheduled', registrationId: m.invitee },
        ],
        confirmed: [m.requester, m.invitee],
      },
      personalDataExpiry(event),
      deadline,
    );
    if (outcome === 'ok') return after;
    if (outcome === 'limit') throw meetingLimitReached();
    // Only a plan that lost its slot or table (or its programme) spends a re-plan; stale or
    // not_confirmed (the meeting or a side changed) is answered by the next read's checks.
    if (outcome === 'slot_taken' || outcome === 'event_changed') replans++;
    // Read everything again after a jittered pause, so the losers of one race do not race again at once.
    await sleep(Math.random() * Math.min(500, 10 * 2 ** replans));
    if (!timeLeft(deadline)) throw serviceUnavailable();
  }
  throw noCommonSlot();
}

export async function declineMeeting(ports: MeetingPorts, eventId: string, meetingId: string, inviteeId: string): Promise<StoredMeeting> {
  for (let attempt = 0; attempt < MAX_CHANGES; attempt++) {
    const m = await readSettled(ports, eventId, meetingId);
    if (m.invitee !== inviteeId) throw new GatepassError(403, 'forbidden', { detail: 'Only the invitee answers a request.' });
    if (m.status !== 'requested') throw meetingNotOpen(m.status);
    const after: StoredMeeting = { ...m, status: 'declined', updatedAt: ports.now().toISOString() };
    const outcome = await ports.meetings.change(m, after, {
      pair: 'decline',
      loads: [{ registrationId: m.requester, delta: -1 }],
      counts: { requested: -1 },
      emails: [
        { kind: 'meeting_declined', registrationId: m.requester },
        { kind: 'meeting_declined', registrationId: m.invitee },
      ],
    });
    if (outcome === 'ok') return after;
  }
  throw serviceUnavailable();
}

/**
 * Cancels an open meeting (either side, an admin, or the cascade of a cancelled registration):
 * a scheduled one frees both person-slots and the table-slot in the same transaction.
 * `notify`: who is emailed (both sides, or only the side that did not cancel its registration).
 */
export async function cancelMeeting(
  ports: MeetingPorts,
  eventId: string,
  meetingId: string,
  by: string,
  options: { notify?: 'both' | 'other'; owedDone?: boolean } = {},
): Promise<StoredMeeting> {
  for (let attempt = 0; attempt < MAX_CHANGES; attempt++) {
    const m = await readSettled(ports, eventId, meetingId);
    if (by !== 'admin' && by !== m.requester && by !== m.invitee)
      throw new GatepassError(403, 'forbidden', { detail: 'Not a side of this meeting.' });
    if (!isOpen(m.status)) throw meetingNotOpen(m.status);
    const after: StoredMeeting = { ...m, status: 'cancelled', cancelledBy: by, updatedAt: ports.now().toISOString() };
    const to = [m.requester, m.invitee].filter((id) => options.notify !== 'other' || id !== by);
    const emails = to.map((registrationId) => ({ kind: 'meeting_cancelled' as const, registrationId }));
    const effects: MeetingEffects =
      m.status === 'requested'
        ? { pair: 'close', loads: [{ registrationId: m.requester, delta: -1 }], counts: { requested: -1 }, emails }
        : {
            pair: 'close',
            free: 'all',
            loads: [
              { registrationId: m.requester, delta: -1 },
              { registrationId: m.invitee, delta: -1 },
            ],
            counts: { scheduled: -1 },
            emails,
          };
    if ((await ports.meetings.change(m, after, effects)) === 'ok') return after;
  }
  throw serviceUnavailable();
}

/**
 * A badge at a meeting's table: that side is present; both present → held. A badge of neither
 * side → 409 not_in_meeting; a meeting not scheduled (or a side whose registration was
 * cancelled, its meetings about to be cancelled) → 409 meeting_not_open.
 */
export async function checkInAtMeeting(
  ports: MeetingPorts,
  eventId: string,
  meetingId: string,
  registrationId: string,
): Promise<StoredMeeting> {
  for (let attempt = 0; attempt < MAX_CHANGES; attempt++) {
    const m = await readSettled(ports, eventId, meetingId);
    if (registrationId !== m.requester && registrationId !== m.invitee) throw notInMeeting();
    if (m.status === 'held' && m.present.includes(registrationId)) return m;
    if (m.status !== 'scheduled') throw meetingNotOpen(m.status);
    await assertBothConfirmed(ports, eventId, m);
    if (m.present.includes(registrationId)) return m;
    const present = [...m.present, registrationId];
    const held = present.length === 2;
    const after: StoredMeeting = { ...m, present, status: held ? 'held' : 'scheduled', updatedAt: ports.now().toISOString() };
    const confirmed = [m.requester, m.invitee];
    const outcome = await ports.meetings.change(
      m,
      after,
      held ? { pair: 'close', counts: { scheduled: -1, held: 1 }, confirmed } : { confirmed },
    );
    if (outcome === 'ok') return after;
  }
  throw serviceUnavailable();
}

/**
 * Both sides still confirmed: a cancelled caller hears 409 registration_cancelled; a meeting
 * whose other side cancelled is about to be cancelled by the cascade: 409 meeting_not_open.
 */
async function assertBothConfirmed(ports: MeetingPorts, eventId: string, m: StoredMeeting, caller?: string): Promise<void> {
  const [a, b] = await Promise.all([ports.readRegistration(eventId, m.requester), ports.readRegistration(eventId, m.invitee)]);
  const mine = caller === m.requester ? a : caller === m.invitee ? b : undefined;
  if (mine?.status === 'cancelled') throw new GatepassError(409, 'registration_cancelled');
  if (a?.status !== 'confirmed' || b?.status !== 'confirmed') throw meetingNotOpen('cancelled');
}

/**
 * How long after a cancellation its owed cascade is kept: a person's meetings are found through
 * indexes that lag the table a little, so a pass right after the cancellation may miss a meeting
 * committed just before it. Only a pass this long after it clears what was owed.
 */
export const INDEX_LAG_MS = 30_000;

/**
 * Cancels every open meeting of a cancelled registration (the work its cancellation owed), then
 * clears what was owed, unless `keepOwed` (a pass too soon after the cancellation to trust the indexes).
 */
export async function cancelMeetingsOf(
  ports: MeetingPorts,
  eventId: string,
  registrationId: string,
  options: { keepOwed?: boolean; until?: number } = {},
): Promise<number> {
  let cancelled = 0;
  for (const m of await ports.meetings.ofPerson(eventId, registrationId)) {
    // Out of time: the rest stays owed (the sweeper finishes it), and the committed answer is sent.
    if (options.until !== undefined && Date.now() > options.until) return cancelled;
    const now = await settle(ports, m);
    if (!isOpen(now.status)) continue;
    try {
      await cancelMeeting(ports, eventId, m.id, registrationId, { notify: 'other' });
      cancelled++;
    } catch (error) {
      // Closed meanwhile by someone else: nothing left to do for it.
      if (!(error instanceof GatepassError && error.code === 'meeting_not_open')) throw error;
    }
  }
  if (!options.keepOwed) await ports.meetings.clearOwed(eventId, registrationId);
  return cancelled;
}

/** The sweeper's share: owed cascades and meetings that time has changed, each bounded. */
export async function sweepMeetings(ports: MeetingPorts, until: number): Promise<{ cascades: number; settled: number }> {
  let cascades = 0;
  let settled = 0;
  for (const owed of await ports.meetings.owedCancellations(25)) {
    if (Date.now() > until) break;
    const keepOwed = ports.now().getTime() - Date.parse(owed.owedAt) < INDEX_LAG_MS;
    await cancelMeetingsOf(ports, owed.eventId, owed.registrationId, { keepOwed });
    cascades++;
  }
  for (const due of await ports.meetings.due(ports.now(), 100)) {
    if (Date.now() > until) break;
    const m = await ports.meetings.read(due.eventId, due.id);
    if (m) await settle(ports, m);
    settled++;
  }
  return { cascades, settled };
}

/**
 * Keeps a person who changed their name or organisation findable in the directory by the new one.
 * 1. Nothing to do unless the name or the organisation changed.
 * 2. Read their meeting profile; without one, nothing to do.
 * 3. Write it again: its directory entries are taken from the registration as it is now.
 * (The directory also drops an entry that no longer matches the registration, list-meeting-profiles.)
 */
export async function followRename(
  meetings: Pick<typeof meetingStore, 'readProfile' | 'putProfile'>,
  before: StoredRegistration,
  after: StoredRegistration,
  now: Date,
): Promise<void> {
  if (before.name === after.name && before.organization === after.organization) return;
  const profile = await meetings.readProfile(after.eventId, after.id);
  if (profile) await meetings.putProfile(after, profile, now.toISOString());
}
