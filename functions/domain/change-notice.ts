/**
 * Change notices (issue #14): when a PATCH moves the event's dates or venue, or a session's times,
 * every active registrant is emailed in their locale with a fresh .ics whose SEQUENCE is higher,
 * so their calendar updates. The PATCH's transaction owes one "change notice" item; the sweeper
 * fans it out to one outbox item per registrant (adapters/change-notice-store.ts). Pure.
 */
import { createHash } from 'node:crypto';
import type { StoredEvent } from '#domain/event';

/** Who is told: everyone still expecting to come (a pending status counts where it exists). */
export const NOTIFIED_STATUSES: readonly string[] = ['confirmed', 'waitlisted', 'pending'];

/** Whether the change is one registrants are told of: the event's dates or venue, or a kept session's times. */
export function scheduleChanged(before: StoredEvent, after: StoredEvent): boolean {
  if (before.startsAt !== after.startsAt || before.endsAt !== after.endsAt || before.venue !== after.venue) return true;
  const was = new Map(before.sessions.map((s) => [s.id, s]));
  return after.sessions.some((s) => {
    const old = was.get(s.id);
    return old !== undefined && (old.startsAt !== s.startsAt || old.endsAt !== s.endsAt);
  });
}

/**
 * The outbox id of one registrant's notice for one change: deterministic, so a retried or resumed
 * fan-out step writes the same item (a conditional put) and nobody is emailed twice. Hex, as every
 * outbox id (its first byte picks the pending shard).
 */
export function noticeOutboxId(eventId: string, sequence: number, registrationId: string): string {
  return createHash('sha256').update(`change-notice\0${eventId}\0${sequence}\0${registrationId}`).digest('hex').slice(0, 24);
}
