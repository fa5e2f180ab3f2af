/**
 * The outbox: every change that owes an email writes one item in the same transaction as the
 * change, so no change can happen without its email being owed. Items hold ids only (no PII);
 * the mailer reads the registration when it sends.
 */
/** Approval: `pending` ("received, awaits approval"), `denied` (with the admin's reason, if any).
 * `schedule_changed`: the event's dates, venue or a session's times changed (a change notice, with a fresh .ics). */
export type EmailKind =
  | 'confirmed'
  | 'waitlisted'
  | 'promoted'
  | 'cancelled'
  | 'manage_link'
  | 'pending'
  | 'denied'
  | 'schedule_changed'
  | MeetingEmailKind;
/** B2B meetings: each side hears of each change (API.md); the item names the meeting. */
export type MeetingEmailKind = 'meeting_requested' | 'meeting_scheduled' | 'meeting_declined' | 'meeting_cancelled' | 'meeting_expired';
export const isMeetingEmail = (kind: EmailKind): kind is MeetingEmailKind => kind.startsWith('meeting_');
/** `suppressed`: held back by the per-address cap (EMAILS_PER_ADDRESS), kept for redrive. */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'suppressed';

export interface OutboxItem {
  id: string;
  kind: EmailKind;
  eventId: string;
  registrationId: string;
  /** The meeting a meeting email is about. */
  meetingId?: string;
  status: OutboxStatus;
  attempts: number;
  createdAt: string;
  nextAttemptAt: string;
  lastError?: string;
  /** Put back by redrive: sent even over the per-address cap (an operator chose to). */
  capExempt?: boolean;
}

/** Attempts before an item is marked failed (the alarm fires; `redrive` puts it back). */
export const MAX_ATTEMPTS = 6;

/** Exponential backoff after a failed attempt: 30 s, 1 min, 2 min, 4 min, 8 min… capped at 1 h. */
export function nextAttemptAfter(attempts: number, now: Date, baseSeconds = 30): Date {
  const seconds = Math.min(3600, baseSeconds * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + seconds * 1000);
}

/** A claim older than this is taken to belong to a process that died mid-send. */
export const CLAIM_TIMEOUT_MS = 5 * 60_000;

/**
 * API.md Emails: no address gets more than this many registration emails from one event in 24
 * hours, so registering and cancelling a stranger's address in a loop cannot flood their inbox.
 * Manage-link, meeting and approval-decision (`denied`) emails and change notices are not counted; `pending` ("received") is.
 */
export const EMAILS_PER_ADDRESS = 6;
export const EMAIL_CAP_WINDOW_MS = 24 * 3600_000;
/** An organiser's change must reach everyone (API.md Emails). */
export const countsTowardsCap = (kind: EmailKind) =>
  kind !== 'manage_link' && kind !== 'denied' && kind !== 'schedule_changed' && !isMeetingEmail(kind);

export interface CapEntry {
  id: string;
  at: string;
}

/**
 * Whether outbox item `id` may be sent now, given the sends this address had from this event
 * (`sent`), and what to keep: the window's entries, with this one added. An item already counted
 * (a retried send) is allowed again without counting twice.
 */
export function emailAllowance(sent: readonly CapEntry[], id: string, now: Date): { allowed: boolean; keep: CapEntry[] } {
  const from = now.getTime() - EMAIL_CAP_WINDOW_MS;
  const recent = sent.filter((e) => Date.parse(e.at) > from);
  if (recent.some((e) => e.id === id)) return { allowed: true, keep: recent };
  if (recent.length >= EMAILS_PER_ADDRESS) return { allowed: false, keep: recent };
  return { allowed: true, keep: [...recent, { id, at: now.toISOString() }] };
}
