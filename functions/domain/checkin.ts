/**
 * Check-in rules. A place is the venue entrance or one session; each registration is checked in
 * at most once per place, the earliest scan winning. A session scan of someone not yet seen at
 * the entrance checks them in at the venue too. Pure: the adapter makes each rule a condition.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Direction } from '#domain/checkin-rules';
import { GatepassError } from '#domain/errors';
import type { StoredRegistration } from '#domain/registration';

// The place rules live apart so that the scanner's offline judge runs the very same code.
export { placesOf, type CheckinPlace } from '#domain/checkin-rules';

export interface Scan {
  registrationId: string;
  sessionId?: string;
  scannedAt: string;
  deviceId: string | null;
  scanId: string | null;
  manual: boolean;
  /**
   * Uploaded by an offline scanner: its time is when the person was seen, so the earliest
   * wins even over an earlier-written scan. Online, the first scan written wins.
   */
  offline: boolean;
  /**
   * What the scanner showed the person (batch items): an `admitted` scan is logged with every
   * admission, so two devices admitting one badge offline are found. Online, the answer is the verdict.
   */
  verdict?: 'admitted' | 'refused';
  /** `in` (default) or `out` (an exit). */
  direction: Direction;
  /** The scan's own key in the scan log (see scanKey): the same scan uploaded again has the same. */
  key: string;
}

/**
 * A scan's key: a device's scan id names one scan however often it is uploaded (an offline
 * upload without one is named by its device, and its time completes the log's key); an online
 * scan without one is a scan of its own.
 */
export function scanKey(deviceId: string | null, scanId: string | null, offline: boolean): string {
  const name = scanId !== null || offline ? `${deviceId ?? ''}\n${scanId ?? ''}` : randomUUID();
  return createHash('sha256').update(name).digest('base64url').slice(0, 16);
}

export interface FirstScan {
  at: string;
  deviceId: string | null;
}

/** How far in the future a scanner's clock may be. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The scan's time: the server's when absent. Not more than 5 minutes ahead, and not before the
 * event existed (`notBefore`, its creation): a scanner whose clock reset to 1970 must not win
 * "earliest scan" forever.
 */
export function scanTime(scannedAt: string | undefined, now: Date, notBefore?: string): string {
  if (scannedAt === undefined) return now.toISOString();
  const t = Date.parse(scannedAt);
  if (t > now.getTime() + MAX_CLOCK_SKEW_MS) {
    throw new GatepassError(422, 'validation_failed', { errors: [{ path: 'scannedAt', message: 'more than 5 minutes in the future' }] });
  }
  if (notBefore !== undefined && t < Date.parse(notBefore)) {
    throw new GatepassError(422, 'validation_failed', { errors: [{ path: 'scannedAt', message: 'before the event was created' }] });
  }
  return new Date(t).toISOString();
}

/** What the door needs to see. */
export function doorView(r: StoredRegistration) {
  return { id: r.id, name: r.name, organization: r.organization, sessions: r.sessions.map(({ id, status }) => ({ id, status })) };
}
