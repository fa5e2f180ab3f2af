/**
 * The outbox: every change that owes an email writes one item in the same transaction as the
 * change, so no change can happen without its email being owed. Items hold ids only (no PII);
 * the mailer reads the registration when it sends.
 */
export type EmailKind = 'confirmed' | 'waitlisted' | 'promoted' | 'cancelled' | 'manage_link';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface OutboxItem {
  id: string;
  kind: EmailKind;
  eventId: string;
  registrationId: string;
  status: OutboxStatus;
  attempts: number;
  createdAt: string;
  nextAttemptAt: string;
  lastError?: string;
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
